"""Theme review: reviewers confirm or correct the classifier's themes, one at a time or many at once."""

import streamlit as st

from dashboard import auth, data, filters, layout, plaintext, store, theme_views, themes
from dashboard.review import agreement, decisions, views

SEARCH, THEMES, LOCATIONS, QUEUES = "review_search", "review_theme", "review_location", "review_queue"
WORKSHOPS, QUESTIONS = "review_workshop", "review_question"
NOTE, OTHER, BULK_THEME, PAGE = "review_note", "review_other_theme", "review_bulk_theme", "review_page"
TABLE = "review_table"
BLIND_THEME, BLIND_REQUEST = "review_blind_theme", "review_blind_request"
OUTCOME, CONFLICT, REQUEST = "review_outcome", "review_conflict", "review_request"
BULK_PAGE_SIZE = 25


def submit(choices: list[decisions.Choice], request_id: str, note: str | None = None) -> None:
    """Record the choices (a button's callback); the outcome, or the conflict to resolve, is shown on the rerun.

    The note is read from the note box now, not bound when the button was drawn: typing does not rerun the page.
    """
    note = st.session_state.get(NOTE, "") if note is None else note
    try:
        decisions.record(choices, note=note, request_id=request_id)
    except store.Conflict as conflict:
        st.session_state[CONFLICT] = {"choices": choices, "note": note, "heads": conflict.heads}
        return
    except (decisions.DecisionError, PermissionError, store.StoreBusy) as refused:
        st.session_state[OUTCOME] = ("error", str(refused))
        return
    st.session_state.pop(CONFLICT, None)
    st.session_state[NOTE] = ""
    st.session_state[REQUEST] = decisions.new_request_id()
    count = len(choices)
    st.session_state[OUTCOME] = ("success", f"Recorded {count} decision{'s' if count != 1 else ''}.")


def replace_theirs(conflict: dict) -> None:
    """Record the reviewer's choices over the decisions that raced them, now that they have seen those."""
    seen = {head.suggestion_id: head.decision_id for head in conflict["heads"]}
    choices = [
        decisions.Choice(c.suggestion_id, seen.get(c.suggestion_id, c.seen_decision_id), c.action, c.theme_id)
        for c in conflict["choices"]
    ]
    submit(choices, decisions.new_request_id(), conflict["note"])


def keep_theirs() -> None:
    """Drop the reviewer's choices in favour of the decisions that raced them."""
    st.session_state.pop(CONFLICT, None)
    st.session_state[OUTCOME] = ("info", "Kept the other reviewer's decision.")


def submit_blind(suggestion_id: str, theme_id: str | None) -> None:
    """Record a blind second coding (a button's callback); the outcome is shown on the rerun."""
    try:
        decisions.record_blind(suggestion_id, theme_id, request_id=st.session_state[BLIND_REQUEST])
    except (decisions.DecisionError, PermissionError, ValueError, store.StoreBusy) as refused:
        st.session_state[OUTCOME] = ("error", str(refused))
        return
    st.session_state[BLIND_REQUEST] = decisions.new_request_id()
    st.session_state.pop(BLIND_THEME, None)
    st.session_state[OUTCOME] = ("success", "Recorded your blind coding. The suggestion's theme is unchanged.")


@st.cache_data(max_entries=16, show_spinner=False)
def agreement_figures(first: tuple, second: tuple) -> dict[str, agreement.Estimate]:
    """The bootstrap takes a quarter of a second: once per set of pairs."""
    return agreement.bootstrap(first, second)


viewer = auth.require_reviewer()
active = filters.current()
shared = active.params()
layout.header("Theme review", "Are the classifier's themes right? Confirm or correct them, one click each.")
layout.filter_caption(active, ignored=["department"])
if viewer.email:
    # st.text, not a caption: Markdown would turn the address into a mailto link.
    st.text(f"Your decisions are recorded as {viewer.email}, with the time (UTC).")
else:
    st.info("Sign-in is off, so your decisions are recorded as “local”.", icon=":material/person:")

labels = data.query("theme_options").set_index("theme_id")["label"]
location_choices = data.query("location_options").set_index("location_id")["name"]
review_parameters = {**shared, "review_below": themes.REVIEW_THRESHOLD, "audit_percent": decisions.AUDIT_PERCENT}
progress = data.query("review_progress", **review_parameters)

flagged_line, audit_line = views.progress_sentence(progress), views.audit_sentence(progress)
flagged_total = int(progress["flagged"].sum())
st.progress(
    int(progress["flagged_reviewed"].sum()) / flagged_total if flagged_total else 1.0,
    text=plaintext.markdown(flagged_line),
)
st.caption(
    f"{plaintext.markdown(audit_line)}. Flagged: a machine tag with confidence under {themes.REVIEW_THRESHOLD:.0%}. The audit sample is "
    f"about {decisions.AUDIT_PERCENT}% of the confident machine tags, the same ones every time, so that confident "
    "errors are found too."
)
layout.rest_follows(grid=True)
with st.expander("Progress by theme"):
    progress_table = views.progress_table(progress)
    layout.table(progress_table)
    layout.downloads(progress_table, "Theme review progress", active, key="review_progress_download")

