"""The classifier's commands in-process (dashboard.themes): reading input, classify, evaluate, the report and main.

test_classifier.py runs the command line as a user would, in a subprocess; these tests call the same code directly
(which mutation testing can follow), on tests/fixtures' 13 hand-tagged suggestions (a model trains in a fraction of a
second) and on hand-made results whose scores are worked out by hand.
"""

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import retraining, themes

UNSEEN = Path(__file__).parent / "data" / "unseen_suggestions.csv"


def written(tmp_path: Path, content: bytes | str, name: str = "in.csv") -> Path:
    """A file holding `content`."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# Reading the input ----------------------------------------------------------------------------------------------------


def test_read_input_keeps_every_cell_as_text_and_the_columns_trimmed(tmp_path):
    path = written(tmp_path, "\ufeff id , text ,extra\n001,NA,x\n2, Pay  ,\n")
    frame = themes.read_input(path)
    assert frame.columns.tolist() == ["id", "text", "extra"]
    assert frame.to_dict("list") == {"id": ["001", "2"], "text": ["NA", " Pay  "], "extra": ["x", ""]}


@pytest.mark.parametrize(
    ("content", "columns", "message"),
    [
        (b"", ("id", "text"), "the file is empty; expected a header row with the columns id, text."),
        (
            b"  \n\n",
            ("id", "text", "theme_id"),
            "the file is empty; expected a header row with the columns id, text, theme_id.",
        ),
        (
            "id,text\n1,caf\xe9 culture\n".encode("latin-1"),
            ("id", "text"),
            "line 2 is not UTF-8 text (byte 13). Save the file as CSV UTF-8 and try again.",
        ),
        (
            "id,text\n1,ok\n2,ok\n3,\xe9\n".encode("latin-1"),
            ("id", "text"),
            "line 4 is not UTF-8 text (byte 20). Save the file as CSV UTF-8 and try again.",
        ),
        (b"id,words\n1,hello\n", ("id", "text"), "missing column text (found: id, words)."),
        (b"a,b\n1,hello\n", ("id", "text"), "missing columns id, text (found: a, b)."),
        (b"id,text\n1,hello\n", ("id", "text", "theme_id"), "missing column theme_id (found: id, text)."),
        (b"id,text\n", ("id", "text"), "has a header but no rows to classify."),
        (
            b"id,text\n1,hello\n2,  \n3,\n",
            ("id", "text"),
            "row 2 (id '2'), column text is empty; every row needs a suggestion.",
        ),
        (b"id,text\nA7,\n", ("id", "text"), "row 1 (id 'A7'), column text is empty; every row needs a suggestion."),
    ],
)
def test_read_input_names_the_file_and_what_is_wrong(tmp_path, content, columns, message):
    path = written(tmp_path, content)
    with pytest.raises(themes.InputError) as error:
        themes.read_input(path, columns)
    assert str(error.value) == f"{path}: {message}"


def test_read_input_says_when_a_file_cannot_be_read_or_parsed(tmp_path):
    with pytest.raises(themes.InputError) as error:
        themes.read_input(tmp_path / "absent.csv")
    assert str(error.value) == f"{tmp_path / 'absent.csv'}: cannot read the file (No such file or directory)."
    broken = written(tmp_path, 'id,text\n1,"never closed\n')
    with pytest.raises(themes.InputError) as error:
        themes.read_input(broken)
    assert str(error.value).startswith(f"{broken}: not a readable CSV file (")
    assert str(error.value).endswith(").")


# classify -------------------------------------------------------------------------------------------------------------

ROWS = [
    ("x3", "Pay that keeps up with industry"),
    ("a1", "A mentor from another department"),
    ("b2", "Fund chartership and registration fees"),
    ("b2", "Fund chartership and registration fees"),
    ("007", "Ünïcödé — “quoted”, with a comma"),
]


def classified(fixture_db: Path, tmp_path: Path, top: int) -> str:
    """classify's output for ROWS."""
    source = tmp_path / "rows.csv"
    pd.DataFrame(ROWS, columns=["id", "text"]).to_csv(source, index=False)
    out = io.StringIO()
    themes.classify(source, fixture_db, out, top=top)
    return out.getvalue()


