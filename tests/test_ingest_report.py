"""The words an import's report, history and failures are shown in, on hand-made problems and records."""

import json
import shutil

import pandas as pd
import pytest

from dashboard import build
from dashboard.ingest import importer
from dashboard.ingest.reading import Problem

# Out of file order, so that a grouping that sorted would be seen.
PROBLEMS = [
    Problem("themes.csv", None, None, "has no column label"),
    Problem("members.csv", 7, "grade", "is not a grade the contract allows", "G8"),
    Problem("members.csv", 12, "grade", "is not a grade the contract allows", "Grade\t7"),
    Problem("members.csv", 9, "grade", "is not a grade the contract allows", "g7"),
    Problem("workshops.csv", "3-4", "held_on", "two workshops on one day in one place", "x" * 70, "note"),
]


def test_the_report_has_one_row_per_problem_with_its_place_and_value():
    report = importer.report_frame(PROBLEMS)
    assert report.columns.tolist() == ["severity", "file", "row", "column", "problem", "value"]
    assert report.values.tolist() == [
        ["error", "themes.csv", None, None, "has no column label", None],
        ["error", "members.csv", "7", "grade", "is not a grade the contract allows", "G8"],
        # A tab is shown as \t, so a value that looks right on screen still shows why it is wrong.
        ["error", "members.csv", "12", "grade", "is not a grade the contract allows", "Grade\\t7"],
        ["error", "members.csv", "9", "grade", "is not a grade the contract allows", "g7"],
        ["note", "workshops.csv", "3-4", "held_on", "two workshops on one day in one place", "x" * 59 + "…"],
    ]


def test_the_report_groups_a_problem_by_file_and_column_with_its_first_row():
    groups = importer.problem_groups(importer.report_frame(PROBLEMS))
    assert groups.columns.tolist() == ["severity", "file", "column", "problem", "rows", "first_row"]
    # In the report's order, not sorted: the first row of a group is the first met, not the smallest.
    assert groups.values.tolist() == [
        ["error", "themes.csv", "", "has no column label", 1, ""],
        ["error", "members.csv", "grade", "is not a grade the contract allows", 3, "7"],
        ["note", "workshops.csv", "held_on", "two workshops on one day in one place", 1, "3-4"],
    ]


def test_the_history_names_each_file_by_its_hash_and_adds_up_the_rows():
    imports = pd.DataFrame(
        [
            {
                "import_id": 2,
                "imported_at": "2025-07-10 09:30",
                "imported_by": "analyst@example.gov.uk",
                "source": "upload of members.csv, themes.csv",
                "files": json.dumps({"members.csv": "0123456789abcdef" * 4, "themes.csv": "fedcba9876543210" * 4}),
                "row_counts": json.dumps({"members": 11145, "themes": 9}),
            },
            {
                "import_id": 1,
                "imported_at": "2025-07-09 08:00",
                "imported_by": "build",
                "source": "bundled",
                "files": "{}",
                "row_counts": "{}",
            },
        ]
    )
    history = importer.history_table(imports)
    assert history.columns.tolist() == [
        "Import",
        "Imported at",
        "Imported by",
        "Source",
        "Files",
        "Rows",
        "Row counts",
    ]
    assert history.values.tolist() == [
        [
            2,
            "2025-07-10 09:30",
            "analyst@example.gov.uk",
            "upload of members.csv, themes.csv",
            "members.csv (SHA-256 0123456789ab…), themes.csv (SHA-256 fedcba987654…)",
            11154,
            "members 11,145, themes 9",
        ],
        [1, "2025-07-09 08:00", "build", "bundled", "", 0, ""],
    ]
    assert importer.history_table(imports.iloc[:0]).columns.tolist() == history.columns.tolist()


@pytest.fixture
def live_copy(fixture_db, tmp_path):
    path = tmp_path / "gse.duckdb"
    shutil.copy(fixture_db, path)
    return path


def test_a_failed_import_says_whether_the_old_data_is_still_in_place(live_copy):
    version = build.stored_build(live_copy)["data_version"]
    error = OSError("disk  full\nwhile writing")
    assert importer.failure_line(live_copy, error, version_before=version) == (
        f"{live_copy}: nothing was imported; the current database is unchanged: OSError: disk full while writing"
    )
    # Checked against the file, not assumed: a failure after the swap leaves the new version in place.
    assert importer.failure_line(live_copy, error, version_before="an older version") == (
        f"{live_copy}: the new data is in place, but the step after the swap failed: OSError: disk full while writing"
    )
    assert importer.failure_line(live_copy, ValueError(" "), version_before=version) == (
        f"{live_copy}: nothing was imported; the current database is unchanged: ValueError: no details given"
    )
    busy = importer.ImportBusy("another import into this database is running")
    assert (
        importer.failure_line(live_copy, busy, version_before=version) == "another import into this database is running"
    )


def test_a_missing_database_counts_as_unchanged_when_there_was_none_before(tmp_path):
    absent = tmp_path / "none.duckdb"
    assert importer.failure_line(absent, OSError("no space"), version_before=None) == (
        f"{absent}: nothing was imported; the current database is unchanged: OSError: no space"
    )


def test_problems_are_listed_by_file_then_row_as_a_spreadsheet_counts_them():
    problems = [
        Problem("workshops.csv", 10, "held_on", "a"),
        Problem("members.csv", 2, "grade", "b"),
        Problem("workshops.csv", 9, "venue", "c"),
        Problem("members.csv", None, None, "d"),
        Problem("workshops.csv", "3-4", "held_on", "e"),
        Problem("workshops.csv", 9, "host", "f"),
        Problem("workshops.csv", "2-3", "held_on", "g"),
        Problem("workshops.csv", 9, None, "h"),
    ]
    ordered = sorted(problems, key=importer.problem_order)
    # Whole-file problems first; ranges of rows (2-3, 3-4) in their order, ahead of row 9; 9 before 10 (numbers, not
    # text); in a row, a problem with the whole row before those of its columns, then by column.
    assert [problem.message for problem in ordered] == ["d", "b", "g", "e", "h", "f", "c", "a"]
