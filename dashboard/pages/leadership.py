"""Leadership access: who reaches leadership and development schemes, department by department, and where the gaps are."""

import streamlit as st

from dashboard import data, disclosure, filters, glossary, layout, leadership, plaintext

SCHEME_KEY, COHORTS_KEY, GRADES_KEY = "leadership_scheme", "leadership_cohorts", "leadership_grades"


def chart(figure, key: str, table=None, *, desktop: bool = False) -> None:
    """Draw a figure, its title doubling as the text a screen reader announces; with `table`, that on a phone (with
    `desktop`, up to a tablet) instead."""
    if table is None:
        layout.chart(figure, key=key, alt=leadership.alt_text(figure))
    else:
        layout.chart_or_table(figure, table, key=key, desktop=desktop, alt=leadership.alt_text(figure))


active = filters.current()
layout.header(
    "Leadership access",
    "Do scientists and engineers in every department get equal access to leadership schemes, and where are the gaps?",
)
layout.filter_caption(active, ignored=["theme", "nation", "location", "workshop date"])

schemes = data.query("leadership_schemes")
departments = data.query("department_options")
scheme_names = schemes.set_index("scheme_id")
years = data.query("leadership_cohort_years")["cohort_year"].tolist()


def scheme_option(scheme_id: str) -> str:
    """A scheme's name in the picker, saying who may apply to a departmental one."""
    if scheme_id == leadership.ALL_SCHEMES:
        return "All schemes"
    row = scheme_names.loc[scheme_id]
    return row["name"] if row["kind"] != "departmental" else f"{row['name']} ({row['department_name']} staff only)"


scheme_options = [leadership.ALL_SCHEMES, *schemes["scheme_id"]]
layout.link_notices({SCHEME_KEY: map(scheme_option, scheme_options), COHORTS_KEY: years, GRADES_KEY: leadership.GRADES})
scheme_column, cohort_column, grade_column = st.columns([2, 1, 1])
chosen_scheme = scheme_column.selectbox(
    "Scheme",
    scheme_options,
    format_func=scheme_option,
    key=SCHEME_KEY,
    bind="query-params",
)
chosen_years = cohort_column.multiselect(
    "Cohort years", years, key=COHORTS_KEY, bind="query-params", placeholder="All years"
)
chosen_grades = grade_column.multiselect(
    "Grades", leadership.GRADES, key=GRADES_KEY, bind="query-params", placeholder="All grades"
)
scheme_id = None if chosen_scheme == leadership.ALL_SCHEMES else chosen_scheme
scheme = leadership.scheme_label(scheme_id, schemes)
params = {
    "department_ids": active.department_ids or None,
    "grades": tuple(chosen_grades) or None,
    "cohort_years": tuple(sorted(chosen_years)) or None,
    "scheme_id": scheme_id,
}
# Every count of people below comes through the data layer's disclosure control, all the page's tables at once.
tables = leadership.protected_tables(params)
department_schemes, department_members = tables["schemes"], tables["members"]
funnel = tables["funnel"].iloc[0].to_dict()
cohorts, grades, regions = (leadership.with_rates(tables[name]) for name in ("cohorts", "grades", "regions"))

owner = leadership.owner_department(scheme_id, schemes)
if owner:
    scope = f"{scheme_names.at[scheme_id, 'department_name']} staff"
else:
    scope = "the chosen departments" if active.department_ids else "the profession"
# The reference lines are profession-wide whatever departments are chosen; the KPIs describe the chosen ones.
profession = leadership.protected_tables({**params, "department_ids": None})
profession_schemes, profession_members = profession["schemes"], profession["members"]
ref = leadership.reference(profession_schemes, profession_members, schemes, scheme_id)
chosen = leadership.reference(department_schemes, department_members, schemes, scheme_id)
view = leadership.department_view(
    department_schemes, department_members, departments, scheme_id, ref["acceptance_rate"]
)
grades = leadership.flag_below(grades, ref)
regions = leadership.flag_below(regions, ref)

# A blanked count is not zero (it is NaN here), so only a true nothing stops the page.
if funnel["applications"] == 0:
    layout.nothing_matches("applications")
