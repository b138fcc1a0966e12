"""The data contract in queries/schema.sql rejects a row that breaks each of its rules, on that rule."""

import re

import duckdb
import pytest

from dashboard import config

# Rows every table accepts, inserted before each case so that keys can be duplicated and references can resolve.
VALID = {
    "departments": ["('DEFRA', 'Defra')"],
    "locations": ["('london', 'London', 'England', 51.5, -0.12, 'London')"],
    "workshops": ["('w01', 'london', '2025-03-04', 'Venue', 'Host', 40, 10)"],
    "members": ["('M1', 'DEFRA', 'G7', 'London', 'science', '2020-01-01')"],
    "themes": ["('cpd', 'CPD', 'Professional development')"],
    "suggestions": [
        "('S1', 'w01', 'Q?', 'More CPD', 'cpd', 'M1', 'manual', 1.0, sha256('More CPD'), null)",
        "('S2', 'w01', null, 'Not scored yet', 'cpd', null, 'auto', 0.6, sha256('Not scored yet'), 'build-abc123')",
    ],
    "schemes": ["('fls', 'Future Leaders Scheme', 'central', null)"],
    "participation": ["('M1', 'fls', 2024, 'accepted')"],
    "typicality": ["('S1', 'cpd', 0.8)"],
    "theme_alternatives": ["('S2', 1, 'cpd', 0.6)"],
    "build_info": ["('abc123', '2025-07-09', '2025-07-10 09:00:00', 'bundled')"],
    "imports": ["(1, '2025-07-10 09:00:00', 'builder', 'bundled', '{}', '{}')"],
    "import_counts": ["(1, 'members', 'department', 'DEFRA', 'Defra', 1)"],
}

