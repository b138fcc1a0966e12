"""Theme decisions: check what a reviewer chose against the data, and record it in the team's store."""

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config, store

ACTIONS = ("confirm", "change", "none")
NOTE_LIMIT = 2000
# About 5% of the confident machine tags go into the queue too, chosen by a hash of their id (the same every run).
AUDIT_PERCENT = 5
# Control characters but tab and line breaks: they can hide text or break a row in an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class DecisionError(ValueError):
    """A decision that cannot be recorded as asked; the message says why, in words a reviewer can act on."""


@dataclass(frozen=True)
class Choice:
    """What a reviewer chose for one suggestion, and the latest decision on it they saw (0 for none)."""

    suggestion_id: str
    seen_decision_id: int
    action: str
    theme_id: str | None = None


def new_request_id() -> str:
    """A fresh id for one submission: the same id sent twice (a double click) records one decision."""
    return uuid.uuid4().hex


def clean_note(note: object) -> str:
    """The note as stored: control characters made spaces and ends trimmed; too long is an error, never a cut."""
    text = CONTROL_CHARACTERS.sub(" ", "" if note is None else str(note)).strip()
    if len(text) > NOTE_LIMIT:
        raise DecisionError(f"The note has {len(text):,} characters; a note holds at most {NOTE_LIMIT:,}. Shorten it.")
    return text


def plan(
    choices: Sequence[Choice],
    states: pd.DataFrame,
    theme_ids: Iterable[str],
    *,
    who: str,
    note: object = "",
    request_id: str,
    now: datetime | None = None,
) -> list[store.NewDecision]:
    """The store rows for the reviewer's choices, given the suggestions' current states (queries/review_suggestions.sql).

    Raises DecisionError for an empty choice, an unknown action or theme, or a suggestion that no longer exists.
    """
    if not choices:
        raise DecisionError("Choose at least one suggestion to decide on.")
    if not who or not str(who).strip():
        raise DecisionError("A decision needs the name of whoever makes it.")
    known_themes = set(theme_ids)
    text = clean_note(note)
    decided_at = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    by_id = states.set_index("suggestion_id") if len(states) else None
    decisions = []
    for choice in choices:
        if by_id is None or choice.suggestion_id not in by_id.index:
            raise DecisionError(
                f"Suggestion {choice.suggestion_id!r} is no longer in the data (it may have been removed by an import). "
                "Reload the queue."
            )
        state = by_id.loc[choice.suggestion_id]
        current = None if pd.isna(state["theme_id"]) else state["theme_id"]
        if choice.action not in ACTIONS:
            raise DecisionError(f"{choice.action!r} is not a decision: confirm, change or none of these.")
        if choice.action == "change" and not choice.theme_id:
            raise DecisionError("Choose the theme to change to.")
        if choice.action == "change" and choice.theme_id not in known_themes:
            raise DecisionError(f"{choice.theme_id!r} is not a theme. Choose one from the list.")
        if choice.action == "confirm" and current is None:
            raise DecisionError(f"Suggestion {choice.suggestion_id} has no theme to confirm: choose one.")
        after = {"confirm": current, "change": choice.theme_id, "none": None}[choice.action]
        action = "confirm" if choice.action == "change" and after == current else choice.action
        decisions.append(
            store.NewDecision(
                request_id=f"{request_id}:{choice.suggestion_id}",
                suggestion_id=choice.suggestion_id,
                supersedes=int(choice.seen_decision_id),
                theme_before=current,
                theme_after=after,
                action=action,
                source="reviewer",
                decided_by=str(who).strip(),
                decided_at=decided_at,
                note=text,
                text_hash=state["text_hash"],
                base_theme=None if pd.isna(state["tagged_theme_id"]) else state["tagged_theme_id"],
                base_source=None if pd.isna(state["tagged_source"]) else state["tagged_source"],
            )
        )
    return decisions


def record(choices: Sequence[Choice], *, note: object = "", request_id: str) -> list[int]:
    """Record a signed-in reviewer's choices in the store, in one transaction; returns the decision ids.

    Who decides comes from the sign-in, checked afresh here (auth.current_reviewer), never from the page's state, so a
    viewer who forges a widget event or a session value writes nothing. Raises PermissionError, DecisionError,
    store.Conflict (someone decided since the reviewer looked) or store.StoreBusy.
    """
    # Imported here: they start Streamlit's machinery, which the store's tests and the command line do not need.
    from dashboard import auth, data

    reviewer = auth.current_reviewer()
    ids = sorted({choice.suggestion_id for choice in choices})
    states = data.query("review_suggestions", suggestion_ids=tuple(ids)) if ids else pd.DataFrame()
    themes = data.query("theme_options")["theme_id"]
    decisions = plan(choices, states, themes, who=reviewer.name, note=note, request_id=request_id)
    return store.append_decisions(decisions)