@pytest.mark.parametrize("top", [1, 3])
def test_classify_writes_each_rows_likeliest_themes_in_the_inputs_order(fixture_db, fixture_csvs, tmp_path, top):
    output = classified(fixture_db, tmp_path, top)
    assert "\r" not in output and output.endswith("\n")
    header, *lines = output.splitlines()
    assert (
        header
        == ["id,theme_id,confidence", "id,theme_id,confidence,theme_2,confidence_2,theme_3,confidence_3"][top > 1]
    )
    rows = list(csv.reader(lines))
    assert [row[0] for row in rows] == ["x3", "a1", "b2", "b2", "007"]
    known = set(fixture_csvs["themes"]["theme_id"])
    for row in rows:
        assert len(row) == 1 + 2 * top
        ranked, confidences = row[1::2], row[2::2]
        assert set(ranked) <= known and len(set(ranked)) == top
        assert all(re.fullmatch(r"0\.\d{4}", confidence) for confidence in confidences)
        assert [float(value) for value in confidences] == sorted((float(value) for value in confidences), reverse=True)
        assert sum(float(value) for value in confidences) <= 1.0005
    assert rows[2] == rows[3]  # the same text, the same themes


def test_classify_top_one_is_the_first_of_the_ranked_themes(fixture_db, tmp_path):
    first = [line.split(",")[:3] for line in classified(fixture_db, tmp_path, 1).splitlines()[1:]]
    ranked = [line.split(",")[:3] for line in classified(fixture_db, tmp_path, 3).splitlines()[1:]]
    assert first == ranked


def test_classify_ranks_at_most_every_theme(fixture_db, fixture_csvs, tmp_path):
    header = classified(fixture_db, tmp_path, 20).splitlines()[0].split(",")
    themes_known = len(fixture_csvs["themes"])  # 9
    assert header == ["id", "theme_id", "confidence"] + [
        name for rank in range(2, themes_known + 1) for name in (f"theme_{rank}", f"confidence_{rank}")
    ]


def test_the_models_predict_is_its_likeliest_theme(fixture_db):
    tagged, taxonomy = themes.training_data(fixture_db)
    model = themes.train(tagged["text"], tagged["theme_id"], taxonomy)
    texts = [text for _, text in ROWS]
    probabilities = model.predict_proba(texts)
    assert probabilities.shape == (5, 9)
    likeliest = [model.classes_[row.tolist().index(max(row))] for row in probabilities]
    assert model.predict(texts).tolist() == likeliest


def test_ranked_themes_become_one_row_a_suggestion_and_rank():
    frame = themes.ranked_frame(
        ["S1", "S2"], np.array([["cpd", "skills"], ["careers", "cpd"]]), np.array([[0.6, 0.3], [0.5, 0.25]])
    )
    assert frame.to_dict("list") == {
        "suggestion_id": ["S1", "S1", "S2", "S2"],
        "theme_rank": [1, 2, 1, 2],
        "theme_id": ["cpd", "skills", "careers", "cpd"],
        "probability": [0.6, 0.3, 0.5, 0.25],
    }


def test_the_build_model_version_names_what_the_model_learns_from():
    taxonomy = pd.DataFrame({"theme_id": ["cpd", "skills"], "label": ["CPD", "Skills"], "description": ["d1", "d2"]})
    version = themes.build_model_version(["a", "b"], ["cpd", "skills"], taxonomy)
    assert re.fullmatch(r"build-[0-9a-f]{12}", version)
    assert themes.build_model_version(["a", "b"], ["cpd", "skills"], taxonomy.copy()) == version
    changed = [
        themes.build_model_version(["a", "c"], ["cpd", "skills"], taxonomy),
        themes.build_model_version(["a", "b"], ["cpd", "cpd"], taxonomy),
        themes.build_model_version(["a", "b"], ["cpd", "skills"], taxonomy.assign(label=["CPD", "Tools"])),
        themes.build_model_version(["a", "b"], ["cpd", "skills"], taxonomy.assign(description=["d1", "d3"])),
        # Where one text ends and the next begins counts.
        themes.build_model_version(["ab", ""], ["cpd", "skills"], taxonomy),
    ]
    assert len({version, *changed}) == 6


