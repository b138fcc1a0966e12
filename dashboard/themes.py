"""The offline theme classifier: learn from hand-tagged suggestions and the taxonomy, tag the rest, and its commands.

python -m dashboard.themes classify INPUT.csv [--db PATH] [--top N]   CSV of id,theme_id,confidence on stdout
python -m dashboard.themes evaluate [--db PATH] [--heldout CSV] [--unseen] [--split dev|test]   cross-validated scores
python -m dashboard.themes retrain [--db PATH] [--by NAME]   learn from hand-coded themes and review decisions
python -m dashboard.themes restore-model [VERSION] [--db PATH] [--by NAME]   tag with an earlier model again
"""

import argparse
import csv
import getpass
import hashlib
import io
import re
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from dashboard import config

# The app's hardened read-only settings (dashboard.data.CONNECTION_CONFIG, which a test keeps equal): DuckDB refuses
# a second connection to one file with other settings, and importing dashboard.data would start Streamlit's caches.
CONNECTION_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
# An auto tag whose probability is under this needs a person to check it (see docs/CLASSIFIER.md for the measurement).
REVIEW_THRESHOLD = 0.5
FOLDS = 5
SEED = 0
LARGE_TRAINING = 20_000
# The most distinct hand-tagged texts the SVM learns from: beyond this, a sample of this many, stratified by theme.
MOST_TRAINING_ROWS = 20_000
# How much of a theme's probability comes from the text's likeness to the theme's description and seed phrases, and how
# sharply that likeness picks one theme (docs/CLASSIFIER.md, "Unseen text").
PROTOTYPE_WEIGHT = 0.2
PROTOTYPE_TEMPERATURE = 0.02
SEEDS_PATH = Path(__file__).with_name("theme_seeds.csv")
# Suggestions written by hand in a voice unlike the corpus, half without their theme's obvious words (issue 18).
UNSEEN_PATH = config.ROOT / "tests" / "data" / "unseen_suggestions.csv"

# Abbreviations written on post-its, followed by their words, so that "FLS" and "Future Leaders Scheme" meet.
ABBREVIATIONS = {
    "cpd": "continuing professional development",
    "l&d": "learning and development",
    "fls": "future leaders scheme",
    "sls": "senior leaders scheme",
    "scs": "senior civil service",
    "dd": "deputy director",
    "dg": "director general",
    "csa": "chief scientific adviser",
    "csas": "chief scientific advisers",
    "ai": "artificial intelligence",
    "ml": "machine learning",
    "llm": "large language model",
    "llms": "large language models",
    "edi": "equality diversity and inclusion",
    "d&i": "diversity and inclusion",
    "nd": "neurodivergent",
    "ceng": "chartered engineer",
    "ieng": "incorporated engineer",
    "engtech": "engineering technician registration",
    "csci": "chartered scientist",
    "rsci": "registered scientist",
    "rscitech": "registered science technician",
    "hr": "human resources",
    "ddat": "digital data and technology",
    "stem": "science technology engineering and maths",
}
WORD = re.compile(r"[a-z][a-z&]*")


class InputError(ValueError):
    """A classify input file that cannot be used; the message names the file and, where it can, the row and column."""


def normalise(text: str) -> str:
    """Lower-case text with each known abbreviation followed by its expansion."""
    return WORD.sub(
        lambda match: f"{match[0]} {ABBREVIATIONS[match[0]]}" if match[0] in ABBREVIATIONS else match[0], text.lower()
    )


def theme_seeds() -> pd.DataFrame:
    """The seed phrases written for each bundled theme (dashboard/theme_seeds.csv): theme_id, phrase, batch."""
    return pd.read_csv(SEEDS_PATH, dtype=str, keep_default_na=False)


