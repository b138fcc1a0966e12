"""The theme taxonomy as it stands: the data's themes with the team's changes (add, rename, merge, retire) applied."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from dashboard.review.decisions import CONTROL_CHARACTERS

ACTIONS = ("add", "rename", "merge", "retire")
LABEL_LIMIT = 80
DESCRIPTION_LIMIT = 500
THEME_ID = re.compile(r"[a-z][a-z_]{1,31}")
NOT_LETTERS = re.compile(r"[^a-z]+")


class TaxonomyError(ValueError):
    """A change to the taxonomy that cannot be made as asked; the message says why, in words an admin can act on."""


@dataclass(frozen=True)
class Taxonomy:
    """The themes now, where the suggestions of merged and retired themes went, and the labels themes used to have."""

    themes: pd.DataFrame  # theme_id, label, description, origin ('data' or 'added'): the themes in use, by label
    moves: pd.DataFrame  # theme_id, current_theme_id (None: Unthemed), for every merged or retired theme
    old_labels: dict[str, str] = field(default_factory=dict)  # a label no theme has now -> the theme it leads to
    newest_event: int = 0  # the newest change applied (0 for none): a change names it as the one it saw
    names: dict[str, str] = field(default_factory=dict)  # every theme id ever used -> its latest label

    def labels(self) -> dict[str, str]:
        """Theme id -> label, for the themes in use."""
        return dict(zip(self.themes["theme_id"], self.themes["label"], strict=True))


def apply(base: pd.DataFrame, events: pd.DataFrame) -> Taxonomy:
    """The data's themes (theme_id, label, description) with the taxonomy events (queries/store/taxonomy_events.sql).

    An event that no longer fits the data (an import removed its theme) is passed over, so that an import never stops
    the pages.
    """
    themes = {
        row.theme_id: {"label": row.label, "description": row.description, "origin": "data"}
        for row in base.itertuples()
    }
    gone: dict[str, str | None] = {}
    former: list[tuple[str, str]] = []  # (label, theme id) of every label a theme gave up
    former_names: dict[str, str] = {}  # a merged or retired theme's last label
    newest = 0
    for event in events.sort_values("event_id").itertuples() if len(events) else ():
        newest = max(newest, int(event.event_id))
        if event.action == "add" and event.theme_id not in themes and event.theme_id not in gone:
            themes[event.theme_id] = {"label": event.label, "description": event.description or "", "origin": "added"}
        elif event.action == "rename" and event.theme_id in themes:
            former.append((themes[event.theme_id]["label"], event.theme_id))
            themes[event.theme_id]["label"] = event.label
            if isinstance(event.description, str) and event.description:
                themes[event.theme_id]["description"] = event.description
        elif event.action in ("merge", "retire") and event.theme_id in themes:
            into = event.into_theme_id if isinstance(event.into_theme_id, str) else None
            former.append((themes.pop(event.theme_id)["label"], event.theme_id))
            former_names[event.theme_id] = former[-1][0]
            gone[event.theme_id] = into

    def destination(theme_id: str | None) -> str | None:
        seen = set()
        while theme_id in gone and theme_id not in seen:
            seen.add(theme_id)
            theme_id = gone[theme_id]
        return theme_id if theme_id in themes else None

    names = dict(former_names)
    names.update({theme_id: values["label"] for theme_id, values in themes.items()})
    current_labels = {values["label"].casefold() for values in themes.values()}
    old_labels = {}
    for label, theme_id in former:
        target = destination(theme_id)
        if target is not None and label.casefold() not in current_labels:
            old_labels[label] = target
    frame = pd.DataFrame(
        [{"theme_id": theme_id, **values} for theme_id, values in themes.items()],
        columns=["theme_id", "label", "description", "origin"],
    ).sort_values("label", ignore_index=True)
    moves = pd.DataFrame(
        [{"theme_id": theme_id, "current_theme_id": destination(theme_id)} for theme_id in gone],
        columns=["theme_id", "current_theme_id"],
    ).astype({"theme_id": "object", "current_theme_id": "object"})
    return Taxonomy(frame, moves, old_labels, newest, names)


def proposals(decided: pd.DataFrame, moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """The theme proposed for each suggestion by the latest promote or merge that named it (theme_proposals)."""
    columns = ["suggestion_id", "proposed_theme_id", "proposed_at"]
    if decided.empty:
        return pd.DataFrame(columns=columns)
    chosen = decided[decided["action"].isin(["promote", "merge"])]
    rows = chosen.explode("suggestion_ids").rename(
        columns={"suggestion_ids": "suggestion_id", "theme_id": "proposed_theme_id", "decided_at": "proposed_at"}
    )
    rows = rows.sort_values("candidate_decision_id").drop_duplicates("suggestion_id", keep="last")
    if moves is not None and len(moves):
        moved = dict(zip(moves["theme_id"], moves["current_theme_id"], strict=True))
        rows["proposed_theme_id"] = rows["proposed_theme_id"].map(lambda theme_id: moved.get(theme_id, theme_id))
    return rows[columns].reset_index(drop=True)


def clean_text(value: object, limit: int, what: str) -> str:
    """A label or description as stored: control characters made spaces, spaces collapsed; too long is an error."""
    text = " ".join(CONTROL_CHARACTERS.sub(" ", "" if value is None else str(value)).split())
    if len(text) > limit:
        raise TaxonomyError(f"The {what} has {len(text):,} characters; it may have at most {limit:,}. Shorten it.")
    return text


def checked_label(value: object, taxonomy: Taxonomy, *, keep: str | None = None) -> str:
    """A new label, refused when empty or when another theme in use has it (case and spacing aside)."""
    label = clean_text(value, LABEL_LIMIT, "label")
    if not label:
        raise TaxonomyError("A theme needs a label: type one.")
    for theme_id, existing in taxonomy.labels().items():
        if theme_id != keep and existing.casefold() == label.casefold():
            raise TaxonomyError(f"There is already a theme called “{existing}”. Choose another label, or merge them.")
    return label


def new_theme_id(label: str, taken: set[str]) -> str:
    """An id for a new theme made from its label's letters ('Digital & IT' -> 'digital_it'), unlike any id in use."""
    stem = NOT_LETTERS.sub("_", label.lower()).strip("_")[:28] or "theme"
    if not THEME_ID.fullmatch(stem):
        stem = f"theme_{stem}"[:28].strip("_")
    candidate, suffix = stem, 0
    while candidate in taken:
        suffix += 1
        candidate = f"{stem}_{'abcdefghijklmnopqrstuvwxyz'[suffix % 26]}" + "z" * (suffix // 26)
    return candidate


def plan(
    action: str,
    taxonomy: Taxonomy,
    *,
    held: Mapping[str, int],
    who: str,
    request_id: str,
    theme_id: str | None = None,
    label: object = None,
    description: object = None,
    into: str | None = None,
    taken: set[str] = frozenset(),
    now: datetime | None = None,
) -> dict:
    """The store row (queries/store/schema.sql, taxonomy_events) for one change, checked against the taxonomy now.

    held maps each theme in use to the suggestions it holds; taken is every theme id ever used (the data's, and those
    added or retired). Raises TaxonomyError for an empty or duplicate label, a merge of a theme into itself, a retire
    of a theme that holds suggestions with nowhere named for them, or an unknown theme.
    """
    if action not in ACTIONS:
        raise TaxonomyError(f"{action!r} is not a change to the taxonomy: add, rename, merge or retire.")
    if not who or not str(who).strip():
        raise TaxonomyError("A change needs the name of whoever makes it.")
    labels = taxonomy.labels()
    row = {
        "request_id": request_id,
        "supersedes": taxonomy.newest_event,
        "action": action,
        "theme_id": theme_id,
        "label": None,
        "description": None,
        "into_theme_id": None,
        "made_by": str(who).strip(),
        "made_at": (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
    }
    if action == "add":
        row["label"] = checked_label(label, taxonomy)
        row["description"] = clean_text(description, DESCRIPTION_LIMIT, "description")
        if not row["description"]:
            raise TaxonomyError("Describe the new theme in a sentence: reviewers choose by it.")
        row["theme_id"] = new_theme_id(row["label"], set(taken) | set(labels))
        return row
    if theme_id not in labels:
        raise TaxonomyError("Choose a theme in use to change.")
    name = labels[theme_id]
    if action == "rename":
        row["label"] = checked_label(label, taxonomy, keep=theme_id)
        if row["label"] == name:
            raise TaxonomyError(f"The theme is already called “{name}”. Type the new label.")
        row["description"] = clean_text(description, DESCRIPTION_LIMIT, "description") or None
        return row
    if into == theme_id:
        raise TaxonomyError(f"A theme cannot be merged into itself: choose another theme for “{name}”'s suggestions.")
    if into is not None and into not in labels:
        raise TaxonomyError("The theme to send the suggestions to is not in use. Choose one from the list.")
    if action == "merge" and into is None:
        raise TaxonomyError(f"Choose the theme to merge “{name}” into.")
    count = int(held.get(theme_id, 0))
    if action == "retire" and count and into is None:
        raise TaxonomyError(
            f"“{name}” still holds {count:,} suggestion{'s' if count != 1 else ''}: choose the theme they go to "
            "(or merge it into that theme). Nothing was changed."
        )
    row["into_theme_id"] = into
    return row


def new_request_id() -> str:
    """A fresh id for one submission: the same id sent twice (a double click) makes one change."""
    return uuid.uuid4().hex


def history_table(events: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """The taxonomy's history for display and download, oldest first; names maps every theme id ever seen to a label."""
    words = {"add": "Added", "rename": "Renamed", "merge": "Merged", "retire": "Retired"}

    def name(theme_id) -> str:
        return "" if not isinstance(theme_id, str) else names.get(theme_id, theme_id)

    return pd.DataFrame(
        {
            "When (UTC)": pd.to_datetime(events["made_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Change": events["action"].map(words),
            "Theme": events["theme_id"].map(name),
            "New label": events["label"].fillna(""),
            "Suggestions went to": events["into_theme_id"].map(name),
            "By": events["made_by"],
        },
        columns=["When (UTC)", "Change", "Theme", "New label", "Suggestions went to", "By"],
    )


def current_admin():
    """The signed-in admin of this session, decided afresh from the sign-in; PermissionError for anyone else."""
    from dashboard import auth

    verdict = auth.current_verdict()
    if verdict.viewer is None or not verdict.viewer.is_admin:
        raise PermissionError("Only the dashboard's administrators can change the taxonomy.")
    return verdict.viewer


def _context():
    from dashboard import data

    current = data.taxonomy()
    held = data.query("theme_health").set_index("theme_id")["suggestions"].astype(int).to_dict()
    return current, held, set(current.names)


def record(action: str, *, request_id: str, **change) -> int | None:
    """Make one change to the taxonomy as the signed-in admin; returns its event id (None for a double click).

    Raises PermissionError, TaxonomyError, store.TaxonomyConflict (another admin changed it since) or store.StoreBusy.
    """
    from dashboard import store

    admin = current_admin()
    current, held, taken = _context()
    row = plan(action, current, held=held, who=admin.name, request_id=request_id, taken=taken, **change)
    return store.append_taxonomy(row)


def decide_candidate(
    candidate, action: str, *, request_id: str, theme_id: str | None = None, label: object = None, description=None
) -> str | None:
    """Promote a candidate theme (a new theme), merge it into a theme in use, or dismiss it, as the signed-in admin.

    A promote or merge proposes the theme for the candidate's suggestions, which go to the review queue. Returns the
    theme proposed (None for a dismissal).
    """
    from dashboard import store
    from dashboard.review import emerging

    admin = current_admin()
    now = datetime.now(UTC).replace(tzinfo=None)
    current, held, taken = _context()
    if action == "promote":
        row = plan(
            "add",
            current,
            held=held,
            who=admin.name,
            request_id=request_id,
            label=label,
            description=description,
            taken=taken,
            now=now,
        )
        theme_id = row["theme_id"]
    elif action == "merge":
        if theme_id not in current.labels():
            raise TaxonomyError("Choose the theme in use to merge the candidate into.")
        row = None
    elif action == "dismiss":
        row, theme_id = None, None
    else:
        raise TaxonomyError(f"{action!r} is not a decision on a candidate theme: promote, merge or dismiss.")
    decision = emerging.decision_row(
        candidate, action, theme_id, who=admin.name, request_id=f"{request_id}:candidate", now=now
    )
    store.append_taxonomy(row, decision)
    return theme_id
