"""Score ideas for the theme classifier on unseen text: each idea's macro-F1 on the unseen set.

python -m benchmarks.classifier_ideas [--split all|dev|test] [--cv] [--ideas NAME ...]
Every idea trains on the bundled hand-tagged suggestions (data/suggestions.csv) and the taxonomy, as the build does,
and is scored on tests/data/unseen_suggestions.csv (all 180 rows unless --split names a half: the first round of
issue 18 chose on the dev half and scored the test half once; both halves have been scored since, so ideas are now
chosen on all 180) and on tests/data/heldout_suggestions.csv, the older held-out set, as a check that nothing is lost;
--cv adds the 5-fold cross-validated macro-F1 on the hand-tagged suggestions (the folds `evaluate` uses), a third
check. tests/data/second_writer_suggestions.csv is never scored here: it was opened once, after the choice.
"""

import argparse
import re
import sys
from collections.abc import Callable
from unittest import mock

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


def first_seeds() -> pd.DataFrame:
    """The 75 seed phrases of issue 18's first round (batch 1 of dashboard/theme_seeds.csv), which the older ideas used."""
    seed_frame = pd.read_csv(config.ROOT / "dashboard" / "theme_seeds.csv", dtype=str, keep_default_na=False)
    return seed_frame[seed_frame["batch"] == "1"]


def training_rows(tagged: pd.DataFrame, taxonomy: pd.DataFrame, seeds: str = "none", taxonomy_copies: int = 1):
    """The training texts and labels: hand-tagged suggestions, the taxonomy rows, and seed phrases if asked for."""
    texts, labels = _training_rows(tagged, taxonomy, seeds, taxonomy_copies)
    if seeds == "rows x3":
        seed_frame = first_seeds()
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
        seed_frame = first_seeds()
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


# Grade abbreviations spelt out, and every word for professional registration followed by one shared word.
GRADES = {
    "heo": "higher executive officer grade",
    "seo": "senior executive officer grade",
    "eo": "executive officer grade",
    "g6": "grade 6",
    "g7": "grade 7",
    "aa": "administrative assistant grade",
    "ao": "administrative officer grade",
}
REGISTRATION = {"chartered", "charter", "chartership", "registration", "registered", "ceng", "csci", "rsci", "ieng"}
REGISTRATION |= {"engtech", "rscitech", "mimeche", "miet", "frsc", "mrsc", "cphys"}


def synonyms(registration: bool):
    """A normaliser that also spells out grades and, if asked, marks every registration word with one shared word."""

    def normalise(text: str) -> str:
        def expand(match) -> str:
            word = match[0]
            spelt = themes.ABBREVIATIONS.get(word) or GRADES.get(word)
            return " ".join(
                [word, *([spelt] if spelt else []), *(["chartership"] if registration and word in REGISTRATION else [])]
            )

        return themes.WORD.sub(expand, text.lower())

    return normalise


def chosen(seeds: str = "both", normalise: Callable | None = None, **scoring) -> Callable:
    """themes.train with only the first round's seeds if asked, another normaliser, or other ThemeScores settings."""

    def trainer(tagged: pd.DataFrame, taxonomy: pd.DataFrame):
        with (
            mock.patch.object(themes, "theme_seeds", first_seeds if seeds == "first" else themes.theme_seeds),
            mock.patch.object(themes, "normalise", normalise or themes.normalise),
        ):
            model = themes.train(tagged["text"], tagged["theme_id"], taxonomy)
        # Equal odds and the blend act when predicting, so they can be switched after training.
        model[-1].set_params(**scoring)
        return model

    return trainer