def taxonomy_rows(taxonomy: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each theme's label and description as one training text, and each of its seed phrases as another."""
    # The seeds teach words that the corpus's voice rarely uses ("sponsorship", "salaries"): on unseen hand-written
    # suggestions they lifted macro-F1 from 0.80 to 0.84 (docs/CLASSIFIER.md). A theme the seeds file does not name
    # (one added to the taxonomy later) keeps its description alone.
    seeds = theme_seeds()
    seeds = seeds[seeds["theme_id"].isin(set(taxonomy["theme_id"]))]
    return (
        list(taxonomy["label"] + ". " + taxonomy["description"]) + list(seeds["phrase"]),
        list(taxonomy["theme_id"]) + list(seeds["theme_id"]),
    )


class WordPieceCounts(CountVectorizer):
    """CountVectorizer's counts of character n-grams within words, worked out once for each distinct word."""

    # char_wb n-grams never cross a space, so a text's n-grams are its words' n-grams put together, and suggestions
    # share most of their words. Counting through a texts-by-words matrix skips most of the per-n-gram Python work
    # that CountVectorizer does (0.2 s of CPU against 0.85 s to transform 10,000 suggestions; fitting 58,800 distinct
    # ones went from 9 s to about 2 s). tests/test_classifier.py checks that vocabularies and matrices are equal.

    def fit_transform(self, raw_documents, y=None) -> sparse.csr_matrix:
        """The same vocabulary and count matrix as CountVectorizer.fit_transform."""
        if self.max_features is not None or self.max_df != 1.0 or not isinstance(self.min_df, int):
            return super().fit_transform(raw_documents, y)
        every_piece: dict[str, int] = {}
        counts = self._counts(raw_documents, lambda piece: every_piece.setdefault(piece, len(every_piece)))
        counts = sparse.csr_matrix(
            (counts.data, counts.indices, counts.indptr), shape=(counts.shape[0], len(every_piece))
        )
        documents_with = np.bincount(counts.indices, minlength=len(every_piece))
        names = np.array(list(every_piece), dtype=object)
        kept = np.flatnonzero(documents_with >= self.min_df)
        if not len(kept):
            raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
        # CountVectorizer numbers its vocabulary in sorted order of the n-grams.
        kept = kept[np.argsort(names[kept].astype(str), kind="stable")]
        self.vocabulary_ = {name: number for number, name in enumerate(names[kept])}
        self.fixed_vocabulary_ = False
        return counts[:, kept].tocsr()

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary of n-grams (see fit_transform)."""
        self.fit_transform(raw_documents, y)
        return self

    def transform(self, raw_documents) -> sparse.csr_matrix:
        """The same count matrix as CountVectorizer.transform: each text's words, times each distinct word's n-grams."""
        check_is_fitted(self, "vocabulary_")
        vocabulary = self.vocabulary_
        return self._counts(raw_documents, vocabulary.get, columns=len(vocabulary))

    def _counts(self, raw_documents, column, columns: int | None = None) -> sparse.csr_matrix:
        """Texts-by-n-grams counts, where column(n-gram) gives an n-gram's column, or None to leave it out."""
        if self.analyzer != "char_wb":
            raise ValueError(f"WordPieceCounts counts char_wb n-grams, not {self.analyzer!r}")
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        pieces = CountVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=False).build_analyzer()
        preprocess = self.build_preprocessor()
        word_numbers: dict[str, int] = {}
        word_pieces: list[list[int]] = []
        words, text_starts = [], [0]
        for document in raw_documents:
            for word in preprocess(document).split():
                number = word_numbers.get(word)
                if number is None:
                    number = word_numbers[word] = len(word_pieces)
                    found = (column(piece) for piece in pieces(word))
                    word_pieces.append([found_column for found_column in found if found_column is not None])
                words.append(number)
            text_starts.append(len(words))
        words_in_texts = sparse.csr_matrix(
            (np.ones(len(words), dtype=self.dtype), words, text_starts), shape=(len(text_starts) - 1, len(word_pieces))
        )
        piece_starts = np.cumsum([0] + [len(found) for found in word_pieces])
        flat = np.fromiter(chain.from_iterable(word_pieces), int, count=piece_starts[-1])
        pieces_in_words = sparse.csr_matrix(
            (np.ones(piece_starts[-1], dtype=self.dtype), flat, piece_starts),
            shape=(len(word_pieces), columns if columns is not None else (flat.max() + 1 if len(flat) else 0)),
        )
        counts = sparse.csr_matrix(words_in_texts @ pieces_in_words)
        counts.sum_duplicates()
        return counts


