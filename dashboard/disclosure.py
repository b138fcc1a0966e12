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


def suppress(
    frame: pd.DataFrame,
    counts: list[str],
    *,
    rates: dict[str, str] | None = None,
    groups: list[list[str]] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Blank (set to NA) every count below k, then enough further cells that none can be worked out from totals.

    `counts` are columns of people counts. `rates` maps a rate column to the count column that is its denominator;
    a rate is blanked with its denominator or its numerator row. `groups` lists sets of key columns: within each
    group of rows sharing those keys, the shown cells add up to a published total, so a lone blank cell forces
    the next smallest one to be blanked too. The input is not changed.
    """
    k = threshold() if k is None else k
    protected = frame.copy()
    if k <= 0 or protected.empty:
        return protected
    for column in counts:
        protected[column] = protected[column].astype("Float64")
        small = protected[column] < k
        protected.loc[small, column] = pd.NA
    for column in counts:
        for keys in groups or []:
            _secondary(protected, column, keys)
    for rate, denominator in (rates or {}).items():
        protected[rate] = protected[rate].astype("Float64")
        hidden = protected[denominator].isna() | protected[counts].isna().any(axis=1)
        protected.loc[hidden, rate] = pd.NA
    return protected


def _secondary(frame: pd.DataFrame, column: str, keys: list[str]) -> None:
    # A group with exactly one blank cell gives it away (total minus the rest): blank the next smallest as well.
    grouped = frame.groupby(keys, dropna=False, sort=False) if keys else [((), frame)]
    for _, rows in grouped:
        blank = rows[column].isna()
        if blank.sum() == 1 and (~blank).any():
            frame.loc[rows.loc[~blank, column].astype(float).idxmin(), column] = pd.NA


def display(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy for tables and downloads, with blanked cells written as [c]."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].astype(object).where(shown[column].notna(), SUPPRESSED)
    return shown
