"""The import is crash-safe and invisible to readers: killed at any stage or read mid-import, the data is old or new, whole."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from dashboard import build, config, data
from dashboard.ingest import importer

GOOD = Path(__file__).parent / "good_inputs"
STAGES = ["validated", "loading", "committed", "swapped"]


@pytest.fixture
def current_db(fixture_db, tmp_path) -> Path:
    """A copy of the fixture database, standing for the data already loaded."""
    path = tmp_path / "db" / "gse.duckdb"
    path.parent.mkdir()
    shutil.copy(fixture_db, path)
    return path


@pytest.fixture
def bigger_members(tmp_path) -> Path:
    """A folder with members.csv plus one member, so the new data differs from the old in a countable way."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    members = (config.ROOT / "tests" / "fixtures" / "members.csv").read_text()
    (folder / "members.csv").write_text(members + "M013,SG,G7,Scotland,both,2025-06-01\n")
    return folder


def snapshot(path: Path) -> tuple:
    """What a reader sees in one fresh read-only connection: the data version, members and imports."""
    with build.read_only(path) as connection:
        return connection.execute(
            "select (select data_version from build_info), (select count(*) from members), (select count(*) from imports)"
        ).fetchone()


def pause_at(stage: str, source: Path, db: Path, marker: Path) -> subprocess.Popen:
    """Start an import that stops at `stage` (the test hook) and wait until it is there."""
    environment = {**os.environ, importer.TEST_HOOK: stage, importer.TEST_MARKER: str(marker)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.ingest", str(source), "--db", str(db)],
        env=environment,
        cwd=config.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"import ended before {stage}: {process.stderr.read().decode()}")
        time.sleep(0.1)
    return process


@pytest.mark.parametrize("stage", STAGES)
def test_an_import_killed_at_any_stage_leaves_a_working_database(stage, current_db, bigger_members, tmp_path):
    before_bytes = current_db.read_bytes()
    before = snapshot(current_db)
    new_version = importer.data_version(importer.plan_path(bigger_members, current_db).frames())
    process = pause_at(stage, bigger_members, current_db, tmp_path / "paused")
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    after = snapshot(current_db)
    if stage == "swapped":
        # Killed after the rename: the new database is complete and in place.
        assert after == (new_version, before[1] + 1, before[2] + 1)
    else:
        assert after == before
        assert current_db.read_bytes() == before_bytes
    # The next import clears what the killed one left behind, and succeeds.
    assert importer.main([str(bigger_members), "--db", str(current_db)]) == 0
    assert snapshot(current_db)[:2] == (new_version, before[1] + 1)
    assert not list(current_db.parent.glob(".gse.duckdb.*.tmp*"))


def test_a_second_import_is_refused_while_one_runs(current_db, bigger_members, tmp_path):
    process = pause_at("validated", bigger_members, current_db, tmp_path / "paused")
    try:
        plan = importer.plan_path(bigger_members, current_db)
        with pytest.raises(importer.ImportBusy):
            importer.apply_import(plan, current_db)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    importer.apply_import(plan, current_db)
    assert snapshot(current_db)[1] == 13


