"""Pure builders for theme review: progress in words, the queue, a suggestion's history and the whole log as tables."""

from collections.abc import Mapping

import pandas as pd

from dashboard.theme_views import UNTHEMED

QUEUE_NAMES = {
    "proposed": "Proposed",
    "flagged": "Flagged",
    "changed text": "Text changed",
    "audit sample": "Audit sample",
}
ACTION_WORDS = {"confirm": "Confirmed", "change": "Changed", "none": "None of these"}
SOURCE_WORDS = {"manual": "Hand-coded in the imported file", "auto": "Classifier"}


def progress_sentence(progress: pd.DataFrame) -> str:
    """'41 of 93 flagged tags reviewed', from queries/review_progress.sql."""
    flagged, done = int(progress["flagged"].sum()), int(progress["flagged_reviewed"].sum())
    if not flagged:
        return "No machine tags are flagged for review."
    return f"{done:,} of {flagged:,} flagged tag{'s' if flagged != 1 else ''} reviewed"


def audit_sentence(progress: pd.DataFrame) -> str:
    """'3 of 14 confident tags in the audit sample reviewed'."""
    sample, done = int(progress["audit_sample"].sum()), int(progress["audit_reviewed"].sum())
    return f"{done:,} of {sample:,} confident tag{'s' if sample != 1 else ''} in the audit sample reviewed"


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """Review progress by the classifier's theme, for display and download."""
    return pd.DataFrame(
        {
            "Classifier's theme": progress["label"],
            "Machine tags": progress["machine_tags"],
            "Flagged": progress["flagged"],
            "Flagged, reviewed": progress["flagged_reviewed"],
            "Audit sample": progress["audit_sample"],
            "Audit sample, reviewed": progress["audit_reviewed"],
        }
    )


def theme_name(theme_id, labels: Mapping[str, str]) -> str:
    """A theme's label; Unthemed for none; the id itself for a theme no longer in the taxonomy."""
    if theme_id is None or pd.isna(theme_id):
        return UNTHEMED
    return labels.get(theme_id, theme_id)


def candidates(row: Mapping, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """The classifier's likeliest themes for a queue row as (theme_id, 'Skills and tools, 39%'), likeliest first."""
    found = []
    for rank in (1, 2, 3):
        theme_id, probability = row.get(f"theme_{rank}"), row.get(f"probability_{rank}")
        if theme_id is not None and not pd.isna(theme_id):
            found.append((theme_id, f"{theme_name(theme_id, labels)}, {probability:.0%}"))
    return found


def current_words(row: Mapping, labels: Mapping[str, str]) -> str:
    """'Recruitment and reward (classifier, 39%)': the theme a queue row has now and where it came from."""
    name = theme_name(row["theme_id"], labels)
    if row["theme_source"] == "auto":
        return f"{name} (classifier, {row['confidence']:.0%})"
    if row["theme_source"] == "manual":
        return f"{name} (hand-coded in the file)"
    return name


def queue_table(queue: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The queue's rows for the bulk table: words, not codes, and the confidence in per cent (the card says "22%")."""
    return pd.DataFrame(
        {
            "Suggestion": queue["text"],
            "Theme now": [theme_name(theme_id, labels) for theme_id in queue["theme_id"]],
            "Confidence": queue["confidence"] * 100,
            "Why here": queue["queue"].map(QUEUE_NAMES),
            "Location": queue["location"],
            "ID": queue["suggestion_id"],
        }
    )


def log_table(log: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The decision log (queries/store/decision_log.sql) for display and download, oldest first."""
    return pd.DataFrame(
        {
            "When (UTC)": pd.to_datetime(log["decided_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Suggestion ID": log["suggestion_id"],
            "Decision": log["action"].map(ACTION_WORDS),
            "Theme before": [theme_name(theme_id, labels) for theme_id in log["theme_before"]],
            "Theme after": [theme_name(theme_id, labels) for theme_id in log["theme_after"]],
            "By": log["decided_by"],
            "Source": log["source"],
            "Note": log["note"],
            "Text hash": log["text_hash"],
            "Decision ID": log["decision_id"],
        }
    )


def history_table(log: pd.DataFrame, state: Mapping, labels: Mapping[str, str]) -> pd.DataFrame:
    """One suggestion's history, oldest first: its own tag from the data, then each decision, and what holds now.

    `state` is the suggestion's row from queries/review_suggestions.sql.
    """
    tagged_by = SOURCE_WORDS.get(state["tagged_source"], "Untagged")
    if state["tagged_source"] == "auto":
        tagged_by += f", {state['confidence']:.0%}"
        if isinstance(state.get("model_version"), str):
            tagged_by += f", model {state['model_version']}"
    rows = [
        {
            "When (UTC)": "In the data",
            "What": tagged_by,
            "Theme": theme_name(state["tagged_theme_id"], labels),
            "By": "import" if state["tagged_source"] == "manual" else "classifier",
            "Note": "",
        }
    ]
    for decision in log.itertuples(index=False):
        rows.append(
            {
                "When (UTC)": pd.Timestamp(decision.decided_at).strftime("%Y-%m-%d %H:%M:%S"),
                "What": ACTION_WORDS[decision.action],
                "Theme": theme_name(decision.theme_after, labels),
                "By": decision.decided_by,
                "Note": decision.note,
            }
        )
    return pd.DataFrame(rows)


def state_sentence(state: Mapping, labels: Mapping[str, str]) -> str:
    """What holds now for a suggestion with decisions, in words."""
    review_state = state.get("review_state")
    name = theme_name(state["theme_id"], labels)
    if review_state == "applies":
        return f"Its theme now is {name}, from the latest decision."
    if review_state == "stale":
        return (
            f"Its text changed after the latest decision, so that decision no longer applies: it shows as {name} "
            "and is back in the review queue."
        )
    if review_state == "superseded":
        return f"An import since the latest decision brought a new hand-coded theme, which wins: it shows as {name}."
    return f"Its theme is {name}; nobody has reviewed it."
