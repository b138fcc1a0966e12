"""Key findings: sentences computed from query results, shared by the pages, presentation mode and the board pack."""

import pandas as pd

from dashboard import disclosure


def top_theme(theme_counts: pd.DataFrame) -> str | None:
    """'CPD is the most common theme: 24% of suggestions.'"""
    counted = theme_counts[theme_counts["suggestions"] > 0]
    if counted.empty:
        return None
    top = counted.iloc[0]
    return f"{top['label']} is the most common theme: {top['share']:.0%} of suggestions ({top['suggestions']:,})."


def busiest_location(location_suggestions: pd.DataFrame) -> str | None:
    """'Bournemouth produced the most suggestions (131).'"""
    counted = location_suggestions[location_suggestions["suggestions"] > 0]
    if counted.empty:
        return None
    top = counted.iloc[0]
    return f"{top['name']} produced the most suggestions ({top['suggestions']:,})."


def tour(kpis: dict) -> str | None:
    """'14 workshops in 12 locations over 4,612 reported miles.'"""
    if not kpis["workshops"]:
        return None
    return (
        f"The tour held {kpis['workshops']:,} workshops in {kpis['locations']:,} locations "
        f"over {kpis['miles_travelled']:,.0f} reported miles."
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
        f"development scheme; {participants:,} applications were accepted or completed (participants)."
    )