outcome = st.session_state.pop(OUTCOME, None)
if outcome:
    kind, message = outcome
    {"success": st.success, "error": st.error, "info": st.info}[kind](plaintext.markdown(message))

conflict = st.session_state.get(CONFLICT)
if conflict:
    with st.container(border=True):
        for head in conflict["heads"]:
            st.warning(
                plaintext.markdown(
                    f"Suggestion {head.suggestion_id} was changed by {head.decided_by} at {head.decided_at:%H:%M:%S} "
                    f"UTC to {views.theme_name(head.theme_after, labels)}. Keep theirs or replace it with yours?"
                ),
                icon=":material/group:",
            )
        keep, replace = st.columns(2)
        keep.button("Keep theirs", key="review_keep_theirs", on_click=keep_theirs)
        replace.button("Replace with mine", key="review_replace", on_click=replace_theirs, args=(conflict,))

workshop_choices = theme_views.workshop_labels(data.query("suggestion_workshops")).set_index("workshop_id")["label"]
question_choices = data.query("suggestion_questions")["question"]
layout.link_notices(
    {
        THEMES: labels,
        LOCATIONS: location_choices,
        QUEUES: views.QUEUE_NAMES.values(),
        WORKSHOPS: workshop_choices,
        QUESTIONS: question_choices,
    }
)
left, middle, right = st.columns(3)
search = left.text_input("Search the text", key=SEARCH, bind="query-params")
chosen_themes = middle.multiselect(
    "Theme now", labels.index, format_func=labels.get, key=THEMES, bind="query-params", placeholder="All themes"
)
chosen_locations = right.multiselect(
    "Locations",
    location_choices.index,
    format_func=location_choices.get,
    key=LOCATIONS,
    bind="query-params",
    placeholder="All locations",
)
chosen_workshops = left.multiselect(
    "Workshops",
    workshop_choices.index,
    format_func=workshop_choices.get,
    key=WORKSHOPS,
    bind="query-params",
    placeholder="All workshops",
)
chosen_questions = middle.multiselect(
    "Questions", question_choices, key=QUESTIONS, bind="query-params", placeholder="All questions"
)
chosen_queues = right.pills(
    "Show",
    list(views.QUEUE_NAMES),
    format_func=views.QUEUE_NAMES.get,
    selection_mode="multi",
    key=QUEUES,
    bind="query-params",
)
queue_filter = {
    **review_parameters,
    "explorer_theme_ids": tuple(chosen_themes) or None,
    "explorer_location_ids": tuple(chosen_locations) or None,
    "workshop_ids": tuple(chosen_workshops) or None,
    "questions": tuple(chosen_questions) or None,
    "search_pattern": theme_views.search_pattern(search),
    "queues": tuple(chosen_queues) or None,
}
waiting = int(data.query_one("review_queue_count", **queue_filter)["waiting"])
request_id = st.session_state.setdefault(REQUEST, decisions.new_request_id())

st.subheader("Next to review")
pages = theme_views.page_count(waiting, BULK_PAGE_SIZE)
layout.link_notices({PAGE: range(1, pages + 1)})
if st.session_state.get(PAGE, 1) > pages:
    st.session_state[PAGE] = pages
page, offset = theme_views.page_window(st.session_state.get(PAGE, 1), BULK_PAGE_SIZE, waiting)
queue_page = data.query("review_queue", **queue_filter, page_size=BULK_PAGE_SIZE, page_offset=offset)
# The bulk table's first page starts with the next suggestion: one query serves both.
first = queue_page.head(1) if offset == 0 else data.query("review_queue", **queue_filter, page_size=1, page_offset=0)
if first.empty:
    st.success("Nothing waits for review under these filters.", icon=":material/task_alt:")
