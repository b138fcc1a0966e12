"""Statistical disclosure control: small counts of people are shown as [c], as in government statistics."""

import pandas as pd

from dashboard import config

SUPPRESSED = "[c]"
NOTE = "Counts of fewer than {k} people, and rates built on them, are shown as [c] so that no one can be identified."


def threshold() -> int:
    """The configured threshold k (0 means no suppression)."""
    return config.disclosure_threshold()


def is_small(count, k: int | None = None) -> bool:
    """True when a count of people is below k and must not be shown."""
    k = threshold() if k is None else k
    return count is not None and not pd.isna(count) and k > 0 and count < k


def format_count(count, k: int | None = None) -> str:
    """A count of people for display: thousands separated, or [c] when small."""
    return SUPPRESSED if is_small(count, k) else f"{int(count):,}"


def note(k: int | None = None) -> str:
    """The one-line explanation shown under tables of people."""
    k = threshold() if k is None else k
    return NOTE.format(k=k) if k else "Disclosure control is off: every count is shown."
