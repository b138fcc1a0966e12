"""Every page runs under AppTest with no exception, on the fixture database."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config

ENTRY = str(config.ROOT / "streamlit_app.py")

PAGES = [
    "dashboard/pages/overview.py",
    "dashboard/pages/roadtrip.py",
    "dashboard/pages/themes.py",
    "dashboard/pages/leadership.py",
    "dashboard/pages/profession.py",
    "dashboard/pages/data.py",
]


@pytest.mark.parametrize("db", ["fixture_db", "bundled_db"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page, db, use_db, open_page, request):
    use_db(request.getfixturevalue(db))
    app = open_page(page)
    assert not app.exception, [exception.message for exception in app.exception]


def test_overview_kpis_follow_the_theme_filter(fixture_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    app = open_page(PAGES[0])
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Suggestions"] == "15"
    app.multiselect(key="theme").set_value(["cpd"]).run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Suggestions"] == "4"
    assert metrics["Members"] == "12"


def test_missing_database_says_how_to_build_it(tmp_path, use_db):
    use_db(tmp_path / "absent.duckdb")
    app = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not app.exception
    assert "make run" in app.error[0].value


def test_reset_clears_the_shared_filters(fixture_db, use_db, open_page):
    use_db(fixture_db)
    app = open_page(query={"theme": ["CPD"], "nation": "Scotland"})
    assert app.multiselect(key="theme").value == ["cpd"]
    app.button(key="filters_reset").click().run()
    assert app.multiselect(key="theme").value == []
    assert app.multiselect(key="nation").value == []
    assert not app.exception


@pytest.mark.parametrize(
    "query",
    [
        {"theme": ["cpd"]},  # an id, not the label the link carries
        {"theme": ["nonsense"]},
        {"nation": "Atlantis"},
        {"location": "' or 1=1 --"},
        {"department": "<script>alert(1)</script>"},
        {"dates": ["not-a-date", "2025-13-45"]},
    ],
)
def test_bad_link_values_are_dropped_with_a_notice(fixture_db, use_db, open_page, query):
    use_db(fixture_db)
    app = open_page(query=query)
    assert not app.exception, [exception.message for exception in app.exception]
    assert any("Ignored" in warning.value for warning in app.warning)


def test_a_reversed_date_range_in_a_link_is_swapped(fixture_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    app = open_page(query={"dates": ["2025-05-01", "2025-03-20"]})
    assert not app.exception
    assert any("swapped" in warning.value for warning in app.warning)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Workshops"] == "3"
