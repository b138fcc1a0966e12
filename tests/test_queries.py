"""Every query in queries/ runs on the fixture database, and its result's key (from its header) is unique."""

import json
import re
from datetime import date

import pytest

from dashboard import config, data
from dashboard.filters import Filters

QUERY_NAMES = sorted(path.stem for path in config.QUERIES_DIR.glob("*.sql") if path.stem not in data.NOT_QUERIES)


def header(name: str, field: str) -> str | None:
    """A `-- Field: value` line from a query's header."""
    match = re.search(rf"^-- {field}: (.+?)\.?$", data.sql_text(name), re.MULTILINE)
    return match.group(1) if match else None


@pytest.fixture(autouse=True)
def _fixture_database(fixture_db, use_db):
    use_db(fixture_db)


def run(name: str, filters: Filters = Filters(), **extra):
    """Run a query with the shared filters, its header's example values for its own parameters, and any extras."""
    examples = json.loads(header(name, "Example") or "{}")
    parameters = {**dict.fromkeys(data.parameters_of(name)), **filters.params(), **examples, **extra}
    return data.query(name, **parameters)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_declares_its_key(name):
    assert data.sql_text(name).startswith("--"), f"{name}.sql needs a header"
    assert header(name, "Key"), f"{name}.sql: add a '-- Key: column, column' or '-- Key: one row' line"


@pytest.mark.parametrize("name", QUERY_NAMES)
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(theme_ids=("cpd",), nations=("England",), date_from=date(2025, 4, 1))],
    ids=["unfiltered", "filtered"],
)
def test_query_runs_with_a_unique_key(name, filters):
    result = run(name, filters)
    key = header(name, "Key")
    if key == "one row":
        assert len(result) == 1
    else:
        columns = [column.strip() for column in key.split(",")]
        assert not result.duplicated(columns).any()


def test_query_names_cannot_escape_the_folder():
    with pytest.raises(ValueError):
        data.sql_text("../queries/schema")


def test_missing_parameter_is_an_error():
    with pytest.raises(TypeError, match="theme_ids"):
        data.query("theme_counts")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            Filters(),
            {
                "cpd": 4,
                "recognition": 2,
                "leadership": 2,
                "mentoring": 2,
                "skills": 1,
                "recruitment": 1,
                "collaboration": 1,
                "careers": 1,
                "inclusion": 1,
            },
        ),
        (Filters(theme_ids=("cpd",)), {"cpd": 4}),
        (Filters(location_ids=("glasgow",)), {"recognition": 1, "mentoring": 2, "skills": 1}),
        (Filters(nations=("Scotland",), theme_ids=("skills", "cpd")), {"skills": 1}),
        (
            Filters(date_from=date(2025, 4, 1)),
            {"cpd": 1, "recruitment": 1, "leadership": 2, "collaboration": 1, "careers": 1, "inclusion": 1},
        ),
    ],
)
def test_theme_counts(filters, expected):
    result = run("theme_counts", filters)
    counts = result.set_index("theme_id")["suggestions"]
    assert {theme: n for theme, n in counts.items() if n} == expected
    assert result["share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            Filters(),
            {
                "members": 12,
                "departments": 3,
                "workshops": 4,
                "locations": 3,
                "suggestions": 15,
                "miles_travelled": 1025,
                "participants": 4,
                "scheme_applicants": 6,
            },
        ),
        (Filters(department_ids=("SG",)), {"members": 3, "departments": 1, "participants": 2, "scheme_applicants": 2}),
        (
            Filters(nations=("Scotland",)),
            {"members": 3, "workshops": 1, "locations": 1, "suggestions": 4, "miles_travelled": 405},
        ),
        (Filters(theme_ids=("cpd",), location_ids=("london",)), {"workshops": 2, "suggestions": 3}),
    ],
)
def test_overview_kpis(filters, expected):
    kpis = data.query_one("overview_kpis", **filters.params())
    assert {key: kpis[key] for key in expected} == expected
