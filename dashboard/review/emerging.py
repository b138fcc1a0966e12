"""Emerging themes: groups of suggestions the taxonomy fits badly, found offline, for an admin to promote or dismiss."""

import hashlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer

SEED = 0
SMALLEST = 4  # a candidate theme holds at least this many suggestions
MOST_CANDIDATES = 12
TOP_TERMS = 6
EXAMPLES = 3
# A candidate found again is the one decided on before when it shares this share of its suggestions with it
# (Jaccard), or SAME_TERMS of its LEADING_TERMS top terms: dismissed candidates do not come back.
SAME_MEMBERS = 0.5
LEADING_TERMS = 3
SAME_TERMS = 2
# A term under this share of its group's strongest term's weight says little about the group, so it is not shown.
WEAKEST_TERM = 0.1


class EmergingError(ValueError):
    """No candidate themes can be looked for as asked; the message says why."""


@dataclass(frozen=True)
class Candidate:
    """One candidate theme: its top terms, its suggestions (most typical first), and where they were said."""

    key: str  # a hash of its suggestion ids: names it in widget keys
    top_terms: tuple[str, ...]
    suggestion_ids: tuple[str, ...]
    examples: tuple[str, ...]
    locations: tuple[tuple[str, int], ...]  # (location, suggestions there), most first

    @property
    def size(self) -> int:
        """How many suggestions it holds."""
        return len(self.suggestion_ids)

    def terms_words(self) -> str:
        """'vpn, laptops, it kit': its top terms in words."""
        return ", ".join(self.top_terms)

    def places_words(self) -> str:
        """'Bristol (3), Glasgow (2)': where it was said."""
        return ", ".join(f"{place} ({count})" for place, count in self.locations)


def topics(size: int) -> int:
    """How many groups to look for in a pool of this many suggestions: about one per eight, between 2 and 12."""
    return max(2, min(MOST_CANDIDATES, round(math.sqrt(size / 2))))


def find(pool: pd.DataFrame, *, seed: int = SEED, smallest: int = SMALLEST) -> list[Candidate]:
    """Candidate themes in the pool (queries/emerging_pool.sql: suggestion_id, text, location), biggest first.

    Non-negative matrix factorisation of the TF-IDF of the texts, seeded, so the same pool gives the same candidates.
    Raises EmergingError for a pool too small to group.
    """
    if pool.empty:
        raise EmergingError(
            "There are no suggestions to look in: no suggestion is marked “none of these” and no machine tag is of "
            "low confidence. Nothing was grouped."
        )
    if len(pool) < 2 * smallest:
        raise EmergingError(
            f"Only {len(pool):,} suggestion{'s' if len(pool) != 1 else ''} to look in: at least {2 * smallest} are "
            "needed to find a theme among them. Nothing was grouped."
        )
    vectoriser = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.6, sublinear_tf=True, ngram_range=(1, 2))
    try:
        weights = vectoriser.fit_transform(pool["text"].astype(str))
    except ValueError:  # no term occurs in two suggestions
        return []
    terms = vectoriser.get_feature_names_out()
    count = min(topics(len(pool)), weights.shape[1])
    if count < 2:
        return []
    model = NMF(n_components=count, init="nndsvd", random_state=seed, max_iter=500)
    with warnings.catch_warnings():
        # Each suggestion goes to its strongest group: that settles long before the factors fully converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        membership = model.fit_transform(weights)
    strongest = membership.argmax(axis=1)
    found = []
    for topic in range(count):
        members = np.flatnonzero((strongest == topic) & (membership.max(axis=1) > 0))
        if len(members) < smallest:
            continue
        members = members[np.argsort(-membership[members, topic], kind="stable")]
        chosen = pool.iloc[members]
        ids = tuple(chosen["suggestion_id"].astype(str))
        places = chosen["location"].fillna("Not recorded").value_counts()
        places = places.sort_index().sort_values(ascending=False, kind="stable")
        found.append(
            Candidate(
                key=hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:12],
                top_terms=tuple(
                    terms[index] for index in np.argsort(-model.components_[topic], kind="stable")[:TOP_TERMS]
                ),
                suggestion_ids=ids,
                examples=tuple(chosen["text"].astype(str).head(EXAMPLES)),
                locations=tuple((str(place), int(number)) for place, number in places.items()),
            )
        )
    return sorted(found, key=lambda candidate: (-candidate.size, candidate.top_terms))


def top_terms(weights: np.ndarray, terms: Sequence[str]) -> tuple[str, ...]:
    """A group's strongest terms, strongest first: at most TOP_TERMS, none under WEAKEST_TERM of the strongest."""
    order = np.argsort(-weights, kind="stable")[:TOP_TERMS]
    return tuple(terms[index] for index in order if weights[index] >= WEAKEST_TERM * weights[order[0]])


def decided_before(candidate: Candidate, decided: pd.DataFrame) -> bool:
    """Whether an admin has already decided on this candidate (queries/store/candidate_decisions.sql), found again."""
    members, terms = set(candidate.suggestion_ids), set(candidate.top_terms[:LEADING_TERMS])
    for row in decided.itertuples():
        before = set(row.suggestion_ids)
        if len(members & before) / len(members | before) >= SAME_MEMBERS:
            return True
        if len(terms & set(list(row.top_terms)[:LEADING_TERMS])) >= SAME_TERMS:
            return True
    return False


def new_candidates(pool: pd.DataFrame, decided: pd.DataFrame, *, seed: int = SEED) -> list[Candidate]:
    """The candidates in the pool that no admin has promoted, merged or dismissed before."""
    return [candidate for candidate in find(pool, seed=seed) if decided.empty or not decided_before(candidate, decided)]


def decision_row(candidate: Candidate, action: str, theme_id: str | None, *, who: str, request_id: str, now) -> dict:
    """The store row (candidate_decisions) for an admin's decision on a candidate."""
    return {
        "request_id": request_id,
        "action": action,
        "theme_id": theme_id,
        "top_terms": list(candidate.top_terms),
        "suggestion_ids": list(candidate.suggestion_ids),
        "decided_by": who,
        "decided_at": now,
    }


def proposed_ids(decided: pd.DataFrame) -> Sequence[str]:
    """Every suggestion an admin has proposed a theme for (they are the review queue's now, not a candidate's)."""
    if decided.empty:
        return ()
    chosen = decided[decided["action"].isin(["promote", "merge"])]
    return tuple(sorted({sid for ids in chosen["suggestion_ids"] for sid in ids}))
