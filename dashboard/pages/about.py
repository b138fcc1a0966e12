"""About this data: status, sources, coverage, strengths and limitations, methods, revisions, updates, contact, glossary."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import about, changes, data, disclosure, filters, glossary, layout

layout.header(
    "About this data",
    "What the data is, where it comes from, what it covers and leaves out, how it is made, and whom to ask.",
)

info = data.build_info()
history = data.query("imports_history")
figures = data.query_one("about_coverage")
settings = about.read_settings(about.settings_path())

st.header("Status")
if about.is_bundled(info):
    st.warning(about.status(info), icon=":material/science:")
else:
    st.info(about.status(info), icon=":material/verified:")
for problem in settings.problems:
    st.error(problem, icon=":material/error:")
notice = about.update_notice(settings, date.today())
if notice:
    st.warning(notice, icon=":material/schedule:")
layout.kpi_row(
    [
        ("Data as of", f"{about.data_date(info):%-d %b %Y}"),
        # When this data was loaded, not when it was collected: "Last updated" beside an older "Data as of" read as a gap.
        ("Loaded on", f"{info['built_at']:%-d %b %Y}"),
        ("Next update", f"{settings.next_update:%-d %b %Y}" if settings.next_update else "Not planned"),
    ]
)
# The source names uploaded files, which are imported text: shown as plain text, never markdown.
st.text(f"Source: {about.source(info, history)}")
if settings.update_frequency:
    st.text(f"Updated: {settings.update_frequency}")
layout.rest_follows()

st.header("Sources")
layout.table(
    about.table_sources(info, history),
    column_config={
        "Rows": st.column_config.NumberColumn(format="localized"),
        "What it holds": st.column_config.TextColumn(width="large"),
        "Last loaded from": st.column_config.TextColumn(width="large"),
    },
)
st.caption("Each table's columns and rules are in data/README.md; queries/schema.sql enforces them.")

st.header("Coverage")
st.markdown("\n".join(f"- {line}" for line in about.coverage(figures)))

st.header("Strengths and limitations")
st.markdown("\n".join(f"- {line}" for line in about.limitations(figures)))

st.header("Methods")
for name, text in about.METHODS:
    st.markdown(f"**{name}.** {text}")
st.caption(disclosure.note())

st.header("Revisions")
st.markdown(about.revisions(history))

st.header("Since the last import", anchor="since-the-last-import")
previous = None
if data.query_one("import_counts_present")["present"]:
    previous = changes.previous_version(data.query("import_versions"))
if previous is None:
    st.markdown(
        "Only one version of the data is recorded, so there is nothing to compare yet. After the next import this "
        "section lists what changed: members, applications and participants by department, suggestions by theme."
    )
else:
    st.markdown(
        f"What changed between the version loaded on {pd.Timestamp(previous['imported_at']):%-d %B %Y} and the "
        "data now, for the whole data (the filters do not apply). A change is shown only where both counts are."
    )
    departments = changes.department_table(
        data.protected("import_changes_departments", counts=changes.DEPARTMENT_COUNTS, groups=[[]], department_ids=None)
    )
    st.subheader("Members, applications and participants by department")
    layout.table(departments)
    layout.downloads(
        departments, "Changes by department since the last import", filters.Filters(), key="about_departments"
    )
    themes = changes.theme_table(data.query("import_changes_themes", theme_ids=None))
    st.subheader("Suggestions by theme")
    layout.table(themes)
    layout.downloads(themes, "Suggestions by theme since the last import", filters.Filters(), key="about_themes")

st.header("Contact")
st.text(settings.contact)

st.header("Glossary", anchor="glossary")
st.markdown("\n".join(f"- **{term.word}**: {term.meaning}" for term in glossary.TERMS))
