"""How often coders agree: reviewers against the classifier, and two people coding blind, with bootstrap intervals.

Pure functions over pairs of codes; NumPy only (no scikit-learn, so the Review page loads fast). tests/test_agreement.py
checks every figure against scikit-learn and a bootstrap written apart from this one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.theme_views import UNTHEMED

# A reviewer's "none of these themes fits" in a pair of codes: a code of its own, never one of the themes.
NONE = "(none)"
# Fewer reviewed tags than this give intervals too wide to say anything (at 30, a 95% interval on 80% is about ±15 points).
MINIMUM_REVIEWED = 30
MINIMUM_BLIND = 30
RESAMPLES = 2000
SEED = 0


@dataclass(frozen=True)
class Estimate:
    """A figure and its bootstrap 95% interval (percentiles 2.5 and 97.5 of the resampled figures)."""

    value: float
    low: float
    high: float

    def words(self, percent: bool = True) -> str:
        """'83% (95% interval 71% to 92%)', or with percent=False '0.62 (0.41 to 0.80)'."""
        if percent:
            return f"{self.value:.0%} (95% interval {self.low:.0%} to {self.high:.0%})"
        return f"{self.value:.2f} (95% interval {self.low:.2f} to {self.high:.2f})"


def codes(values: Sequence) -> np.ndarray:
    """Codes as an array of strings, a missing code (none of these) as NONE."""
    return np.array([NONE if value is None or pd.isna(value) else str(value) for value in values], dtype=object)


def _matrix(first: np.ndarray, second: np.ndarray, size: int) -> np.ndarray:
    """The size x size table of counts: rows the first code's number, columns the second's."""
    return np.bincount(first * size + second, minlength=size * size).reshape(size, size)


def _figures(matrix: np.ndarray, none: int | None) -> dict[str, float]:
    """Accuracy, macro-F1 and Cohen's kappa from a table of counts (rows: truth or first coder)."""
    total = matrix.sum()
    hits = np.diag(matrix).astype(float)
    true_totals, predicted_totals = matrix.sum(axis=1), matrix.sum(axis=0)
    # F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + true), over the themes found in either code (not NONE):
    # 0 for such a theme with no true positive.
    present = (true_totals + predicted_totals) > 0
    if none is not None:
        present[none] = False
    f1 = 2 * hits[present] / (true_totals + predicted_totals)[present]
    observed = hits.sum() / total
    chance = float(true_totals @ predicted_totals) / total**2
    return {
        "accuracy": float(observed),
        "macro_f1": float(f1.mean()) if len(f1) else float("nan"),
        # Undefined when both coders used one and the same code throughout.
        "kappa": float("nan") if chance == 1 else float((observed - chance) / (1 - chance)),
    }


def figures(first: Sequence, second: Sequence) -> dict[str, float]:
    """Accuracy, macro-F1 (themes in either code) and Cohen's kappa of two codings; first is the truth for F1."""
    first, second = codes(first), codes(second)
    categories, numbers = np.unique(np.concatenate([first, second]), return_inverse=True)
    none = int(np.flatnonzero(categories == NONE)[0]) if NONE in categories else None
    size = len(categories)
    return _figures(_matrix(numbers[: len(first)], numbers[len(first) :], size), none)


def bootstrap(first: Sequence, second: Sequence, resamples: int = RESAMPLES, seed: int = SEED) -> dict[str, Estimate]:
    """Accuracy, macro-F1 and kappa, each with its percentile bootstrap 95% interval over pairs resampled with replacement.

    The resamples are the rows of np.random.default_rng(seed).integers(0, n, size=(resamples, n)); a resample where a
    figure is undefined (NaN) is left out of that figure's interval.
    """
    first, second = codes(first), codes(second)
    categories, numbers = np.unique(np.concatenate([first, second]), return_inverse=True)
    none = int(np.flatnonzero(categories == NONE)[0]) if NONE in categories else None
    size, count = len(categories), len(first)
    one, two = numbers[:count], numbers[count:]
    whole = _figures(_matrix(one, two, size), none)
    rows = np.random.default_rng(seed).integers(0, count, size=(resamples, count))
    resampled = pd.DataFrame([_figures(_matrix(one[row], two[row], size), none) for row in rows])
    estimates = {}
    for name, value in whole.items():
        column = resampled[name].to_numpy()
        low, high = np.nanpercentile(column, [2.5, 97.5]) if np.isfinite(column).any() else (np.nan, np.nan)
        estimates[name] = Estimate(value, float(low), float(high))
    return estimates


def classifier_agreement(pairs: pd.DataFrame) -> dict[str, Estimate]:
    """Reviewers (the truth) against the classifier, from queries/review_agreement.sql: accuracy, macro_f1, kappa."""
    return bootstrap(pairs["reviewer_theme_id"], pairs["classifier_theme_id"])


def blind_agreement(second_codes: pd.DataFrame) -> dict[str, Estimate]:
    """The hidden human theme against the blind second coding (queries/store/second_codes.sql)."""
    return bootstrap(second_codes["first_theme"], second_codes["theme_id"])


def still_needed(count: int, minimum: int = MINIMUM_REVIEWED) -> int:
    """How many more pairs are needed before the figures are shown."""
    return max(0, minimum - count)


def _name(code: str, labels: Mapping[str, str]) -> str:
    return UNTHEMED if code == NONE else labels.get(code, code)


def theme_table(pairs: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Per theme: how many checked tags the classifier gave it, how many reviewers gave it, precision, recall and F1."""
    truth, predicted = codes(pairs["reviewer_theme_id"]), codes(pairs["classifier_theme_id"])
    themes = [theme for theme in labels if theme in set(truth) | set(predicted)]
    rows = []
    for theme in themes:
        hits = int(np.sum((truth == theme) & (predicted == theme)))
        tagged, coded = int(np.sum(predicted == theme)), int(np.sum(truth == theme))
        rows.append(
            {
                "Theme": labels[theme],
                "Classifier gave it": tagged,
                "Reviewers gave it": coded,
                "Both": hits,
                "Precision": hits / tagged if tagged else 0.0,
                "Recall": hits / coded if coded else 0.0,
                "F1": 2 * hits / (tagged + coded) if tagged + coded else 0.0,
            }
        )
    return pd.DataFrame(
        rows, columns=["Theme", "Classifier gave it", "Reviewers gave it", "Both", "Precision", "Recall", "F1"]
    )


def confusion_table(pairs: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Counts of checked machine tags: rows the reviewer's theme (Unthemed for none of these), columns the classifier's."""
    truth, predicted = codes(pairs["reviewer_theme_id"]), codes(pairs["classifier_theme_id"])
    order = [theme for theme in [*labels, NONE] if theme in set(truth) | set(predicted)]
    order += sorted((set(truth) | set(predicted)) - set(order))  # a theme since taken out of the taxonomy
    table = (
        pd.crosstab(pd.Categorical(truth, order), pd.Categorical(predicted, order), dropna=False)
        .reindex(index=order, columns=order, fill_value=0)
        .astype(int)
    )
    table.index = pd.Index([_name(code, labels) for code in order], name="Reviewer's theme")
    table.columns = [f"Classifier: {_name(code, labels)}" for code in order]
    return table.reset_index()


def needed_sentence(count: int, minimum: int, what: str) -> str:
    """'12 machine tags reviewed: 18 more are needed before agreement is shown.'"""
    more = still_needed(count, minimum)
    return f"{count:,} {what} so far: {more:,} more {'is' if more == 1 else 'are'} needed before agreement is shown."
