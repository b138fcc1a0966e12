"""Workshop attendees, protected once for every page that shows them: per workshop, location, region and in total."""

from collections import defaultdict
from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from dashboard import data, disclosure
from dashboard.disclosure import TOTAL

NOT_RECORDED = "not recorded"
# The attendee_totals rollup: a location's workshops add up to it, a region's workshops to the region, all of them to
# the total. The Roadtrip and Profession pages both read these rows, so a value one page blanks is blank on the other,
# and whatever either shows is one of these numbers or a sum of shown ones.
PROTECTION = {
    "counts": ["attendees"],
    "margins": ["region", "location_id", "workshop_id"],
    "groups": [["region", "location_id"], ["region"], []],
}


def protected_totals() -> pd.DataFrame:
    """The protected attendee_totals rows: the only way a page gets attendee counts."""
    # The rollup takes no filter, so it is protected once per database and threshold, not on every run: the check
    # costs 10-13 ms, a tenth of a Roadtrip rerun.
    return data.cached_call(_protected_totals, data.run_database(), disclosure.threshold())


@st.cache_data(max_entries=8, show_spinner=False)
def _protected_totals(database: data.Database, k: int) -> pd.DataFrame:
    return data.protected("attendee_totals", **PROTECTION)


def workshop_rows(totals: pd.DataFrame) -> pd.DataFrame:
    """One row per workshop: region, location_id, workshop_id, recorded_workshops (0 or 1) and attendees."""
    return totals[(totals["workshop_id"] != TOTAL) & (totals["location_id"] != TOTAL)]


def location_rows(totals: pd.DataFrame) -> pd.DataFrame:
    """One total row per location."""
    return totals[(totals["workshop_id"] == TOTAL) & (totals["location_id"] != TOTAL)]


def region_rows(totals: pd.DataFrame) -> pd.DataFrame:
    """One total row per region that held a workshop."""
    return totals[(totals["location_id"] == TOTAL) & (totals["region"] != TOTAL)]


def grand_total(totals: pd.DataFrame):
    """All recorded attendees (NA when blanked or when no workshop recorded any)."""
    rows = totals.loc[totals["region"] == TOTAL, "attendees"]
    return rows.iloc[0] if len(rows) else pd.NA


def sum_of(totals: pd.DataFrame, workshop_ids: Iterable[str]):
    """The attendees of some workshops, as far as the protected rows allow: a number, NA for [c], or None if none recorded.

    The sum is built from published numbers only: the tour's total when every workshop that recorded attendance is
    chosen, else each region's total where all of its are chosen, else each location's, else the workshops' own. If
    any of those is blank the sum is [c] too: beside the other numbers shown, it would give that blank away.
    """
    return summer(totals)(workshop_ids)


def summer(totals: pd.DataFrame) -> Callable[[Iterable[str]], object]:
    """`sum_of` for many sets of workshops, reading the protected rows once."""
    published, place = {}, {}
    recorded_in: dict[tuple, set] = defaultdict(set)  # each published total's workshops that recorded attendance
    columns = ["region", "location_id", "workshop_id", "recorded_workshops", "attendees"]
    for region, location_id, workshop_id, recorded, value in totals[columns].itertuples(index=False):
        if workshop_id != TOTAL:
            published[(region, location_id, workshop_id)] = value
            if recorded:
                place[workshop_id] = (region, location_id, workshop_id)
                for scope in ((region, location_id), (region,), ()):
                    recorded_in[scope].add(workshop_id)
        else:
            published[() if region == TOTAL else (region,) if location_id == TOTAL else (region, location_id)] = value

    def attendees_of(workshop_ids: Iterable[str]):
        chosen = set(workshop_ids) & recorded_in[()]
        if not chosen:
            return None
        pieces = {()} if chosen == recorded_in[()] else set()
        for workshop_id in chosen - set().union(*(recorded_in[scope] for scope in pieces)):
            key = place[workshop_id]
            # The coarsest published total that the chosen workshops fill: region, then location, then the workshop.
            pieces.add(next(key[:size] for size in (1, 2, 3) if size == 3 or recorded_in[key[:size]] <= chosen))
        values = [published[piece] for piece in pieces]
        return pd.NA if any(pd.isna(value) for value in values) else int(sum(values))

    return attendees_of


def text(value) -> str:
    """A value from `sum_of` or the protected rows as text: a count, [c], or 'not recorded'."""
    if value is None:
        return NOT_RECORDED
    return disclosure.SUPPRESSED if pd.isna(value) else f"{int(value):,}"