class ThemeScores(ClassifierMixin, BaseEstimator):
    """A calibrated linear SVM whose probabilities count every theme as equally likely, blended with theme likeness."""

    # On unseen text the corpus's theme shares mislead: its largest themes (CPD, recognition) drew the other themes'
    # harder suggestions. Dividing each calibrated probability by its theme's share of the training rows, then blending
    # in a softmax of the text's cosine similarity to each theme's description and seed phrases (`prototypes_`, set by
    # `train`), lifted unseen macro-F1 from 0.845 to 0.889 and cross-validated macro-F1 from 0.716 to 0.728.

    def __init__(
        self,
        folds: int = FOLDS,
        prototype_weight: float = PROTOTYPE_WEIGHT,
        temperature: float = PROTOTYPE_TEMPERATURE,
        equal_odds: float = 1.0,
    ):
        self.folds = folds
        self.prototype_weight = prototype_weight
        self.temperature = temperature
        # 1 divides each theme's training share out in full, 0 keeps the calibrated probabilities (benchmarks compare).
        self.equal_odds = equal_odds

    def fit(self, features, theme_ids, sample_weight=None):
        """Fit the calibrated SVM and note each theme's share of the (weighted) training rows."""
        self.calibrated_ = CalibratedClassifierCV(
            LinearSVC(C=0.5, random_state=SEED), cv=self.folds, method="sigmoid"
        ).fit(features, theme_ids, sample_weight=sample_weight)
        self.classes_ = self.calibrated_.classes_
        weights = np.ones(len(theme_ids)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        shares = pd.Series(weights).groupby(np.asarray(theme_ids)).sum().reindex(self.classes_).to_numpy()
        # A theme known from a handful of rows is not lifted more than twice above an even share: its calibration,
        # learnt from those few rows, is too rough to be multiplied far.
        self.shares_ = np.maximum(shares / shares.sum(), 0.5 / len(self.classes_))
        self.prototypes_ = None
        return self

    def predict_proba(self, features) -> np.ndarray:
        """Each theme's probability for each row of features."""
        probabilities = self.calibrated_.predict_proba(features) / self.shares_**self.equal_odds
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        if self.prototypes_ is None or not self.prototype_weight:
            return probabilities
        similarity = np.asarray((normalize(features) @ self.prototypes_.T).todense())
        likeness = np.exp((similarity - similarity.max(axis=1, keepdims=True)) / self.temperature)
        likeness /= likeness.sum(axis=1, keepdims=True)
        return (1 - self.prototype_weight) * probabilities + self.prototype_weight * likeness

    def predict(self, features) -> np.ndarray:
        """The likeliest theme of each row of features."""
        return self.classes_[np.argmax(self.predict_proba(features), axis=1)]


def make_model(folds: int = 5):
    """An untrained pipeline: TF-IDF of words and of characters within words, then a calibrated linear SVM (ThemeScores)."""
    features = FeatureUnion(
        [
            (
                # Without English stop words the words block learns the corpus's phrasing ("we need", "there
                # should be") as much as its topics: dropping them lifted unseen macro-F1 by 0.014 with the seeds.
                "words",
                TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2), sublinear_tf=True, stop_words="english"),
            ),
            (
                # TfidfVectorizer(analyzer="char_wb", ...) is this count step followed by TfidfTransformer; split
                # in two so that the counts can come from WordPieceCounts' faster transform.
                "chars",
                make_pipeline(
                    WordPieceCounts(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), min_df=2),
                    TfidfTransformer(sublinear_tf=True),
                ),
            ),
        ]
    )
    # The SVM scored best in cross-validation; sigmoid calibration on held-back folds turns its margins into
    # probabilities, which the review threshold needs.
    return make_pipeline(features, ThemeScores(folds=folds))


def one_blas_thread():
    """A context in which NumPy's and SciPy's BLAS use one thread."""
    # The sigmoid calibration runs 45 tiny L-BFGS fits. With OpenBLAS's default of a thread per core, training took
    # 3-8 s of wall clock on this shared two-core machine when the other core was busy, against 1-2 s with one thread
    # (docs/CLASSIFIER.md, "Speed"). One thread gives the same model. threadpoolctl is a requirement of scikit-learn.
    return threadpool_limits(limits=1, user_api="blas")