st.caption(disclosure.note())
layout.kpi_row(
    [
        (
            "Members" if not owner else "Members eligible",
            disclosure.format_count(chosen["members"]),
        ),
        ("Applications", disclosure.format_count(funnel["applications"])),
        ("Participants", disclosure.format_count(funnel["places"])),
        ("Completed", disclosure.format_count(funnel["completed"])),
        ("Acceptance rate", leadership.percent(chosen["acceptance_rate"])),
        ("Participants per 100 members", leadership.per_100(chosen["participation_rate"])),
    ],
    columns=3,
)
st.caption(
    " ".join(
        f"**{term.word}**: {term.meaning}"
        for term in (glossary.APPLICATIONS, glossary.PARTICIPANTS, glossary.term("Acceptance rate"))
    )
)

layout.findings(
    [
        leadership.participation_sentence(view, chosen, scheme, scope),
        None if owner else leadership.access_sentence(view, ref),
        leadership.region_sentence(regions),
        leadership.trend_sentence(cohorts, scheme),
        leadership.awaiting_sentence(funnel, cohorts),
        leadership.hidden_sentence(view),
    ]
)
layout.rest_follows()
department_table = leadership.department_table(view)
choices = leadership.choices_text(scheme, chosen_years, chosen_grades)
every_scheme = leadership.choices_text("every scheme", chosen_years, chosen_grades)


def participation_section() -> None:
    """Participation per 100 members, department by department."""
    st.subheader("Participation by department")
    if scheme_id is None:
        st.caption("All schemes includes the departmental schemes, which only their own department's staff can join.")
    elif owner:
        st.caption(
            f"This scheme is open to {plaintext.markdown(scheme_names.at[scheme_id, 'department_name'])} staff only, so there is no comparison across departments."
        )
    chart(
        leadership.participation_chart(view, ref, leadership.participation_title(view, ref, scheme)),
        key="leadership_participation_chart",
    )
    layout.on_opening(
        "Table: participation and access by department",
        "leadership_departments_table",
        lambda: layout.table(leadership.on_screen(department_table)),
    )
    layout.downloads(
        department_table, f"Participation and access by department ({choices})", active, key="leadership_departments"
    )


def by_scheme_section() -> None:
    """Participants per 100 members for every department and scheme."""
    st.subheader("Department by scheme")
    st.caption(
        "Participants per 100 members for every scheme (the scheme picker does not apply here). Shading compares each cell "
        "with its scheme's profession-wide rate: darker is higher; an empty cell means the scheme is not open to that department."
    )
    grid = leadership.heatmap_grid(
        department_schemes,
        department_members,
        departments,
        schemes,
        profession=(profession_schemes, profession_members) if active.department_ids else None,
    )
    heatmap_table = leadership.heatmap_table(grid)
    # Below a desktop's width the scheme headings run into each other and the cells are too small to read: there the
    # table stands in for the grid.
    chart(leadership.heatmap(grid), key="leadership_heatmap", table=leadership.on_screen(heatmap_table), desktop=True)
    layout.on_opening(
        "Table: participants per 100 members by department and scheme",
        "leadership_heatmap_table",
        lambda: layout.table(leadership.on_screen(heatmap_table)),
    )
    layout.downloads(
        heatmap_table,
        f"Participants per 100 members by department and scheme ({every_scheme})",
        active,
        key="leadership_heatmap_download",
    )


def access_section() -> None:
    """Acceptance rates by department, with their 95% intervals."""
    st.subheader("Access: how often applications are accepted")
    st.caption(
        "Each dot is a department's acceptance rate; the bar is its 95% Wilson interval, the range the rate would likely "
        "fall in by chance. A pink triangle marks a department whose whole interval lies below the profession-wide rate."
    )
    chart(
        leadership.interval_chart(view, "name", ref, leadership.access_title(view, ref), hover="name"),
        key="leadership_access_chart",
    )
    for sentence in leadership.below_sentences(view, ref):
        st.markdown(f"- {plaintext.markdown(sentence)}")
    access_table = leadership.access_first(department_table)
    layout.on_opening(
        "Table: acceptance rate by department",
        "leadership_access_table",
        lambda: layout.table(leadership.on_screen(access_table)),
    )
    layout.downloads(access_table, f"Acceptance rate by department ({choices})", active, key="leadership_access")


