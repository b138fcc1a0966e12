"""Taxonomy: the themes suggestions are coded into, what the taxonomy misses (emerging themes), and its history."""

import pandas as pd
import streamlit as st

from dashboard import auth, data, filters, layout, plaintext, store, themes
from dashboard.review import emerging, taxonomy

OUTCOME, REQUEST = "taxonomy_outcome", "taxonomy_request"
SHOWN_CANDIDATES = 8
REFUSALS = (taxonomy.TaxonomyError, PermissionError, store.TaxonomyConflict, store.StoreBusy, ValueError)


def finish(message: str) -> None:
    """Say what was done on the rerun, and start a new request (the next click is a new change)."""
    st.session_state[OUTCOME] = ("success", message)
    st.session_state[REQUEST] = taxonomy.new_request_id()


def change(action: str, fields: dict[str, str]) -> None:
    """Make a change to the taxonomy from a form (a button's callback), reading its fields from the session."""
    values = {name: st.session_state.get(key) for name, key in fields.items()}
    try:
        taxonomy.record(action, request_id=st.session_state[REQUEST], **values)
    except REFUSALS as refused:
        st.session_state[OUTCOME] = ("error", str(refused))
        return
    finish(
        {
            "add": "Added the theme.",
            "rename": "Renamed the theme. Links that name its old label open it.",
            "merge": "Merged the theme: its suggestions now count under the other.",
            "retire": "Retired the theme.",
        }[action]
    )
    for key in fields.values():
        st.session_state.pop(key, None)


def decide(candidate: emerging.Candidate, action: str) -> None:
    """Promote, merge or dismiss a candidate theme (a button's callback)."""
    key = candidate.key
    try:
        theme_id = taxonomy.decide_candidate(
            candidate,
            action,
            request_id=st.session_state[REQUEST],
            theme_id=st.session_state.get(f"taxonomy_merge_into_{key}"),
            label=st.session_state.get(f"taxonomy_label_{key}"),
            description=st.session_state.get(f"taxonomy_description_{key}"),
        )
    except REFUSALS as refused:
        st.session_state[OUTCOME] = ("error", str(refused))
        return
    if action == "dismiss":
        finish("Dismissed the candidate. It will not be offered again.")
    else:
        finish(
            f"Proposed the theme for the candidate's {candidate.size:,} suggestions: they wait in the review queue "
            f"(Theme review) for a reviewer to confirm. Theme id: {theme_id}."
        )


def theme_picker(label: str, key: str, placeholder: str = "Choose") -> None:
    """A choice of one theme in force (the page's `labels`), none chosen at first."""
    st.selectbox(label, list(labels), format_func=labels.get, index=None, key=key, placeholder=placeholder)


@st.cache_data(max_entries=8, show_spinner=False)
def candidates(pool: pd.DataFrame, decided: pd.DataFrame) -> list[emerging.Candidate]:
    """The candidate themes not decided on before; grouping takes a tenth of a second, so once per pool."""
    return emerging.new_candidates(pool, decided)


auth.require_admin()
layout.header("Taxonomy", "Which themes are suggestions coded into, and what does the taxonomy miss?")
layout.filter_caption(filters.current(), ignored=["theme", "nation", "location", "department", "date"])
st.session_state.setdefault(REQUEST, taxonomy.new_request_id())
outcome = st.session_state.pop(OUTCOME, None)
if outcome:
    kind, message = outcome
    {"success": st.success, "error": st.error}[kind](plaintext.markdown(message))

current = data.taxonomy()
labels = current.labels()
held = data.query("theme_health").set_index("theme_id")["suggestions"].astype(int)
events = data.run_snapshot().taxonomy
decided = data.candidate_decisions()
pool = data.query(
    "emerging_pool", review_below=themes.REVIEW_THRESHOLD, proposed_ids=emerging.proposed_ids(decided) or None
)
try:
    found, problem = candidates(pool, decided), None
except emerging.EmergingError as nothing:
    found, problem = [], str(nothing)
layout.kpi_row(
    [
        ("Themes in use", f"{len(current.themes):,}"),
        ("Added by the team", f"{int((current.themes['origin'] == 'added').sum()):,}"),
        ("Changes made", f"{len(events):,}"),
        ("Candidate themes", f"{len(found):,}"),
    ]
)
layout.rest_follows(grid=True)

st.header("Themes now")
themes_now = pd.DataFrame(
    {
        "Theme": current.themes["label"],
        "Description": current.themes["description"],
        "Suggestions": current.themes["theme_id"].map(held).fillna(0).astype(int),
        "From": current.themes["origin"].map({"data": "The data", "added": "Added by the team"}),
    }
)
layout.table(themes_now)
layout.downloads(themes_now, "Themes now", filters.current(), key="taxonomy_themes_download")

