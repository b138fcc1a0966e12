"""The taxonomy's health checks for admins: themes too small to stand, labels too alike, themes reviewers confuse."""

import math
import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from itertools import combinations

import pandas as pd

from dashboard.review import agreement

SMALLEST_COUNT = 5  # a theme holds at least max(SMALLEST_COUNT, SMALLEST_SHARE of all suggestions)
SMALLEST_SHARE = 0.001
# Labels whose normalised letters are this alike (difflib's ratio) read as one theme to a reader.
SIMILAR_LABELS = 0.85
# Two themes reviewers moved tags between at least this often, and in at least this share of the checked tags either
# theme was part of, are one theme to the people who code them: a candidate merge.
CONFUSED_TAGS = 5
CONFUSED_SHARE = 0.25
FILLER = re.compile(r"\b(and|the|of|for)\b|[^a-z0-9 ]")


def smallest_allowed(total: int) -> int:
    """The fewest suggestions a theme may hold: max(5, 0.1% of all), rounded up."""
    return max(SMALLEST_COUNT, math.ceil(int(total) * SMALLEST_SHARE))


def small_themes(health: pd.DataFrame) -> list[str]:
    """'Mentoring holds 3 suggestions; a theme needs at least 5.' for each theme under the floor (queries/theme_health.sql)."""
    if health.empty:
        return []
    floor = smallest_allowed(int(health["all_suggestions"].iloc[0]))
    return [
        f"{row.label} holds {row.suggestions:,} suggestion{'s' if row.suggestions != 1 else ''}; a theme needs at least "
        f"{floor:,} (5, or 0.1% of all suggestions if more). Merge it into another theme or retire it."
        for row in health.itertuples()
        if row.suggestions < floor
    ]


def normalised_label(label: str) -> str:
    """A label's letters as a reader compares them: lower case, '&' as 'and', filler words and punctuation gone."""
    words = FILLER.sub(" ", label.lower().replace("&", " and "))
    return " ".join(words.split())


def similar_labels(labels: Mapping[str, str]) -> list[str]:
    """'"Career paths" and "Careers path" are near-duplicates.' for each pair of labels too alike."""
    found = []
    for (_, one), (_, two) in combinations(sorted(labels.items(), key=lambda item: item[1]), 2):
        ratio = SequenceMatcher(None, normalised_label(one), normalised_label(two)).ratio()
        if ratio >= SIMILAR_LABELS:
            found.append(
                f'"{one}" and "{two}" are near-duplicate labels ({ratio:.0%} alike). Rename one or merge them.'
            )
    return found


def confused_themes(pairs: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    """Pairs of themes reviewers moved machine tags between often (queries/review_agreement.sql): candidate merges."""
    truth, predicted = agreement.codes(pairs["reviewer_theme_id"]), agreement.codes(pairs["classifier_theme_id"])
    found = []
    for one, two in combinations(sorted(set(labels)), 2):
        moved = int(((predicted == one) & (truth == two)).sum() + ((predicted == two) & (truth == one)).sum())
        involved = int(((predicted == one) | (predicted == two) | (truth == one) | (truth == two)).sum())
        if moved >= CONFUSED_TAGS and moved / involved >= CONFUSED_SHARE:
            found.append(
                f"Reviewers moved {moved:,} of the {involved:,} checked machine tags in {labels[one]} or {labels[two]} "
                f"from one to the other ({moved / involved:.0%}). Consider merging them, or sharpening their "
                "descriptions."
            )
    return found