# (constraint, table, row): each row breaks the named constraint (its name in duckdb_constraints()) and, where the
# contract allows it, no other, so the error can only come from the rule the case was written for.
BAD_ROWS = [
    ("departments_department_id_check", "departments", "('defra', 'Lowercase id')"),
    ("departments_department_id_check", "departments", "('D', 'Too short')"),
    ("departments_department_id_pkey", "departments", "('DEFRA', 'Another')"),
    ("departments_department_id_not_null", "departments", "(null, 'Nobody')"),
    ("departments_name_key", "departments", "('HSE', 'Defra')"),
    ("departments_name_check", "departments", "('HSE', '   ')"),
    ("departments_name_not_null", "departments", "('HSE', null)"),
    (
        "locations_location_id_check",
        "locations",
        "('x', 'Short id', 'England', 53.8, -1.55, 'Yorkshire and The Humber')",
    ),
    (
        "locations_location_id_check",
        "locations",
        "('Leeds', 'Leeds', 'England', 53.8, -1.55, 'Yorkshire and The Humber')",
    ),
    ("locations_location_id_pkey", "locations", "('london', 'London again', 'England', 51.5, -0.12, 'London')"),
    ("locations_location_id_not_null", "locations", "(null, 'Nowhere', 'England', 51.5, -0.12, 'London')"),
    ("locations_name_key", "locations", "('leeds', 'London', 'England', 53.8, -1.55, 'Yorkshire and The Humber')"),
    ("locations_name_check", "locations", "('leeds', ' ', 'England', 53.8, -1.55, 'Yorkshire and The Humber')"),
    ("locations_name_not_null", "locations", "('leeds', null, 'England', 53.8, -1.55, 'Yorkshire and The Humber')"),
    # No row breaks the nation check alone: an unlisted nation also breaks a nation/region rule. The nation is checked first.
    ("locations_nation_check", "locations", "('cymru', 'Cymru', 'Cymru', 51.48, -3.18, 'Wales')"),
    ("locations_nation_not_null", "locations", "('leeds', 'Leeds', null, 53.8, -1.55, 'Yorkshire and The Humber')"),
    ("locations_latitude_check", "locations", "('paris', 'Paris', 'England', 48.85, 1.0, 'London')"),
    (
        "locations_latitude_not_null",
        "locations",
        "('leeds', 'Leeds', 'England', null, -1.55, 'Yorkshire and The Humber')",
    ),
    ("locations_longitude_check", "locations", "('oslo', 'Oslo', 'Scotland', 59.9, 10.7, 'Scotland')"),
    (
        "locations_longitude_not_null",
        "locations",
        "('leeds', 'Leeds', 'England', 53.8, null, 'Yorkshire and The Humber')",
    ),
    ("locations_region_check", "locations", "('leeds', 'Leeds', 'England', 53.8, -1.55, 'Atlantis')"),
    ("locations_region_not_null", "locations", "('leeds', 'Leeds', 'England', 53.8, -1.55, null)"),
    ("locations_nation_region_check", "locations", "('chepstow', 'Chepstow', 'England', 51.64, -2.67, 'Wales')"),
    ("locations_nation_region_nation_check", "locations", "('cardiff', 'Cardiff', 'Wales', 51.48, -3.18, 'Scotland')"),
    ("workshops_workshop_id_check", "workshops", "('  ', 'london', '2025-03-04', 'Venue', null, null, null)"),
    ("workshops_workshop_id_pkey", "workshops", "('w01', 'london', '2025-03-05', 'Venue', null, null, null)"),
    ("workshops_workshop_id_not_null", "workshops", "(null, 'london', '2025-03-04', 'Venue', null, null, null)"),
    (
        "workshops_location_id_location_id_fkey",
        "workshops",
        "('w02', 'nowhere', '2025-03-04', 'Venue', null, null, null)",
    ),
    ("workshops_location_id_not_null", "workshops", "('w02', null, '2025-03-04', 'Venue', null, null, null)"),
    ("workshops_held_on_not_null", "workshops", "('w02', 'london', null, 'Venue', null, null, null)"),
    ("workshops_venue_check", "workshops", "('w02', 'london', '2025-03-04', '  ', null, null, null)"),
    ("workshops_venue_not_null", "workshops", "('w02', 'london', '2025-03-04', null, null, null, null)"),
    ("workshops_attendees_check", "workshops", "('w02', 'london', '2025-03-04', 'Venue', null, -1, null)"),
    ("workshops_miles_travelled_check", "workshops", "('w02', 'london', '2025-03-04', 'Venue', null, null, -5)"),
    ("workshops_attendees_check", "workshops", "('w02', 'london', '2025-03-04', 'Venue', null, 10001, null)"),
    ("workshops_miles_travelled_check", "workshops", "('w02', 'london', '2025-03-04', 'Venue', null, null, 1e308)"),
    ("workshops_held_on_check", "workshops", "('w02', 'london', '2101-01-01', 'Venue', null, null, null)"),
    ("workshops_held_on_check", "workshops", "('w02', 'london', '1949-12-31', 'Venue', null, null, null)"),
    # An email or a name is not pseudonymous.
    (
        "members_member_id_member_id_member_id_check",
        "members",
        "('someone@example.org', 'DEFRA', 'G7', 'London', 'science', null)",
    ),
    (
        "members_member_id_member_id_member_id_check",
        "members",
        "('Jane Smith', 'DEFRA', 'G7', 'London', 'science', null)",
    ),
    ("members_member_id_member_id_member_id_check", "members", "('', 'DEFRA', 'G7', 'London', 'science', null)"),
    ("members_member_id_pkey", "members", "('M1', 'DEFRA', 'G7', 'London', 'science', null)"),
    ("members_member_id_not_null", "members", "(null, 'DEFRA', 'G7', 'London', 'science', null)"),
    ("members_department_id_department_id_fkey", "members", "('M2', 'NOPE', 'G7', 'London', 'science', null)"),
    ("members_department_id_not_null", "members", "('M2', null, 'G7', 'London', 'science', null)"),
    ("members_joined_on_check", "members", "('M2', 'DEFRA', 'G7', 'London', 'science', '2101-01-01')"),
    ("members_grade_check", "members", "('M2', 'DEFRA', 'G8', 'London', 'science', null)"),
    ("members_grade_not_null", "members", "('M2', 'DEFRA', null, 'London', 'science', null)"),
    ("members_region_check", "members", "('M2', 'DEFRA', 'G7', 'Mars', 'science', null)"),
    ("members_region_not_null", "members", "('M2', 'DEFRA', 'G7', null, 'science', null)"),
    ("members_background_check", "members", "('M2', 'DEFRA', 'G7', 'London', 'art', null)"),
    ("members_background_not_null", "members", "('M2', 'DEFRA', 'G7', 'London', null, null)"),
    ("themes_theme_id_check", "themes", "('CPD', 'Upper', 'Ids are lowercase')"),
    ("themes_theme_id_check", "themes", "('x', 'Short', 'Ids have two letters or more')"),
    ("themes_theme_id_pkey", "themes", "('cpd', 'Another label', 'Duplicate id')"),
    ("themes_theme_id_not_null", "themes", "(null, 'Skills', 'No id')"),
    ("themes_label_key", "themes", "('skills', 'CPD', 'Duplicate label')"),
    ("themes_label_check", "themes", "('skills', '  ', 'Blank label')"),
    ("themes_label_not_null", "themes", "('skills', null, 'No label')"),
    ("themes_description_check", "themes", "('skills', 'Skills', ' ')"),
    ("themes_description_not_null", "themes", "('skills', 'Skills', null)"),
    (
        "suggestions_suggestion_id_check",
        "suggestions",
        "(' ', 'w01', null, 'Text', null, null, null, null, sha256('Text'), null)",
    ),
    (
        "suggestions_suggestion_id_pkey",
        "suggestions",
        "('S1', 'w01', null, 'Text', null, null, null, null, sha256('Text'), null)",
    ),
    (
        "suggestions_suggestion_id_not_null",
        "suggestions",
        "(null, 'w01', null, 'Text', null, null, null, null, sha256('Text'), null)",
    ),
    (
        "suggestions_workshop_id_workshop_id_fkey",
        "suggestions",
        "('S3', 'w99', null, 'Text', null, null, null, null, sha256('Text'), null)",
    ),
    (
        "suggestions_workshop_id_not_null",
        "suggestions",
        "('S3', null, null, 'Text', null, null, null, null, sha256('Text'), null)",
    ),
    ("suggestions_text_text_check", "suggestions", "('S3', 'w01', null, '', null, null, null, null, sha256(''), null)"),
    (
        "suggestions_text_text_check",
        "suggestions",
        "('S3', 'w01', null, '   ', null, null, null, null, sha256('   '), null)",
    ),
    (
        "suggestions_text_text_check",
        "suggestions",
        f"('S3', 'w01', null, '{'x' * 2001}', null, null, null, null, sha256('{'x' * 2001}'), null)",
    ),
    ("suggestions_text_not_null", "suggestions", "('S3', 'w01', null, null, null, null, null, null, null, null)"),
    (
        "suggestions_theme_id_theme_id_fkey",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'nonsense', null, 'manual', 1.0, sha256('Text'), null)",
    ),
    (
        "suggestions_member_id_member_id_fkey",
        "suggestions",
        "('S3', 'w01', null, 'Text', null, 'M404', null, null, sha256('Text'), null)",
    ),
    # The build fills text_hash; a hash of other text would tie review decisions to the wrong words.
    (
        "suggestions_text_hash_text_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', null, null, null, null, sha256('Other'), null)",
    ),
    (
        "suggestions_text_hash_not_null",
        "suggestions",
        "('S3', 'w01', null, 'Text', null, null, null, null, null, null)",
    ),
    (
        "suggestions_theme_source_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'guessed', 0.5, sha256('Text'), null)",
    ),
    (
        "suggestions_confidence_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'auto', 1.5, sha256('Text'), 'build-abc123')",
    ),
    (
        "suggestions_confidence_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'auto', -0.1, sha256('Text'), 'build-abc123')",
    ),
    # A theme must say where it came from, and a source needs a theme.
    (
        "suggestions_theme_id_theme_source_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, null, null, sha256('Text'), null)",
    ),
    (
        "suggestions_theme_id_theme_source_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', null, null, 'auto', 0.5, sha256('Text'), 'build-abc123')",
    ),
    # The model version names a model the build or a retrain made, and every auto tag has one, and only auto tags.
    (
        "suggestions_model_version_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'auto', 0.5, sha256('Text'), 'my model')",
    ),
    (
        "suggestions_theme_source_model_version_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'auto', 0.5, sha256('Text'), null)",
    ),
    (
        "suggestions_theme_source_model_version_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', 'cpd', null, 'manual', 1.0, sha256('Text'), 'build-abc123')",
    ),
    (
        "suggestions_theme_source_model_version_check",
        "suggestions",
        "('S3', 'w01', null, 'Text', null, null, null, null, sha256('Text'), 'retrain-20261204-abc')",
    ),
    ("schemes_scheme_id_check", "schemes", "('x', 'Short id', 'central', null)"),
    ("schemes_scheme_id_check", "schemes", "('FLS2', 'Upper id', 'central', null)"),
    ("schemes_scheme_id_pkey", "schemes", "('fls', 'Another scheme', 'central', null)"),
    ("schemes_scheme_id_not_null", "schemes", "(null, 'No id', 'central', null)"),
    ("schemes_name_key", "schemes", "('fls_two', 'Future Leaders Scheme', 'central', null)"),
    ("schemes_name_check", "schemes", "('aspire', ' ', 'central', null)"),
    ("schemes_name_not_null", "schemes", "('aspire', null, 'central', null)"),
    ("schemes_kind_check", "schemes", "('aspire', 'Aspire', 'national', null)"),
    ("schemes_kind_not_null", "schemes", "('aspire', 'Aspire', null, null)"),
    (
        "schemes_department_id_department_id_fkey",
        "schemes",
        "('defra_leaders', 'Defra Leaders', 'departmental', 'NOPE')",
    ),
    ("participation_member_id_scheme_id_cohort_year_pkey", "participation", "('M1', 'fls', 2024, 'completed')"),
    ("participation_member_id_member_id_fkey", "participation", "('M404', 'fls', 2025, 'applied')"),
    ("participation_member_id_not_null", "participation", "(null, 'fls', 2025, 'applied')"),
    ("participation_scheme_id_scheme_id_fkey", "participation", "('M1', 'nope', 2025, 'applied')"),
    ("participation_scheme_id_not_null", "participation", "('M1', null, 2025, 'applied')"),
    ("participation_cohort_year_check", "participation", "('M1', 'fls', 1850, 'applied')"),
    ("participation_cohort_year_check", "participation", "('M1', 'fls', 2101, 'applied')"),
    ("participation_cohort_year_not_null", "participation", "('M1', 'fls', null, 'applied')"),
    ("participation_status_check", "participation", "('M1', 'fls', 2025, 'maybe')"),
    ("participation_status_not_null", "participation", "('M1', 'fls', 2025, null)"),
    ("theme_alternatives_suggestion_id_theme_rank_pkey", "theme_alternatives", "('S2', 1, 'cpd', 0.5)"),
    ("theme_alternatives_suggestion_id_suggestion_id_fkey", "theme_alternatives", "('S404', 2, 'cpd', 0.5)"),
    ("theme_alternatives_suggestion_id_not_null", "theme_alternatives", "(null, 2, 'cpd', 0.5)"),
    ("theme_alternatives_theme_rank_check", "theme_alternatives", "('S2', 4, 'cpd', 0.1)"),
    ("theme_alternatives_theme_rank_not_null", "theme_alternatives", "('S2', null, 'cpd', 0.1)"),
    ("theme_alternatives_theme_id_theme_id_fkey", "theme_alternatives", "('S2', 2, 'nope', 0.1)"),
    ("theme_alternatives_theme_id_not_null", "theme_alternatives", "('S2', 2, null, 0.1)"),
    ("theme_alternatives_probability_check", "theme_alternatives", "('S2', 2, 'cpd', 1.5)"),
    ("theme_alternatives_probability_not_null", "theme_alternatives", "('S2', 2, 'cpd', null)"),
    ("typicality_suggestion_id_pkey", "typicality", "('S1', 'cpd', 0.1)"),
    ("typicality_suggestion_id_suggestion_id_fkey", "typicality", "('S404', 'cpd', 0.5)"),
    ("typicality_suggestion_id_not_null", "typicality", "(null, 'cpd', 0.5)"),
    ("typicality_theme_id_theme_id_fkey", "typicality", "('S2', 'nope', 0.5)"),
    ("typicality_theme_id_not_null", "typicality", "('S2', null, 0.5)"),
    ("typicality_score_not_null", "typicality", "('S2', 'cpd', null)"),
    ("build_info_data_version_not_null", "build_info", "(null, '2025-07-09', '2025-07-10 09:00:00', 'bundled')"),
    ("build_info_data_date_not_null", "build_info", "('abc123', null, '2025-07-10 09:00:00', 'bundled')"),
    ("build_info_built_at_not_null", "build_info", "('abc123', '2025-07-09', null, 'bundled')"),
    ("build_info_source_not_null", "build_info", "('abc123', '2025-07-09', '2025-07-10 09:00:00', null)"),
    ("imports_import_id_pkey", "imports", "(1, '2025-07-11 09:00:00', 'builder', 'bundled', '{}', '{}')"),
    ("imports_import_id_not_null", "imports", "(null, '2025-07-11 09:00:00', 'builder', 'bundled', '{}', '{}')"),
    ("imports_imported_at_not_null", "imports", "(2, null, 'builder', 'bundled', '{}', '{}')"),
    ("imports_imported_by_not_null", "imports", "(2, '2025-07-11 09:00:00', null, 'bundled', '{}', '{}')"),
    ("imports_source_not_null", "imports", "(2, '2025-07-11 09:00:00', 'builder', null, '{}', '{}')"),
    ("imports_files_not_null", "imports", "(2, '2025-07-11 09:00:00', 'builder', 'bundled', null, '{}')"),
    ("imports_row_counts_not_null", "imports", "(2, '2025-07-11 09:00:00', 'builder', 'bundled', '{}', null)"),
    ("import_counts_import_id_not_null", "import_counts", "(null, 'members', 'department', 'EA', 'EA', 1)"),
    ("import_counts_measure_check", "import_counts", "(1, 'people', 'department', 'EA', 'EA', 1)"),
    ("import_counts_measure_not_null", "import_counts", "(1, null, 'department', 'EA', 'EA', 1)"),
    ("import_counts_group_kind_check", "import_counts", "(1, 'members', 'region', 'EA', 'EA', 1)"),
    ("import_counts_group_kind_not_null", "import_counts", "(1, 'members', null, 'EA', 'EA', 1)"),
    ("import_counts_group_key_not_null", "import_counts", "(1, 'members', 'department', null, 'EA', 1)"),
    ("import_counts_group_label_not_null", "import_counts", "(1, 'members', 'department', 'EA', null, 1)"),
    ("import_counts_value_check", "import_counts", "(1, 'members', 'department', 'EA', 'EA', -1)"),
    ("import_counts_value_not_null", "import_counts", "(1, 'members', 'department', 'EA', 'EA', null)"),
    (
        "import_counts_import_id_measure_group_kind_group_key_pkey",
        "import_counts",
        "(1, 'members', 'department', 'DEFRA', 'Defra again', 2)",
    ),
]