def test_readers_see_all_old_or_all_new_data_never_an_error(current_db, bigger_members):
    before = snapshot(current_db)
    plan = importer.plan_path(bigger_members, current_db)
    after = (importer.data_version(plan.frames()), before[1] + 1, before[2] + 1)
    opened_before = duckdb.connect(str(current_db), read_only=True, config=data.CONNECTION_CONFIG)
    seen, errors, stop = [], [], threading.Event()

    def read_until_stopped():
        while not stop.is_set():
            try:
                seen.append(snapshot(current_db))
            except Exception as error:
                errors.append(error)

    readers = [threading.Thread(target=read_until_stopped) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        importer.apply_import(plan, current_db)
        while after not in seen[-10:] and not errors:
            time.sleep(0.05)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert not errors
    assert set(seen) == {before, after}
    # A connection opened before the import keeps answering, with the old data, until the app lets it go.
    assert opened_before.execute("select count(*) from members").fetchone()[0] == before[1]
    opened_before.close()


def test_the_app_data_layer_shows_the_new_data_after_an_import(current_db, bigger_members, use_db):
    use_db(current_db)
    assert data.query_one("overview_kpis", **dict.fromkeys(data.parameters_of("overview_kpis")))["members"] == 12
    importer.apply_import(importer.plan_path(bigger_members, current_db), current_db)
    assert data.query_one("overview_kpis", **dict.fromkeys(data.parameters_of("overview_kpis")))["members"] == 13


def test_stale_temporary_files_of_dead_processes_are_removed(current_db, bigger_members):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    leftover = current_db.with_name(f".gse.duckdb.{dead_pid}.tmp")
    leftover.write_bytes(b"half a database")
    leftover.with_name(leftover.name + ".wal").write_bytes(b"")
    importer.apply_import(importer.plan_path(bigger_members, current_db), current_db)
    assert not leftover.exists()
    assert not list(current_db.parent.glob("*.wal"))
    assert len(build.backups(current_db)) == 1


@pytest.mark.parametrize(
    ("step", "error"),
    [
        ("verify_database", duckdb.ConstraintException('Constraint Error: duplicate key "M001"\nin members')),
        ("verify_database", RuntimeError("row counts differ")),
        ("swap_in", OSError(28, "No space left on device")),
    ],
)
def test_a_failed_write_prints_one_line_and_keeps_the_old_database(
    step, error, current_db, bigger_members, monkeypatch, capsys
):
    before_bytes = current_db.read_bytes()

    def fail(*arguments, **options):
        raise error

    monkeypatch.setattr(build, step, fail)
    assert importer.main([str(bigger_members), "--db", str(current_db)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if ": note: " not in line]
    detail = " ".join(str(error).split())
    assert lines == [
        f"{current_db}: nothing was imported; the current database is unchanged: {type(error).__name__}: {detail}"
    ]
    assert current_db.read_bytes() == before_bytes
    assert sorted(path.name for path in current_db.parent.iterdir()) == [".gse.duckdb.lock", "gse.duckdb"]


def test_a_failure_after_the_swap_says_the_new_data_is_in_place(current_db, bigger_members, monkeypatch, capsys):
    def fail(folder):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(build, "sync_folder", fail)
    assert importer.main([str(bigger_members), "--db", str(current_db)]) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if ": note: " not in line] == [
        f"{current_db}: the new data is in place, but the step after the swap failed: OSError: [Errno 5] Input/output error"
    ]
    assert snapshot(current_db)[1] == 13


def _page_that_swaps_its_database_mid_run():
    """A page run during which an import renames a new database into place, between two queries."""
    import os

    import streamlit as st

    from dashboard import data

    unfiltered = dict.fromkeys(["theme_ids", "nations", "location_ids", "department_ids", "date_from", "date_to"])
    data.pin()
    first = data.query_one("overview_kpis", **unfiltered)
    if os.path.exists(os.environ["SWAP_IN"]):
        os.replace(os.environ["SWAP_IN"], os.environ["GSE_DB_PATH"])
    second = data.query_one("overview_kpis", **unfiltered)
    st.metric("First", first["members"])
    st.metric("Second", second["members"])


def test_a_page_run_reads_one_database_even_when_an_import_swaps_it_mid_run(
    bundled_db, fixture_db, tmp_path, use_db, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    current, incoming = tmp_path / "gse.duckdb", tmp_path / "incoming.duckdb"
    shutil.copy(bundled_db, current)
    shutil.copy(fixture_db, incoming)
    use_db(current)
    monkeypatch.setenv("SWAP_IN", str(incoming))
    app = AppTest.from_function(_page_that_swaps_its_database_mid_run, default_timeout=60).run()
    assert not app.exception
    old, new = (duckdb_members(path) for path in (bundled_db, fixture_db))
    assert [metric.value for metric in app.metric] == [f"{old}", f"{old}"]  # all old, though the file changed
    app.run()  # the next run sees the new data whole
    assert [metric.value for metric in app.metric] == [f"{new}", f"{new}"]


def duckdb_members(path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from members").fetchone()[0]