else:
    row = first.iloc[0].to_dict()
    sid, seen = row["suggestion_id"], int(row["decision_id"])
    st.caption(f"{waiting:,} suggestion{'s' if waiting != 1 else ''} wait{'s' if waiting == 1 else ''}.")
    with st.container(border=True):
        # st.text, not Markdown: members and imports wrote these, so they are shown as text, never as markup.
        st.text(f"“{row['text']}”")
        question = row["question"] if isinstance(row["question"], str) else "Not recorded"
        st.text(f"{row['location']}, {row['held_on']:%-d %B %Y}. Question: {question}")
        st.text(f"Theme now: {views.current_words(row, labels)}. Why here: {views.QUEUE_NAMES[row['queue']]}.")
        st.text_area("Note (optional, saved with the decision)", key=NOTE, max_chars=decisions.NOTE_LIMIT, height=68)
        current = row["theme_id"] if isinstance(row["theme_id"], str) else None
        proposed = row.get("proposed_theme_id") if isinstance(row.get("proposed_theme_id"), str) else None
        if proposed:
            st.text(f"Proposed by an admin (an emerging theme): {labels.get(proposed, proposed)}.")
        confirm_column, none_column = st.columns(2)
        if proposed:
            confirm_column.button(
                plaintext.markdown(f"Confirm {labels.get(proposed, proposed)}"),
                key=f"review_confirm_{sid}",
                type="primary",
                shortcut="Y",
                on_click=submit,
                args=([decisions.Choice(sid, seen, "change", proposed)], request_id),
            )
        elif current:
            confirm_column.button(
                plaintext.markdown(f"Confirm {labels.get(current, current)}"),
                key=f"review_confirm_{sid}",
                type="primary",
                shortcut="Y",
                on_click=submit,
                args=([decisions.Choice(sid, seen, "confirm")], request_id),
            )
        none_column.button(
            "None of these themes fits",
            key=f"review_none_{sid}",
            shortcut="N",
            on_click=submit,
            args=([decisions.Choice(sid, seen, "none")], request_id),
        )
        st.markdown("**The classifier's likeliest themes**")
        for rank, (theme_id, words) in enumerate(views.candidates(row, labels), start=1):
            st.button(
                plaintext.markdown(words),  # a button's label is Markdown, and a theme's label is data
                key=f"review_candidate_{rank}_{sid}",
                shortcut=str(rank),
                on_click=submit,
                args=([decisions.Choice(sid, seen, "change", theme_id)], request_id),
            )
        other_column, change_column = st.columns([3, 1], vertical_alignment="bottom")
        other = other_column.selectbox(
            "Another theme", labels.index, format_func=labels.get, index=None, key=OTHER, placeholder="Choose a theme"
        )
        change_column.button(
            "Change to it",
            key=f"review_change_{sid}",
            disabled=other is None,
            on_click=submit,
            args=([decisions.Choice(sid, seen, "change", other)], request_id),
        )
    # A touch screen has no keys to press: the page's CSS hides this line, and the buttons' key badges, there.
    with st.container(key=layout.KEYBOARD_ONLY_KEY):
        st.caption(
            "Keys: Y confirms, 1 to 3 pick a likely theme, N says none fits; the next suggestion then comes up. "
            "Tab moves between the buttons."
        )
    with st.expander(f"History of suggestion {plaintext.markdown(sid)}"):
        state = data.query("review_suggestions", suggestion_ids=(sid,)).iloc[0].to_dict()
        log = data.decision_log(sid)
        st.text(views.state_sentence(state, labels))
        st.dataframe(views.history_table(log, state, {**data.taxonomy().names, **labels}), hide_index=True)

st.subheader("Several at once")
bulk_area = st.container()
st.pagination(pages, key=PAGE, bind="query-params")
with bulk_area:
    if queue_page.empty:
        st.caption("Nothing to show.")
    else:
        st.caption("Select rows, choose a theme, and set it for all of them in one decision each.")
        picked = st.dataframe(
            views.queue_table(queue_page, labels),
            hide_index=True,
            on_select="rerun",
            selection_mode="multi-row",
            key=f"{TABLE}_{page}",
            # A suggestion 200 px wide wraps in a taller row and leaves the next column in view on a phone.
            row_height=layout.WRAPPED_ROW_PX,
            column_config={
                "Suggestion": st.column_config.TextColumn(width=200),
                "Confidence": st.column_config.NumberColumn(format="%.0f%%"),
            },
        )
        rows = picked.selection.rows if picked else []
        chosen = queue_page.iloc[list(rows)]
        theme_column, set_column = st.columns([3, 1], vertical_alignment="bottom")
        bulk_theme = theme_column.selectbox(
            "Theme for the selected rows",
            labels.index,
            format_func=labels.get,
            index=None,
            key=BULK_THEME,
            placeholder="Choose a theme",
        )
        set_column.button(
            f"Set for {len(chosen)} selected",
            key="review_bulk_set",
            disabled=bulk_theme is None or chosen.empty,
            on_click=submit,
            args=(
                [
                    decisions.Choice(row.suggestion_id, int(row.decision_id), "change", bulk_theme)
                    for row in chosen.itertuples()
                ],
                request_id,
                "",
            ),
        )

st.subheader("How often the classifier agrees with reviewers")
pairs = data.query("review_agreement")
codings = data.second_codes()
if len(pairs) < agreement.MINIMUM_REVIEWED:
    st.info(agreement.needed_sentence(len(pairs), agreement.MINIMUM_REVIEWED, "machine tags reviewed"))
