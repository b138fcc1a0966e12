"""The import: every bad input is refused at its exact location with the database untouched; good variants load exactly."""

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import duckdb
import openpyxl.xml
import pandas as pd
import pytest

from dashboard import build, config, data
from dashboard.ingest import importer, reading
from dashboard.ingest.contract import CONTRACT
from dashboard.ingest.reading import MAX_UPLOAD_MB, Upload, kind_of, read_uploads
from tests.conftest import help_shown
from tests.test_review import decide

BAD = Path(__file__).parent / "bad_inputs"
FIXTURES = Path(__file__).parent / "fixtures"
GOOD = Path(__file__).parent / "good_inputs"
BAD_CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())
GOOD_VARIANTS = ["plain", "bom_crlf_spaces", "cp1252", "excel_serials", "workbook"]


def fixture_rows() -> dict[str, int]:
    """Each table's rows in tests/fixtures, counted by pandas: the rows of the database built from them."""
    return {table: len(pd.read_csv(FIXTURES / f"{table}.csv")) for table in build.TABLES}


def fill_the_disk(monkeypatch) -> None:
    """Make the swap into place fail as on a full disk, its message over two lines as an OS may give it."""

    def full_disk(*arguments, **options):
        raise OSError("No space left\non device")

    monkeypatch.setattr(build, "swap_in", full_disk)


@pytest.fixture
def current_db(fixture_db, tmp_path) -> Path:
    """A copy of the fixture database, standing for the data already loaded."""
    path = tmp_path / "db" / "gse.duckdb"
    path.parent.mkdir()
    shutil.copy(fixture_db, path)
    return path


