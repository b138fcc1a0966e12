"""The Data page: figures of the loaded data, a dry run on upload, a filterable report, Import only when valid."""

import io
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from dashboard import build, themes
from tests.conftest import kpis

PAGE = "dashboard/pages/data.py"
BAD = Path(__file__).parent / "bad_inputs"
GOOD = Path(__file__).parent / "good_inputs"


@pytest.fixture
def current_db(fixture_db, tmp_path, use_db, monkeypatch) -> Path:
    """A copy of the fixture database that the app reads, with disclosure off so small figures show."""
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    path = tmp_path / "gse.duckdb"
    shutil.copy(fixture_db, path)
    use_db(path)
    return path


def upload(app, *paths: Path):
    """Put files in the page's uploader and rerun."""
    files = [(path.name, path.read_bytes(), "application/octet-stream") for path in paths]
    app.file_uploader[0].set_value(files).run()
    return app


def report(app):
    """The validation report table (the one with a value column)."""
    return next(frame.value for frame in app.dataframe if "value" in frame.value.columns)


def test_the_page_shows_the_loaded_data_and_its_quality(current_db, open_page, fixture_csvs):
    app = open_page(PAGE)
    assert not app.exception
    shown = kpis(app)
    untagged = int(fixture_csvs["suggestions"]["theme_id"].isna().sum())
    with build.read_only(current_db) as connection:
        low = connection.execute(
            "select count(*) from suggestions where theme_source = 'auto' and confidence < $threshold",
            {"threshold": themes.REVIEW_THRESHOLD},
        ).fetchone()[0]
    assert shown["Suggestions"] == str(len(fixture_csvs["suggestions"]))
    assert shown["Untagged suggestions"] == "0"  # the classifier tagged them all
    assert shown["Auto-tagged suggestions"] == str(untagged)
    assert shown["Auto-tagged, needing review"] == str(low)
    assert shown["Members without a department"] == str(int(fixture_csvs["members"]["department_id"].isna().sum()))
    assert shown["Members"] == str(len(fixture_csvs["members"]))
    assert shown["Imports recorded"] == "1"
    counts = app.dataframe[0].value.set_index("Table")["Rows"].to_dict()
    assert counts == {table: len(frame) for table, frame in fixture_csvs.items()}
    history = app.dataframe[1].value
    assert history["Import"].tolist() == [1]


def test_a_bad_upload_shows_every_problem_and_cannot_be_imported(current_db, open_page):
    before = current_db.read_bytes()
    case = BAD / "combination"
    app = upload(open_page(PAGE), *sorted(case.glob("*.csv")))
    assert not app.exception
    assert "8 problems in 2 files" in app.error[0].value
    assert app.button(key="data_import").disabled
    problems = report(app)
    errors = problems[problems["severity"] == "error"]
    lines = [
        f"{r.file}:{r.row}: {r.column}: {r.problem}" + (f" ({r.value})" if pd.notna(r.value) else "")
        for r in errors.itertuples()
    ]
    assert lines == (case / "expected.txt").read_text().splitlines()
    app.text_input(key="data_report_search").set_value("SG").run()
    assert len(report(app)) == 3
    app.multiselect(key="data_report_severity").set_value(["note"]).run()
    assert set(report(app)["severity"]) <= {"note"}
    assert current_db.read_bytes() == before


def test_a_file_that_is_not_what_its_name_says_is_refused(current_db, open_page, tmp_path):
    disguised = tmp_path / "members.csv"
    disguised.write_bytes((GOOD / "workbook" / "gse.xlsx").read_bytes())
    app = upload(open_page(PAGE), disguised)
    assert app.button(key="data_import").disabled
    assert "content is an Excel workbook but the name ends .csv" in report(app)["problem"].tolist()


def test_a_valid_workbook_imports_into_the_apps_database(current_db, open_page, fixture_csvs):
    app = upload(open_page(PAGE), GOOD / "workbook" / "gse.xlsx")
    assert not app.exception
    assert "every check passed" in app.success[0].value
    plan = app.dataframe[1].value
    assert plan["action"].tolist() == ["replace"] * len(build.TABLES)
    assert not app.button(key="data_import").disabled
    app.button(key="data_import").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Imported ")
    assert not app.file_uploader[0].value  # emptied, so the same files cannot be imported twice by accident
    with build.read_only(current_db) as connection:
        imports = connection.execute("select imported_by, source from imports order by import_id").fetchall()
        departments = connection.execute("select name from departments where department_id = 'METOFFICE'").fetchone()
    assert imports[-1][1] == "import of gse.xlsx"
    assert imports[-1][0]
    assert departments == ("Met Office (Météo)",)
    assert len(build.backups(current_db)) == 1


def test_a_failed_write_shows_an_error_and_keeps_the_old_database(current_db, open_page, monkeypatch):
    before = current_db.read_bytes()

    def fail(*arguments, **options):
        raise duckdb.IOException("IO Error: could not write file: no space left on device")

    monkeypatch.setattr(build, "verify_database", fail)
    app = upload(open_page(PAGE), GOOD / "workbook" / "gse.xlsx")
    app.button(key="data_import").click().run()
    assert not app.exception
    # The message is shown as text: Markdown escapes (the path's underscores) are undone to compare what is read.
    assert [re.sub(r"\\(.)", r"\1", error.value) for error in app.error] == [
        f"{current_db}: nothing was imported; the current database is unchanged: IOException: IO Error: could not "
        "write file: no space left on device"
    ]
    assert current_db.read_bytes() == before
    assert not list(current_db.parent.glob(".gse.duckdb.*.tmp*"))


def test_the_report_downloads_follow_the_tables_filter(current_db, open_page, monkeypatch):
    offered = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(storage, data, mimetype, kind, filename=None):
        file_id = real(storage, data, mimetype, kind, filename)
        offered[file_id] = data
        return file_id

    # The bytes each download button would send, by the file id at the end of the button's URL.
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)

    def downloaded(app, key: str) -> tuple[list[str], pd.DataFrame]:
        """The cover sheet's facts as `label: value` lines, and the table as the CSV gives it."""
        payload = offered[Path(app.download_button(key=key.replace("_csv", "_xlsx")).proto.url).stem]
        cover = openpyxl.load_workbook(io.BytesIO(payload))["Cover"]
        facts = [f"{row[0].value}: {row[1].value}" for row in cover.iter_rows(min_row=2)]
        text = offered[Path(app.download_button(key=key).proto.url).stem]
        return facts, pd.read_csv(io.BytesIO(text), dtype=str)

    app = upload(open_page(PAGE), *sorted((BAD / "combination").glob("*.csv")))
    everything = report(app)
    assert not [button for button in app.download_button if button.key.startswith("data_report_full")]
    app.text_input(key="data_report_search").set_value("SG").run()
    assert not app.exception
    shown = report(app)
    assert len(shown) == 3 < len(everything)
    comments, rows = downloaded(app, "data_report_shown_csv")
    assert rows["row"].tolist() == shown["row"].tolist()
    assert rows["problem"].tolist() == shown["problem"].tolist()
    assert (
        "Filters: Uploaded files: departments.csv, members.csv, workshops.csv. Shown: severity error or note; "
        "matching 'SG'" in comments
    )
    assert app.download_button(key="data_report_shown_csv").label == "Download the 3 rows shown (CSV)"
    _, full = downloaded(app, "data_report_full_csv")
    assert len(full) == len(everything)
    assert (
        app.download_button(key="data_report_full_csv").label
        == f"Download the full report ({len(everything)} rows) (CSV)"
    )
