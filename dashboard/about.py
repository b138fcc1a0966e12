"""About this data: what the data is, where it comes from and how current it is, as pure functions of query results."""

import json
from datetime import date

import pandas as pd

from dashboard import build

BUNDLED_STATUS = (
    "Illustrative: synthetic sample data made by python -m dashboard.sample_data. No member, suggestion or application "
    "in it is real."
)
IMPORTED_STATUS = (
    "Management information from the GSE team's own records, not official statistics. Figures may be revised when "
    "the data is next imported."
)


def is_bundled(info: dict) -> bool:
    """Whether the loaded database is the bundled illustrative data rather than an import."""
    return info.get("source") == build.BUNDLED_SOURCE


def status(info: dict) -> str:
    """The data's status in one sentence: illustrative or real."""
    return BUNDLED_STATUS if is_bundled(info) else IMPORTED_STATUS


def source(info: dict, history: pd.DataFrame) -> str:
    """Where the loaded data came from, from the build facts and the newest import record."""
    latest = history.iloc[0] if len(history) else None
    when = pd.Timestamp(info["built_at"])
    if is_bundled(info):
        return f"GSE Insight's bundled sample files (data/*.csv), built on {when:%-d %B %Y}."
    who = f" by {latest['imported_by']}" if latest is not None else ""
    files = json.loads(latest["files"]) if latest is not None and latest["files"] else {}
    named = f" ({', '.join(files)})" if files else ""
    return f"The GSE team's data: {info['source']}{named}, loaded on {when:%-d %B %Y}{who}."


def data_date(info: dict) -> date:
    """The latest date in the data."""
    return pd.Timestamp(info["data_date"]).date()
