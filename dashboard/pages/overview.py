"""Overview: the profession and the tour at a glance."""

import streamlit as st

from dashboard import data, disclosure, filters, findings, layout

active = filters.current()
layout.header("GSE Insight", "The Government Science and Engineering profession and its strategy tour, at a glance.")
layout.filter_caption(active)

kpis = data.query_one("overview_kpis", **active.params())
layout.kpi_row(
    [
        ("Members", disclosure.format_count(kpis["members"])),
        ("Departments", f"{kpis['departments']:,}"),
        ("Workshops", f"{kpis['workshops']:,}"),
        ("Locations", f"{kpis['locations']:,}"),
        ("Suggestions", f"{kpis['suggestions']:,}"),
        ("Miles travelled", f"{kpis['miles_travelled']:,.0f}"),
        ("Scheme participants", disclosure.format_count(kpis["scheme_participants"])),
    ],
    columns=4,
)
st.caption(disclosure.note())

layout.findings(
    [
        findings.top_theme(data.query("theme_counts", **active.params())),
        findings.tour(kpis),
        findings.busiest_location(data.query("location_suggestions", **active.params())),
        findings.participation(kpis),
    ]
)

st.subheader("Explore")
for page, label, icon in [
    ("roadtrip", "Roadtrip: where we went and what each place told us", "map"),
    ("themes", "Suggestion themes: what members are asking for", "forum"),
    ("leadership", "Leadership access: who takes part in leadership schemes", "groups"),
    ("profession", "Profession: where our members are, and whose voices we heard", "diversity_3"),
]:
    st.page_link(f"dashboard/pages/{page}.py", label=label, icon=f":material/{icon}:")
