"""The theme classifier: its contract, its command line, and its quality on suggestions written by someone else."""

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import f1_score

from dashboard import config, data, themes

HELDOUT = Path(__file__).parent / "data" / "heldout_suggestions.csv"
# The target is 0.85 and the chosen model scored 0.926 when it was checked (docs/CLASSIFIER.md). The floor sits at the
# target: a change that costs more than the measured margin fails, while retraining noise on new data does not.
HELDOUT_FLOOR = 0.85
UNSEEN = Path(__file__).parent / "data" / "unseen_suggestions.csv"
# Hand-written in another voice, half without the theme's obvious words (tests/data/README.md). Over all 180 rows the
# chosen model scores 0.889, the model before issue 18 0.780 and after its first round 0.829 (docs/CLASSIFIER.md).
# The floor sits just under the chosen score, so losing the extra seed phrases, the equal theme odds or the blend with
# each theme's likeness (0.839, 0.862 and 0.873 without each) fails.
UNSEEN_FLOOR = 0.88
SECOND_WRITER = Path(__file__).parent / "data" / "second_writer_suggestions.csv"
# Written by an independent writer and opened only after the model was chosen: the chosen model scored 0.878 on it and
# the model before 0.816. The floor is issue 18's target for unseen text.
SECOND_WRITER_FLOOR = 0.85