def calibration_folds(rows: int) -> int:
    """How many folds calibrate a model trained on this many distinct texts: 5, or 2 from LARGE_TRAINING rows on."""
    # Each fold trains its own SVM, which costs time in proportion to its rows: five folds train on four times the data
    # and took 35 s of CPU at 58,800 distinct suggestions. With tens of thousands of rows, two folds of half the data
    # each still calibrate on thousands of examples a theme, for about a quarter of the time.
    return FOLDS if rows < LARGE_TRAINING else 2


def train(texts: Sequence[str], theme_ids: Sequence[str], taxonomy: pd.DataFrame):
    """Fit the classifier on tagged texts plus the theme descriptions."""
    extra_texts, extra_labels = taxonomy_rows(taxonomy)
    texts, labels = list(texts) + extra_texts, list(theme_ids) + extra_labels
    if min(Counter(labels).values()) < 2:
        # A theme known only by its description: give it its label and its description as two separate examples.
        texts, labels = texts + list(taxonomy["label"]), labels + list(taxonomy["theme_id"])
    # Each distinct (text, theme) is one row weighted by how often it occurs: the SVM's loss is the same, and repeated
    # post-its ("more mentoring") cost nothing. Repeats made the 50x build's SVM take minutes to converge.
    rows = pd.DataFrame({"text": texts, "theme_id": labels}).value_counts(sort=False).reset_index()
    rows = sampled_rows(rows, set(zip(extra_texts, extra_labels, strict=True)))
    # Calibration needs every theme in every fold: a small import (a theme with few tagged suggestions) gets fewer folds.
    smallest = int(rows["theme_id"].value_counts().min())
    with one_blas_thread():
        model = make_model(folds=min(calibration_folds(len(rows)), smallest)).fit(
            list(rows["text"]), rows["theme_id"].to_numpy(), themescores__sample_weight=rows["count"]
        )
        # A theme the taxonomy does not describe has no likeness: an empty text, a vector of zeros.
        documents = theme_documents(taxonomy).reindex(model.classes_).fillna("")
        model[-1].prototypes_ = normalize(model[0].transform(list(documents)))
    return model


def theme_documents(taxonomy: pd.DataFrame) -> pd.Series:
    """Each theme's label, description and seed phrases as one text, indexed by theme_id."""
    seeds = theme_seeds().groupby("theme_id")["phrase"].agg(". ".join)
    described = taxonomy.set_index("theme_id")
    return (
        described["label"] + ". " + described["description"] + " " + seeds.reindex(described.index).fillna("")
    ).str.strip()


def sampled_rows(rows: pd.DataFrame, always: set[tuple[str, str]]) -> pd.DataFrame:
    """At most MOST_TRAINING_ROWS distinct tagged rows, a sample stratified by theme, plus every row in `always`."""
    # The SVM's time grows with its rows: 58,800 distinct texts (50x with every text varied) took 12 s of CPU to train,
    # 9 s of it in the SVM, and could take a minute of wall clock on this shared machine. A stratified sample of
    # 20,000 scored the same on unseen text (docs/CLASSIFIER.md, "Speed at scale"). The taxonomy rows are always kept.
    kept = np.array([(text, theme_id) in always for text, theme_id in zip(rows["text"], rows["theme_id"], strict=True)])
    if (~kept).sum() <= MOST_TRAINING_ROWS:
        return rows
    tagged = rows[~kept].groupby("theme_id", group_keys=False)
    sample = tagged.sample(frac=MOST_TRAINING_ROWS / (~kept).sum(), random_state=SEED)
    return pd.concat([rows[kept], sample]).sort_index()


def build_model_version(texts: Sequence[str], theme_ids: Sequence[str], taxonomy: pd.DataFrame) -> str:
    """'build-' and a hash of what the build's model learns from and how: the same data and code give the same name."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for text, theme_id in zip(texts, theme_ids, strict=True):
        digest.update(f"{theme_id}\t{text}\n".encode())
    for row in taxonomy[["theme_id", "label", "description"]].itertuples(index=False):
        digest.update("\t".join(row).encode())
    digest.update(SEEDS_PATH.read_bytes())
    return f"build-{digest.hexdigest()[:12]}"


def predict(model, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The most likely theme of each text and its probability."""
    theme_ids, probabilities = predict_ranked(model, texts, top=1)
    return theme_ids[:, 0], probabilities[:, 0]