st.header("Emerging themes")
st.caption(
    "Suggestions reviewers said no theme fits, and machine tags under "
    f"{themes.REVIEW_THRESHOLD:.0%} confidence, grouped by the words they share (NMF on TF-IDF, seeded: the same "
    "suggestions give the same groups). Promote a group to a new theme, merge it into a theme in use (either way its "
    "suggestions go to the review queue with that theme proposed), or dismiss it: a dismissed group is not offered "
    "again. The shared filters do not apply."
)
if problem:
    st.info(plaintext.markdown(problem), icon=":material/search_off:")
elif not found:
    st.success(f"No new candidate themes among the {len(pool):,} suggestions looked at.", icon=":material/task_alt:")
else:
    st.caption(f"{len(found):,} candidate{'s' if len(found) != 1 else ''} among {len(pool):,} suggestions.")
for number, candidate in enumerate(found[:SHOWN_CANDIDATES], start=1):
    key = candidate.key
    with st.container(border=True, key=f"taxonomy_candidate_{number}"):
        # st.text throughout: the terms, texts and places come from the suggestions, so never markup or links.
        st.markdown(f"**Candidate {number}: {candidate.size:,} suggestions**")
        st.text(f"Top terms: {candidate.terms_words()}")
        st.text(f"Said at: {candidate.places_words()}")
        for example in candidate.examples:
            st.text(f"“{example}”")
        with st.expander("Promote to a new theme"):
            st.text_input("Label", key=f"taxonomy_label_{key}", max_chars=taxonomy.LABEL_LIMIT)
            st.text_area("Description", key=f"taxonomy_description_{key}", max_chars=taxonomy.DESCRIPTION_LIMIT)
            st.button(
                "Promote", key=f"taxonomy_promote_{key}", type="primary", on_click=decide, args=(candidate, "promote")
            )
        into_column, merge_column, dismiss_column = st.columns([3, 1, 1], vertical_alignment="bottom")
        into = into_column.selectbox(
            "Or merge into a theme in use",
            list(labels),
            format_func=labels.get,
            index=None,
            key=f"taxonomy_merge_into_{key}",
            placeholder="Choose a theme",
        )
        merge_column.button(
            "Merge", key=f"taxonomy_merge_{key}", disabled=into is None, on_click=decide, args=(candidate, "merge")
        )
        dismiss_column.button("Dismiss", key=f"taxonomy_dismiss_{key}", on_click=decide, args=(candidate, "dismiss"))

st.header("Change the taxonomy")
st.caption(
    "Every change is kept in the team's store with who made it and when, and never undone by a rebuild or an import. "
    "A merged or retired theme's suggestions count under the theme they go to; a link that names its old label opens "
    "that theme."
)


add_tab, rename_tab, merge_tab, retire_tab = st.tabs(["Add", "Rename", "Merge", "Retire"])
with add_tab:
    st.text_input("Label", key="taxonomy_add_label", max_chars=taxonomy.LABEL_LIMIT)
    st.text_area("Description", key="taxonomy_add_description", max_chars=taxonomy.DESCRIPTION_LIMIT)
    st.button(
        "Add the theme",
        key="taxonomy_add",
        on_click=change,
        args=("add", {"label": "taxonomy_add_label", "description": "taxonomy_add_description"}),
    )
with rename_tab:
    theme_picker("Theme", "taxonomy_rename_theme")
    st.text_input("New label", key="taxonomy_rename_label", max_chars=taxonomy.LABEL_LIMIT)
    st.text_area("New description (optional)", key="taxonomy_rename_description", max_chars=taxonomy.DESCRIPTION_LIMIT)
    st.button(
        "Rename",
        key="taxonomy_rename",
        on_click=change,
        args=(
            "rename",
            {
                "theme_id": "taxonomy_rename_theme",
                "label": "taxonomy_rename_label",
                "description": "taxonomy_rename_description",
            },
        ),
    )
with merge_tab:
    theme_picker("Merge this theme", "taxonomy_merge_theme")
    theme_picker("Into this one", "taxonomy_merge_into")
    st.button(
        "Merge",
        key="taxonomy_merge",
        on_click=change,
        args=("merge", {"theme_id": "taxonomy_merge_theme", "into": "taxonomy_merge_into"}),
    )
with retire_tab:
    theme_picker("Retire this theme", "taxonomy_retire_theme")
    theme_picker("Its suggestions go to", "taxonomy_retire_into", placeholder="Needed when it holds suggestions")
    st.button(
        "Retire",
        key="taxonomy_retire",
        on_click=change,
        args=("retire", {"theme_id": "taxonomy_retire_theme", "into": "taxonomy_retire_into"}),
    )

st.header("History")
if events.empty:
    st.caption("No changes yet: the taxonomy is the data's own.")
else:
    history = taxonomy.history_table(events, current.names)
    layout.table(history)
    layout.downloads(history, "Taxonomy history", filters.current(), key="taxonomy_history_download")