@pytest.mark.parametrize("top", [0, -1])
def test_classify_refuses_a_top_below_one_before_reading_anything(tmp_path, top):
    with pytest.raises(themes.InputError) as error:
        themes.classify(tmp_path / "absent.csv", tmp_path / "absent.duckdb", io.StringIO(), top=top)
    assert str(error.value) == f"--top must be 1 or more, not {top}."


def test_classify_says_how_to_build_a_missing_database(tmp_path):
    source = written(tmp_path, "id,text\n1,hello\n")
    missing = tmp_path / "none.duckdb"
    with pytest.raises(themes.InputError) as error:
        themes.classify(source, missing, io.StringIO())
    assert (
        str(error.value) == f"{missing}: no database there. Build it with `python -m dashboard.build --db {missing}`."
    )


# The report -----------------------------------------------------------------------------------------------------------

# Six predictions over themes a, b and c (and d, which nothing is tagged or predicted as), worked out by hand:
# a: 2 of 3 found, nothing else called a (precision 1, recall 2/3, F1 0.8); b: 1 of 2 found, 1 of 2 calls right (0.5,
# 0.5, 0.5); c: 1 of 1 found, 1 of 2 calls right (0.5, 1, 2/3); d: 0. Macro-F1 over the four: 1.9667 / 4 = 0.492.
RESULTS = pd.DataFrame(
    {
        "theme_id": list("aaabbc"),
        "predicted": list("aabbcc"),
        # Under 0.5: the second and third (one right, one wrong); 0.5 itself is not under it.
        "confidence": [0.95, 0.45, 0.35, 0.85, 0.5, 0.65],
    }
)

REPORT = "\n".join(
    [
        "Heading",
        "Macro-F1: 0.492",
        "Accuracy: 0.667",
        "",
        "Per theme:",
        "   precision  recall    f1  support",
        "c      0.500   1.000 0.667        1",
        "a      1.000   0.667 0.800        3",
        "d      0.000   0.000 0.000        0",
        "b      0.500   0.500 0.500        2",
        "",
        "Confusion matrix (rows: hand tag, columns: predicted):",
        "                    c  a  d  b",
        "tagged \\ predicted" + " " * 12,  # pandas pads the index name's row
        "c                   1  0  0  0",
        "a                   0  2  0  1",
        "d                   0  0  0  0",
        "b                   1  0  0  1",
        "",
        "Needs review (confidence < 0.5): 2 of 6 (33%); accuracy 0.500 below the threshold, 0.750 at or above it.",
        "",
        "Calibration (is a confidence of p right about p of the time?):",
        "            predictions  mean confidence  accuracy",
        "band" + " " * 46,  # pandas pads the index name's row
        "(0.3, 0.4]            1            0.350     0.000",
        "(0.4, 0.5]            2            0.475     0.500",
        "(0.6, 0.7]            1            0.650     1.000",
        "(0.8, 0.9]            1            0.850     1.000",
        "(0.9, 1.0]            1            0.950     1.000",
    ]
)


def test_the_report_scores_every_theme_in_the_order_given():
    assert themes.report(RESULTS, ["c", "a", "d", "b"], "Heading") == REPORT


def test_the_report_says_nan_for_a_side_of_the_threshold_with_no_predictions():
    sure = RESULTS.assign(confidence=[0.95, 0.9, 0.8, 0.7, 0.6, 0.5])
    assert (
        "Needs review (confidence < 0.5): 0 of 6 (0%); accuracy nan below the threshold, 0.667 at or above it."
        in themes.report(sure, ["a", "b", "c"], "h")
    )
    unsure = RESULTS.assign(confidence=[0.1, 0.2, 0.3, 0.4, 0.45, 0.49])
    assert (
        "Needs review (confidence < 0.5): 6 of 6 (100%); accuracy 0.667 below the threshold, nan at or above it."
        in themes.report(unsure, ["a", "b", "c"], "h")
    )


