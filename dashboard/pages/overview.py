"""Overview: the profession and the tour at a glance."""

import streamlit as st

from dashboard import changes as changes_over_time
from dashboard import data, disclosure, filters, glossary, layout
from dashboard.story import standard

active = filters.current()
layout.header("GSE Insight", "The Government Science and Engineering profession and its strategy tour, at a glance.")
layout.filter_caption(active)

shared = active.params()
overview_kpis = standard.overview_kpis(active)
# Members follow some filters and workshops others: only when both are none is there nothing at all to show. A blanked
# member count is not zero (it may or may not be), so it never stops the page.
if layout.shown_as_zero(overview_kpis["members"]) and not overview_kpis["workshops"]:
    layout.nothing_matches("members or workshops")
at_a_glance = standard.kpi_slide(
    overview_kpis,
    data.query("theme_counts", **shared),
    data.query("location_suggestions", **shared),
)
kpis = list(at_a_glance.kpis)
changes = {}
if data.query_one("import_counts_present")["present"]:
    totals = data.query_one(
        "import_changes_totals", department_ids=shared["department_ids"], theme_ids=shared["theme_ids"]
    )
    changes = changes_over_time.import_deltas(active, totals)
cohort = changes_over_time.cohort_change(
    data.protected(
        "overview_cohort_participants",
        counts=["participants"],
        margins=["cohort"],
        department_ids=shared["department_ids"],
        nations=shared["nations"],
    )
)
if cohort:
    label, value, change = cohort
    kpis.append((label, value))
    changes[label] = change
# A change beside a blanked count would say something of it: none is shown there.
changes = {label: change for label, change in changes.items() if dict(kpis).get(label) != disclosure.SUPPRESSED}
layout.kpi_row(kpis, columns=4, changes=changes)
# The findings come straight after the KPIs, so a phone shows them on its first screen; the notes follow.
layout.findings(at_a_glance.notes)
layout.story_button("overview_kpis")  # after the findings: above them it pushed the first off a phone's first screen
st.caption(changes_over_time.caption(changes))
st.page_link(
    "dashboard/pages/about.py",
    label="Changes since the last import",
    icon=":material/difference:",
)
st.caption(
    "Members, departments and participants follow the department and nation filters (a member's nation is "
    "where they work); workshops, locations and miles follow the nation, location and date filters; suggestions follow "
    "those and the theme filter. The department filter does not apply to workshops or suggestions."
)
st.caption(f"**{glossary.PARTICIPANTS.word}**: {glossary.PARTICIPANTS.meaning}")
st.caption(disclosure.note())

st.subheader("Explore")
for page, label, icon in [
    ("roadtrip", "Roadtrip: where we went and what each place told us", "map"),
    ("themes", "Suggestion themes: what members are asking for", "forum"),
    ("leadership", "Leadership access: who takes part in leadership schemes", "groups"),
    ("profession", "Profession: where our members are, and whose voices we heard", "diversity_3"),
]:
    st.page_link(f"dashboard/pages/{page}.py", label=label, icon=f":material/{icon}:")
