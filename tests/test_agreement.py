"""Agreement: the Review page's figures against scikit-learn and a bootstrap of the test's own, and blind second coding."""

import subprocess
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score

from dashboard import config, data, store
from dashboard.review import agreement, decisions
from tests.test_review import THEMES_OF, decide, raw, review_page

NONE = "none-of-these"  # the test's own marker for a reviewer's "none of these"


def checked_tags(db: Path, count: int) -> pd.DataFrame:
    """`count` machine tags with what the test's reviewer decides on each: mostly confirm, some changed, some none."""
    themes = sorted(THEMES_OF(db))
    tags = raw(db, "select suggestion_id, theme_id from suggestions where theme_source = 'auto' order by suggestion_id")
    tags = tags.head(count).reset_index(drop=True)
    actions, truths = [], []
    for number, row in tags.iterrows():
        if number % 7 == 3:
            actions.append(("none", None))
            truths.append(NONE)
        elif number % 4 == 1:
            other = themes[(themes.index(row["theme_id"]) + 1 + number % 3) % len(themes)]
            actions.append(("change", other))
            truths.append(other)
        else:
            actions.append(("confirm", None))
            truths.append(row["theme_id"])
    return tags.assign(action=[a for a, _ in actions], to=[t for _, t in actions], truth=truths)


def review(db: Path, tags: pd.DataFrame) -> None:
    for row in tags.itertuples():
        decide(db, row.suggestion_id, row.action, row.to)


def independent_bootstrap(truth: list[str], predicted: list[str], seed: int, resamples: int) -> dict[str, tuple]:
    """Percentile intervals by scikit-learn's metrics over resamples drawn as agreement.bootstrap documents."""
    truth, predicted = np.array(truth, dtype=object), np.array(predicted, dtype=object)
    rows = np.random.default_rng(seed).integers(0, len(truth), size=(resamples, len(truth)))
    values = {"accuracy": [], "macro_f1": [], "kappa": []}
    for row in rows:
        one, two = truth[row], predicted[row]
        values["accuracy"].append(accuracy_score(one, two))
        themes = sorted((set(one) | set(two)) - {NONE})
        values["macro_f1"].append(f1_score(one, two, labels=themes, average="macro", zero_division=0))
        values["kappa"].append(cohen_kappa_score(one, two) if len(set(one) | set(two)) > 1 else np.nan)
    return {name: tuple(np.nanpercentile(found, [2.5, 97.5])) for name, found in values.items()}


def expected_figures(truth: list[str], predicted: list[str]) -> dict[str, float]:
    themes = sorted((set(truth) | set(predicted)) - {NONE})
    return {
        "accuracy": accuracy_score(truth, predicted),
        "macro_f1": f1_score(truth, predicted, labels=themes, average="macro", zero_division=0),
        "kappa": cohen_kappa_score(truth, predicted),
    }


@pytest.fixture
def reviewed_db(bundled_db, use_db, fresh_store) -> Path:
    use_db(bundled_db)
    return bundled_db


