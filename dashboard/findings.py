"""Key findings: sentences computed from query results, shared by the pages, presentation mode and the board pack."""

import pandas as pd

from dashboard import disclosure

# The words whose plural is not the singular plus 's'.
PLURALS = {"person": "people", "is": "are", "has": "have", "was": "were", "this": "these"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 workshop', '14 workshops', '2 people': a count with its noun in the right number."""
    word = singular if count == 1 else many or PLURALS.get(singular, f"{singular}s")
    return f"{count:,} {word}"


def listed(names: list[str], last: str = "and") -> str:
    """'Wales', 'Wales and Scotland', 'Wales, Scotland and London' (or 'or' before the last)."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def article(count: int) -> str:
    """'a' or 'an' before a number as it is read aloud: 'an 11-mile route', 'an 812-mile route', 'a 1,869-mile route'."""
    leading = count
    while leading >= 1000:
        leading //= 1000
    return "an" if str(leading).startswith("8") or leading in (11, 18) else "a"


def top_theme(theme_counts: pd.DataFrame) -> str | None:
    """'CPD is the most common theme: 24% of suggestions.' (or, with one theme in view, how many it has)."""
    counted = theme_counts[theme_counts["suggestions"] > 0]
    if counted.empty:
        return None
    if len(counted) == 1:  # "most common: 100%" would only restate the filter
        only = counted.iloc[0]
        return f"All {plural(int(only['suggestions']), 'suggestion')} in view are about {only['label']}."
    top = counted.sort_values(["suggestions", "label"], ascending=[False, True]).iloc[0]
    return f"{top['label']} is the most common theme: {top['share']:.0%} of suggestions ({top['suggestions']:,})."


def busiest_location(location_suggestions: pd.DataFrame) -> str | None:
    """'Bournemouth produced the most suggestions (131).' (None when one place has them all: that says nothing)."""
    counted = location_suggestions[location_suggestions["suggestions"] > 0]
    if len(counted) < 2:
        return None
    top = counted.sort_values("suggestions", ascending=False, kind="stable").iloc[0]
    return f"{top['name']} produced the most suggestions ({top['suggestions']:,})."


def tour(kpis: dict) -> str | None:
    """'The tour held 14 workshops in 12 locations over 4,612 reported miles.'"""
    if not kpis["workshops"]:
        return None
    miles = 0 if pd.isna(kpis["miles_travelled"]) else round(kpis["miles_travelled"])
    return (
        f"The tour held {plural(int(kpis['workshops']), 'workshop')} in {plural(int(kpis['locations']), 'location')} "
        f"over {plural(miles, 'reported mile')}."
    )


def participation(kpis: dict) -> str | None:
    """'2,171 of 11,145 members (19%) have applied to a leadership or development scheme; 1,322 participants.'"""
    members, applicants, participants = kpis["members"], kpis["scheme_applicants"], kpis["participants"]
    if (
        any(pd.isna(count) or disclosure.is_small(count) for count in (members, applicants, participants))
        or not members
    ):
        return None
    return (
        f"{applicants:,} of {members:,} members ({applicants / members:.0%}) have applied to a leadership or "
        f"development scheme; {plural(int(participants), 'application')} {'was' if participants == 1 else 'were'} "
        "accepted or completed (participants)."
    )


def trend(points: pd.DataFrame, value: str, when: str) -> str:
    """How a series changed, by its shape: 'rose from 459 in 2021 to a peak of 530 in 2023, then fell to 488 in 2025'.

    `points` is in time order with no blanks. A peak (or low) is named when a middle point lies above (below) both
    ends, so a rise that fell back is never read as a plain rise.
    """
    values, times = [int(number) for number in points[value]], list(points[when])
    first, last = values[0], values[-1]
    start, end = f"{first:,} in {times[0]}", f"{last:,} in {times[-1]}"
    middle = values[1:-1]
    if middle and max(middle) > max(first, last):
        top = 1 + middle.index(max(middle))
        peak = f"{values[top]:,} in {times[top]}"
        back = " back" if last == first else ""
        return f"rose from {start} to a peak of {peak}, then fell{back} to {end}"
    if middle and min(middle) < min(first, last):
        low = 1 + middle.index(min(middle))
        bottom = f"{values[low]:,} in {times[low]}"
        back = " back" if last == first else ""
        return f"fell from {start} to a low of {bottom}, then rose{back} to {end}"
    if last == first:
        return f"held at {first:,} from {times[0]} to {times[-1]}"
    return f"{'rose' if last > first else 'fell'} from {start} to {end}"
