"""Member counts, protected once for every page that shows them: by department, grade, region, area and background."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from dashboard import data, disclosure
from dashboard.disclosure import TOTAL
from dashboard.ingest.contract import GRADES, REGIONS  # the contract's lists, in the order pages show them

BACKGROUNDS = ("science", "engineering", "both", "interest")
NATION_OF = {"Wales": "Wales", "Scotland": "Scotland", "Northern Ireland": "Northern Ireland"}  # else England
LONDON, REST_OF_UK = "London", "Rest of the UK"
REST_REGIONS = frozenset(REGIONS) - {LONDON}
# The member_rollup tables: each is department x category with row and column totals. They share their department
# totals (and London), so they are protected as one system: whatever one table shows, no blank in another can be
# worked out from it. The area table makes "the rest of the UK" a cell of its own, blanked when small, rather than a
# number anyone could get as the total less London.
BREAKDOWNS = ("grade", "region", "area", "background")
SPECS = {breakdown: {"counts": ["members"], "margins": ["department_id", "category"]} for breakdown in BREAKDOWNS}

CROSSING_NOTE = (
    "Member counts that need two of grade, region and background together are shown as [c]: members are protected "
    "as tables of department by grade, by region and by background, and none of them crosses two of those."
)

Choice = Iterable[str] | None  # the values chosen on one dimension; None means all of them


@dataclass(frozen=True)
class Rollup:
    """The protected member_rollup tables by breakdown, and their cells by (breakdown, department, category)."""

    tables: dict[str, pd.DataFrame]
    cells: dict[tuple[str, str, str], object] = field(init=False, repr=False)
    departments: frozenset[str] = field(init=False)

    def __post_init__(self):
        cells = {
            (breakdown, department, category): value
            for breakdown, frame in self.tables.items()
            for department, category, value in zip(
                frame["department_id"].tolist(), frame["category"].tolist(), frame["members"].tolist(), strict=True
            )
        }
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "departments", frozenset(self.tables["grade"]["department_id"]) - {TOTAL})


def protected_rollup() -> Rollup:
    """The protected member rollup: the only way a page gets counts of members."""
    return data.cached_call(_protected, data.run_database(), disclosure.threshold())


@st.cache_data(max_entries=8, show_spinner=False)
def _protected(database: data.Database, k: int) -> Rollup:
    # Cached: the tables are the whole profession's, the same for every filter, and every page run reads them.
    rows = data.query_in(database, "member_rollup")
    frames = {
        breakdown: rows[rows["breakdown"] == breakdown].drop(columns="breakdown").reset_index(drop=True)
        for breakdown in BREAKDOWNS
    }
    return Rollup(disclosure.suppress_together(frames, SPECS, links(frames), k=k))


def links(frames: Mapping[str, pd.DataFrame]) -> list[disclosure.Link]:
    """The cells the tables share: each department's total (and the grand total) in every table, and London."""
    position = {
        name: {key: row for row, key in enumerate(zip(frame["department_id"], frame["category"], strict=True))}
        for name, frame in frames.items()
    }
    tied = []
    for department in frames["grade"]["department_id"].unique():
        total = ("grade", position["grade"][(department, TOTAL)], "members")
        for name in ("region", "area", "background"):
            tied.append(disclosure.Link(((name, position[name][(department, TOTAL)], "members"),), total))
        london = ("region", position["region"][(department, LONDON)], "members")
        tied.append(disclosure.Link((("area", position["area"][(department, LONDON)], "members"),), london))
    return tied


def nation_regions(nations: Choice) -> frozenset[str] | None:
    """The regions of the chosen nations (None for all)."""
    if nations is None:
        return None
    chosen = set(nations)
    return frozenset(region for region in REGIONS if NATION_OF.get(region, "England") in chosen)


def count(
    rollup: Rollup,
    *,
    department_ids: Choice = None,
    grades: Choice = None,
    regions: Choice = None,
    backgrounds: Choice = None,
):
    """The members in the chosen departments, grades, regions and backgrounds, as far as the protected rollup allows.

    A number is built only from published cells: the coarsest cells of the one table that crosses departments with
    the one other dimension chosen (the total, a department's total, the rest of the UK as one cell). It is NA ([c])
    when any of those cells is blank, and when more than one of grades, regions and backgrounds is narrowed, since
    no table crosses them: beside the other numbers shown, such a count could give a blank away.
    """
    departments = _narrowed(department_ids, rollup.departments)
    narrowed = {
        name: chosen
        for name, chosen in (
            ("grade", _narrowed(grades, GRADES)),
            ("region", _narrowed(regions, REGIONS)),
            ("background", _narrowed(backgrounds, BACKGROUNDS)),
        )
        if chosen is not None
    }
    if len(narrowed) > 1 or departments == frozenset() or not all(narrowed.values()):
        return pd.NA  # crosses two dimensions, or chooses nothing the data holds (a 0 would be shown below k)
    breakdown, categories = next(iter(narrowed.items()), ("grade", None))
    if breakdown == "region" and categories >= REST_REGIONS:
        breakdown, categories = "area", {REST_OF_UK} | ({LONDON} & categories)
    values = [
        rollup.cells[(breakdown, department, category)]
        for department in (sorted(departments) if departments is not None else [TOTAL])
        for category in (sorted(categories) if categories is not None else [TOTAL])
    ]
    return pd.NA if any(pd.isna(value) for value in values) else int(sum(values))


def crosses(chosen: Mapping[str, Choice]) -> bool:
    """True when a choice (count's arguments) narrows more than one of grades, regions and backgrounds."""
    every = {"grades": GRADES, "regions": REGIONS, "backgrounds": BACKGROUNDS}
    return sum(_narrowed(chosen.get(name), values) is not None for name, values in every.items()) > 1


def _narrowed(chosen: Choice, every: Iterable[str]) -> frozenset[str] | None:
    # A choice of every value narrows nothing: the total cell answers it, not the sum of its parts.
    if chosen is None:
        return None
    chosen, every = frozenset(chosen), frozenset(every)
    return None if chosen >= every else chosen & every


def share(part, whole):
    """part / whole for two counts from `count`: NA when either is blank (a share beside its count gives both away)."""
    if pd.isna(part) or pd.isna(whole):
        return pd.NA
    return part / whole if whole else 0.0


def or_exact(value, exact):
    """A count from `count`, or with disclosure control off (threshold 0) the exact count, which nothing need hide."""
    return exact if pd.isna(value) and disclosure.threshold() <= 0 else value