def schema_constraints(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Every constraint schema.sql declares, by name: (table, type, text, columns)."""
    rows = connection.execute(
        """
        select constraint_name, table_name, constraint_type, constraint_text, constraint_column_names
        from duckdb_constraints()
        where schema_name = 'main'
        """
    ).fetchall()
    return {name: rest for name, *rest in rows}


def error_pattern(table: str, kind: str, text: str, columns: list[str]) -> str:
    """A regular expression for DuckDB's message when a row breaks this constraint."""
    key = ", ".join(f'{re.escape(column)}: [^"]*' for column in columns)
    patterns = {
        "CHECK": re.escape(f'CHECK constraint failed on table "{table}" with expression {text}') + "$",
        "NOT NULL": rf'NOT NULL constraint failed: {table}\."?{columns[0]}"?$',
        "PRIMARY KEY": f'Duplicate key "{key}" violates primary key constraint',
        "UNIQUE": f'Duplicate key "{key}" violates unique constraint',
        "FOREIGN KEY": f'Violates foreign key constraint because key "{key}" does not exist',
    }
    return patterns[kind]


@pytest.fixture
def contract():
    connection = duckdb.connect()
    connection.execute((config.QUERIES_DIR / "schema.sql").read_text())
    for table, rows in VALID.items():
        connection.execute(f"insert into {table} values {', '.join(rows)}")
    yield connection
    connection.close()


def test_valid_rows_are_accepted(contract):
    for table, rows in VALID.items():
        assert contract.execute(f"select count(*) from {table}").fetchone()[0] == len(rows)


def test_every_constraint_is_broken_by_some_case(contract):
    declared = set(schema_constraints(contract))
    tested = {name for name, _, _ in BAD_ROWS}
    assert declared - tested == set(), "constraints no case breaks"
    assert tested - declared == set(), "cases naming a constraint schema.sql does not declare"
    assert set(VALID) == {table for table, _, _, _ in schema_constraints(contract).values()}


@pytest.mark.parametrize(
    ("constraint", "table", "row"), BAD_ROWS, ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(BAD_ROWS)]
)
def test_bad_row_is_rejected_by_its_constraint(contract, constraint, table, row):
    constraints = schema_constraints(contract)
    assert constraints[constraint][0] == table
    with pytest.raises(duckdb.ConstraintException, match=error_pattern(*constraints[constraint])) as raised:
        contract.execute(f"insert into {table} values {row}")
    # The message must name this constraint only: no other rule of the table would have produced it.
    matching = [
        name
        for name, spec in constraints.items()
        if spec[0] == table and re.search(error_pattern(*spec), str(raised.value))
    ]
    assert matching == [constraint]