else:
    found = agreement_figures(tuple(pairs["reviewer_theme_id"]), tuple(pairs["classifier_theme_id"]))
    accuracy_column, f1_column, kappa_column = st.columns(3)
    accuracy_column.metric("Reviewers kept its theme", f"{found['accuracy'].value:.0%}")
    f1_column.metric("Macro-F1", f"{found['macro_f1'].value:.2f}")
    kappa_column.metric("Kappa, reviewer and classifier", f"{found['kappa'].value:.2f}")
    st.caption(
        f"Over {len(pairs):,} machine tags reviewers checked (confirmed, changed or said none fits). "
        f"Agreement {found['accuracy'].words()}; macro-F1 {found['macro_f1'].words(percent=False)}; Cohen's kappa "
        f"{found['kappa'].words(percent=False)}. Intervals: a seeded bootstrap of {agreement.RESAMPLES:,} resamples. "
        "Flagged tags are reviewed first, so this understates the agreement on all machine tags."
    )
    with st.expander("By theme, and which themes it confuses"):
        by_theme = agreement.theme_table(pairs, labels.to_dict())
        st.dataframe(
            by_theme,
            hide_index=True,
            column_config={
                name: st.column_config.NumberColumn(format="%.2f") for name in ("Precision", "Recall", "F1")
            },
        )
        confusion = agreement.confusion_table(pairs, labels.to_dict())
        st.caption("Rows: the reviewer's theme. Columns: the classifier's. The diagonal is agreement.")
        st.dataframe(confusion, hide_index=True)
        layout.downloads(
            confusion, "Classifier and reviewers: confusion table", active, key="review_confusion_download"
        )

st.subheader("Second coder: two people, blind")
st.caption(
    "Code suggestions whose theme a person chose (hand-coded or reviewed) with that theme hidden. Your coding never "
    "changes a theme: it measures how often two people agree, the yardstick for the classifier."
)
if len(codings) < agreement.MINIMUM_BLIND:
    st.info(agreement.needed_sentence(len(codings), agreement.MINIMUM_BLIND, "suggestions coded blind"))
else:
    human = agreement_figures(tuple(codings["first_theme"]), tuple(codings["theme_id"]))
    human_column, machine_column = st.columns(2)
    human_column.metric("Kappa, two people", f"{human['kappa'].value:.2f}")
    human_column.caption(f"{human['kappa'].words(percent=False)}; agreed {human['accuracy'].words()}.")
    if len(pairs) >= agreement.MINIMUM_REVIEWED:
        machine_column.metric("Kappa, reviewer and classifier", f"{found['kappa'].value:.2f}")
        machine_column.caption(f"{found['kappa'].words(percent=False)}; agreed {found['accuracy'].words()}.")
mine = tuple(codings.loc[codings["coded_by"] == viewer.name, "suggestion_id"])
blind = data.query("blind_sample", coder=viewer.name, coded_ids=mine)
st.session_state.setdefault(BLIND_REQUEST, decisions.new_request_id())
if blind.empty:
    st.success("Nothing left for you to code blind.", icon=":material/task_alt:")
else:
    item = blind.iloc[0]
    with st.container(border=True):
        st.caption(f"{int(item['remaining']):,} left for you. You coded {len(mine):,}.")
        # st.text, not Markdown: a member wrote it. Its theme is not shown: that is the point.
        st.text(f"“{item['text']}”")
        theme_column, code_column, none_column = st.columns([3, 1, 1], vertical_alignment="bottom")
        blind_theme = theme_column.selectbox(
            "Your theme",
            labels.index,
            format_func=labels.get,
            index=None,
            key=BLIND_THEME,
            placeholder="Choose a theme",
        )
        code_column.button(
            "Record",
            key=f"review_blind_record_{item['suggestion_id']}",
            disabled=blind_theme is None,
            on_click=submit_blind,
            args=(item["suggestion_id"], blind_theme),
        )
        none_column.button(
            "None fits",
            key=f"review_blind_none_{item['suggestion_id']}",
            on_click=submit_blind,
            args=(item["suggestion_id"], None),
        )

st.subheader("Decision log")
st.caption("Every decision ever made, oldest first. Decisions are never changed or deleted: a new one supersedes.")
# Every theme's latest label, merged and retired ones too: the log names themes as they were.
whole_log = views.log_table(data.decision_log(), data.taxonomy().names)
with st.expander(f"Table: {len(whole_log):,} decision{'s' if len(whole_log) != 1 else ''}"):
    if whole_log.empty:
        st.caption("No decisions yet.")
    else:
        st.dataframe(whole_log, hide_index=True)
        layout.downloads(whole_log, "Theme decision log", active, key="review_log_download")
