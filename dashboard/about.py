"""About this data: what the data is, where it comes from and how current it is, as pure functions of query results."""

import json
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import build, config

BUNDLED_STATUS = (
    "Illustrative: synthetic sample data made by python -m dashboard.sample_data. No member, suggestion or application "
    "in it is real."
)
IMPORTED_STATUS = (
    "Management information from the GSE team's own records, not official statistics. Figures may be revised when "
    "the data is next imported."
)
ABOUT_POINTER = "About this data, the page of that name in GSE Insight: sources, coverage, methods and a glossary."
DEFAULT_CONTACT = "The GSE team."
TABLE_CONTENTS = {
    "departments": "Departments and agencies members work in.",
    "locations": "The places the strategy tour held workshops, with their nation, ITL1 region and coordinates.",
    "workshops": "One row per workshop: where, when, the host, the attendees if recorded, the miles reported.",
    "members": "One row per member of the profession: department, grade, ITL1 region, background, joining date.",
    "themes": "The suggestion themes (the taxonomy) and their descriptions.",
    "suggestions": "One row per suggestion made at a workshop: the text, the question, the theme, a member if named.",
    "schemes": "The leadership and development schemes, and the department that runs each departmental one.",
    "participation": "One row per application: a member, a scheme, a cohort year and the furthest stage reached.",
}


@dataclass(frozen=True)
class Settings:
    """The facts about the data that a person keeps up to date in data/about.toml, and any problems reading them."""

    next_update: date | None = None
    update_frequency: str = ""
    contact: str = DEFAULT_CONTACT
    problems: tuple[str, ...] = field(default=())


def settings_path() -> Path:
    """Where the about settings live: GSE_ABOUT_PATH, or data/about.toml."""
    return Path(os.environ.get("GSE_ABOUT_PATH") or config.DATA_DIR / "about.toml")


def read_settings(path: Path) -> Settings:
    """The settings in a TOML file; a missing, unreadable or wrong value is reported as a problem, never raised."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(problems=(f"{path.name} is missing, so no next update date or contact is given.",))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Settings(problems=(f"{path.name} could not be read ({error}), so no next update date is given.",))
    problems = []
    next_update = raw.get("next_update")
    if next_update is not None and (not isinstance(next_update, date) or hasattr(next_update, "hour")):
        problems.append(
            f"{path.name}: next_update must be a date written as YYYY-MM-DD (such as 2027-03-31), "
            f"not {str(next_update)[:40]!r}."
        )
        next_update = None
    texts = {}
    for key, default in (("update_frequency", ""), ("contact", DEFAULT_CONTACT)):
        value = raw.get(key, default)
        if not isinstance(value, str):
            problems.append(f"{path.name}: {key} must be text in quotes.")
            value = default
        texts[key] = value.strip() or default
    return Settings(next_update=next_update, problems=tuple(problems), **texts)


def update_notice(settings: Settings, today: date) -> str | None:
    """A warning when the planned next update has passed or none is planned, else None."""
    if settings.next_update is None:
        return "No next update is planned. Ask " + settings.contact.rstrip(".") + " whether these figures are current."
    if settings.next_update < today:
        return (
            f"The planned next update, {settings.next_update:%-d %B %Y}, has passed and the data has not been "
            f"updated since: these figures may be out of date. Ask {settings.contact.rstrip('.')}."
        )
    return None


def is_bundled(info: dict) -> bool:
    """Whether the loaded database is the bundled illustrative data rather than an import."""
    return info.get("source") == build.BUNDLED_SOURCE


def status(info: dict) -> str:
    """The data's status in one sentence: illustrative or real."""
    return BUNDLED_STATUS if is_bundled(info) else IMPORTED_STATUS


def source(info: dict, history: pd.DataFrame) -> str:
    """Where the loaded data came from, from the build facts and the newest import record."""
    when = pd.Timestamp(info["built_at"])
    if is_bundled(info):
        return f"GSE Insight's bundled sample files (data/*.csv), built on {when:%-d %B %Y}."
    latest = history.iloc[0] if len(history) else None
    files = json.loads(latest["files"]) if latest is not None and latest["files"] else {}
    named = f" ({', '.join(files)})" if files else ""
    return f"The GSE team's data: {info['source']}{named}, loaded on {when:%-d %B %Y}."


def table_sources(info: dict, history: pd.DataFrame) -> pd.DataFrame:
    """One row per table: what it holds, its rows now, and the file and load it last came from."""
    newest = history.iloc[0] if len(history) else None
    counts = json.loads(newest["row_counts"]) if newest is not None and newest["row_counts"] else {}
    rows = []
    for table in build.TABLES:
        rows.append(
            {
                "Table": table,
                # Beside the name: a number at the far right is the column a narrow screen cuts ("11,14" for 11,145).
                "Rows": counts.get(table),
                "What it holds": TABLE_CONTENTS.get(table, ""),
                "Last loaded from": _last_source(table, info, history),
            }
        )
    return pd.DataFrame(rows).astype({"Rows": "Int64"})


