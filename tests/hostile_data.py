"""Hostile fixture data: Markdown, HTML, URLs and formulas in every free-text column of the contract."""

import shutil
from itertools import cycle
from pathlib import Path

import pandas as pd

from dashboard import build
from tests.conftest import FIXTURES

# Each would fetch, link or run something outside if a page, chart, report or pack rendered it instead of showing it.
# Every one names evil.example, which the tests look for.
PAYLOADS = (
    '=HYPERLINK("http://evil.example","CPD")',
    "![t](http://evil.example/t.png)",
    '<img src="http://evil.example/i.png">',
    '<a href="http://evil.example/a">G</a>',
    "http://evil.example/bare",
    "www.evil.example",
    "x@evil.example",
    "<svg><image href='http://evil.example/s.png'/></svg>",
    "[link](https://evil.example/l) :red[evil] $x^2$ **evil**",
)
# Every column whose values are free text (keys with a pattern, enumerations, numbers and dates cannot hold these).
TEXT_COLUMNS = {
    "departments": ["name"],
    "locations": ["name"],
    "workshops": ["workshop_id", "venue", "host"],
    "themes": ["label", "description"],
    "suggestions": ["question", "text"],
    "schemes": ["name"],
}


def hostile(values: pd.Series, payloads) -> pd.Series:
    """Each value with a payload around it (before it, then after it, in turn), kept unique and non-empty."""
    return pd.Series(
        [
            value if value == "" else (f"{payload} {value}" if index % 2 == 0 else f"{value} {payload}")
            for index, (value, payload) in enumerate(zip(values, payloads))
        ],
        index=values.index,
    )


def write_csvs(folder: Path) -> Path:
    """The fixture CSVs with a payload in every free-text cell, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for csv in FIXTURES.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    tables = {table: pd.read_csv(folder / f"{table}.csv", keep_default_na=False, dtype=str) for table in TEXT_COLUMNS}
    for table, columns in TEXT_COLUMNS.items():
        for column in columns:
            # Each column starts the cycle afresh, so its first value opens with a formula.
            tables[table][column] = hostile(tables[table][column], cycle(PAYLOADS))
    # The workshop IDs changed, so the suggestions follow them.
    renamed = dict(
        zip(pd.read_csv(FIXTURES / "workshops.csv", dtype=str)["workshop_id"], tables["workshops"]["workshop_id"])
    )
    tables["suggestions"]["workshop_id"] = tables["suggestions"]["workshop_id"].map(renamed)
    for table, frame in tables.items():
        frame.to_csv(folder / f"{table}.csv", index=False)
    return folder


def build_database(folder: Path) -> Path:
    """A database built from the hostile CSVs, as `make run` builds the bundled one."""
    path = folder / "gse.duckdb"
    build.build_bundled(write_csvs(folder / "csv"), path)
    return path
