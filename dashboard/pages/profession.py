"""Profession: where our members are, and whose voices the strategy tour heard."""

import streamlit as st

from dashboard import attendees, data, disclosure, filters, layout, members, plaintext, profession

active = filters.current()
layout.header("Profession", "Where our members are, and how far the strategy tour heard the whole profession.")
layout.filter_caption(active, ignored=["theme", "location", "workshop dates"])

layout.link_notices({"profession_grade": profession.GRADES, "profession_background": profession.BACKGROUNDS.values()})
grade_column, background_column = st.columns(2)
grades = grade_column.multiselect(
    "Grades", profession.GRADES, key="profession_grade", bind="query-params", placeholder="All grades"
)
backgrounds = background_column.multiselect(
    "Backgrounds",
    list(profession.BACKGROUNDS),
    format_func=profession.BACKGROUNDS.get,
    key="profession_background",
    bind="query-params",
    placeholder="All backgrounds",
)
member_filters = {
    "department_ids": active.department_ids or None,
    "nations": active.nations or None,
    "grades": tuple(grades) or None,
    "backgrounds": tuple(backgrounds) or None,
}
page_filters = "; ".join(
    part
    for part in (
        f"grades {', '.join(grades)}" if grades else "",
        f"backgrounds {', '.join(profession.BACKGROUNDS[b] for b in backgrounds)}" if backgrounds else "",
    )
    if part
)
# Downloads record the sidebar filters; the page's own filters go into the title so the file says what it holds.
suffix = f" ({page_filters})" if page_filters else ""

kpis = data.query_one("profession_kpis", **member_filters)
# Members are protected once, over the whole profession, for this page, Leadership and the Overview alike; attendees
# once, over the whole tour, for this page and the Roadtrip page alike.
rollup = members.protected_rollup()
chosen = profession.member_filters(**member_filters)
member_count = members.or_exact(members.count(rollup, **chosen), kpis["members"])
# Only a count shown as zero stops the page: a blanked one may be zero or not, and the page must not say which.
if layout.shown_as_zero(member_count):
    layout.nothing_matches("members")
attendee_totals = attendees.protected_totals()
voices = profession.voices(data.query("profession_voices"), attendee_totals, rollup)
flagged = int(voices["under_represented"].fillna(False).sum())
layout.kpi_row(
    [
        ("Members", disclosure.format_count(member_count)),
        ("Departments", f"{kpis['departments']:,}"),
        ("Suggestions with a member ID", f"{kpis['identified_suggestions']:,} of {kpis['suggestions']:,}"),
        ("Under-represented regions", f"{flagged} of {len(voices)}"),
    ]
)
st.caption(disclosure.note())
if members.crosses(chosen):
    st.caption(members.CROSSING_NOTE)

composition = profession.composition_members(
    data.query("profession_composition", **member_filters, top_departments=profession.TOP_DEPARTMENTS), rollup, chosen
)
departments = profession.composition(composition, "department")
grade_mix = profession.composition(composition, "grade")
background_mix = profession.composition(composition, "background")
regions = profession.composition(composition, "region")
contributors = profession.contributor_members(
    data.protected(
        "profession_contributors", **profession.CONTRIBUTOR_PROTECTION, top_departments=profession.TOP_DEPARTMENTS
    ),
    rollup,
)
contributor_grades = profession.contributor_mix(contributors, "grade")
contributor_departments = profession.contributor_mix(contributors, "department")

layout.findings(
    [
        profession.under_represented(voices),
        profession.best_heard(voices),
        profession.identified(kpis),
        profession.mix_gap(contributor_grades, "grade"),
        profession.mix_gap(contributor_departments, "department"),
    ]
)
layout.rest_follows()


def breakdown_block(frame, heading: str, title: str, key: str, title_width: int = 100) -> None:
    """One composition chart with its table and downloads underneath."""
    layout.chart(profession.composition_bar(frame, title, title_width=title_width), key=f"{key}_chart")
    table = profession.composition_table(frame, heading)
    layout.on_opening(
        f"Table: members by {heading.lower()}", f"{key}_table", lambda: layout.table(profession.for_screen(table))
    )
    layout.downloads(table, f"Members by {heading.lower()}{suffix}", active, key=key)