IDEAS: dict[str, Callable] = {
    "chosen model (themes.train now)": chosen(),
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
    # The second round of issue 18, chosen on all 180 unseen rows: on top of the first round's seeds and stop words.
    "first seeds + stop words, as themes.train before the second round": chosen(
        seeds="first", equal_odds=False, prototype_weight=0.0
    ),
    "+ equal theme odds": chosen(seeds="first", prototype_weight=0.0),
    "+ equal odds + likeness blend": chosen(seeds="first"),
    "+ second seeds": chosen(equal_odds=False, prototype_weight=0.0),
    "+ second seeds + equal odds": chosen(prototype_weight=0.0),
    "+ second seeds + equal odds, shares as the square root": chosen(prototype_weight=0.0, equal_odds=0.5),
    "+ second seeds + likeness blend 0.2": chosen(equal_odds=False),
    "+ second seeds + likeness blend 0.35": chosen(equal_odds=False, prototype_weight=0.35),
    "+ second seeds + equal odds + blend 0.2, temperature 0.02 (chosen)": chosen(),
    "+ second seeds + equal odds + blend 0.35": chosen(prototype_weight=0.35),
    "+ second seeds + equal odds + blend 0.5": chosen(prototype_weight=0.5),
    "+ second seeds + equal odds + blend 0.2, temperature 0.05": chosen(temperature=0.05),
    "+ second seeds + equal odds + blend 0.35, temperature 0.05": chosen(prototype_weight=0.35, temperature=0.05),
    "+ second seeds + grades spelt out": chosen(
        normalise=synonyms(registration=False), equal_odds=False, prototype_weight=0.0
    ),
    "+ second seeds + grades + registration words": chosen(
        normalise=synonyms(registration=True), equal_odds=False, prototype_weight=0.0
    ),
    "chosen + grades spelt out": chosen(normalise=synonyms(registration=False)),
    "chosen + grades + registration words": chosen(normalise=synonyms(registration=True)),
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


def cross_validated(trainer: Callable, tagged: pd.DataFrame, taxonomy: pd.DataFrame, theme_ids: list[str]) -> float:
    """Macro-F1 of out-of-fold predictions over the hand-tagged suggestions, on the folds `evaluate` uses."""
    tagged = tagged.reset_index(drop=True)
    fold = themes.fold_numbers(tagged)
    predicted = np.empty(len(tagged), dtype=object)
    for number in range(themes.FOLDS):
        test = fold == number
        predicted[test] = trainer(tagged[~test], taxonomy).predict(list(tagged["text"][test]))
    return f1_score(tagged["theme_id"], predicted, labels=theme_ids, average="macro")


def main(argv: list[str] | None = None) -> int:
    """Print each idea's macro-F1 on the unseen set (or a half), on the older held-out set and, with --cv, in CV."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.classifier_ideas", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "test"), default="all")
    parser.add_argument("--cv", action="store_true", help="also the cross-validated macro-F1 on the corpus (slower)")
    parser.add_argument("--ideas", nargs="*", default=None, help="names of ideas to run (default: all)")
    args = parser.parse_args(argv)
    suggestions = pd.read_csv(config.DATA_DIR / "suggestions.csv", keep_default_na=False)
    tagged = suggestions[suggestions["theme_id"] != ""]
    taxonomy = pd.read_csv(config.DATA_DIR / "themes.csv")
    theme_ids = list(taxonomy["theme_id"])
    unseen = pd.read_csv(UNSEEN, keep_default_na=False)
    if args.split != "all":
        unseen = unseen[unseen["split"] == args.split].reset_index(drop=True)
    heldout = pd.read_csv(HELDOUT, keep_default_na=False)
    print(f"| Idea | Unseen {args.split} macro-F1 | plain | indirect | Held-out macro-F1 | CV macro-F1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, trainer in IDEAS.items():
        if args.ideas and name not in args.ideas:
            continue
        model = trainer(tagged, taxonomy)
        overall, plain, indirect = score(model, unseen, theme_ids)
        cv = f"{cross_validated(trainer, tagged, taxonomy, theme_ids):.3f}" if args.cv else "-"
        print(
            f"| {name} | {overall:.3f} | {plain:.3f} | {indirect:.3f} | {score(model, heldout, theme_ids)[0]:.3f} | {cv} |"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(None if len(sys.argv) > 1 else []))