def test_scores_give_precision_recall_f1_and_support_per_theme():
    table = themes.scores(list("aaabbc"), list("aabbcc"), ["b", "a", "d"])
    assert table.index.tolist() == ["b", "a", "d"]
    assert table.columns.tolist() == ["precision", "recall", "f1", "support"]
    assert np.allclose(table.to_numpy(dtype=float), [[0.5, 0.5, 0.5, 2], [1, 2 / 3, 0.8, 3], [0, 0, 0, 0]])


def test_calibration_bands_take_their_upper_edge_and_zero():
    confidence = pd.Series([0.0, 0.3, 0.31, 0.4, 0.9, 0.95, 1.0])
    correct = pd.Series([False, True, True, False, True, True, False])
    table = themes.calibration(confidence, correct)
    assert table.columns.tolist() == ["predictions", "mean confidence", "accuracy"]
    assert [(band.left, band.right) for band in table.index] == [(-0.001, 0.3), (0.3, 0.4), (0.8, 0.9), (0.9, 1.0)]
    assert table["predictions"].tolist() == [2, 2, 1, 2]
    assert np.allclose(table["mean confidence"], [0.15, 0.355, 0.9, 0.975])
    assert np.allclose(table["accuracy"], [0.5, 0.5, 1.0, 0.5])


# evaluate -------------------------------------------------------------------------------------------------------------


def heldout(tmp_path: Path) -> Path:
    """Four labelled suggestions: three in the dev half (two plain, one indirect) and one in the test half."""
    rows = pd.DataFrame(
        {
            "id": ["h1", "h2", "h3", "h4"],
            "text": ["Pay that competes with industry", "A mentor please", "Leaders for all", "Python courses"],
            "theme_id": ["recruitment", "mentoring", "leadership", "skills"],
            "split": ["dev", "dev", "dev", "test"],
            "wording": ["plain", "plain", "indirect", "plain"],
        }
    )
    path = tmp_path / "heldout.csv"
    rows.to_csv(path, index=False)
    return path


def test_evaluate_reports_cross_validation_and_each_held_out_file(fixture_db, fixture_csvs, tmp_path):
    path = heldout(tmp_path)
    tagged = int(fixture_csvs["suggestions"]["theme_id"].notna().sum())  # 13
    described = len(fixture_csvs["themes"])  # 9
    text = themes.evaluate(fixture_db, 2, path, "dev")
    assert text.startswith(
        f"Cross-validation: {tagged} hand-tagged suggestions in 2 stratified folds (the {described} theme "
        "descriptions and seed phrases join every training fold).\nMacro-F1: "
    )
    assert text.count("Macro-F1: ") == 2
    assert (
        f"\n\nHeld out: 3 labelled suggestions (split dev) from {path}, scored by a model trained on all {tagged} "
        "hand-tagged suggestions.\nMacro-F1: "
    ) in text
    # The per-wording scores come last, in order of the wording.
    assert re.search(
        r"\nMacro-F1 of the indirect rows \(1\): \d\.\d{3}\nMacro-F1 of the plain rows \(2\): \d\.\d{3}$", text
    )
    # Each report scores every theme of the taxonomy, in the order of their labels.
    per_theme = text.split("Per theme:\n")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split()[0] for line in per_theme] == fixture_csvs["themes"].sort_values("label")["theme_id"].tolist()


def repeated_tagged() -> pd.DataFrame:
    """36 tagged texts of three themes, twelve each, every text once."""
    return pd.DataFrame(
        {
            "text": [f"{word} idea number {i}" for word in ("pay", "mentor", "chartership") for i in range(12)],
            "theme_id": [theme for theme in ("recruitment", "mentoring", "cpd") for _ in range(12)],
        }
    )


def test_the_folds_are_whole_numbers_and_the_same_every_run():
    tagged = repeated_tagged()
    folds = themes.fold_numbers(tagged, folds=3)
    assert folds.dtype.kind == "i"
    assert sorted(set(folds.tolist())) == [0, 1, 2]
    # Stratified: each fold holds four texts of each theme.
    assert pd.crosstab(folds, tagged["theme_id"]).to_numpy().tolist() == [[4, 4, 4]] * 3
    for _ in range(4):
        assert (themes.fold_numbers(tagged, folds=3) == folds).all()


