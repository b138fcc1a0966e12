"""Safe imports: a large removal or a change to every row needs a confirmation; a row-level preview; restores."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import build, config
from dashboard.ingest import comparison, importer

PAGE = "dashboard/pages/data.py"
KEPT_MEMBERS = 12


def read(table: str) -> pd.DataFrame:
    return pd.read_csv(config.DATA_DIR / f"{table}.csv", dtype=str, keep_default_na=False)


@pytest.fixture
def live_db(bundled_db, tmp_path, use_db) -> Path:
    """A copy of the bundled database (11,145 members) that the app and the command read."""
    path = tmp_path / "db" / "gse.duckdb"
    path.parent.mkdir()
    shutil.copy(bundled_db, path)
    use_db(path)
    return path


@pytest.fixture
def few_members(tmp_path) -> Path:
    """Members cut to 12, with the applications and suggestions that point at the rest cut or unnamed to match."""
    folder = tmp_path / "few_members"
    folder.mkdir()
    members = read("members").head(KEPT_MEMBERS)
    kept = set(members["member_id"])
    participation = read("participation")
    suggestions = read("suggestions")
    suggestions.loc[~suggestions["member_id"].isin(kept), "member_id"] = ""
    members.to_csv(folder / "members.csv", index=False)
    participation[participation["member_id"].isin(kept)].to_csv(folder / "participation.csv", index=False)
    suggestions.to_csv(folder / "suggestions.csv", index=False)
    return folder


def rows(path: Path, table: str) -> int:
    with build.read_only(path) as connection:
        return connection.execute(f"select count(*) from {table}").fetchone()[0]


def test_the_command_refuses_to_drop_99_percent_of_members_without_the_flag(live_db, few_members, capsys):
    members_now = len(read("members"))
    before = live_db.read_bytes()
    assert importer.main([str(few_members), "--db", str(live_db)]) == 1
    err = capsys.readouterr().err
    removed = members_now - KEPT_MEMBERS
    assert f"members: {removed:,} of {members_now:,} rows ({removed / members_now:.1%}) would be removed" in err
    assert err.splitlines()[-1] == (
        "Nothing was imported; the current database is unchanged. If this is intended, run again with "
        "--allow-large-changes."
    )
    assert live_db.read_bytes() == before

    assert importer.main([str(few_members), "--db", str(live_db), "--allow-large-changes"]) == 0
    assert rows(live_db, "members") == KEPT_MEMBERS


def test_the_dry_run_says_the_flag_would_be_needed(live_db, few_members, capsys):
    assert importer.main([str(few_members), "--db", str(live_db), "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "would need --allow-large-changes: members:" in captured.err
    assert f"members        +0 added, -{len(read('members')) - KEPT_MEMBERS:,} removed, 0 changed" in captured.out


def test_the_import_function_itself_refuses_without_the_confirmation(live_db, few_members):
    before = live_db.read_bytes()
    with pytest.raises(comparison.LargeChange, match="members: "):
        importer.apply_import(importer.plan_path(few_members, live_db), live_db)
    assert live_db.read_bytes() == before


def test_an_empty_table_is_a_large_removal(live_db, tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "participation.csv").write_text("member_id,scheme_id,cohort_year,status\n")
    before = live_db.read_bytes()
    assert importer.main([str(folder), "--db", str(live_db)]) == 1
    applications = len(read("participation"))
    err = capsys.readouterr().err
    assert (
        f"participation: {applications:,} of {applications:,} rows (100.0%) would be removed (the new table is empty)"
        in err
    )
    assert live_db.read_bytes() == before


def test_renaming_every_department_needs_the_confirmation(live_db, tmp_path, capsys):
    folder = tmp_path / "renamed"
    folder.mkdir()
    departments = read("departments")
    departments["name"] = departments["name"] + " (renamed)"
    departments.to_csv(folder / "departments.csv", index=False)
    before = live_db.read_bytes()
    assert importer.main([str(folder), "--db", str(live_db)]) == 1
    err = capsys.readouterr().err
    assert f"departments: every one of its {len(departments)} rows would change (name)" in err
    assert live_db.read_bytes() == before


def test_the_preview_finds_each_added_removed_and_changed_row():
    now = pd.DataFrame({"department_id": ["DEFRA", "EA", "MOD"], "name": ["Defra", "Environment Agency", "Defence"]})
    after = pd.DataFrame(
        {"department_id": ["DEFRA", "MOD", "UKHSA"], "name": ["Defra", "Ministry of Defence", "UKHSA"]}
    )
    change = comparison.compare_table("departments", now, after)
    assert change.added["department_id"].tolist() == ["UKHSA"]
    assert change.removed["department_id"].tolist() == ["EA"]
    assert change.changed.to_dict("records") == [
        {"department_id": "MOD", "what changed": "name: Defence → Ministry of Defence"}
    ]
    assert comparison.large_changes({"departments": change}, limit=0.5) == []
    assert len(comparison.large_changes({"departments": change}, limit=0.2)) == 1, "1 of 3 removed is over 20%"


def upload(app, folder: Path):
    files = [(path.name, path.read_bytes(), "text/csv") for path in sorted(folder.glob("*.csv"))]
    app.file_uploader[0].set_value(files).run()
    return app


def test_the_page_refuses_to_drop_99_percent_of_members_until_the_phrase_is_typed(live_db, few_members, open_page):
    before = live_db.read_bytes()
    app = upload(open_page(PAGE), few_members)
    assert not app.exception, [exception.message for exception in app.exception]
    members_now = len(read("members"))
    assert any(f"members: {members_now - KEPT_MEMBERS:,} of {members_now:,} rows" in w.value for w in app.warning)
    preview = next(frame.value for frame in app.dataframe if "removed" in frame.value.columns)
    assert preview.set_index("table").at["members", "removed"] == members_now - KEPT_MEMBERS
    assert app.button(key="data_import").disabled
    app.text_input(key="data_confirm_large").set_value("yes").run()
    assert app.button(key="data_import").disabled, "only the exact phrase confirms"
    assert live_db.read_bytes() == before

    # The phrase names every row removed (members, and their applications) and changed (suggestions left unnamed).
    kept = set(read("members").head(KEPT_MEMBERS)["member_id"])
    applications = read("participation")
    named = read("suggestions")["member_id"]
    removed = members_now - KEPT_MEMBERS + (~applications["member_id"].isin(kept)).sum()
    changed = ((named != "") & ~named.isin(kept)).sum()
    phrase = app.text_input(key="data_confirm_large").placeholder
    assert phrase == f"remove {removed} change {changed}"
    app.text_input(key="data_confirm_large").set_value(phrase).run()
    assert not app.button(key="data_import").disabled
    app.button(key="data_import").click().run()
    assert not app.exception
    assert rows(live_db, "members") == KEPT_MEMBERS
    with build.read_only(live_db) as connection:
        who = connection.execute("select imported_by from imports order by import_id desc limit 1").fetchone()[0]
    assert who == "local", "sign-in is off in tests: the history says local, not the server's account"


def test_an_admin_restores_an_earlier_version_from_the_page(current_fixture, open_page):
    path, backups = current_fixture
    app = open_page(PAGE)
    assert app.selectbox(key="data_restore_choice").options == [backup.name for backup in backups]
    assert app.button(key="data_restore").disabled, "a restore needs the box ticked"
    app.checkbox(key="data_restore_sure").check().run()
    app.button(key="data_restore").click().run()
    assert not app.exception
    assert app.success[0].value.startswith(f"Restored {backups[0].name}")
    assert rows(path, "members") == 12, "back to the fixture's 12 members"
    with build.read_only(path) as connection:
        last = connection.execute("select imported_by, source from imports order by import_id desc limit 1").fetchone()
    assert last == ("local", f"restore of {backups[0].name}")


def test_a_restore_of_a_version_whose_file_is_missing_says_so_and_changes_nothing(current_fixture, open_page):
    path, backups = current_fixture
    # Listed, but its file is gone: a link left pointing at a file someone deleted or moved.
    target = backups[0].with_suffix(".moved")
    backups[0].rename(target)
    backups[0].symlink_to(target)
    target.unlink()
    app = open_page(PAGE)
    app.checkbox(key="data_restore_sure").check().run()
    before = path.read_bytes()
    app.button(key="data_restore").click().run()
    assert not app.exception
    assert [error.value for error in app.error] == [
        f"The file of {backups[0].name} is missing from {backups[0].parent.name}, so it cannot be restored. "
        "Nothing was restored; the current database is unchanged."
    ]
    assert path.read_bytes() == before


def test_a_restore_of_an_unreadable_version_says_so_and_changes_nothing(current_fixture, open_page):
    path, backups = current_fixture
    backups[0].write_bytes(b"not a database")
    app = open_page(PAGE)
    app.checkbox(key="data_restore_sure").check().run()
    before = path.read_bytes()
    app.button(key="data_restore").click().run()
    assert not app.exception
    assert [error.value for error in app.error] == [
        f"{backups[0].name} is not a readable GSE Insight database, so it cannot be restored. Nothing was restored; "
        "the current database is unchanged."
    ]
    assert path.read_bytes() == before


@pytest.fixture
def current_fixture(fixture_db, tmp_path, use_db) -> tuple[Path, list[Path]]:
    """The fixture database with one import on top (one more member), so one earlier version is kept."""
    path = tmp_path / "db" / "gse.duckdb"
    path.parent.mkdir()
    shutil.copy(fixture_db, path)
    use_db(path)
    folder = tmp_path / "incoming"
    folder.mkdir()
    members = (config.ROOT / "tests" / "fixtures" / "members.csv").read_text()
    (folder / "members.csv").write_text(members + "M013,SG,G7,Scotland,both,2025-06-01\n")
    importer.apply_import(importer.plan_path(folder, path), path)
    assert rows(path, "members") == 13
    return path, build.backups(path)


def test_a_limit_that_is_not_a_share_is_a_usage_error(live_db, few_members, monkeypatch, capsys):
    monkeypatch.setenv("GSE_IMPORT_REMOVAL_LIMIT", "20%")
    with pytest.raises(SystemExit) as exited:
        importer.main([str(few_members), "--db", str(live_db)])
    assert exited.value.code == 2
    assert "GSE_IMPORT_REMOVAL_LIMIT must be a share between 0 and 1, not 20%" in capsys.readouterr().err


def test_two_large_changes_are_refused_in_one_message_sentence_after_sentence(live_db, few_members):
    departments = read("departments")
    departments["name"] = departments["name"] + " (renamed)"
    departments.to_csv(few_members / "departments.csv", index=False)
    members_now = len(read("members"))
    removed = members_now - KEPT_MEMBERS
    participations_now = len(read("participation"))
    participations_removed = participations_now - len(pd.read_csv(few_members / "participation.csv"))
    with pytest.raises(comparison.LargeChange) as refused:
        importer.apply_import(importer.plan_path(few_members, live_db), live_db)
    # Written out here from the bundled CSVs: each table's sentence in turn, one space between.
    assert str(refused.value) == (
        f"departments: every one of its {len(departments)} rows would change (name): check the right file was given. "
        f"members: {removed:,} of {members_now:,} rows ({removed / members_now:.1%}) would be removed, more than the "
        "20% allowed without confirmation. "
        f"participation: {participations_removed:,} of {participations_now:,} rows "
        f"({participations_removed / participations_now:.1%}) would be removed, more than the 20% allowed without "
        "confirmation."
    )