def test_the_panel_equals_scikit_learn_and_an_independent_bootstrap(reviewed_db):
    tags = checked_tags(reviewed_db, 40)
    review(reviewed_db, tags)
    pairs = data.query("review_agreement")
    assert sorted(pairs["suggestion_id"]) == sorted(tags["suggestion_id"])
    merged = tags.merge(pairs, on="suggestion_id")
    assert (merged["classifier_theme_id"] == merged["theme_id"]).all()
    truth, predicted = merged["truth"].tolist(), merged["theme_id"].tolist()
    assert sum(t == NONE for t in truth) >= 5 and sum(t != p for t, p in zip(truth, predicted, strict=True)) >= 10

    found = agreement.classifier_agreement(pairs)
    expected = expected_figures(truth, predicted)
    intervals = independent_bootstrap(truth, predicted, agreement.SEED, agreement.RESAMPLES)
    for name in ("accuracy", "macro_f1", "kappa"):
        assert found[name].value == pytest.approx(expected[name], abs=1e-12), name
        assert (found[name].low, found[name].high) == pytest.approx(intervals[name], abs=1e-12), name
        assert found[name].low < found[name].value < found[name].high

    labels = raw(reviewed_db, "select theme_id, label from themes").set_index("theme_id")["label"].to_dict()
    table = agreement.confusion_table(pairs, labels).set_index("Reviewer's theme")
    order = sorted(
        set(truth) | set(predicted), key=lambda code: (code == NONE, list(labels).index(code) if code in labels else 0)
    )
    matrix = confusion_matrix(truth, predicted, labels=order)
    names = ["Unthemed" if code == NONE else labels[code] for code in order]
    assert table.index.tolist() == names
    assert table.to_numpy().tolist() == matrix.tolist()

    per_theme = agreement.theme_table(pairs, labels).set_index("Theme")
    scikit = f1_score(truth, predicted, labels=[c for c in order if c != NONE], average=None, zero_division=0)
    for code, f1 in zip([c for c in order if c != NONE], scikit, strict=True):
        assert per_theme.at[labels[code], "F1"] == pytest.approx(f1)


def test_the_page_shows_the_figures_after_30_and_says_how_many_more_before(bundled_db, use_db, fresh_store):
    use_db(bundled_db)
    tags = checked_tags(bundled_db, 31)
    review(bundled_db, tags.head(12))
    app = review_page(bundled_db, use_db, None)
    app.switch_page("dashboard/pages/review.py").run()
    assert not app.exception, [exception.message for exception in app.exception]
    assert any("12 machine tags reviewed so far: 18 more are needed" in info.value for info in app.info)

    review(bundled_db, tags.tail(19))
    app.run()
    assert not app.exception
    truth, predicted = tags["truth"].tolist(), tags["theme_id"].tolist()
    expected = expected_figures(truth, predicted)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Reviewers kept its theme"] == f"{expected['accuracy']:.0%}"
    assert metrics["Macro-F1"] == f"{expected['macro_f1']:.2f}"
    assert metrics["Kappa, reviewer and classifier"] == f"{expected['kappa']:.2f}"
    low, high = independent_bootstrap(truth, predicted, agreement.SEED, agreement.RESAMPLES)["macro_f1"]
    caption = next(caption.value for caption in app.caption if caption.value.startswith("Over 31 machine tags"))
    assert f"macro-F1 {expected['macro_f1']:.2f} (95% interval {low:.2f} to {high:.2f})" in caption


def coding(suggestion_id: str, theme: str | None, first: str | None, who: str = "bea@x.gov.uk") -> store.NewSecondCode:
    return store.NewSecondCode(
        request_id=f"blind-{suggestion_id}-{who}",
        suggestion_id=suggestion_id,
        theme_id=theme,
        coded_by=who,
        coded_at=datetime(2026, 12, 4, 10, 0),
        text_hash="b" * 64,
        first_theme=first,
        first_source="manual",
        first_coded_by="import",
    )


def test_two_people_blind_kappa_equals_scikit_learn_beside_the_classifiers(bundled_db, use_db, fresh_store):
    use_db(bundled_db)
    manual = raw(bundled_db, "select suggestion_id, theme_id from suggestions where theme_source = 'manual' order by 1")
    manual = manual.head(32).reset_index(drop=True)
    themes = sorted(THEMES_OF(bundled_db))
    second = [
        None if n % 9 == 4 else (themes[(themes.index(t) + 1) % len(themes)] if n % 3 == 0 else t)
        for n, t in enumerate(manual["theme_id"])
    ]
    store.append_second_codes(
        [coding(s, c, f) for s, c, f in zip(manual["suggestion_id"], second, manual["theme_id"], strict=True)]
    )
    store.append_second_codes(
        [coding(manual.at[0, "suggestion_id"], "cpd", manual.at[0, "theme_id"])]
    )  # a double click
    assert len(store.read("second_codes")) == 32

    first_codes = manual["theme_id"].tolist()
    second_codes = [NONE if c is None else c for c in second]
    kappa = cohen_kappa_score(first_codes, second_codes)
    low, high = independent_bootstrap(first_codes, second_codes, agreement.SEED, agreement.RESAMPLES)["kappa"]
    review(bundled_db, checked_tags(bundled_db, 30))
    app = review_page(bundled_db, use_db, None)
    app.switch_page("dashboard/pages/review.py").run()
    assert not app.exception, [exception.message for exception in app.exception]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Kappa, two people"] == f"{kappa:.2f}"
    assert any(f"{kappa:.2f} (95% interval {low:.2f} to {high:.2f})" in caption.value for caption in app.caption)
    assert "Kappa, reviewer and classifier" in metrics