def decision_states(db_path: Path, store_path: Path | None = None) -> dict[str, int]:
    """How the team's latest decisions stand against a database: how many apply, went stale, gave way, or lost their suggestion.

    Read with the rule the pages use (queries/macros.sql, current_suggestions), so an import can report what it did to
    the decisions: 'applies', 'stale' (the text changed), 'superseded' (the file brought a new hand-coded theme) and
    'removed' (the suggestion is gone).
    """
    decisions = store.latest_decisions(store_path)[1]
    with duckdb.connect(":memory:") as connection:
        connection.execute("attach $path as gse (read_only)", {"path": str(db_path)})
        connection.execute((config.QUERIES_DIR / "macros.sql").read_text())
        connection.execute("set search_path = 'gse.main,memory.main'")
        connection.register("review_decisions", decisions)
        found = connection.execute((config.QUERIES_DIR / "review_states.sql").read_text()).df()
    counts = {state: 0 for state in ("applies", "stale", "superseded")}
    counts.update(dict(zip(found["review_state"], found["decisions"].astype(int), strict=True)))
    counts["removed"] = len(decisions) - sum(counts.values())
    return counts


def import_report(db_path: Path, store_path: Path | None = None) -> str | None:
    """One line for an import's report: what became of the team's theme decisions (None when there are none)."""
    counts = decision_states(db_path, store_path)
    if not sum(counts.values()):
        return None
    return (
        f"Theme decisions: {counts['applies']:,} still apply; {counts['stale']:,} went back to the review queue "
        f"because the suggestion's text changed; {counts['superseded']:,} gave way to a new hand-coded theme in the "
        f"file; {counts['removed']:,} are on suggestions no longer in the data. The log keeps them all."
    )


def plan_blind(
    state: pd.Series | dict,
    theme_id: str | None,
    theme_ids: Iterable[str],
    *,
    who: str,
    request_id: str,
    now: datetime | None = None,
) -> store.NewSecondCode:
    """The store row for a blind second coding of one suggestion, given its row from queries/blind_sample.sql.

    theme_id None is "none of these". Raises DecisionError for an unknown theme, a missing name, or a coder who made
    the hidden theme.
    """
    if not who or not str(who).strip():
        raise DecisionError("A coding needs the name of whoever makes it.")
    if theme_id is not None and theme_id not in set(theme_ids):
        raise DecisionError(f"{theme_id!r} is not a theme. Choose one from the list.")
    if state["first_coded_by"] == str(who).strip():
        raise DecisionError("You made this suggestion's theme, so your coding would not be a second opinion.")
    return store.NewSecondCode(
        request_id=request_id,
        suggestion_id=state["suggestion_id"],
        theme_id=theme_id,
        coded_by=str(who).strip(),
        coded_at=(now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
        text_hash=state["text_hash"],
        first_theme=None if pd.isna(state["theme_id"]) else state["theme_id"],
        first_source=state["theme_source"],
        first_coded_by=state["first_coded_by"],
    )


def record_blind(suggestion_id: str, theme_id: str | None, *, request_id: str) -> list[int]:
    """Record a signed-in reviewer's blind coding of a suggestion; returns its id. The suggestion's theme is unchanged.

    The hidden theme is read afresh here, as the decision to hide it was made. Raises PermissionError, DecisionError,
    ValueError (already coded) or store.StoreBusy.
    """
    from dashboard import auth, data

    reviewer = auth.current_reviewer()
    coded = tuple(data.second_codes().query("coded_by == @reviewer.name")["suggestion_id"])
    states = data.query("blind_states", suggestion_ids=(suggestion_id,))
    if states.empty:
        raise DecisionError(
            f"Suggestion {suggestion_id!r} has no human theme to compare with any more. Reload the page."
        )
    if suggestion_id in coded:
        raise DecisionError("You have already coded this suggestion blind.")
    themes = data.query("theme_options")["theme_id"]
    code = plan_blind(states.iloc[0], theme_id, themes, who=reviewer.name, request_id=request_id)
    return store.append_second_codes([code])