def funnel_section() -> None:
    """Applications from applied to completed."""
    st.subheader("From application to completion")
    funnel_table = leadership.funnel_table(funnel)
    # Two panels side by side do not fit a phone, where the stages come as a table.
    chart(
        leadership.funnel_chart(funnel, scheme), key="leadership_funnel_chart", table=leadership.on_screen(funnel_table)
    )
    st.caption(
        "Applied counts every application. Accepted (participants) = accepted + completed; withdrawn, rejected and awaiting decision are the rest."
    )
    layout.on_opening(
        "Table: applications by stage",
        "leadership_funnel_table",
        lambda: layout.table(leadership.on_screen(funnel_table)),
    )
    layout.downloads(funnel_table, f"Applications by stage ({choices})", active, key="leadership_funnel")


def trend_section() -> None:
    """Applications and participants by cohort year."""
    st.subheader("Trend by cohort year")
    cohort_table = leadership.cohort_table(cohorts)
    chart(leadership.trend_chart(cohorts, leadership.trend_title(cohorts, scheme)), key="leadership_trend_chart")
    layout.on_opening(
        "Table: applications by cohort year and stage",
        "leadership_cohorts_table",
        lambda: layout.table(leadership.on_screen(cohort_table)),
    )
    layout.downloads(
        cohort_table, f"Applications by cohort year ({choices})", active, key="leadership_cohorts_download"
    )


def grade_and_region_section() -> None:
    """Participation and access by grade and in London against the rest of the UK."""
    st.subheader("By grade and by region")
    if chosen_grades:
        # Members are protected as department by grade and department by region tables, and neither crosses the two.
        st.caption("With grades chosen, members in London and in the rest of the UK are [c], and so are their rates.")
    grade_side, region_side = st.columns(2)
    with grade_side:
        grade_table = leadership.breakdown_table(grades, "grade", "Grade")
        chart(
            leadership.interval_chart(
                grades, "grade", ref, leadership.breakdown_title(grades, "grade", "grade"), title_width=45
            ),
            key="leadership_grade_chart",
        )
        layout.on_opening(
            "Table: by grade", "leadership_grades_table", lambda: layout.table(leadership.on_screen(grade_table))
        )
        layout.downloads(
            grade_table, f"Participation and access by grade ({choices})", active, key="leadership_grades_download"
        )
    with region_side:
        region_table = leadership.breakdown_table(regions, "area", "Where members work")
        chart(
            leadership.interval_chart(regions, "area", ref, leadership.region_title(regions), title_width=45),
            key="leadership_region_chart",
        )
        layout.on_opening(
            "Table: London and the rest of the UK",
            "leadership_regions_table",
            lambda: layout.table(leadership.on_screen(region_table)),
        )
        layout.downloads(
            region_table,
            f"Participation and access, London and the rest of the UK ({choices})",
            active,
            key="leadership_regions_download",
        )


def detail_section() -> None:
    """Applications and participants for every department and scheme."""
    st.subheader("All departments and schemes")
    detail = leadership.detail_table(department_schemes, departments, schemes)
    layout.table(leadership.on_screen(detail))
    layout.downloads(
        detail,
        f"Applications and participants by department and scheme ({every_scheme})",
        active,
        key="leadership_detail",
    )


# One section at a time: a tab runs only when it is chosen, so the KPIs and findings above come first and a filter change
# redraws one section's charts, not seven. The chosen tab is in the link.
layout.sections(
    [
        ("By department", participation_section),
        ("Department by scheme", by_scheme_section),
        ("Acceptance", access_section),
        ("Application to completion", funnel_section),
        ("Trend", trend_section),
        ("Grade and region", grade_and_region_section),
        ("Every scheme", detail_section),
    ],
    key="leadership_section",
)