def predict_ranked(model, texts: Sequence[str], top: int) -> tuple[np.ndarray, np.ndarray]:
    """The `top` most likely themes of each text, likeliest first, and their probabilities (rows are texts)."""
    # Each distinct text is scored once: identical suggestions get identical rows.
    codes, distinct = pd.factorize(pd.Series(list(texts), dtype=object))
    probabilities = model.predict_proba(list(distinct))[codes]
    # A stable sort of the negated probabilities: ties keep the classes' own (alphabetical) order, as argmax did.
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, : min(top, probabilities.shape[1])]
    return model.classes_[order], np.take_along_axis(probabilities, order, axis=1)


def ranked_frame(suggestion_ids: Sequence[str], theme_ids: np.ndarray, probabilities: np.ndarray) -> pd.DataFrame:
    """The ranked themes as rows of suggestion_id, theme_rank (1 = likeliest), theme_id and probability."""
    ranks = theme_ids.shape[1]
    return pd.DataFrame(
        {
            "suggestion_id": np.repeat(np.asarray(suggestion_ids, dtype=object), ranks),
            "theme_rank": np.tile(np.arange(1, ranks + 1), len(theme_ids)),
            "theme_id": theme_ids.ravel(),
            "probability": probabilities.ravel(),
        }
    )


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a built database, or an InputError that says how to build one."""
    if not path.exists():
        raise InputError(f"{path}: no database there. Build it with `python -m dashboard.build --db {path}`.")
    return duckdb.connect(str(path), read_only=True, config=CONNECTION_CONFIG)


def training_data(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hand-tagged suggestions and the taxonomy stored in a database."""
    try:
        with connect(path) as connection:
            tagged = connection.execute((config.QUERIES_DIR / "suggestion_training.sql").read_text()).df()
            taxonomy = connection.execute((config.QUERIES_DIR / "taxonomy_base.sql").read_text()).df()
    except duckdb.Error as error:
        raise InputError(f"{path}: not a readable GSE Insight database ({error}).") from None
    if tagged.empty:
        raise InputError(f"{path}: no hand-tagged suggestions to learn from.")
    return tagged, taxonomy


def read_input(path: Path, columns: Sequence[str] = ("id", "text")) -> pd.DataFrame:
    """Read a CSV with at least `columns` (others ignored), every cell as text; bad files raise InputError."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror or error}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line} is not UTF-8 text (byte {error.start}). Save the file as CSV UTF-8 and try again."
        ) from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty; expected a header row with the columns {', '.join(columns)}.")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as error:
        raise InputError(f"{path}: not a readable CSV file ({error}).") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {', '.join(frame.columns) or 'none'})."
        )
    if frame.empty:
        raise InputError(f"{path}: has a header but no rows to classify.")
    blank = frame.index[frame["text"].str.strip() == ""]
    if len(blank):
        row = blank[0]
        raise InputError(
            f"{path}: row {row + 1} (id {frame.at[row, 'id']!r}), column text is empty; every row needs a suggestion."
        )
    return frame


def classify(input_path: Path, db_path: Path, out=sys.stdout, top: int = 1) -> None:
    """Write id,theme_id,confidence for every row of the input, in its order, from a model trained on the database.

    With top N above 1, each row goes on with theme_2,confidence_2 ... theme_N,confidence_N: the next likeliest themes.
    """
    if top < 1:
        raise InputError(f"--top must be 1 or more, not {top}.")
    suggestions = read_input(input_path)
    tagged, taxonomy = training_data(db_path)
    model = train(tagged["text"], tagged["theme_id"], taxonomy)
    theme_ids, confidences = predict_ranked(model, suggestions["text"], top=top)
    writer = csv.writer(out, lineterminator="\n")
    header = ["id", "theme_id", "confidence"]
    for rank in range(2, theme_ids.shape[1] + 1):
        header += [f"theme_{rank}", f"confidence_{rank}"]
    writer.writerow(header)
    for suggestion_id, ranked_ids, ranked_confidences in zip(suggestions["id"], theme_ids, confidences, strict=True):
        cells = [suggestion_id]
        for theme_id, confidence in zip(ranked_ids, ranked_confidences, strict=True):
            cells += [theme_id, f"{confidence:.4f}"]
        writer.writerow(cells)


def fold_numbers(tagged: pd.DataFrame, folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """The test fold of each tagged suggestion: stratified by theme, with identical texts always in the same fold."""
    groups = pd.factorize(tagged["text"].map(normalise).str.split().str.join(" "))[0]
    numbers = np.empty(len(tagged), dtype=int)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for number, (_, test_rows) in enumerate(splitter.split(tagged["text"], tagged["theme_id"], groups)):
        numbers[test_rows] = number
    return numbers


def cross_validated(tagged: pd.DataFrame, taxonomy: pd.DataFrame, folds: int = FOLDS, seed: int = SEED) -> pd.DataFrame:
    """Out-of-fold predictions for every tagged suggestion, each from a model that never saw its text."""
    texts, labels = tagged["text"].to_numpy(), tagged["theme_id"].to_numpy()
    fold = fold_numbers(tagged, folds, seed)
    predicted = np.empty(len(tagged), dtype=object)
    confidence = np.zeros(len(tagged))
    for number in range(folds):
        test = fold == number
        model = train(texts[~test], labels[~test], taxonomy)
        predicted[test], confidence[test] = predict(model, texts[test])
    return tagged.assign(predicted=predicted, confidence=confidence)


def scores(truth: Sequence[str], predicted: Sequence[str], themes: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per theme."""
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(themes), zero_division=0
    )
    return pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support}, index=list(themes))