def run_cli(*arguments: str, db: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m dashboard.themes` as a user would, with no network and the repo as the working folder."""
    command = [sys.executable, "-m", "dashboard.themes", *arguments]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, cwd=config.ROOT, timeout=600, check=False)


@pytest.fixture(scope="module")
def bundled_model(bundled_db):
    """The classifier as the build trains it: on the bundled hand-tagged suggestions and the taxonomy."""
    tagged, taxonomy = themes.training_data(bundled_db)
    return themes.train(tagged["text"], tagged["theme_id"], taxonomy), taxonomy


def test_cli_connects_with_the_app_settings():
    assert themes.CONNECTION_CONFIG == data.CONNECTION_CONFIG


def test_heldout_macro_f1_reaches_the_floor(bundled_model):
    model, taxonomy = bundled_model
    heldout = pd.read_csv(HELDOUT)
    assert len(heldout) == 243
    assert set(heldout["theme_id"]) == set(taxonomy["theme_id"])
    predicted, confidence = themes.predict(model, heldout["text"])
    assert f1_score(heldout["theme_id"], predicted, average="macro") >= HELDOUT_FLOOR
    assert ((confidence >= 0) & (confidence <= 1)).all()


def test_unseen_macro_f1_reaches_the_floor(bundled_model):
    model, taxonomy = bundled_model
    unseen = pd.read_csv(UNSEEN)
    assert len(unseen) == 180
    assert unseen.groupby(["theme_id", "wording", "split"]).size().eq(5).all()
    assert set(unseen["theme_id"]) == set(taxonomy["theme_id"])
    predicted, _confidence = themes.predict(model, unseen["text"])
    assert f1_score(unseen["theme_id"], predicted, average="macro") >= UNSEEN_FLOOR


def test_second_writer_macro_f1_reaches_the_target(bundled_model):
    model, taxonomy = bundled_model
    second = pd.read_csv(SECOND_WRITER)
    assert len(second) == 270
    assert second.groupby(["theme_id", "wording"]).size().eq(15).all()
    assert set(second["theme_id"]) == set(taxonomy["theme_id"])
    predicted, _confidence = themes.predict(model, second["text"])
    assert f1_score(second["theme_id"], predicted, average="macro") >= SECOND_WRITER_FLOOR


def test_evaluate_scores_a_half_of_the_unseen_set(bundled_db, bundled_model):
    result = run_cli("evaluate", "--folds", "2", "--unseen", "--split", "test", db=bundled_db)
    assert result.returncode == 0, result.stderr
    held_out = result.stdout.split("Held out: ")[1]
    assert held_out.startswith("90 labelled suggestions (split test)")
    unseen = pd.read_csv(UNSEEN)
    test_half = unseen[unseen["split"] == "test"]
    predicted, _confidence = themes.predict(bundled_model[0], test_half["text"])
    expected = f1_score(test_half["theme_id"], predicted, average="macro")
    assert held_out.split("Macro-F1: ")[1].split()[0] == f"{expected:.3f}"
    for wording in ("plain", "indirect"):
        rows = (test_half["wording"] == wording).to_numpy()
        macro = f1_score(test_half["theme_id"][rows], predicted[rows], average="macro")
        assert f"Macro-F1 of the {wording} rows (45): {macro:.3f}" in held_out


def test_predict_returns_a_known_theme_and_its_probability_for_each_text(bundled_model):
    model, taxonomy = bundled_model
    texts = ["Fund my chartership fees", "A mentor outside my line management chain", "", "zzz"]
    predicted, confidence = themes.predict(model, texts)
    assert len(predicted) == len(confidence) == len(texts)
    assert set(predicted) <= set(taxonomy["theme_id"])
    # Nine themes: the chosen one's probability is at least a ninth.
    assert ((confidence >= 1 / 9 - 1e-9) & (confidence <= 1)).all()
    assert list(predicted[:2]) == ["cpd", "mentoring"]


# Texts that test the word splitting: runs of spaces, tabs and newlines, a repeated word, one-letter and unknown words,
# punctuation inside and around words, accents, abbreviations, and nothing at all.
ODD_TEXTS = [
    "",
    "zzz",
    "a",
    "  I\tneed \n\n more   CPD, CPD and cpd!!  ",
    "ÉCOLE école (école) l&d L&D-funded mentor/mentee",
    "aaaaaaa aaaaaaa",
]


def test_word_piece_counts_equal_countvectorizer_counts(bundled_model):
    model, _taxonomy = bundled_model
    counts = model[0].transformer_list[1][1][0]
    reference = CountVectorizer(
        preprocessor=themes.normalise, analyzer="char_wb", ngram_range=(2, 5), vocabulary=counts.vocabulary_
    )
    texts = [*pd.read_csv(HELDOUT)["text"], *ODD_TEXTS]
    fast, slow = counts.transform(texts), reference.transform(texts)
    assert fast.shape == slow.shape == (len(texts), len(counts.vocabulary_))
    assert (fast != slow).nnz == 0
    assert fast.sum() > 0
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        counts.transform("one string")


@pytest.mark.parametrize("min_df", [1, 2])
def test_word_piece_counts_fit_equals_countvectorizer_fit(bundled_db, min_df):
    tagged, _taxonomy = themes.training_data(bundled_db)
    # Repeated texts and odd ones: the document frequencies that min_df prunes by count each text once.
    texts = [*tagged["text"][:300], *tagged["text"][:50], *ODD_TEXTS, *ODD_TEXTS]
    options = {"preprocessor": themes.normalise, "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": min_df}
    fast = themes.WordPieceCounts(**options)
    reference = CountVectorizer(**options)
    fast_counts, reference_counts = fast.fit_transform(texts), reference.fit_transform(texts)
    assert fast.vocabulary_ == reference.vocabulary_
    assert fast_counts.shape == reference_counts.shape
    assert (fast_counts != reference_counts).nnz == 0
    assert (themes.WordPieceCounts(**options).fit(texts).transform(texts) != reference_counts).nnz == 0


def test_repeated_texts_get_the_same_theme_and_probability(bundled_model):
    model, _taxonomy = bundled_model
    texts = ["Fund my chartership fees", "A mentor outside my line management chain", "Fund my chartership fees"]
    theme_ids, probabilities = themes.predict_ranked(model, texts, top=3)
    alone_ids, alone_probabilities = themes.predict_ranked(model, texts[1:2], top=3)
    assert list(theme_ids[0]) == list(theme_ids[2]) and list(theme_ids[1]) == list(alone_ids[0])
    assert np.array_equal(probabilities[0], probabilities[2]) and np.allclose(probabilities[1], alone_probabilities[0])
    assert theme_ids[0][0] == "cpd" and theme_ids[1][0] == "mentoring"


def test_character_features_equal_tfidfvectorizer(bundled_db):
    tagged, taxonomy = themes.training_data(bundled_db)
    texts = [*tagged["text"], *themes.taxonomy_rows(taxonomy)[0]]
    chars = themes.make_model()[0].transformer_list[1][1].fit(texts)
    reference = TfidfVectorizer(
        preprocessor=themes.normalise, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
    ).fit(texts)
    unseen = [*pd.read_csv(HELDOUT)["text"], *ODD_TEXTS]
    assert chars[0].vocabulary_ == reference.vocabulary_
    assert np.allclose(chars.transform(unseen).toarray(), reference.transform(unseen).toarray(), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("More FLS places", "more fls future leaders scheme places"),
        ("CPD and L&D budgets", "cpd continuing professional development and l&d learning and development budgets"),
        ("Paid for my CEng", "paid for my ceng chartered engineer"),
        ("daily standups", "daily standups"),
    ],
)
def test_normalise_spells_out_abbreviations(text, expected):
    assert themes.normalise(text) == expected


def test_classify_keeps_row_order_and_gives_probabilities(fixture_db, tmp_path):
    texts = [
        ("x3", "Pay that keeps up with industry"),
        ("a1", "A mentor from another department"),
        ("b2", "Fund chartership and registration fees"),
        ("b2", "duplicate ids are kept as given, in place"),
        ("z", "Ünïcödé — “quoted”, with a comma"),
    ]
    source = tmp_path / "in.csv"
    pd.DataFrame(texts, columns=["id", "text"]).assign(extra="ignored").to_csv(source, index=False)
    result = run_cli("classify", str(source), db=fixture_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "id,theme_id,confidence"
    output = pd.read_csv(io.StringIO(result.stdout), dtype={"id": str})
    assert output["id"].tolist() == [row[0] for row in texts]
    assert output["confidence"].between(0, 1).all()
    assert set(output["theme_id"]) <= {
        "recognition",
        "cpd",
        "careers",
        "leadership",
        "mentoring",
        "collaboration",
        "skills",
        "inclusion",
        "recruitment",
    }
    assert len(output) == len(texts)
    assert output.columns.tolist() == ["id", "theme_id", "confidence"]


BAD_INPUTS = {
    "missing column": (b"id,words\n1,hello\n", ["missing column text"]),
    "empty file": (b"", ["empty"]),
    "header only": (b"id,text\n", ["no rows"]),
    "not utf-8": ("id,text\n1,caf\xe9 culture\n".encode("latin-1"), ["line 2", "UTF-8"]),
    "blank text": (b"id,text\n1,hello\n2,  \n", ["row 2", "column text"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_classify_rejects_bad_input_with_a_clear_message(case, fixture_db, tmp_path):
    content, phrases = BAD_INPUTS[case]
    source = tmp_path / "suggestions.csv"
    source.write_bytes(content)
    result = run_cli("classify", str(source), db=fixture_db)
    assert result.returncode == 1
    assert result.stdout == ""
    assert str(source) in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr
    assert "Traceback" not in result.stderr


def test_classify_without_a_file_or_a_database_exits_1(fixture_db, tmp_path):
    missing = run_cli("classify", str(tmp_path / "absent.csv"), db=fixture_db)
    assert missing.returncode == 1
    assert "absent.csv" in missing.stderr
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,hello\n")
    no_db = run_cli("classify", str(source), db=tmp_path / "none.duckdb")
    assert no_db.returncode == 1
    assert "none.duckdb" in no_db.stderr
    assert "dashboard.build" in no_db.stderr


def test_evaluate_reports_cross_validated_scores_and_confusion(bundled_db, bundled_csvs):
    result = run_cli("evaluate", "--folds", "3", "--heldout", str(HELDOUT), db=bundled_db)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    tagged = bundled_csvs["suggestions"]["theme_id"].notna().sum()
    assert f"Cross-validation: {tagged} hand-tagged suggestions in 3 stratified folds" in report
    assert report.count("Macro-F1: ") == 2
    assert "Confusion matrix (rows: hand tag, columns: predicted):" in report
    assert "precision" in report and "recall" in report
    cross_validated = float(report.split("Macro-F1: ")[1].split()[0])
    heldout = float(report.split("Macro-F1: ")[2].split()[0])
    assert 0 < cross_validated <= 1
    assert heldout >= HELDOUT_FLOOR
    for theme_id in bundled_csvs["themes"]["theme_id"]:
        assert theme_id in report


def test_cross_validation_keeps_identical_texts_in_one_fold(fixture_csvs):
    tagged = pd.DataFrame(
        {
            "suggestion_id": [f"S{i}" for i in range(24)],
            # Each text twice (once in capitals): a copy in the training fold would inflate the score.
            "text": [
                text.upper() if copy else text
                for theme in ("pay", "mentor", "chartership")
                for i in range(4)
                for copy, text in enumerate([f"{theme} idea {i}"] * 2)
            ],
            "theme_id": [theme for theme in ("recruitment", "mentoring", "cpd") for _ in range(8)],
        }
    )
    folds = themes.fold_numbers(tagged, folds=2)
    assert (folds[0::2] == folds[1::2]).all()
    assert set(folds) == {0, 1}
    results = themes.cross_validated(tagged, fixture_csvs["themes"], folds=2)
    assert len(results) == len(tagged)
    assert results["confidence"].between(0, 1).all()
    assert set(results["predicted"]) <= set(fixture_csvs["themes"]["theme_id"])


def test_benchmark_varies_each_text_by_one_word_out_and_one_in():
    from benchmarks import classify as classify_benchmark

    texts = pd.Series(["more mentoring for new starters please", "more mentoring for new starters please", "pay us"])
    varied = classify_benchmark.distinct_texts(texts, seed=3)
    assert varied == classify_benchmark.distinct_texts(texts, seed=3)
    assert len(varied) == 3 and varied[0] != varied[1]
    vocabulary = {"more", "mentoring", "for", "new", "starters", "please", "pay", "us"}
    for original, new in zip(texts, varied, strict=True):
        before, after = original.split(), new.split()
        # Four or more words lose one and gain one; shorter texts only gain one.
        assert len(after) == (len(before) if len(before) >= 4 else len(before) + 1)
        assert set(after) <= vocabulary
        assert (Counter(before) - Counter(after)).total() <= 1 and (Counter(after) - Counter(before)).total() <= 1


def test_training_beyond_the_most_rows_learns_from_a_stratified_sample_and_every_taxonomy_row(monkeypatch):
    monkeypatch.setattr(themes, "MOST_TRAINING_ROWS", 60)
    # 200 distinct tagged texts, 150 of theme a and 50 of b (one of them twice), and two taxonomy rows.
    texts = [f"text {number}" for number in range(200)] + ["text 0", "about a", "about b"]
    theme_ids = ["a"] * 150 + ["b"] * 50 + ["a", "a", "b"]
    rows = pd.DataFrame({"text": texts, "theme_id": theme_ids}).value_counts(sort=False).reset_index()
    sampled = themes.sampled_rows(rows, {("about a", "a"), ("about b", "b")})
    assert {"about a", "about b"} <= set(sampled["text"])
    tagged = sampled[~sampled["text"].str.startswith("about")]
    # 60 of 200 is 30%: 45 of theme a's 150 texts and 15 of b's 50, each text once with its count kept.
    assert tagged["theme_id"].value_counts().to_dict() == {"a": 45, "b": 15}
    assert not tagged["text"].duplicated().any()
    assert set(tagged["count"]) <= {1, 2}
    assert sampled.equals(themes.sampled_rows(rows, {("about a", "a"), ("about b", "b")}))
    monkeypatch.setattr(themes, "MOST_TRAINING_ROWS", 200)
    assert themes.sampled_rows(rows, {("about a", "a"), ("about b", "b")}) is rows


def test_equal_odds_divide_by_each_themes_share_of_every_training_row(bundled_model):
    model, taxonomy = bundled_model
    suggestions = pd.read_csv(config.DATA_DIR / "suggestions.csv", keep_default_na=False)
    seeds = pd.read_csv(themes.SEEDS_PATH)
    # Every training row counts once, repeats included: the hand-tagged suggestions, one description a theme, the seeds.
    rows = pd.concat([suggestions["theme_id"][suggestions["theme_id"] != ""], taxonomy["theme_id"], seeds["theme_id"]])
    shares = rows.value_counts(normalize=True)
    assert np.allclose(model[-1].shares_, shares.reindex(model.classes_).to_numpy())
    probabilities = model.predict_proba(["A mentor outside my line management chain"])
    assert probabilities.shape == (1, 9) and np.isclose(probabilities.sum(), 1)
    # The blend with each theme's description and seeds is set by train: nine unit-length vectors, one a theme.
    assert np.allclose(np.asarray(model[-1].prototypes_.multiply(model[-1].prototypes_).sum(axis=1)).ravel(), 1)
