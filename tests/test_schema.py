"""The data contract in queries/schema.sql rejects a row that breaks each of its rules."""

import duckdb
import pytest

from dashboard import config

VALID = {
    "departments": "('DEFRA', 'Defra')",
    "locations": "('london', 'London', 'England', 51.5, -0.12, 'London')",
    "workshops": "('w01', 'london', '2025-03-04', 'Venue', 'Host', 40, 10)",
    "members": "('M1', 'DEFRA', 'G7', 'London', 'science', '2020-01-01')",
    "themes": "('cpd', 'CPD', 'Professional development')",
    "suggestions": "('S1', 'w01', 'Q?', 'More CPD', 'cpd', 'M1', 'manual', 1.0)",
    "schemes": "('fls', 'Future Leaders Scheme', 'central', null)",
    "participation": "('M1', 'fls', 2024, 'accepted')",
}

BAD_ROWS = [
    ("departments", "('defra', 'Lowercase id')"),
    ("departments", "('HSE', 'Defra')"),  # duplicate name
    ("departments", "('DEFRA', 'Another')"),  # duplicate key
    ("departments", "('HSE', null)"),
    ("locations", "('cardiff', 'Cardiff', 'Cymru', 51.48, -3.18, 'Wales')"),
    ("locations", "('paris', 'Paris', 'England', 48.85, 2.35, 'London')"),  # latitude below 49.8
    ("locations", "('oslo', 'Oslo', 'Scotland', 59.9, 10.7, 'Scotland')"),  # longitude above 1.8
    ("locations", "('cardiff', 'Cardiff', 'Wales', 51.48, -3.18, 'London')"),  # region outside its nation
    ("locations", "('leeds', 'Leeds', 'England', 53.8, -1.55, 'Atlantis')"),
    ("workshops", "('w02', 'nowhere', '2025-03-04', 'Venue', null, null, null)"),  # orphan location
    ("workshops", "('w02', 'london', '2025-03-04', 'Venue', null, -1, null)"),
    ("workshops", "('w02', 'london', '2025-03-04', 'Venue', null, null, -5)"),
    ("workshops", "('w02', 'london', null, 'Venue', null, null, null)"),
    ("workshops", "('w02', 'london', '2025-03-04', '  ', null, null, null)"),
    ("members", "('M2', 'NOPE', 'G7', 'London', 'science', null)"),
    ("members", "('M2', 'DEFRA', 'G8', 'London', 'science', null)"),
    ("members", "('M2', 'DEFRA', 'G7', 'Mars', 'science', null)"),
    ("members", "('M2', 'DEFRA', 'G7', 'London', 'art', null)"),
    ("members", "('someone@example.org', 'DEFRA', 'G7', 'London', 'science', null)"),  # an email is not pseudonymous
    ("members", "('M1', 'DEFRA', 'G7', 'London', 'science', null)"),
    ("themes", "('CPD', 'Upper', 'Ids are lowercase')"),
    ("themes", "('x', 'CPD', 'Duplicate label')"),
    ("suggestions", "('S2', 'w99', null, 'Text', null, null, null, null)"),
    ("suggestions", "('S2', 'w01', null, '', null, null, null, null)"),
    ("suggestions", f"('S2', 'w01', null, '{'x' * 2001}', null, null, null, null)"),
    ("suggestions", "('S2', 'w01', null, 'Text', 'nonsense', null, 'manual', 1.0)"),
    ("suggestions", "('S2', 'w01', null, 'Text', null, 'M404', null, null)"),
    ("suggestions", "('S2', 'w01', null, 'Text', 'cpd', null, 'guessed', 0.5)"),
    ("suggestions", "('S2', 'w01', null, 'Text', 'cpd', null, 'auto', 1.5)"),
    ("suggestions", "('S2', 'w01', null, 'Text', 'cpd', null, null, null)"),  # a theme must say where it came from
    ("schemes", "('x', 'X', 'national', null)"),
    ("schemes", "('x', 'X', 'departmental', 'NOPE')"),
    ("participation", "('M1', 'fls', 2024, 'completed')"),  # duplicate key
    ("participation", "('M1', 'fls', 2025, 'maybe')"),
    ("participation", "('M404', 'fls', 2025, 'applied')"),
    ("participation", "('M1', 'nope', 2025, 'applied')"),
    ("participation", "('M1', 'fls', 1850, 'applied')"),
]


@pytest.fixture
def contract():
    connection = duckdb.connect()
    connection.execute((config.QUERIES_DIR / "schema.sql").read_text())
    for table, row in VALID.items():
        connection.execute(f"insert into {table} values {row}")
    yield connection
    connection.close()


def test_valid_rows_are_accepted(contract):
    for table in VALID:
        assert contract.execute(f"select count(*) from {table}").fetchone()[0] == 1


@pytest.mark.parametrize(("table", "row"), BAD_ROWS, ids=[f"{table}-{i}" for i, (table, _) in enumerate(BAD_ROWS)])
def test_bad_row_is_rejected(contract, table, row):
    with pytest.raises((duckdb.ConstraintException, duckdb.ConversionException)):
        contract.execute(f"insert into {table} values {row}")
