"""Every query in queries/ runs on the fixture database, and its key is unique."""

from datetime import date

import pytest

from dashboard import config, data
from dashboard.filters import Filters

# The columns that identify one row of each query's result; () means the result has exactly one row.
KEYS = {
    "build_info": (),
    "overview_kpis": (),
    "date_bounds": (),
    "theme_options": ("theme_id",),
    "location_options": ("location_id",),
    "department_options": ("department_id",),
    "theme_counts": ("theme_id",),
    "location_suggestions": ("location_id",),
}
# Parameters beyond the shared filters that some queries need, with a typical value.
EXTRA_PARAMETERS: dict[str, object] = {}
QUERY_NAMES = sorted(path.stem for path in config.QUERIES_DIR.glob("*.sql") if path.stem != "schema")


@pytest.fixture(autouse=True)
def _fixture_database(fixture_db, use_db):
    use_db(fixture_db)


def run(name: str, filters: Filters = Filters(), **extra):
    parameters = {**filters.params(), **EXTRA_PARAMETERS, **extra}
    return data.query(name, **{key: parameters[key] for key in data.parameters_of(name)})


def test_every_query_has_a_declared_key():
    assert set(QUERY_NAMES) <= set(KEYS), f"declare the key of: {sorted(set(QUERY_NAMES) - set(KEYS))}"


@pytest.mark.parametrize("name", QUERY_NAMES)
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(theme_ids=("cpd",), nations=("England",), date_from=date(2025, 4, 1))],
    ids=["unfiltered", "filtered"],
)
def test_query_runs_with_a_unique_key(name, filters):
    result = run(name, filters)
    key = KEYS[name]
    if key:
        assert not result.duplicated(list(key)).any()
    else:
        assert len(result) == 1


def test_every_query_starts_with_a_header():
    for name in QUERY_NAMES:
        assert data.sql_text(name).startswith("--"), name


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
    counts = run("theme_counts", filters).set_index("theme_id")["suggestions"]
    assert {theme: n for theme, n in counts.items() if n} == expected
    shares = run("theme_counts", filters)["share"]
    assert shares.sum() == pytest.approx(1.0)


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
                "scheme_participants": 6,
            },
        ),
        (Filters(department_ids=("SG",)), {"members": 3, "departments": 1, "scheme_participants": 2}),
        (
            Filters(nations=("Scotland",)),
            {"members": 3, "workshops": 1, "locations": 1, "suggestions": 4, "miles_travelled": 405},
        ),
        (Filters(theme_ids=("cpd",), location_ids=("london",)), {"workshops": 2, "suggestions": 3}),
    ],
)
def test_overview_kpis(filters, expected):
    kpis = run("overview_kpis", filters).iloc[0]
    assert {key: kpis[key] for key in expected} == expected