def report(results: pd.DataFrame, themes: Sequence[str], heading: str) -> str:
    """Macro-F1, per-theme scores, the confusion matrix and how the review threshold splits the predictions."""
    truth, predicted = results["theme_id"], results["predicted"]
    matrix = pd.DataFrame(
        confusion_matrix(truth, predicted, labels=list(themes)),
        index=pd.Index(themes, name="tagged \\ predicted"),
        columns=list(themes),
    )
    correct = truth == predicted
    flagged = results["confidence"] < REVIEW_THRESHOLD
    lines = [
        heading,
        f"Macro-F1: {f1_score(truth, predicted, labels=list(themes), average='macro'):.3f}",
        f"Accuracy: {correct.mean():.3f}",
        "",
        "Per theme:",
        scores(truth, predicted, themes).to_string(float_format=lambda value: f"{value:.3f}"),
        "",
        "Confusion matrix (rows: hand tag, columns: predicted):",
        matrix.to_string(),
        "",
        f"Needs review (confidence < {REVIEW_THRESHOLD}): {flagged.sum()} of {len(results)} ({flagged.mean():.0%}); "
        f"accuracy {correct[flagged].mean() if flagged.any() else float('nan'):.3f} below the threshold, "
        f"{correct[~flagged].mean() if (~flagged).any() else float('nan'):.3f} at or above it.",
        "",
        "Calibration (is a confidence of p right about p of the time?):",
        calibration(results["confidence"], correct).to_string(float_format=lambda value: f"{value:.3f}"),
    ]
    return "\n".join(lines)


def calibration(confidence: pd.Series, correct: pd.Series) -> pd.DataFrame:
    """Predictions grouped by confidence band: how many, their mean confidence and how often they were right."""
    bands = pd.cut(confidence, [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], include_lowest=True)
    grouped = pd.DataFrame({"band": bands, "confidence": confidence, "correct": correct}).groupby("band", observed=True)
    return pd.DataFrame(
        {
            "predictions": grouped.size(),
            "mean confidence": grouped["confidence"].mean(),
            "accuracy": grouped["correct"].mean(),
        }
    )