def test_cross_validation_gives_the_same_predictions_every_run(fixture_csvs):
    tagged = repeated_tagged()
    first = themes.cross_validated(tagged, fixture_csvs["themes"], folds=3)
    for _ in range(2):
        again = themes.cross_validated(tagged, fixture_csvs["themes"], folds=3)
        assert again["predicted"].tolist() == first["predicted"].tolist()
        assert np.allclose(again["confidence"], first["confidence"])


def test_cross_validation_predicts_each_text_once_with_a_model_that_never_saw_it(fixture_csvs, monkeypatch):
    tagged = repeated_tagged()
    trained, predicted = [], []

    def train(texts, theme_ids, taxonomy):
        trained.append(set(texts))
        return len(trained) - 1

    def predict(model, texts):
        assert not set(texts) & trained[model]
        predicted.extend(texts)
        return np.array(["cpd"] * len(texts), dtype=object), np.full(len(texts), 0.5)

    monkeypatch.setattr(themes, "train", train)
    monkeypatch.setattr(themes, "predict", predict)
    results = themes.cross_validated(tagged, fixture_csvs["themes"], folds=3)
    assert len(trained) == 3
    # Each model learns from two folds of the three: 24 texts.
    assert [len(texts) for texts in trained] == [24, 24, 24]
    assert sorted(predicted) == sorted(tagged["text"])
    assert results["predicted"].tolist() == ["cpd"] * 36


def test_evaluate_scores_each_wording_over_every_theme(fixture_db, tmp_path, monkeypatch):
    # Predictions chosen here: two of the three right, one plain row (mentoring) called cpd.
    answers = {"Pay that competes with industry": "recruitment", "Leaders for all": "leadership"}

    def predict(model, texts):
        return np.array([answers.get(text, "cpd") for text in texts], dtype=object), np.full(len(texts), 0.9)

    monkeypatch.setattr(themes, "predict", predict)
    text = themes.evaluate(fixture_db, 2, heldout(tmp_path), "dev")
    # Over the 9 themes: the held-out rows' F1 is 1 for recruitment and leadership, 0 for mentoring and cpd (2 / 9);
    # the indirect row's 1 for leadership (1 / 9); the plain rows' 1 for recruitment (1 / 9), not 1 / 3 over the
    # three themes they name.
    assert "scored by a model trained on all 13 hand-tagged suggestions.\nMacro-F1: 0.222\nAccuracy: 0.667\n" in text
    assert text.endswith("\nMacro-F1 of the indirect rows (1): 0.111\nMacro-F1 of the plain rows (2): 0.111")


def test_evaluate_scores_a_whole_file_without_a_split_and_files_in_order(fixture_db, tmp_path):
    path = heldout(tmp_path)
    plain = written(tmp_path, "id,text,theme_id\n1,More mentoring,mentoring\n", "plain.csv")
    text = themes.evaluate(fixture_db, 2, [path, plain])
    first = f"Held out: 4 labelled suggestions from {path}, scored"
    second = f"Held out: 1 labelled suggestions from {plain}, scored"
    assert first in text and second in text and text.index(first) < text.index(second)
    assert text.count("Macro-F1 of the plain rows (3): ") == 1
    # A split asked of a file without a split column scores the whole file.
    assert f"Held out: 1 labelled suggestions from {plain}, scored" in themes.evaluate(fixture_db, 2, [plain], "dev")


def test_evaluate_ignores_a_held_out_files_other_columns(fixture_db, tmp_path):
    path = written(
        tmp_path, "notes,id,text,theme_id,split\nx,1,More mentoring,mentoring,dev\ny,2,Pay,recruitment,test\n"
    )
    assert f"Held out: 1 labelled suggestions (split dev) from {path}, scored" in themes.evaluate(
        fixture_db, 2, path, "dev"
    )


