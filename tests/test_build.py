"""The database build: atomic, versioned, hardened when the app opens it, and its KPIs match the CSVs."""

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import build, config, data
from dashboard.filters import Filters
from tests.conftest import help_shown

FIXTURES = Path(__file__).parent / "fixtures"


def test_build_records_the_source_version(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        version, source = connection.execute("select data_version, source from build_info").fetchone()
        imports = connection.execute("select count(*) from imports").fetchone()[0]
    assert version == build.bundled_version(FIXTURES)
    assert source == "bundled"
    assert imports == 1


def test_untagged_suggestions_are_auto_tagged(fixture_db, fixture_csvs):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        tagged = connection.execute(
            "select theme_source, count(*), min(confidence), max(confidence) from suggestions group by all order by 1"
        ).fetchall()
    untagged = fixture_csvs["suggestions"]["theme_id"].isna().sum()
    assert tagged[0][:2] == ("auto", untagged)
    assert 0 < tagged[0][2] <= tagged[0][3] <= 1
    assert tagged[1] == ("manual", len(fixture_csvs["suggestions"]) - untagged, 1.0, 1.0)


def test_a_failed_build_leaves_the_previous_database_untouched(fixture_db, tmp_path):
    target = tmp_path / "gse.duckdb"
    shutil.copy(fixture_db, target)
    before = target.read_bytes()
    frames = build.tag_suggestions(build.read_folder(FIXTURES))
    broken = frames["members"].copy()
    broken.loc[0, "grade"] = "G99"
    with pytest.raises(duckdb.ConstraintException):
        build.write_database({**frames, "members": broken}, target, data_version="x", source="test")
    assert target.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == ["gse.duckdb"]


def test_needs_build_never_overwrites_imported_data(fixture_db, tmp_path):
    target = tmp_path / "gse.duckdb"
    assert build.needs_build(FIXTURES, target)
    shutil.copy(fixture_db, target)
    assert not build.needs_build(FIXTURES, target)
    frames = build.tag_suggestions(build.read_folder(FIXTURES))
    build.write_database(frames, target, data_version="other", source="import of team.xlsx")
    assert not build.needs_build(FIXTURES, target)


def test_a_changed_contract_makes_the_bundled_database_stale(fixture_db, tmp_path, monkeypatch):
    queries = tmp_path / "queries"
    shutil.copytree(config.QUERIES_DIR, queries)
    monkeypatch.setattr(config, "QUERIES_DIR", queries)
    target = tmp_path / "gse.duckdb"
    shutil.copy(fixture_db, target)
    assert not build.needs_build(FIXTURES, target)
    schema = queries / "schema.sql"
    stricter = schema.read_text().replace(
        "check (attendees between 0 and 10000)", "check (attendees between 1 and 10000)"
    )
    assert stricter != schema.read_text()
    schema.write_text(stricter)
    assert build.needs_build(FIXTURES, target)
    assert build.main(["--data", str(FIXTURES), "--db", str(target), "--if-stale"]) == 0
    assert not build.needs_build(FIXTURES, target)
    with build.read_only(target) as connection:
        rules = [row[0] for row in connection.execute("select constraint_text from duckdb_constraints()").fetchall()]
    assert "CHECK((attendees BETWEEN 1 AND 10000))" in rules


def test_a_changed_build_input_changes_the_version(tmp_path, monkeypatch):
    before = build.bundled_version(FIXTURES)
    copies = []
    for path in build.build_inputs():
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(build, "build_inputs", lambda: copies)
    assert build.bundled_version(FIXTURES) == before
    for copy in copies:
        original = copy.read_bytes()
        copy.write_bytes(original + b"\n")
        assert build.bundled_version(FIXTURES) != before, copy.name
        copy.write_bytes(original)


def test_every_file_the_build_reads_is_in_its_version():
    # The SQL files write_database runs and the modules tag_suggestions imports: a new one must join build_inputs.
    source = (config.ROOT / "dashboard" / "build.py").read_text()
    read = set(re.findall(r'QUERIES_DIR / "(\w+\.sql)"', source))
    read |= {f"{name}.py" for name in re.findall(r"from dashboard import (\w+)", source)} - {"config.py"}
    read.add("build.py")
    assert read <= {path.name for path in build.build_inputs()}
    assert all(path.exists() for path in build.build_inputs())


@pytest.mark.parametrize(
    "statement",
    [
        "select * from read_csv('/etc/passwd')",
        "copy themes to '/tmp/gse-leak.csv'",
        "attach '/tmp/other.duckdb'",
        "install httpfs",
        "set enable_external_access = true",
        "create table stolen as select 1",
    ],
)
def test_the_app_connection_is_read_only_and_hardened(fixture_db, use_db, statement):
    use_db(fixture_db)
    with pytest.raises(duckdb.Error):
        data.cursor().execute(statement)


def test_overview_kpis_equal_an_independent_calculation(bundled_db, bundled_csvs, use_db):
    use_db(bundled_db)
    kpis = data.query_one("overview_kpis", **Filters().params())
    members, participation = bundled_csvs["members"], bundled_csvs["participation"]
    expected = {
        "members": len(members),
        "departments": members["department_id"].nunique(),
        "workshops": len(bundled_csvs["workshops"]),
        "locations": bundled_csvs["workshops"]["location_id"].nunique(),
        "suggestions": len(bundled_csvs["suggestions"]),
        "miles_travelled": bundled_csvs["workshops"]["miles_travelled"].sum(),
        "participants": participation["status"].isin(["accepted", "completed"]).sum(),
        "scheme_applicants": participation["member_id"].nunique(),
    }
    assert kpis == pytest.approx(expected)


def test_overview_kpis_follow_filters(bundled_db, bundled_csvs, use_db):
    use_db(bundled_db)
    workshops = bundled_csvs["workshops"].merge(bundled_csvs["locations"], on="location_id")
    scottish = workshops[workshops["nation"] == "Scotland"]
    suggestions = bundled_csvs["suggestions"]
    kpis = data.query_one("overview_kpis", **Filters(nations=("Scotland",)).params())
    assert kpis["workshops"] == len(scottish)
    assert kpis["miles_travelled"] == pytest.approx(scottish["miles_travelled"].sum())
    assert kpis["suggestions"] == suggestions["workshop_id"].isin(scottish["workshop_id"]).sum()
    assert kpis["members"] == (bundled_csvs["members"]["region"] == "Scotland").sum()
    defra = data.query_one("overview_kpis", **Filters(department_ids=("DEFRA",)).params())
    assert defra["members"] == (bundled_csvs["members"]["department_id"] == "DEFRA").sum()
    assert isinstance(pd.Timestamp(data.build_info()["data_date"]), pd.Timestamp)


def test_a_deferred_download_reads_the_database_of_the_run_that_offered_it(fixture_db, bundled_db, use_db):
    from dashboard import data

    use_db(fixture_db)
    build_version = data.deferred(lambda: data.query_one("build_info")["data_version"])
    use_db(bundled_db)  # an import swaps the file before the click
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        expected = connection.execute("select data_version from build_info").fetchone()[0]
    assert build_version() == expected
    assert data.run_database().path == str(bundled_db), "outside the click, the current file again"


def test_every_cell_is_read_as_the_text_written(tmp_path):
    # Answers such as "None" or "N/A" are what members wrote, and ids such as 007 are codes, not numbers: read as
    # pandas would by default, the first two would become blanks and the third 7.
    folder = tmp_path / "csvs"
    shutil.copytree(FIXTURES, folder)
    suggestions = (folder / "suggestions.csv").read_text(encoding="utf-8")
    suggestions += "S90,w01,What CPD does GSE need?,None,,\nS91,w01,What CPD does GSE need?,N/A,,007\n"
    (folder / "suggestions.csv").write_text(suggestions, encoding="utf-8")
    # An HR export's member ids may be all digits: 0001, not M001.
    for table in ("members", "participation", "suggestions"):
        path = folder / f"{table}.csv"
        path.write_text(
            path.read_text(encoding="utf-8").replace(",M0", ",00").replace("\nM0", "\n00"), encoding="utf-8"
        )
    frames = build.read_folder(folder)
    assert frames["members"]["member_id"].tolist()[:3] == ["0001", "0002", "0003"]
    assert frames["participation"]["member_id"].tolist()[:2] == ["0003", "0004"]
    added = frames["suggestions"].set_index("suggestion_id").loc[["S90", "S91"]]
    assert added["text"].tolist() == ["None", "N/A"]
    assert added["member_id"].tolist() == [None, "007"]
    assert added["theme_id"].tolist() == [None, None]


def test_a_folder_without_a_table_is_refused_by_name(tmp_path):
    folder = tmp_path / "csvs"
    shutil.copytree(FIXTURES, folder)
    (folder / "members.csv").unlink()
    (folder / "themes.csv").unlink()
    with pytest.raises(FileNotFoundError) as refused:
        build.read_folder(folder)
    assert str(refused.value) == f"{folder}: missing members.csv, themes.csv"


def test_the_command_s_help_names_it_and_every_option():
    shown = help_shown(build.main)
    assert shown.startswith("usage: python -m dashboard.build [-h] [--data DATA] [--db DB] [--if-stale]")
    assert "Build the DuckDB database from the contract's CSV files, atomically." in shown
    for words in (
        "--data DATA folder of contract CSVs (default: data/)",
        "--db DB database file (default: GSE_DB_PATH or .gse/gse.duckdb)",
        "--if-stale build only when missing or out of date",
    ):
        assert words in shown


def test_the_command_builds_the_bundled_data_once_then_says_it_is_up_to_date(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GSE_DB_PATH", raising=False)
    target = tmp_path / "gse.duckdb"
    assert build.main(["--db", str(target), "--if-stale"]) == 0
    with duckdb.connect(str(target), read_only=True) as connection:
        members = connection.execute("select count(*) from members").fetchone()[0]
        version = connection.execute("select data_version from build_info").fetchone()[0]
    # No --data: the bundled folder, counted here from its CSV.
    assert members == len(pd.read_csv(config.DATA_DIR / "members.csv", dtype=str))
    assert capsys.readouterr().out == f"built {target} (data version {version})\n"
    assert build.main(["--db", str(target), "--if-stale"]) == 0
    assert capsys.readouterr().out == f"{target} is up to date\n"


def test_a_bundled_build_records_each_file_and_keeps_no_backup_of_the_sample(tmp_path):
    target = tmp_path / "gse.duckdb"
    version = build.build_bundled(FIXTURES, target)
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    build.build_bundled(FIXTURES, target)
    # The sample replaced by the sample: nothing to go back to, so no backup.
    assert build.backups(target) == []
    with duckdb.connect(str(target), read_only=True) as connection:
        files = connection.execute("select files from imports order by import_id desc limit 1").fetchone()[0]
    assert json.loads(files) == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in FIXTURES.glob("*.csv")
    }


def test_data_and_build_versions_are_16_hex_digits():
    assert re.fullmatch(r"[0-9a-f]{16}", build.bundled_version(FIXTURES))
    assert re.fullmatch(r"[0-9a-f]{16}", build.build_version())
    assert re.fullmatch(r"[0-9a-f]{16}", build.files_version(build.source_files(FIXTURES)))


def test_each_machine_tag_carries_the_probability_of_its_own_theme(tmp_path):
    # Built here, not the session's fixture database: a change to the tagging must reach the file this test reads.
    target = tmp_path / "gse.duckdb"
    build.build_bundled(FIXTURES, target)
    with duckdb.connect(str(target), read_only=True) as connection:
        tags = connection.execute(
            """
            select suggestions.theme_id, suggestions.confidence, first_choice.theme_id, first_choice.probability
            from suggestions
            join theme_alternatives as first_choice on first_choice.suggestion_id = suggestions.suggestion_id
            where suggestions.theme_source = 'auto' and first_choice.theme_rank = 1
            """
        ).fetchall()
        by_hand = connection.execute(
            "select distinct confidence from suggestions where theme_source = 'manual'"
        ).fetchall()
    assert tags
    for theme_id, confidence, first_theme, first_probability in tags:
        assert (theme_id, confidence) == (first_theme, first_probability)
    # A theme coded by hand is certain.
    assert by_hand == [(1.0,)]


def test_a_build_makes_its_folders_and_records_the_second_it_was_built(tmp_path):
    target = tmp_path / "new" / "nested" / "gse.duckdb"
    build.build_bundled(FIXTURES, target)
    with duckdb.connect(str(target), read_only=True) as connection:
        built_at = connection.execute("select built_at from build_info").fetchone()[0]
    assert built_at.microsecond == 0


def test_a_database_whose_rows_differ_from_those_written_is_refused_by_name(fixture_db):
    with pytest.raises(RuntimeError) as refused:
        build.verify_database(fixture_db, {"members": 13})
    assert str(refused.value) == f"{fixture_db}: row counts {{'members': 12}} differ from the {{'members': 13}} given"
    with (
        build.read_only(fixture_db) as connection,
        pytest.raises(ValueError, match=r"^not a contract table: 'imports'$"),
    ):
        build.table_rows(connection, "imports")


def test_a_swap_without_backups_leaves_the_earlier_backups_alone(tmp_path, monkeypatch):
    path = tmp_path / "gse.duckdb"
    path.write_text("first")

    def swap(text: str, keep: int) -> None:
        written = tmp_path / "written.tmp"
        written.write_text(text)
        build.swap_in(written, path, keep_backups=keep)

    def no_hard_links(*paths):
        raise OSError("Operation not permitted")

    swap("second", 5)
    # A file system without hard links: the backup is copied instead.
    monkeypatch.setattr(build.os, "link", no_hard_links)
    swap("third", 5)
    assert [backup.read_text() for backup in build.backups(path)] == ["second", "first"]
    swap("fourth", 0)
    assert path.read_text() == "fourth"
    assert [backup.read_text() for backup in build.backups(path)] == ["second", "first"]


def test_a_temporary_database_goes_with_its_write_ahead_log(tmp_path):
    temporary = tmp_path / ".gse.duckdb.123.tmp"
    for path in (temporary, tmp_path / ".gse.duckdb.123.tmp.wal", tmp_path / "gse.duckdb"):
        path.write_text("bytes")
    build.remove_temporary(temporary)
    assert [path.name for path in tmp_path.iterdir()] == ["gse.duckdb"]


def test_a_file_without_the_schema_s_rules_is_refused_by_name(tmp_path):
    loose = tmp_path / "loose.duckdb"
    with duckdb.connect(str(loose)) as connection:
        connection.execute("create table members (member_id varchar)")
    with pytest.raises(RuntimeError) as refused:
        build.verify_database(loose, {})
    assert str(refused.value) == f"{loose}: the written schema's constraints differ from queries/schema.sql"


def test_a_file_whose_build_info_is_not_one_row_is_refused_or_not_a_build(fixture_db, tmp_path):
    copy = tmp_path / "gse.duckdb"
    shutil.copy(fixture_db, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("insert into build_info select * from build_info")
    with pytest.raises(RuntimeError, match=r"build_info must hold one row$"):
        build.verify_database(copy, {})
    with duckdb.connect(str(copy)) as connection:
        connection.execute("delete from build_info")
    assert build.stored_build(copy) is None