def evaluate(
    db_path: Path, folds: int = FOLDS, heldout: Path | Sequence[Path] | None = None, split: str | None = None
) -> str:
    """The cross-validated report over the database's hand-tagged suggestions, and each held-out file's if given.

    A held-out file may have a `split` column (the unseen set's dev and test halves): `split` keeps only those rows. A
    `wording` column (plain or indirect) adds the macro-F1 of each kind of row.
    """
    tagged, taxonomy = training_data(db_path)
    themes = list(taxonomy["theme_id"])
    results = cross_validated(tagged, taxonomy, folds)
    text = report(
        results,
        themes,
        f"Cross-validation: {len(tagged)} hand-tagged suggestions in {folds} stratified folds "
        f"(the {len(themes)} theme descriptions and seed phrases join every training fold).",
    )
    files = [heldout] if isinstance(heldout, Path) else list(heldout or [])
    model = train(tagged["text"], tagged["theme_id"], taxonomy) if files else None
    for path in files:
        labelled = read_input(path, ("id", "text", "theme_id"))
        if split is not None and "split" in labelled:
            labelled = labelled[labelled["split"] == split].reset_index(drop=True)
            if labelled.empty:
                raise InputError(f"{path}: no rows with split {split!r}.")
        unknown = sorted(set(labelled["theme_id"]) - set(themes))
        if unknown:
            raise InputError(f"{path}: column theme_id has unknown themes: {', '.join(unknown)}.")
        predicted, confidence = predict(model, labelled["text"])
        scored = labelled.assign(predicted=predicted, confidence=confidence)
        rows = f"{len(labelled)} labelled suggestions" + (f" (split {split})" if "split" in labelled and split else "")
        text += "\n\n" + report(
            scored,
            themes,
            f"Held out: {rows} from {path}, scored by a model trained on all {len(tagged)} hand-tagged suggestions.",
        )
        if "wording" in scored:
            for wording, group in scored.groupby("wording"):
                macro = f1_score(group["theme_id"], group["predicted"], labels=themes, average="macro")
                text += f"\nMacro-F1 of the {wording} rows ({len(group)}): {macro:.3f}"
    return text


def main(argv: list[str] | None = None) -> int:
    """Command line: classify a CSV of suggestions, or evaluate the classifier."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.themes", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    classify_command = commands.add_parser("classify", help="print id,theme_id,confidence for each row of a CSV")
    classify_command.add_argument("input", type=Path, help="CSV with the columns id,text (others are ignored)")
    classify_command.add_argument(
        "--top", type=int, default=1, help="also print the next likeliest themes, up to N in all (default 1)"
    )
    evaluate_command = commands.add_parser("evaluate", help="cross-validated macro-F1, per-theme scores, confusion")
    evaluate_command.add_argument("--folds", type=int, default=FOLDS, help=f"number of folds (default {FOLDS})")
    evaluate_command.add_argument(
        "--heldout", type=Path, action="append", help="also score a labelled CSV with id,text,theme_id (repeatable)"
    )
    evaluate_command.add_argument(
        "--unseen", action="store_true", help=f"also score the hand-written unseen set ({UNSEEN_PATH.name})"
    )
    evaluate_command.add_argument(
        "--split", choices=("dev", "test"), help="score only this half of a held-out file with a split column"
    )
    retrain_command = commands.add_parser(
        "retrain", help="retrain from hand-coded themes and review decisions; re-tag only unreviewed machine tags"
    )
    restore_command = commands.add_parser("restore-model", help="re-tag unreviewed machine tags with an earlier model")
    restore_command.add_argument("version", nargs="?", help="model version (default: the one before the latest run)")
    for command in (retrain_command, restore_command):
        command.add_argument("--by", default=None, help="who runs it, for the log (default: this account)")
    for command in (classify_command, evaluate_command, retrain_command, restore_command):
        command.add_argument(
            "--db", type=Path, default=None, help="database file (default: GSE_DB_PATH or .gse/gse.duckdb)"
        )
    args = parser.parse_args(argv)
    db_path = args.db or config.db_path()
    try:
        if args.command == "classify":
            classify(args.input, db_path, top=args.top)
        elif args.command == "evaluate":
            heldout = [*(args.heldout or []), *([UNSEEN_PATH] if args.unseen else [])]
            print(evaluate(db_path, args.folds, heldout, args.split))
        else:
            # Imported here: retraining imports this module, and classify and evaluate do not need it.
            from dashboard import retraining

            by = args.by or getpass.getuser()
            try:
                if args.command == "retrain":
                    outcome = retraining.retrain(db_path, by=by)
                else:
                    outcome = retraining.restore(db_path, args.version, by=by)
            except retraining.RetrainError as error:
                raise InputError(str(error)) from None
            print(outcome.sentence())
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