def composition_section() -> None:
    """Members by department, grade and background."""
    st.header("Composition")
    breakdown_block(
        departments,
        "Department",
        profession.largest(departments, "department", "is the largest"),
        "profession_departments",
    )
    left, right = st.columns(2)
    with left:
        breakdown_block(grade_mix, "Grade", profession.largest(grade_mix, "grade"), "profession_grades", title_width=45)
    with right:
        breakdown_block(
            background_mix,
            "Background",
            profession.largest(background_mix, "background"),
            "profession_backgrounds",
            title_width=45,
        )


def where_section() -> None:
    """Members by region or nation, on a map and in a table."""
    st.header("Where members are")
    workshops = profession.workshop_locations(
        data.query("profession_workshop_locations", nations=active.nations or None), attendee_totals
    )
    event = layout.chart(
        profession.members_map(
            regions, workshops, profession.largest(regions, "region or nation", "holds the most members of any")
        ),
        on_select="rerun",
        selection_mode="points",
        key="profession_map",
    )
    st.caption(
        "Regions and nations are shaded by members (colour bar); orange dots are workshop locations. Click a region for "
        "its figures. Outlines: Natural Earth (public domain), made with Natural Earth."
    )
    for point in event.selection.points if event else []:
        if point.get("location") in set(regions["category"]):
            st.info(profession.region_detail(point["location"], regions, voices), icon=":material/location_on:")
    region_table = profession.composition_table(regions, "Region or nation")
    layout.on_opening(
        "Table: members by region or nation",
        "profession_regions_table",
        lambda: layout.table(profession.for_screen(region_table), height="content"),
    )
    layout.downloads(region_table, f"Members by region{suffix}", active, key="profession_regions")


def voices_section() -> None:
    """The tour's voices against the profession's members, region by region."""
    st.header("Whose voices the tour heard")
    st.caption(
        "This section compares the whole profession with the whole tour, whatever the filters: most suggestions name no "
        "member, so they cannot be split by department, grade or background. A workshop counts for the region it was "
        f"held in. {profession.attendance_note(kpis)}"
    )
    voices_table = profession.voices_table(voices)
    layout.chart(profession.voices_chart(voices), key="profession_voices_chart")
    shares = ["Region or nation", "Members (%)", "Recorded attendees (%)", "Suggestions (%)"]
    layout.on_opening(
        "Table: shares of members, attendees and suggestions",
        "profession_shares_table",
        lambda: layout.table(profession.for_screen(voices_table[shares]), height="content"),
    )
    layout.chart(profession.ratio_chart(voices), key="profession_ratio_chart")
    layout.table(profession.for_screen(voices_table), height="content")
    st.caption(
        "Representation ratio = share of suggestions ÷ share of members. Below 0.8 the region or nation is flagged as "
        "under-represented; a region with no suggestions has a ratio of 0."
    )
    layout.downloads(
        voices_table, "Voices coverage by region (whole profession, all workshops)", active, "profession_voices"
    )


def contributors_section() -> None:
    """Identified contributors against the profession, by grade and by department."""
    st.header("Identified contributors")
    st.markdown(plaintext.markdown(profession.identified(kpis) or "There are no suggestions yet."))
    if kpis["identified_suggestions"]:
        for frame, heading, noun, key in (
            (contributor_grades, "Grade", "grade", "profession_contributor_grades"),
            (contributor_departments, "Department", "department", "profession_contributor_departments"),
        ):
            layout.chart(profession.mix_chart(frame, profession.mix_title(frame, noun)), key=f"{key}_chart")
            table = profession.contributor_table(frame, heading)
            layout.on_opening(
                f"Table: identified contributors by {noun}",
                f"{key}_table",
                lambda table=table: layout.table(profession.for_screen(table)),
            )
            layout.downloads(table, f"Identified contributors by {noun} (whole profession)", active, key=key)


# One section at a time: a tab runs only when it is chosen, so the KPIs and findings above come first and a filter change
# redraws one section's charts, not eight. The chosen tab is in the link.
layout.sections(
    [
        ("Composition", composition_section),
        ("Where members are", where_section),
        ("Whose voices", voices_section),
        ("Identified contributors", contributors_section),
    ],
    key="profession_section",
)
