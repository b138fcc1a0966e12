"""Change over time: KPI changes against the previous import or cohort year, and the "since the last import" tables."""

from dataclasses import dataclass

import pandas as pd

from dashboard import disclosure
from dashboard.filters import Filters

MEASURES = ("members", "applications", "participants")


@dataclass(frozen=True)
class Change:
    """A KPI's change: the signed amount, what it is against, and the trend in words where there is one."""

    delta: int | None
    against: str
    trend: str = ""


def previous_version(versions: pd.DataFrame) -> dict | None:
    """The version the newest is compared with (the import before it), or None when only one is recorded."""
    return versions.iloc[1].to_dict() if len(versions) > 1 else None


def _difference(now, before) -> int | None:
    # A change is shown only when both counts are: a change between a shown and a blanked count would give it away.
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    if disclosure.is_small(now) or disclosure.is_small(before):
        return None
    return int(now) - int(before)


def import_deltas(active: Filters, totals: dict) -> dict[str, Change]:
    """Overview KPI changes since the previous import, for the KPIs the recorded counts can give under these filters.

    The counts are recorded by department and by theme, so members and participants have a change only when no nation
    filter is on, and suggestions only when no nation, location or date filter is on.
    """
    if totals["before_import_id"] is None or pd.isna(totals["before_import_id"]):
        return {}
    against = f"since the previous import ({pd.Timestamp(totals['before_imported_at']):%-d %b %Y})"
    measures = []
    if not active.nations:
        measures += [("Members", "members"), ("Participants", "participants")]
    if not (active.nations or active.location_ids or active.date_from or active.date_to):
        measures.append(("Suggestions", "suggestions"))
    deltas = {}
    for label, column in measures:
        now, before = totals[f"{column}_now"], totals[f"{column}_before"]
        # Suggestions are not people, so no count of them is ever blanked.
        delta = int(now) - int(before) if column == "suggestions" else _difference(now, before)
        if delta is not None:
            deltas[label] = Change(delta, against)
    return deltas


def cohort_change(cohorts: pd.DataFrame) -> tuple[str, str, Change] | None:
    """The latest cohort's participants against the cohort before, as a KPI (label, value, change), with the trend."""
    years = cohorts[cohorts["cohort"] != disclosure.TOTAL]
    if len(years) < 2:
        return None
    latest, previous = years.iloc[-1], years.iloc[-2]
    # A cohort still being decided has fewer participants than it will have: the card says so beside its fall. A
    # blanked count (NA) is not read as none or as some.
    deciding = pd.notna(latest["awaiting"]) and latest["awaiting"] > 0
    waiting = (
        f"{int(latest['awaiting']):,} of the {latest['cohort']} applications still await a decision. "
        if deciding
        else ""
    )
    counts = zip(years["cohort"], years["participants"], strict=True)
    still_open = f"; {latest['cohort']} decisions still open" if deciding else ""
    change = Change(
        _difference(latest["participants"], previous["participants"]),
        f"against the {previous['cohort']} cohort{still_open}",
        waiting
        + "Participants by cohort year: "
        + ", ".join(f"{cohort} {disclosure.format_count(count)}" for cohort, count in counts)
        + ".",
    )
    return f"Participants, {latest['cohort']} cohort", disclosure.format_count(latest["participants"]), change


DEPARTMENT_COUNTS = [f"{measure}_{when}" for measure in MEASURES for when in ("now", "before")]


def department_table(departments: pd.DataFrame) -> pd.DataFrame:
    """Members, applications and participants by department, now and at the previous import, with their changes.

    `departments` comes through disclosure control (data.protected), so a blanked count is NA and shows as [c].
    """
    rows = []
    for record in departments.to_dict("records"):
        row = {"Department": record["name"]}
        for measure in MEASURES:
            now, before = record[f"{measure}_now"], record[f"{measure}_before"]
            change = _difference(now, before)
            row[f"{measure.capitalize()} now"] = disclosure.format_count(now)
            row[f"{measure.capitalize()} before"] = disclosure.format_count(before)
            row[f"{measure.capitalize()} change"] = "[c]" if change is None else f"{change:+,}"
        rows.append(row)
    return pd.DataFrame(rows)


def theme_table(themes: pd.DataFrame) -> pd.DataFrame:
    """Suggestions by theme, now and at the previous import, with the change (suggestions are not people)."""
    now = themes["suggestions_now"].fillna(0).astype(int)
    before = themes["suggestions_before"]
    return pd.DataFrame(
        {
            "Theme": themes["label"],
            "Suggestions now": now,
            "Suggestions before": before.astype("Int64"),
            "Change": [None if pd.isna(b) else int(n - b) for n, b in zip(now, before, strict=True)],
        }
    ).astype({"Change": "Int64"})


def caption(changes: dict[str, Change]) -> str:
    """What the KPIs' changes are against, in one sentence, or why none are shown."""
    if not changes:
        return "No changes to show: only one version of the data is recorded and there is no earlier cohort."
    against = sorted({change.against for change in changes.values()})
    parts = [
        f"{', '.join(label for label, change in changes.items() if change.against == text)}: {text}" for text in against
    ]
    trends = " ".join(change.trend for change in changes.values() if change.trend)
    return "Changes under the figures. " + "; ".join(parts) + "." + (f" {trends}" if trends else "")