def test_evaluate_refuses_an_empty_split_and_unknown_themes(fixture_db, tmp_path):
    path = heldout(tmp_path)
    unlabelled = written(tmp_path, "id,text\n1,More mentoring\n", "unlabelled.csv")
    with pytest.raises(themes.InputError) as error:
        themes.evaluate(fixture_db, 2, unlabelled)
    assert str(error.value) == f"{unlabelled}: missing column theme_id (found: id, text)."
    with pytest.raises(themes.InputError) as error:
        themes.evaluate(fixture_db, 2, path, "train")
    assert str(error.value) == f"{path}: no rows with split 'train'."
    unknown = written(tmp_path, "id,text,theme_id\n1,a,zzz\n2,b,cpd\n3,c,nope\n", "unknown.csv")
    with pytest.raises(themes.InputError) as error:
        themes.evaluate(fixture_db, 2, unknown)
    assert str(error.value) == f"{unknown}: column theme_id has unknown themes: nope, zzz."


# main -----------------------------------------------------------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch):
    """main's commands replaced by recorders: each call's arguments, in order."""
    made = []

    def record(name, result=None):
        def recorder(*args, **kwargs):
            made.append((name, args, kwargs))
            return result

        return recorder

    class Outcome:
        def sentence(self):
            return "Retrained."

    monkeypatch.setattr(themes, "classify", record("classify"))
    monkeypatch.setattr(themes, "evaluate", record("evaluate", "the report"))
    monkeypatch.setattr(retraining, "retrain", record("retrain", Outcome()))
    monkeypatch.setattr(retraining, "restore", record("restore", Outcome()))
    monkeypatch.setattr(themes.getpass, "getuser", lambda: "account")
    monkeypatch.setenv("GSE_DB_PATH", "/data/default.duckdb")
    return made


@pytest.mark.parametrize(
    ("argv", "call", "printed"),
    [
        (["classify", "in.csv"], ("classify", (Path("in.csv"), Path("/data/default.duckdb")), {"top": 1}), ""),
        (
            ["classify", "in.csv", "--top", "3", "--db", "x.duckdb"],
            ("classify", (Path("in.csv"), Path("x.duckdb")), {"top": 3}),
            "",
        ),
        (["evaluate"], ("evaluate", (Path("/data/default.duckdb"), 5, [], None), {}), "the report\n"),
        (
            ["evaluate", "--folds", "3", "--heldout", "a.csv", "--heldout", "b.csv", "--split", "test", "--db", "x"],
            ("evaluate", (Path("x"), 3, [Path("a.csv"), Path("b.csv")], "test"), {}),
            "the report\n",
        ),
        (
            ["evaluate", "--unseen", "--split", "dev"],
            ("evaluate", (Path("/data/default.duckdb"), 5, [UNSEEN], "dev"), {}),
            "the report\n",
        ),
        (
            ["evaluate", "--heldout", "a.csv", "--unseen"],
            ("evaluate", (Path("/data/default.duckdb"), 5, [Path("a.csv"), UNSEEN], None), {}),
            "the report\n",
        ),
        (["retrain"], ("retrain", (Path("/data/default.duckdb"),), {"by": "account"}), "Retrained.\n"),
        (["retrain", "--by", "Ada", "--db", "x"], ("retrain", (Path("x"),), {"by": "Ada"}), "Retrained.\n"),
        (["restore-model"], ("restore", (Path("/data/default.duckdb"), None), {"by": "account"}), "Retrained.\n"),
        (
            ["restore-model", "build-abc", "--by", "Ada"],
            ("restore", (Path("/data/default.duckdb"), "build-abc"), {"by": "Ada"}),
            "Retrained.\n",
        ),
    ],
)
def test_main_passes_each_commands_arguments(calls, capsys, argv, call, printed):
    assert themes.main(argv) == 0
    assert calls == [call]
    assert capsys.readouterr().out == printed


