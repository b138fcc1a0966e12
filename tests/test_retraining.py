"""Retraining from the team's decisions: only unreviewed machine tags change, models are kept and restored, bad input."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import build, config, data, retraining, store
from dashboard.review import views
from tests.test_review import THEMES_OF, copy_fixtures, decide, edit_suggestion, raw

COLUMNS = "suggestion_id, theme_id, theme_source, confidence, model_version"


@pytest.fixture
def own_db(bundled_db, tmp_path, use_db, fresh_store) -> Path:
    """A copy of the bundled database this test may replace, read by the data layer, with a store of its own."""
    path = tmp_path / "gse.duckdb"
    shutil.copyfile(bundled_db, path)
    use_db(path)
    return path


def suggestions(db: Path) -> pd.DataFrame:
    return raw(db, f"select {COLUMNS} from suggestions order by suggestion_id").set_index("suggestion_id")


def test_a_retrain_changes_only_unreviewed_machine_tags_keeps_the_model_and_restores_the_build(own_db):
    before = suggestions(own_db)
    auto = before[before["theme_source"] == "auto"].index.tolist()
    manual = before[before["theme_source"] == "manual"].index.tolist()
    themes = sorted(THEMES_OF(own_db))
    reviewed = {}
    for number, suggestion_id in enumerate(auto[:12]):  # changes, confirmations and none of these on machine tags
        if number % 3 == 0:
            decide(own_db, suggestion_id, "none")
            reviewed[suggestion_id] = None
        elif number % 3 == 1:
            decide(own_db, suggestion_id, "confirm")
            reviewed[suggestion_id] = before.at[suggestion_id, "theme_id"]
        else:
            decide(own_db, suggestion_id, "change", themes[number % len(themes)])
            reviewed[suggestion_id] = themes[number % len(themes)]
    decide(own_db, manual[0], "change", "careers")  # a reviewer corrects a hand-coded theme
    reviewed[manual[0]] = "careers"
    build_version = before.loc[auto, "model_version"].unique().tolist()
    assert len(build_version) == 1 and build_version[0].startswith("build-")

    outcome = retraining.retrain(own_db, by="admin@x.gov.uk")

    after = suggestions(own_db)
    assert after.index.equals(before.index)
    untouched = manual + auto[:12]  # hand-coded rows and every machine tag under a decision
    pd.testing.assert_frame_equal(after.loc[untouched], before.loc[untouched])
    retagged = [suggestion_id for suggestion_id in auto if suggestion_id not in reviewed]
    assert (after.loc[retagged, "model_version"] == outcome.model_version).all()
    assert (after.loc[retagged, "theme_source"] == "auto").all()
    assert outcome.retagged == len(retagged) == 294 - 12
    assert outcome.changed == int((after.loc[retagged, "theme_id"] != before.loc[retagged, "theme_id"]).sum())
    assert outcome.hand_coded == len(manual) - 1
    assert outcome.reviewed == sum(theme is not None for theme in reviewed.values())
    assert 0 < outcome.before_f1 <= 1 and 0 < outcome.after_f1 <= 1
    assert outcome.previous_version == build_version[0]

    runs = store.read("classifier_runs")
    assert runs[["action", "model_version", "previous_version", "run_by", "retagged", "changed"]].values.tolist() == [
        ["retrain", outcome.model_version, build_version[0], "admin@x.gov.uk", outcome.retagged, outcome.changed]
    ]
    assert runs.at[0, "data_version_after"] == raw(own_db, "select data_version from build_info").iat[0, 0]
    kept = store.read("classifier_model", {"model_version": outcome.model_version})
    expected_ids = sorted(set(manual) | {s for s, theme in reviewed.items() if theme is not None})
    assert sorted(kept.at[0, "training_ids"]) == expected_ids
    assert raw(own_db, "select source from build_info").iat[0, 0] == f"retrain with {outcome.model_version}"
    assert not build.needs_build(config.DATA_DIR, own_db)  # a bundled rebuild never overwrites a retrain
    state = data.query("review_suggestions", suggestion_ids=(retagged[0],)).iloc[0].to_dict()
    history = views.history_table(data.decision_log(retagged[0]), state, {})
    assert history.at[0, "What"].endswith(f", model {outcome.model_version}")  # the history names the tag's model

    restored = retraining.restore(own_db, by="admin@x.gov.uk")
    assert restored.model_version == build_version[0]
    again = suggestions(own_db)
    # The build's model, made again from the same hand-coded themes, gives the build's tags back.
    assert again.loc[retagged, "theme_id"].tolist() == before.loc[retagged, "theme_id"].tolist()
    assert again.loc[retagged, "confidence"].tolist() == pytest.approx(before.loc[retagged, "confidence"].tolist())
    assert (again.loc[retagged, "model_version"] == build_version[0]).all()
    pd.testing.assert_frame_equal(again.loc[untouched], before.loc[untouched])
    assert store.read("classifier_runs")["action"].tolist() == ["retrain", "restore"]
    assert raw(own_db, "select source from build_info").iat[0, 0] == f"restore of model {build_version[0]}"
    assert not build.needs_build(config.DATA_DIR, own_db)


def test_a_theme_without_examples_is_refused_and_nothing_changes(tmp_path, use_db, fresh_store):
    folder, db = copy_fixtures(tmp_path / "data"), tmp_path / "gse.duckdb"
    frame = pd.read_csv(folder / "suggestions.csv", dtype=str, keep_default_na=False)
    for suggestion_id in frame.loc[frame["theme_id"] == "careers", "suggestion_id"]:
        edit_suggestion(folder, suggestion_id, theme_id="")
    build.build_bundled(folder, db)
    use_db(db)
    label = raw(db, "select label from themes where theme_id = 'careers'").iat[0, 0]
    stamp = db.stat()
    command = [sys.executable, "-m", "dashboard.themes", "retrain", "--db", str(db)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=config.ROOT)
    assert result.returncode == 1
    assert f"No hand-coded or reviewed suggestion to learn from for: {label}." in result.stderr
    assert "Nothing was changed" in result.stderr
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)
    assert store.read("classifier_runs").empty
    with pytest.raises(retraining.RetrainError, match="no earlier model"):
        retraining.restore(db, by="admin")


def test_the_command_retrains_and_restores_and_says_what_changed(tmp_path, use_db, fresh_store):
    folder, db = copy_fixtures(tmp_path / "data"), tmp_path / "gse.duckdb"
    build.build_bundled(folder, db)
    use_db(db)
    before = suggestions(db)
    command = [sys.executable, "-m", "dashboard.themes", "retrain", "--db", str(db), "--by", "ops"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=config.ROOT)
    assert result.returncode == 0, result.stderr
    runs = store.read("classifier_runs")
    assert f"model {runs.at[0, 'model_version']}" in result.stdout
    # The fixture has at most three suggestions a theme: three folds.
    assert f"Cross-validated macro-F1 {runs.at[0, 'before_f1']:.3f} before, {runs.at[0, 'after_f1']:.3f} after" in (
        result.stdout
    )
    machine = int((before["theme_source"] == "auto").sum())
    assert f"of {machine} unreviewed machine tags changed theme" in result.stdout
    restore = [sys.executable, "-m", "dashboard.themes", "restore-model", "--db", str(db), "--by", "ops"]
    result = subprocess.run(restore, capture_output=True, text=True, timeout=300, cwd=config.ROOT)
    assert result.returncode == 0, result.stderr
    assert f"Restored model {before['model_version'].dropna().iat[0]}" in result.stdout
    unknown = [*restore, "retrain-20000101-000000-abcdef"]
    result = subprocess.run(unknown, capture_output=True, text=True, timeout=300, cwd=config.ROOT)
    assert result.returncode == 1 and "No kept model" in result.stderr


def test_admins_retrain_on_the_data_page(own_db, use_db):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ENTRY

    app = AppTest.from_file(ENTRY, default_timeout=180)
    app.run()
    app.switch_page("dashboard/pages/data.py").run()
    assert not app.exception, [exception.message for exception in app.exception]
    app.button(key="data_retrain").click().run()
    assert not app.exception, [exception.message for exception in app.exception]
    runs = store.read("classifier_runs")
    message = next(success.value for success in app.success if success.value.startswith("Retrained"))
    assert f"macro-F1 {runs.at[0, 'before_f1']:.3f} before, {runs.at[0, 'after_f1']:.3f} after" in message
    assert f"{runs.at[0, 'changed']:,} of 294 unreviewed machine tags changed theme" in message
    assert any(f"294 by model {runs.at[0, 'model_version']}" in text.value for text in app.text)