def test_a_blind_coding_hides_the_theme_is_recorded_and_changes_nothing(bundled_db, use_db, fresh_store):
    app = review_page(bundled_db, use_db, None)
    app.switch_page("dashboard/pages/review.py").run()
    before = data.query(
        "review_suggestions",
        suggestion_ids=tuple(raw(bundled_db, "select suggestion_id from suggestions")["suggestion_id"]),
    )
    button = next(button for button in app.button if button.key.startswith("review_blind_none_"))
    suggestion_id = button.key.removeprefix("review_blind_none_")
    hidden = raw(bundled_db, f"select theme_id, theme_source from suggestions where suggestion_id = '{suggestion_id}'")
    assert hidden.at[0, "theme_source"] == "manual"
    button.click().run()
    assert not app.exception
    assert any("Recorded your blind coding" in success.value for success in app.success)
    codes = store.read("second_codes")
    assert codes[["suggestion_id", "coded_by", "first_theme", "first_source", "first_coded_by"]].values.tolist() == [
        [suggestion_id, "local", hidden.at[0, "theme_id"], "manual", "import"]
    ]
    assert pd.isna(codes.at[0, "theme_id"])
    assert store.read("decision_log", {"suggestion_id": None}).empty  # a blind coding is not a decision
    after = data.query("review_suggestions", suggestion_ids=tuple(before["suggestion_id"]))
    pd.testing.assert_frame_equal(before, after)
    assert not any(b.key == button.key for b in app.button)  # the next one comes up


def test_a_reviewer_cannot_code_their_own_decision_blind(reviewed_db):
    tags = checked_tags(reviewed_db, 1)
    review(reviewed_db, tags)
    state = data.query("blind_states", suggestion_ids=(tags.at[0, "suggestion_id"],)).iloc[0]
    assert state["first_coded_by"] == "ann@x.gov.uk"
    with pytest.raises(decisions.DecisionError, match="second opinion"):
        decisions.plan_blind(state, "cpd", THEMES_OF(reviewed_db), who="ann@x.gov.uk", request_id="r" * 12)
    with pytest.raises(ValueError, match="someone else"):  # the store refuses it too
        store.append_second_codes([coding(state["suggestion_id"], "cpd", None, who="import")])
    assert store.read("second_codes").empty


def test_an_older_store_gains_the_second_codes_table_and_keeps_its_decisions(tmp_path):
    old_schema = subprocess.run(
        ["git", "show", "16e4e58:queries/store/schema.sql"], capture_output=True, text=True, check=True, cwd=config.ROOT
    ).stdout
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(old_schema)
        old.execute("insert into store_info values (1, 'old-store')")
        old.execute(
            "insert into theme_decisions (request_id, suggestion_id, supersedes, theme_after, action, source, "
            "decided_by, decided_at, note, text_hash) values ('request-1', 'S1', 0, 'cpd', 'change', 'reviewer', "
            "'ann', timestamp '2026-12-01 10:00', '', $hash)",
            {"hash": "c" * 64},
        )
    state = store.snapshot(path)
    assert state.version == "old-store:1:0:0:0"
    assert state.latest["suggestion_id"].tolist() == ["S1"] and state.second_codes.empty
    store.append_second_codes([coding("S1", "skills", "cpd")], path)
    assert store.snapshot(path).version == "old-store:1:1:0:0"