def test_main_prints_an_input_error_and_exits_1(monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise themes.InputError("in.csv: the file is empty")

    monkeypatch.setattr(themes, "classify", refuse)
    assert themes.main(["classify", "in.csv"]) == 1
    assert capsys.readouterr() == ("", "error: in.csv: the file is empty\n")


@pytest.mark.parametrize("command", ["retrain", "restore-model"])
def test_main_prints_a_retraining_error_and_exits_1(monkeypatch, capsys, command):
    def refuse(*args, **kwargs):
        raise retraining.RetrainError("nothing to learn from")

    monkeypatch.setattr(retraining, "retrain", refuse)
    monkeypatch.setattr(retraining, "restore", refuse)
    assert themes.main([command, "--db", "x", "--by", "Ada"]) == 1
    assert capsys.readouterr() == ("", "error: nothing to learn from\n")


def test_main_classifies_a_file_end_to_end(fixture_db, tmp_path, capsys):
    # Its rows go to the sys.stdout classify was defined with, which capsys does not see; classify's own tests read them.
    source = written(tmp_path, "id,text\nq1,More mentoring please\n")
    assert themes.main(["classify", str(source), "--top", "2", "--db", str(fixture_db)]) == 0
    capsys.readouterr()
    assert themes.main(["classify", str(tmp_path / "absent.csv"), "--db", str(fixture_db)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {tmp_path / 'absent.csv'}: cannot read the file (No such file or directory).\n",
    )


@pytest.mark.parametrize(
    ("argv", "phrases"),
    [
        (
            ["--help"],
            [
                "usage: python -m dashboard.themes [-h] {classify,evaluate,retrain,restore-model} ...",
                "The offline theme classifier: learn from hand-tagged suggestions and the taxonomy, tag the rest, and its commands.",
                "classify print id,theme_id,confidence for each row of a CSV",
                "evaluate cross-validated macro-F1, per-theme scores, confusion",
                "retrain retrain from hand-coded themes and review decisions; re-tag only unreviewed machine tags",
                "restore-model re-tag unreviewed machine tags with an earlier model",
            ],
        ),
        (
            ["classify", "--help"],
            [
                "usage: python -m dashboard.themes classify [-h] [--top TOP] [--db DB] input",
                "input CSV with the columns id,text (others are ignored)",
                "--top TOP also print the next likeliest themes, up to N in all (default 1)",
                "--db DB database file (default: GSE_DB_PATH or .gse/gse.duckdb)",
            ],
        ),
        (
            ["evaluate", "--help"],
            [
                "usage: python -m dashboard.themes evaluate [-h] [--folds FOLDS] [--heldout HELDOUT] [--unseen] [--split {dev,test}] [--db DB]",
                "--folds FOLDS number of folds (default 5)",
                "--heldout HELDOUT also score a labelled CSV with id,text,theme_id (repeatable)",
                "--unseen also score the hand-written unseen set (unseen_suggestions.csv)",
                "--split {dev,test} score only this half of a held-out file with a split column",
                "--db DB database file (default: GSE_DB_PATH or .gse/gse.duckdb)",
            ],
        ),
        (
            ["retrain", "--help"],
            [
                "usage: python -m dashboard.themes retrain [-h] [--by BY] [--db DB]",
                "--by BY who runs it, for the log (default: this account)",
                "--db DB database file (default: GSE_DB_PATH or .gse/gse.duckdb)",
            ],
        ),
        (
            ["restore-model", "--help"],
            [
                "usage: python -m dashboard.themes restore-model [-h] [--by BY] [--db DB] [version]",
                "version model version (default: the one before the latest run)",
                "--by BY who runs it, for the log (default: this account)",
            ],
        ),
    ],
)
def test_the_help_names_every_command_and_option(monkeypatch, capsys, argv, phrases):
    monkeypatch.setenv("COLUMNS", "400")  # no wrapped lines
    with pytest.raises(SystemExit) as stopped:
        themes.main(argv)
    assert stopped.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for phrase in phrases:
        assert phrase in shown


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        ([], "the following arguments are required: command"),
        (["evaluate", "--split", "train"], "argument --split: invalid choice: 'train'"),
        (["classify", "in.csv", "--top", "two"], "argument --top: invalid int value: 'two'"),
        (["evaluate", "--folds", "x"], "argument --folds: invalid int value: 'x'"),
    ],
)
def test_main_refuses_a_command_line_it_cannot_read(capsys, argv, complaint):
    with pytest.raises(SystemExit) as stopped:
        themes.main(argv)
    assert stopped.value.code == 2
    assert complaint in capsys.readouterr().err