def run_cli(*arguments: str) -> tuple[int, str, str]:
    """Run the command line in a subprocess, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.ingest", *arguments], capture_output=True, text=True, cwd=config.ROOT
    )
    return done.returncode, done.stdout, done.stderr


def words(output: str) -> list[str]:
    """Each line of output with its runs of spaces collapsed."""
    return [" ".join(line.split()) for line in output.splitlines()]


def error_lines(stderr: str) -> list[str]:
    """The FILE:ROW: column: problem lines, without notes and the closing summary."""
    lines = stderr.splitlines()
    assert lines[-1].endswith("nothing was imported."), lines[-1]
    return [line for line in lines[:-1] if ": note: " not in line]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_refused_at_its_location_and_changes_nothing(case, current_db, capsys):
    before = current_db.read_bytes()
    status = importer.main([str(BAD / case), "--db", str(current_db)])
    captured = capsys.readouterr()
    assert status == 1
    assert error_lines(captured.err) == (BAD / case / "expected.txt").read_text().splitlines()
    assert current_db.read_bytes() == before
    assert [path.name for path in current_db.parent.iterdir()] == ["gse.duckdb"]


def test_every_failure_mode_has_a_case():
    expected = {
        "out_of_range",
        "unknown_value",
        "duplicate_key",
        "orphan",
        "missing_column",
        "empty_required",
        "text_too_long",
        "not_a_number",
        "impossible_date",
        "undecodable",
        "combination",
        "zip_bomb",
        "workbook_cells",
    }
    assert expected <= set(BAD_CASES)


def test_the_command_line_exit_codes(current_db, tmp_path):
    status, _, stderr = run_cli(str(BAD / "combination"), "--db", str(current_db))
    assert status == 1
    assert stderr.splitlines()[-1] == "8 errors in 2 files, 5 notes; nothing was imported."
    status, _, stderr = run_cli("--db", str(current_db))
    assert status == 2 and "give one of SOURCE" in stderr
    status, _, stderr = run_cli(str(tmp_path / "absent"), "--db", str(current_db))
    assert status == 2 and "no such file or folder" in stderr
    status, _, _ = run_cli(str(GOOD / "plain"), "--db", str(current_db), "--keep", "-1")
    assert status == 2
    status, stdout, _ = run_cli(str(GOOD / "plain"), "--db", str(current_db))
    assert status == 0
    assert "members 12 replaced from members.csv" in words(stdout)


def test_a_dry_run_writes_nothing(current_db):
    before = current_db.read_bytes()
    status, stdout, stderr = run_cli(str(GOOD / "plain"), "--db", str(current_db), "--dry-run")
    assert status == 0
    assert "Dry run: nothing was written." in stderr
    assert "suggestions 15 replaced from suggestions.csv" in words(stdout)
    assert current_db.read_bytes() == before
    assert not build.backups(current_db)


def expected_tables() -> dict[str, pd.DataFrame]:
    """The plain variant as pandas reads it, independently of the importer."""
    frames = {}
    for table in build.TABLES:
        frame = pd.read_csv(GOOD / "plain" / f"{table}.csv", dtype=str, keep_default_na=False)
        frames[table] = frame.replace({"": None})
    return frames


def comparable(frame: pd.DataFrame) -> list[tuple]:
    """Rows as sorted tuples of text, so a DuckDB table and a pandas CSV read compare cell by cell."""

    def text(value):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat()
        if isinstance(value, float):
            return repr(float(value))
        return str(value)

    return sorted(tuple(text(value) for value in row) for row in frame.itertuples(index=False))


@pytest.mark.parametrize("variant", GOOD_VARIANTS)
def test_good_variants_import_exactly_the_plain_data(variant, tmp_path, capsys):
    path = tmp_path / "gse.duckdb"
    assert importer.main([str(GOOD / variant), "--db", str(path)]) == 0
    notes = capsys.readouterr().err
    expected = expected_tables()
    with build.read_only(path) as connection:
        for table, spec in CONTRACT.items():
            loaded = connection.execute(f"select {', '.join(spec.names)} from {table}").df()
            want = expected[table][spec.names].copy()
            for column in spec.columns:
                if column.kind in {"number", "integer"}:
                    want[column.name] = want[column.name].map(lambda value: None if value is None else float(value))
                    loaded[column.name] = loaded[column.name].map(
                        lambda value: None if pd.isna(value) else float(value)
                    )
            if table == "suggestions":
                # The classifier fills untagged themes; the manual ones must come through unchanged.
                manual = want["theme_id"].notna()
                loaded = loaded.set_index("suggestion_id").loc[want["suggestion_id"]].reset_index()
                assert comparable(loaded[manual.to_numpy()]) == comparable(want[manual])
                assert loaded["theme_id"].notna().all()
            else:
                assert comparable(loaded) == comparable(want), table
    assert ("not UTF-8: read as Windows-1252" in notes) == (variant == "cp1252")


@pytest.mark.parametrize("variant", ["bom_crlf_spaces", "workbook"])
def test_imported_figures_equal_a_pandas_calculation(variant, tmp_path, use_db):
    path = tmp_path / "gse.duckdb"
    assert importer.main([str(GOOD / variant), "--db", str(path)]) == 0
    use_db(path)
    expected = expected_tables()
    kpis = data.query_one(
        "overview_kpis",
        theme_ids=None,
        nations=None,
        location_ids=None,
        department_ids=None,
        date_from=None,
        date_to=None,
    )
    assert kpis["members"] == len(expected["members"])
    assert kpis["workshops"] == len(expected["workshops"])
    assert kpis["suggestions"] == len(expected["suggestions"])
    assert kpis["miles_travelled"] == pd.to_numeric(expected["workshops"]["miles_travelled"]).sum()
    assert kpis["scheme_applicants"] == expected["participation"]["member_id"].nunique()
    assert kpis["participants"] == expected["participation"]["status"].isin(["accepted", "completed"]).sum()
    info = data.build_info()
    assert data.as_date(info["data_date"]).isoformat() == max(
        expected["workshops"]["held_on"].max(), expected["members"]["joined_on"].dropna().max()
    )
    assert info["source"] == f"import of {GOOD / variant}"


def test_a_subset_keeps_the_other_tables_and_records_the_import(current_db, fixture_csvs, tmp_path):
    folder = tmp_path / "subset"
    folder.mkdir()
    members = (config.ROOT / "tests/fixtures/members.csv").read_text() + "M013,SG,G7,Scotland,both,2025-06-01\n"
    (folder / "Members.CSV").write_text(members)
    assert importer.main([str(folder), "--db", str(current_db)]) == 0
    with build.read_only(current_db) as connection:
        counts = {table: build.table_rows(connection, table) for table in build.TABLES}
        history = connection.execute(
            "select import_id, imported_by, source, files, row_counts from imports order by 1"
        ).fetchall()
        sources = dict(connection.execute("select theme_source, count(*) from suggestions group by 1").fetchall())
    assert counts == {table: len(frame) + (table == "members") for table, frame in fixture_csvs.items()}
    assert [row[0] for row in history] == [1, 2]
    assert history[1][2] == f"import of {folder}"
    assert json.loads(history[1][3]) == {"Members.CSV": hashlib.sha256(members.encode()).hexdigest()}
    assert json.loads(history[1][4]) == counts
    assert history[1][1]
    # Kept suggestions: the team's themes stay manual, and the retrained classifier tags the rest again.
    untagged = fixture_csvs["suggestions"]["theme_id"].isna().sum()
    assert sources == {"manual": len(fixture_csvs["suggestions"]) - untagged, "auto": untagged}


def test_a_subset_needs_a_current_database(tmp_path):
    plan = importer.plan_path(BAD.parent / "good_inputs" / "plain" / "members.csv", tmp_path / "absent.duckdb")
    assert not plan.ok
    assert [problem.line() for problem in plan.errors] == [
        f"{tmp_path / 'absent.duckdb'}: no readable current database to keep departments, locations, workshops, "
        "themes, suggestions, schemes, participation from: give every file"
    ]


def test_restore_brings_back_the_previous_data_and_the_history_only_grows(current_db, capsys):
    bundled_version = build.stored_build(current_db)["data_version"]
    assert importer.main([str(GOOD / "plain"), "--db", str(current_db)]) == 0
    assert build.stored_build(current_db)["data_version"] != bundled_version
    capsys.readouterr()
    assert importer.main(["--list-backups", "--db", str(current_db)]) == 0
    assert capsys.readouterr().out.split() == [path.name for path in build.backups(current_db)]
    latest = build.backups(current_db)[0]
    assert importer.main(["--restore", "--db", str(current_db)]) == 0
    assert build.stored_build(current_db)["data_version"] == bundled_version
    # Each table's rows as restored, counted here from the fixtures' CSVs, then the line that names the backup.
    lines = capsys.readouterr().out.splitlines()
    expected = [f"{table:<15}{len(pd.read_csv(FIXTURES / f'{table}.csv')):>8,}" for table in build.TABLES]
    assert lines == [*expected, f"restored {latest.name} into {current_db}"]
    with build.read_only(current_db) as connection:
        history = connection.execute("select import_id, source from imports order by import_id").fetchall()
    assert [row[0] for row in history] == [1, 2, 3]
    assert history[1][1] == f"import of {GOOD / 'plain'}"
    assert history[2][1].startswith("restore of gse-")
    assert importer.main(["--restore", "nothing-by-this-name", "--db", str(current_db)]) == 1
    assert capsys.readouterr().err == "no backup called nothing-by-this-name; see --list-backups\n"


def test_a_restore_keeps_as_many_backups_as_asked(current_db):
    for _ in range(3):
        assert importer.main([str(GOOD / "plain"), "--db", str(current_db)]) == 0
    assert len(build.backups(current_db)) == 3
    assert importer.main(["--restore", "--db", str(current_db), "--keep", "1"]) == 0
    assert len(build.backups(current_db)) == 1


def test_a_restore_with_no_backups_says_where_it_looked(current_db, capsys):
    assert importer.main(["--restore", "--db", str(current_db)]) == 1
    assert capsys.readouterr().err == f"no backups of {current_db} in {build.backups_folder(current_db)}\n"


def test_a_restore_that_fails_to_write_says_the_database_is_unchanged(current_db, capsys, monkeypatch):
    assert importer.main([str(GOOD / "plain"), "--db", str(current_db)]) == 0
    before = current_db.read_bytes()
    capsys.readouterr()

    fill_the_disk(monkeypatch)
    assert importer.main(["--restore", "--db", str(current_db)]) == 1
    assert capsys.readouterr().err == (
        f"{current_db}: nothing was imported; the current database is unchanged: OSError: No space left on device\n"
    )
    assert current_db.read_bytes() == before


def test_only_the_newest_backups_are_kept(current_db):
    for _ in range(4):
        assert importer.main([str(GOOD / "plain"), "--db", str(current_db), "--keep", "2"]) == 0
    kept = build.backups(current_db)
    assert len(kept) == 2
    assert all(build.stored_build(path)["source"].startswith("import of") for path in kept)


def test_rebuilding_the_sample_over_imported_data_keeps_a_backup(current_db):
    assert importer.main([str(GOOD / "plain"), "--db", str(current_db)]) == 0
    backups_before = len(build.backups(current_db))
    build.build_bundled(config.ROOT / "tests" / "fixtures", current_db)
    assert len(build.backups(current_db)) == backups_before + 1
    assert build.stored_build(build.backups(current_db)[0])["source"].startswith("import of")


def test_every_mixed_encoding_row_is_reported_at_its_spreadsheet_row():
    header = b"department_id,name\n"
    # Row 2's quoted name spans three lines, so row n of the spreadsheet is line n + 2 of the file from row 3 on.
    spanning = b'DEFRA,"Department for Environment,\nFood and\nRural Affairs"\n'
    utf8_rows = b"".join(b"D%02d,Caf\xc3\xa9 %d\n" % (number, number) for number in range(3, 28))
    cp1252_row = b"SG,Scottish Government (Caf\xe9)\n"
    reading = read_uploads([Upload("departments.csv", header + spanning + utf8_rows + cp1252_row)])
    message = "mixes UTF-8 and Windows-1252 text: save the file as CSV UTF-8"
    assert [problem.line() for problem in reading.problems] == [
        f"departments.csv:{row}: {message}" for row in range(3, 28)
    ]
    assert not reading.tables


def test_an_undecodable_byte_in_an_unclosed_quote_is_at_the_row_where_it_opens():
    content = b'department_id,name\nDEFRA,Defra\nSG,"Scottish\nGovernment\x81\n'
    reading = read_uploads([Upload("departments.csv", content)])
    assert [problem.line() for problem in reading.problems] == [
        "departments.csv:3: bytes that are neither UTF-8 nor Windows-1252 (81)"
    ]


def test_uploads_are_capped_and_typed_by_content():
    workbook = (GOOD / "workbook" / "gse.xlsx").read_bytes()
    reading = read_uploads([Upload("members.csv", workbook)])
    assert [problem.line() for problem in reading.problems] == [
        "members.csv: content is an Excel workbook but the name ends .csv"
    ]
    reading = read_uploads([Upload("gse.xlsx", b"member_id\nM1\n")])
    assert [problem.line() for problem in reading.problems] == ["gse.xlsx: content is text but the name ends .xlsx"]
    reading = read_uploads([Upload("members.csv", b"member_id\n" + b"M1\n" * 600)], max_bytes=1024)
    assert [problem.line() for problem in reading.problems] == ["members.csv: file is larger than the 1 KB limit"]
    assert not reading.tables


def test_upload_cap_matches_the_streamlit_config():
    settings = tomllib.loads((config.ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == MAX_UPLOAD_MB


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"a,b\n1,2\n", "text"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a binary file"),
        (b"%PDF-1.7\n\x00\x01", "a binary file"),
        (b"\xff\xfea\x00", "UTF-16 text"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(8), "an old Excel (.xls) or other Office binary file"),
        (b"PK\x03\x04broken", "a damaged zip file"),
    ],
)
def test_types_are_told_by_content(content, kind):
    assert kind_of(content) == kind


def test_a_plain_zip_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("members.csv", "member_id\n")
    assert kind_of(buffer.getvalue()) == "a zip file, not an Excel workbook"


def test_a_workbook_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setattr("dashboard.ingest.reading.MAX_WORKBOOK_EXPANDED_BYTES", 1000)
    reading = read_uploads([Upload("gse.xlsx", (GOOD / "workbook" / "gse.xlsx").read_bytes())])
    assert reading.problems[0].message.startswith("workbook expands to")
    assert not reading.tables


def test_workbooks_are_parsed_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML


def test_the_python_rules_match_the_schema():
    with duckdb.connect(":memory:") as connection:
        connection.execute((config.QUERIES_DIR / "schema.sql").read_text())
        columns = connection.execute(
            "select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'main'"
        ).fetchall()
        constraints = connection.execute(
            "select table_name, constraint_type, constraint_column_names, constraint_text from duckdb_constraints()"
        ).fetchall()
    schema_columns = {}
    for table, column, nullable in columns:
        schema_columns.setdefault(table, {})[column] = nullable == "NO"
    for table, spec in CONTRACT.items():
        imported = {column.name: column.required for column in spec.columns}
        filled = set(spec.filled_by_import)
        assert {name: required for name, required in schema_columns[table].items() if name not in filled} == imported
        keys = [tuple(names) for name, kind, names, _ in constraints if name == table and kind == "PRIMARY KEY"]
        assert keys == [spec.key]
        references = {
            names[0]: text.split("REFERENCES ")[1].split("(")[0].strip()
            for name, kind, names, text in constraints
            if name == table and kind == "FOREIGN KEY"
        }
        assert references == {column.name: column.references for column in spec.columns if column.references}
        checks = " ".join(text for name, kind, _, text in constraints if name == table and kind == "CHECK")
        for column in spec.columns:
            for value in column.allowed:
                assert f"'{value}'" in checks, (table, column.name, value)


def test_a_plan_made_before_another_import_is_refused(current_db, tmp_path):
    stale = importer.plan_path(GOOD / "plain" / "members.csv", current_db)
    assert stale.ok
    importer.apply_import(importer.plan_path(GOOD / "plain", current_db), current_db)
    before = current_db.read_bytes()
    with pytest.raises(importer.ImportBusy) as refused:
        importer.apply_import(stale, current_db)
    assert str(refused.value) == "the data changed since this dry run (another import?): run the dry run again"
    assert current_db.read_bytes() == before


def test_an_import_records_who_made_it_and_carries_the_earlier_versions_counts(current_db):
    importer.apply_import(
        importer.plan_path(GOOD / "plain", current_db), current_db, imported_by="analyst@example.gov.uk"
    )
    with duckdb.connect(str(current_db), read_only=True) as connection:
        history = connection.execute("select import_id, imported_by from imports order by import_id").fetchall()
        counted = connection.execute("select distinct import_id from import_counts order by 1").fetchall()
    assert history[-1][1] == "analyst@example.gov.uk"
    # "Since the last import" compares with the version before: its counts come along into the new file.
    assert [import_id for (import_id,) in counted] == [import_id for import_id, _ in history]


def test_workbooks_are_opened_for_values_without_links_or_macros(monkeypatch):
    calls = []
    real = reading.openpyxl.load_workbook

    def spy(*arguments, **options):
        calls.append(options)
        return real(*arguments, **options)

    monkeypatch.setattr(reading.openpyxl, "load_workbook", spy)
    workbook = read_uploads([Upload("gse.xlsx", (GOOD / "workbook" / "gse.xlsx").read_bytes())])
    assert set(workbook.tables) == set(build.TABLES)
    assert calls == [{"read_only": True, "data_only": False, "keep_links": False, "keep_vba": False}]


def test_a_dry_run_finds_what_only_the_database_would_refuse(current_db, monkeypatch):
    # Suppose the Python checks missed the orphans: the dry run loads the tables as the import would, and the
    # database's foreign keys still refuse them, so a passing dry run never becomes a failing import.
    monkeypatch.setattr(importer, "reference_problems", lambda checked: [])
    plan = importer.plan_path(BAD / "orphan", current_db)
    assert not plan.ok
    assert [problem.file for problem in plan.errors] == ["DB"]
    assert "the database would refuse this data" in plan.errors[0].message
    assert "foreign key" in plan.errors[0].message.lower()


def test_header_only_files_fail_the_dry_run_not_the_import(current_db):
    plan = importer.plan_path(BAD / "header_only", current_db)
    assert not plan.ok
    with pytest.raises(ValueError, match="nothing imported"):
        importer.apply_import(plan, current_db)


def test_a_file_over_the_size_cap_is_refused_unread(current_db, tmp_path, monkeypatch):
    folder = tmp_path / "large"
    shutil.copytree(GOOD / "plain", folder)
    huge = folder / "suggestions.csv"
    with huge.open("r+b") as file:  # sparse: 60 MB on paper, made at once, taking no disk
        file.truncate(60 * 2**20)
    read = Path.read_bytes

    def guarded(path: Path) -> bytes:
        assert path != huge, "the large file was read before its size was checked"
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    monkeypatch.delenv("GSE_IMPORT_MAX_MB", raising=False)
    before = current_db.read_bytes()
    assert importer.main([str(folder), "--db", str(current_db)]) == 1
    assert current_db.read_bytes() == before
    plan = importer.plan_path(folder, current_db)
    assert [problem.line() for problem in plan.errors] == [
        "suggestions.csv: file is 60 MB, larger than the 20 MB limit (GSE_IMPORT_MAX_MB): nothing in it was read"
    ]
    assert "suggestions" in plan.given, "a refused file is not taken as left out (its table would be kept)"


def test_the_size_cap_is_configurable(current_db, monkeypatch):
    monkeypatch.setenv("GSE_IMPORT_MAX_MB", "0.001")  # about 1 KB: the plain suggestions.csv is larger
    assert (GOOD / "plain" / "suggestions.csv").stat().st_size > 1048
    plan = importer.plan_path(GOOD / "plain", current_db)
    refused = {problem.file for problem in plan.errors if "larger than the 1 KB limit" in problem.message}
    assert refused == {"suggestions.csv"}
    monkeypatch.setenv("GSE_IMPORT_MAX_MB", "50")
    assert importer.plan_path(GOOD / "plain", current_db).ok


def test_uploaded_files_are_planned_like_the_same_folder_on_disk(current_db):
    uploads = [Upload(path.name, path.read_bytes()) for path in sorted((GOOD / "plain").glob("*.csv"))]
    plan = importer.plan_import(uploads, current_db, source="upload of 9 files")
    assert plan.ok and plan.source == "upload of 9 files"
    assert plan.hashes == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (GOOD / "plain").glob("*.csv")
    }
    assert comparable(plan.frames()["members"]) == comparable(expected_tables()["members"])
    # The page's size limit is passed on: a file over it is refused by name and nothing is planned.
    small = importer.plan_import(uploads, current_db, source="upload", max_bytes=1024)
    assert not small.ok
    assert "suggestions.csv: file is larger than the 1 KB limit" in [problem.line() for problem in small.errors]


def test_only_the_temporary_files_of_processes_that_have_ended_are_removed(current_db):
    child = subprocess.Popen(["true"])
    child.wait()
    assert not importer.process_alive(child.pid)
    assert importer.process_alive(os.getpid())
    names = [
        f".gse.duckdb.{child.pid}.tmp",
        f".gse.duckdb.{child.pid}.tmp.wal",
        f".gse.duckdb.{os.getpid()}.tmp",
        ".gse.duckdb.notapid.tmp",
    ]
    for name in names:
        (current_db.parent / name).write_text("left over")
    importer.remove_stale_temporaries(current_db)
    assert sorted(path.name for path in current_db.parent.glob(".gse.duckdb.*.tmp*")) == sorted(names[2:])


def test_a_restore_records_itself_and_carries_every_version_s_counts(current_db):
    importer.apply_import(importer.plan_path(GOOD / "plain", current_db), current_db)
    backup = build.backups(current_db)[0]
    counts = importer.restore(backup, current_db, restored_by="analyst@example.gov.uk")
    with duckdb.connect(str(current_db), read_only=True) as connection:
        history = connection.execute("select * from imports order by import_id").df()
        counted = connection.execute("select distinct import_id from import_counts order by 1").fetchall()
    restored = history.iloc[-1]
    assert list(history["import_id"]) == [1, 2, 3]
    assert restored["imported_by"] == "analyst@example.gov.uk"
    assert restored["source"] == f"restore of {backup.name}"
    assert restored["imported_at"].microsecond == 0
    assert json.loads(restored["files"]) == {backup.name: hashlib.sha256(backup.read_bytes()).hexdigest()}
    assert json.loads(restored["row_counts"]) == counts
    assert counts == fixture_rows()
    # The restored version, the import and the bundled build: every one's counts, so "since the last import" still works.
    assert [import_id for (import_id,) in counted] == [1, 2, 3]


def test_a_file_that_is_not_a_database_is_not_restored(current_db, tmp_path, capsys):
    junk = tmp_path / "notes.duckdb"
    junk.write_text("not a database")
    before = current_db.read_bytes()
    assert importer.main(["--restore", str(junk), "--db", str(current_db)]) == 1
    assert capsys.readouterr().err == f"{junk} is not a readable GSE Insight database\n"
    assert current_db.read_bytes() == before


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (BAD / "combination", "8 errors in 2 files, 5 notes"),
        (BAD / "header_only", "1 error in 1 file"),
        (BAD / "no_contract_files", "1 error in 1 file, 1 note"),
        (GOOD / "plain", "0 errors"),
    ],
)
def test_the_summary_line_counts_errors_their_files_and_notes(current_db, variant, expected):
    # Counted by hand from each folder's report (python -m dashboard.ingest FOLDER --dry-run).
    assert importer.summary_line(importer.plan_path(variant, current_db)) == expected


def fewer_members(folder: Path, drop: int) -> Path:
    """A members.csv of the plain variant without its last `drop` rows, so rows now and after differ."""
    lines = (GOOD / "plain" / "members.csv").read_text().splitlines(keepends=True)
    path = folder / "members.csv"
    path.write_text("".join(lines[: len(lines) - drop]))
    return path


def test_the_summary_says_where_each_table_comes_from_and_its_rows_now_and_after(current_db, tmp_path, capsys):
    rows_in_fixtures = fixture_rows()
    plan = importer.plan_path(fewer_members(tmp_path, 2), current_db)
    rows = importer.summary_frame(plan).to_dict("records")
    assert [row["table"] for row in rows] == list(build.TABLES)
    for row in rows:
        table = row["table"]
        if table == "members":
            assert (row["action"], row["from"]) == ("replace", "members.csv")
            assert (row["rows now"], row["rows after"]) == (rows_in_fixtures["members"], 10)
        else:
            assert (row["action"], row["from"]) == ("keep", f"{table} (current database)")
            assert row["rows now"] == row["rows after"] == rows_in_fixtures[table]
    importer.print_counts(importer.summary_frame(plan))
    printed = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert printed == [
        "members 10 replaced from members.csv"
        if table == "members"
        else f"{table} {rows_in_fixtures[table]} kept from the current database"
        for table in build.TABLES
    ]


def test_the_summary_marks_a_file_that_could_not_be_read_and_tables_with_nowhere_to_come_from(current_db, tmp_path):
    unreadable = importer.summary_frame(importer.plan_path(BAD / "not_a_csv", current_db)).set_index("table")
    assert unreadable.loc["members", "action"] == "unreadable"
    assert pd.isna(unreadable.loc["members", "from"]) and pd.isna(unreadable.loc["members", "rows after"])
    assert unreadable.loc["members", "rows now"] == len(pd.read_csv(FIXTURES / "members.csv"))
    alone = importer.summary_frame(importer.plan_path(fewer_members(tmp_path, 0), tmp_path / "absent.duckdb"))
    assert list(alone["action"]) == ["replace" if table == "members" else "missing" for table in build.TABLES]
    assert alone["rows now"].isna().all()
    assert list(alone["rows after"].astype(object)) == [12 if table == "members" else pd.NA for table in build.TABLES]


def test_the_import_command_s_help_names_it_and_every_option():
    shown = help_shown(importer.main)
    assert shown.startswith("usage: python -m dashboard.ingest [-h] [--db DB] [--dry-run] [--keep KEEP]")
    assert "Load real data: check every file against the contract, then swap in a new database all at once" in shown
    for words in (
        "source a folder of contract CSVs, or one .xlsx workbook",
        "--db DB database file (default: GSE_DB_PATH or .gse/gse.duckdb)",
        "--dry-run validate and report, write nothing",
        "--keep KEEP previous versions to keep (default 5)",
        "--restore [BACKUP] restore a backup (default: latest)",
        "--list-backups list the kept previous versions",
        "--allow-large-changes import even if a table loses more than GSE_IMPORT_REMOVAL_LIMIT (default 20%) of its rows,"
        " or every row changes",
    ):
        assert words in shown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "give one of SOURCE, --restore or --list-backups"),
        ([str(GOOD / "plain"), "--list-backups"], "give one of SOURCE, --restore or --list-backups"),
        ([str(GOOD / "plain"), "--keep", "-1"], "--keep must be 0 or more"),
        (["absent"], "absent: no such file or folder"),
        (
            [str(BAD / "not_a_csv" / "expected.txt")],
            f"{BAD / 'not_a_csv' / 'expected.txt'}: give a folder of CSV files or an .xlsx workbook",
        ),
    ],
)
def test_a_usage_error_exits_2_and_says_what_to_give(current_db, capsys, arguments, message):
    with pytest.raises(SystemExit) as exited:
        importer.main([*arguments, "--db", str(current_db)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"error: {message}")


def test_invalid_data_is_listed_problem_by_problem_then_refused(current_db, capsys):
    before = current_db.read_bytes()
    assert importer.main([str(BAD / "combination"), "--db", str(current_db)]) == 1
    lines = capsys.readouterr().err.splitlines()
    plan = importer.plan_path(BAD / "combination", current_db)
    assert lines == [
        *(problem.line() for problem in plan.problems),
        "8 errors in 2 files, 5 notes; nothing was imported.",
    ]
    assert current_db.read_bytes() == before


def test_a_dry_run_reports_and_an_import_says_where_it_went(current_db, tmp_path, capsys):
    rows_in_fixtures = fixture_rows()
    counts = [
        "members 10 replaced from members.csv"
        if table == "members"
        else f"{table} {rows_in_fixtures[table]} kept from the current database"
        for table in build.TABLES
    ]
    source = fewer_members(tmp_path, 2)
    assert importer.main([str(source), "--db", str(current_db), "--dry-run"]) == 0
    captured = capsys.readouterr()
    # A note for each of the 7 tables kept from the current database, then the verdict.
    assert captured.err.splitlines()[-1] == "0 errors, 7 notes; valid. Dry run: nothing was written."
    shown = [" ".join(line.split()) for line in captured.out.splitlines()]
    # Each table's changes, then its rows: two members fewer, nothing else touched.
    assert shown == [
        *(f"{table} +0 added, -{2 if table == 'members' else 0} removed, 0 changed" for table in build.TABLES),
        *counts,
    ]
    assert not build.backups(current_db)
    assert importer.main([str(source), "--db", str(current_db)]) == 0
    shown = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert shown[-len(counts) - 1 :] == [*counts, f"imported into {current_db}"]
    assert len(build.backups(current_db)) == 1


def test_an_import_that_fails_to_write_says_the_database_is_unchanged(current_db, capsys, monkeypatch):
    before = current_db.read_bytes()

    fill_the_disk(monkeypatch)
    assert importer.main([str(GOOD / "plain"), "--db", str(current_db)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"{current_db}: nothing was imported; the current database is unchanged: OSError: No space left on device"
    )
    assert current_db.read_bytes() == before


def test_asking_whether_a_process_is_alive_sends_it_nothing(monkeypatch):
    # A hang-up ends the child even where this test's own process ignores it (under nohup, say).
    child = subprocess.Popen(["sleep", "30"], preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    try:
        assert importer.process_alive(child.pid)
        # Signal 0 only asks: any real signal (a hang-up, say) would end the process it asked about.
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.5)
    finally:
        child.kill()
        child.wait()

    def not_ours(pid, signal):
        raise PermissionError(f"process {pid} belongs to another user")

    # Another user's process is alive too: its temporary files are not ours to remove.
    monkeypatch.setattr(importer.os, "kill", not_ours)
    assert importer.process_alive(1)


def test_a_backup_named_by_a_path_relative_to_the_working_folder_is_restored(current_db, tmp_path, monkeypatch):
    importer.apply_import(importer.plan_path(GOOD / "plain", current_db), current_db)
    shutil.copy(build.backups(current_db)[0], tmp_path / "saved.duckdb")
    monkeypatch.chdir(tmp_path)
    assert importer.main(["--restore", "saved.duckdb", "--db", str(current_db)]) == 0
    assert (
        build.stored_build(current_db)["data_version"] == build.stored_build(tmp_path / "saved.duckdb")["data_version"]
    )


def test_a_restore_into_a_new_place_that_fails_to_write_says_nothing_was_restored(
    current_db, tmp_path, capsys, monkeypatch
):
    target = tmp_path / "new" / "gse.duckdb"

    fill_the_disk(monkeypatch)
    assert importer.main(["--restore", str(current_db), "--db", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"{target}: nothing was imported; the current database is unchanged: OSError: No space left on device\n"
    )
    assert not target.exists()


def test_keep_0_imports_without_a_backup_and_a_workbook_is_a_source(current_db, capsys):
    assert importer.main([str(GOOD / "plain"), "--db", str(current_db), "--keep", "0"]) == 0
    assert build.backups(current_db) == []
    # The suffix is read whatever its case: GSE.XLSX is a workbook too.
    workbook = current_db.parent / "GSE.XLSX"
    shutil.copy(GOOD / "workbook" / "gse.xlsx", workbook)
    assert importer.main([str(workbook), "--db", str(current_db), "--dry-run"]) == 0
    assert capsys.readouterr().err.splitlines()[-1].endswith("; valid. Dry run: nothing was written.")


def test_an_import_reports_what_became_of_the_team_s_theme_decisions(current_db, use_db, fresh_store, capsys):
    use_db(current_db)
    with build.read_only(current_db) as connection:
        first = connection.execute("select min(suggestion_id) from suggestions where theme_source = 'auto'").fetchone()[
            0
        ]
    decide(current_db, first, "change", "mentoring")
    assert importer.main([str(FIXTURES), "--db", str(current_db)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Theme decisions: 1 still apply; 0 went back to the review queue because the suggestion's text changed; "
        "0 gave way to a new hand-coded theme in the file; 0 are on suggestions no longer in the data. "
        "The log keeps them all."
    )


def test_the_database_s_own_refusal_is_one_line_of_at_most_300_characters(current_db, monkeypatch):
    def refuse(connection, frames):
        raise duckdb.ConstraintException("Constraint Error:\n   " + "x" * 400)

    monkeypatch.setattr(build, "load_tables", refuse)
    plan = importer.plan_path(GOOD / "plain", current_db)
    assert [problem.message for problem in plan.errors] == [
        "the database would refuse this data: Constraint Error: " + "x" * (300 - len("Constraint Error: "))
    ]


def test_an_import_over_a_database_from_before_the_counts_table_still_works(current_db):
    # A file written before import_counts existed: nothing to carry, and the import starts the record.
    with duckdb.connect(str(current_db)) as connection:
        connection.execute("drop table import_counts")
    assert build.import_counts(current_db) is None
    importer.apply_import(importer.plan_path(GOOD / "plain", current_db), current_db)
    assert re.fullmatch(r"[0-9a-f]{16}", build.stored_build(current_db)["data_version"])
    assert build.import_counts(current_db) is not None