def _last_source(table: str, info: dict, history: pd.DataFrame) -> str:
    # Tables left out of an import keep their rows, so a table's source is the newest load that gave its file.
    for record in history.to_dict("records"):
        files = json.loads(record["files"]) if record["files"] else {}
        when = f"{pd.Timestamp(record['imported_at']):%-d %b %Y}"
        if record["source"] == build.BUNDLED_SOURCE:
            return f"data/{table}.csv, bundled illustrative sample ({when})"
        given = [name for name in files if Path(name).stem.lower() == table]
        workbooks = [name for name in files if Path(name).suffix.lower() == ".xlsx"]
        if given or workbooks:
            return f"{(given or workbooks)[0]}, {record['source']} ({when})"
        if str(record["source"]).startswith("restore of"):
            return f"{record['source']} ({when})"
    return "bundled sample" if is_bundled(info) else "unknown"


def coverage(figures: dict) -> list[str]:
    """What the data covers, in sentences computed from about_coverage."""
    lines = []
    if figures["workshops"]:
        lines.append(
            f"{figures['workshops_with_attendees']:,} of {figures['workshops']:,} workshops recorded attendance; "
            f"the workshops ran from {pd.Timestamp(figures['first_workshop']):%-d %B %Y} to "
            f"{pd.Timestamp(figures['last_workshop']):%-d %B %Y} in {figures['locations']:,} locations."
        )
    if figures["suggestions"]:
        named = figures["suggestions_naming_a_member"] / figures["suggestions"]
        lines.append(
            f"{figures['suggestions_naming_a_member']:,} of {figures['suggestions']:,} suggestions ({named:.0%}) "
            f"name a member; {figures['manual_themes']:,} were themed by hand and {figures['auto_themes']:,} by the "
            "classifier."
        )
    if figures["members"]:
        lines.append(
            f"{figures['members']:,} members in {figures['departments']:,} departments; "
            f"{figures['members_with_joining_date']:,} have a joining date."
        )
    if figures["applications"]:
        lines.append(
            f"{figures['applications']:,} applications to {figures['schemes']:,} schemes, cohort years "
            f"{figures['first_cohort']} to {figures['last_cohort']}."
        )
    return lines


def limitations(figures: dict) -> list[str]:
    """Strengths and limitations a reader should weigh, with the numbers that make them so."""
    unnamed = figures["suggestions"] - figures["suggestions_naming_a_member"]
    return [
        "Strength: every member, suggestion and application is counted, not sampled, so there is no sampling error.",
        "Strength: every import is checked against the data contract before it is loaded, and every load is recorded.",
        f"Limitation: {unnamed:,} suggestions name no member, so who made them (grade, department) is unknown; the "
        "Profession page compares only the identified contributors with the profession.",
        f"Limitation: {_workshops(figures['workshops'] - figures['workshops_with_attendees'])} did not record "
        "attendance, so attendee totals are lower bounds.",
        "Limitation: reported miles include trips home between workshops; the route as the crow flies is a lower "
        "bound on distance.",
        "Limitation: the latest cohort's acceptance rate rises as decisions arrive (awaiting decisions count as not "
        "accepted).",
        "Limitation: disclosure control does not cover the difference between two filtered views; treat an export "
        "that combines several views as needing a second look.",
    ]


def _workshops(count: int) -> str:
    return f"{count:,} workshop{'' if count == 1 else 's'}"


METHODS = [
    (
        "Themes",
        "A suggestion without a theme gets one from an offline classifier (TF-IDF of words and characters, a linear "
        "SVM with calibrated confidence), trained on the hand-tagged suggestions. Macro-F1 on 243 held-out "
        "suggestions: 0.93 (docs/CLASSIFIER.md). Below 50% confidence a theme is marked as needing review.",
    ),
    (
        "Disclosure control",
        "Counts of fewer than k people are shown as [c], with rates built on them; further cells are blanked until no "
        "hidden count can be worked out from the totals shown, checked with a linear program.",
    ),
    (
        "Distances",
        "Miles travelled are those the team reported for each leg. The route as the crow flies is the great-circle "
        "(haversine) distance between stops in date order, with Earth's mean radius 3,958.8 miles.",
    ),
    (
        "Rates and intervals",
        "Acceptance rates carry 95% Wilson score intervals; a department is named as below the profession only when "
        "its whole interval lies below the profession-wide rate.",
    ),
]


def revisions(history: pd.DataFrame) -> str:
    """How the data is revised, and how many loads are on record."""
    loads = len(history)
    return (
        "The data is replaced as a whole by each import, never edited in place; the previous version is kept as a "
        f"backup and an administrator can restore it. {loads:,} load{'s' if loads != 1 else ''} on record, "
        "newest first on the Data page. Figures for past periods can change when corrected records are imported."
    )


def data_date(info: dict) -> date:
    """The latest date in the data."""
    return pd.Timestamp(info["data_date"]).date()
