"""Score ideas for the theme classifier on unseen text: each idea's macro-F1 on the dev half of the unseen set.

python -m benchmarks.classifier_ideas [--split dev|test] [--ideas NAME ...]
Every idea trains on the bundled hand-tagged suggestions (data/suggestions.csv) and the taxonomy, as the build does,
and is scored on tests/data/unseen_suggestions.csv (the dev half unless --split test; the test half is for the chosen
model only) and on tests/data/heldout_suggestions.csv, the older held-out set, as a check that nothing is lost.
"""

import argparse
import re
import sys
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC

from dashboard import config, themes

UNSEEN = config.ROOT / "tests" / "data" / "unseen_suggestions.csv"
HELDOUT = config.ROOT / "tests" / "data" / "heldout_suggestions.csv"


def features(word_weight: float = 1.0, char_weight: float = 1.0, stop_words=None, char_range=(2, 5), max_chars=None):
    """The TF-IDF of words and of characters within words, each block scaled by its weight."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=themes.normalise, ngram_range=(1, 2), sublinear_tf=True, stop_words=stop_words
                ),
            ),
            (
                "chars",
                make_pipeline(
                    themes.WordPieceCounts(
                        preprocessor=themes.normalise,
                        analyzer="char_wb",
                        ngram_range=char_range,
                        min_df=2,
                        max_features=max_chars,
                    ),
                    TfidfTransformer(sublinear_tf=True),
                ),
            ),
        ],
        transformer_weights={"words": word_weight, "chars": char_weight},
    )


def svm(c: float = 0.5, class_weight=None, folds: int = 5):
    """The calibrated linear SVM."""
    return CalibratedClassifierCV(
        LinearSVC(C=c, class_weight=class_weight, random_state=themes.SEED), cv=folds, method="sigmoid"
    )


def training_rows(tagged: pd.DataFrame, taxonomy: pd.DataFrame, seeds: str = "none", taxonomy_copies: int = 1):
    """The training texts and labels: hand-tagged suggestions, the taxonomy rows, and seed phrases if asked for."""
    texts, labels = _training_rows(tagged, taxonomy, seeds, taxonomy_copies)
    if seeds == "rows x3":
        seed_frame = pd.read_csv(config.ROOT / "dashboard" / "theme_seeds.csv")
        texts += list(seed_frame["phrase"]) * 2
        labels += list(seed_frame["theme_id"]) * 2
    if seeds == "rows + description items":
        # Each comma- or "and"-separated item of a theme's description as a row of its own.
        for theme_id, description in zip(taxonomy["theme_id"], taxonomy["description"], strict=True):
            for item in re.split(r",| and ", description.rstrip(".")):
                if item.strip():
                    texts.append(item.strip())
                    labels.append(theme_id)
    return texts, labels


def _training_rows(tagged: pd.DataFrame, taxonomy: pd.DataFrame, seeds: str, taxonomy_copies: int):
    """The training texts and labels: hand-tagged suggestions, the taxonomy rows, and seed phrases if asked for."""
    texts, labels = list(tagged["text"]), list(tagged["theme_id"])
    # The label and description alone: themes.taxonomy_rows adds the seed phrases now, which is one of the ideas here.
    extra_texts, extra_labels = list(taxonomy["label"] + ". " + taxonomy["description"]), list(taxonomy["theme_id"])
    texts += extra_texts * taxonomy_copies
    labels += extra_labels * taxonomy_copies
    if seeds != "none":
        seed_frame = pd.read_csv(config.ROOT / "dashboard" / "theme_seeds.csv")
        if seeds != "joined":
            texts += list(seed_frame["phrase"])
            labels += list(seed_frame["theme_id"])
        else:
            joined = seed_frame.groupby("theme_id")["phrase"].agg(". ".join)
            texts += list(joined)
            labels += list(joined.index)
    return texts, labels


def idea(
    seeds: str = "none", taxonomy_copies: int = 1, model: Callable | None = None, **feature_options
) -> Callable[[pd.DataFrame, pd.DataFrame], object]:
    """A trainer for one combination of options."""

    def trainer(tagged: pd.DataFrame, taxonomy: pd.DataFrame):
        texts, labels = training_rows(tagged, taxonomy, seeds, taxonomy_copies)
        with themes.one_blas_thread():
            return make_pipeline(features(**feature_options), (model or svm)()).fit(texts, labels)

    return trainer


IDEAS: dict[str, Callable] = {
    "chosen model (themes.train now)": lambda tagged, taxonomy: themes.train(
        tagged["text"], tagged["theme_id"], taxonomy
    ),
    "the model before issue 18, re-made here": idea(),
    "taxonomy rows x5": idea(taxonomy_copies=5),
    "seed phrases, one row each": idea(seeds="rows"),
    "seed phrases, one row per theme": idea(seeds="joined"),
    "seed phrases, rows, + taxonomy x5": idea(seeds="rows", taxonomy_copies=5),
    "balanced class weights": idea(model=lambda: svm(class_weight="balanced")),
    "English stop words removed": idea(stop_words="english"),
    "word weight 1.5": idea(word_weight=1.5),
    "char weight 1.5": idea(char_weight=1.5),
    "chars 3-5": idea(char_range=(3, 5)),
    "chars capped at 20,000": idea(max_chars=20_000),
    "C = 0.2": idea(model=lambda: svm(c=0.2)),
    "C = 1": idea(model=lambda: svm(c=1.0)),
    "calibration on 3 folds": idea(model=lambda: svm(folds=3)),
    "calibration on 2 folds": idea(model=lambda: svm(folds=2)),
    "logistic regression C=10": idea(model=lambda: LogisticRegression(C=10, max_iter=2000)),
    "SGD modified Huber": idea(
        model=lambda: SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=themes.SEED)
    ),
    "seeds rows + stop words": idea(seeds="rows", stop_words="english"),
    "seeds rows + balanced": idea(seeds="rows", model=lambda: svm(class_weight="balanced")),
    "seeds rows + stop words + chars 3-5": idea(seeds="rows", stop_words="english", char_range=(3, 5)),
    "seeds rows + stop words + logistic regression C=10": idea(
        seeds="rows", stop_words="english", model=lambda: LogisticRegression(C=10, max_iter=2000)
    ),
    "seeds rows + stop words + calibration on 3 folds": idea(
        seeds="rows", stop_words="english", model=lambda: svm(folds=3)
    ),
    "seeds rows + stop words + chars capped at 20,000": idea(seeds="rows", stop_words="english", max_chars=20_000),
    "seeds rows x3 + stop words": idea(seeds="rows x3", stop_words="english"),
    "seeds rows + description items + stop words": idea(seeds="rows + description items", stop_words="english"),
}


def score(model, labelled: pd.DataFrame, theme_ids: list[str]) -> tuple[float, float, float]:
    """Macro-F1 over all rows, and over the plain and the indirect rows where the set says which is which."""
    predicted = model.predict(list(labelled["text"]))

    def macro(rows) -> float:
        return f1_score(labelled["theme_id"][rows], predicted[rows], labels=theme_ids, average="macro")

    everything = np.ones(len(labelled), dtype=bool)
    if "wording" not in labelled:
        return macro(everything), float("nan"), float("nan")
    return macro(everything), macro(labelled["wording"].eq("plain")), macro(labelled["wording"].eq("indirect"))


def main(argv: list[str] | None = None) -> int:
    """Print each idea's macro-F1 on the unseen split and on the older held-out set."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.classifier_ideas", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--ideas", nargs="*", default=None, help="names of ideas to run (default: all)")
    args = parser.parse_args(argv)
    suggestions = pd.read_csv(config.DATA_DIR / "suggestions.csv", keep_default_na=False)
    tagged = suggestions[suggestions["theme_id"] != ""]
    taxonomy = pd.read_csv(config.DATA_DIR / "themes.csv")
    theme_ids = list(taxonomy["theme_id"])
    unseen = pd.read_csv(UNSEEN, keep_default_na=False)
    unseen = unseen[unseen["split"] == args.split].reset_index(drop=True)
    heldout = pd.read_csv(HELDOUT, keep_default_na=False)
    print(f"| Idea | Unseen {args.split} macro-F1 | plain | indirect | Held-out macro-F1 |")
    print("| --- | --- | --- | --- | --- |")
    for name, trainer in IDEAS.items():
        if args.ideas and name not in args.ideas:
            continue
        model = trainer(tagged, taxonomy)
        overall, plain, indirect = score(model, unseen, theme_ids)
        print(f"| {name} | {overall:.3f} | {plain:.3f} | {indirect:.3f} | {score(model, heldout, theme_ids)[0]:.3f} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(None if len(sys.argv) > 1 else []))
