"""Links: a value in the URL that a page's own widget cannot take is dropped, and the page says so."""

import shutil

import pandas as pd
import pytest

from dashboard import build
from tests.conftest import ENTRY, FIXTURES, kpis

CASES = [
    (
        "dashboard/pages/roadtrip.py",
        {"roadtrip_location": "Atlantis"},
        "Ignored 1 unknown location value(s) in the link.",
    ),
    ("dashboard/pages/roadtrip.py", {"roadtrip_size": "maybe"}, "Ignored 1 unknown size value(s) in the link."),
    ("dashboard/pages/leadership.py", {"leadership_scheme": "Bogus"}, "Ignored 1 unknown scheme value(s) in the link."),
    (
        "dashboard/pages/leadership.py",
        {"leadership_cohorts": ["2021", "1999"]},
        "Ignored 1 unknown cohorts value(s) in the link.",
    ),
    ("dashboard/pages/leadership.py", {"leadership_grades": "ZZ"}, "Ignored 1 unknown grades value(s) in the link."),
    ("dashboard/pages/profession.py", {"profession_grade": "ZZ"}, "Ignored 1 unknown grade value(s) in the link."),
    (
        "dashboard/pages/profession.py",
        {"profession_background": "<script>"},
        "Ignored 1 unknown background value(s) in the link.",
    ),
]


@pytest.fixture(autouse=True)
def _bundled(bundled_db, use_db):
    use_db(bundled_db)


@pytest.mark.parametrize(("page", "query", "notice"), CASES)
def test_an_unknown_value_for_a_page_widget_is_dropped_with_a_notice(open_page, page, query, notice):
    app = open_page(page, query, closed=True)
    assert not app.exception
    assert notice in [warning.value for warning in app.warning]


@pytest.mark.parametrize(("page", "query", "notice"), [case for case in CASES if "roadtrip" not in case[0]])
def test_a_page_widgets_notice_lasts_through_the_run_that_draws_the_rest(page, query, notice):
    """Opened straight from a link: Leadership's and Profession's widgets come before their headline ends, and drop
    the value from the link in the first run, so the run that draws the rest found nothing to warn about."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.query_params.update(query)
    app.switch_page(page)
    for _ in range(2):  # the headline's run, then the rest's
        app.run()
        assert notice in [warning.value for warning in app.main.warning]
    app.run()  # the reader's next change: the link has long been clean
    assert notice not in [warning.value for warning in app.main.warning]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("dashboard/pages/roadtrip.py", {"roadtrip_location": "Glasgow", "roadtrip_size": "true"}),
        ("dashboard/pages/leadership.py", {"leadership_scheme": "Future Leaders Scheme", "leadership_cohorts": "2021"}),
        ("dashboard/pages/profession.py", {"profession_grade": "G7", "profession_background": "Engineering"}),
    ],
)
def test_valid_values_raise_no_notice(open_page, page, query):
    app = open_page(page, query)
    assert not app.exception
    assert not [warning.value for warning in app.warning if "in the link" in warning.value]


def workshop_date_range(bundled_csvs):
    held_on = pd.to_datetime(bundled_csvs["workshops"]["held_on"])
    return held_on.min().date(), held_on.max().date()


@pytest.mark.parametrize(
    "dates",
    [
        ["2025-01-01", "2025-04-01"],  # starts before the first workshop
        ["FIRST", "2099-01-01"],  # ends after the last one
        ["1999-01-01", "1999-02-01"],  # wholly before
    ],
)
def test_dates_outside_the_data_are_dropped_with_a_notice(open_page, bundled_csvs, dates):
    first, last = workshop_date_range(bundled_csvs)
    app = open_page(query={"dates": [first.isoformat() if value == "FIRST" else value for value in dates]})
    assert not app.exception
    notices = [warning.value for warning in app.warning if "workshop dates" in warning.value]
    assert len(notices) == 1 and f"{first:%-d %B %Y} to {last:%-d %B %Y}" in notices[0], notices
    assert app.session_state["active_filters"].date_from is None, "the dates were dropped, as the notice says"


def test_a_location_outside_the_chosen_nation_is_dropped_with_a_notice(open_page, bundled_csvs):
    locations = bundled_csvs["locations"]
    welsh = locations.loc[locations["nation"] == "Wales", "name"].iloc[0]
    app = open_page(query={"nation": "Scotland", "location": welsh})
    assert not app.exception
    assert "Ignored 1 location value(s) in the link outside the chosen nations (Scotland)." in [
        warning.value for warning in app.warning
    ]
    assert app.session_state["active_filters"].location_ids == ()


def test_a_links_notice_stays_above_the_page_while_the_page_and_filters_do(bundled_db, use_db, bundled_csvs):
    """A link opened straight onto a page whose rest follows its headline (Themes), as a shared link is.

    The sidebar drops a location outside the link's nation, and the link with it, so the run that draws the rest of
    the page has nothing left to warn about. Realistic bugs: the notice gone a moment after it shows (with that run),
    drawn in the sidebar that a phone keeps closed, or kept once the reader has changed the page or the filters.
    """
    from streamlit.testing.v1 import AppTest

    use_db(bundled_db)
    locations = bundled_csvs["locations"]
    welsh = locations.loc[locations["nation"] == "Wales", "name"].iloc[0]
    notice = "Ignored 1 location value(s) in the link outside the chosen nations (Scotland)."

    def opened():
        app = AppTest.from_file(ENTRY, default_timeout=60)
        app.query_params.update({"nation": "Scotland", "location": welsh})
        app.switch_page("dashboard/pages/themes.py")
        return app.run()

    app = opened()
    headline_only = [heading.value for heading in app.subheader]
    for _ in range(2):  # the headline's run, then the rest's, then one more (an expander opened, say)
        assert [warning.value for warning in app.main.warning] == [notice]
        assert not app.sidebar.warning
        assert "location" not in app.query_params
        app.run()
    assert "In their own words" in [heading.value for heading in app.subheader] and not headline_only
    assert [warning.value for warning in app.main.warning] == [notice]
    app.switch_page("dashboard/pages/roadtrip.py").run()
    assert notice not in [warning.value for warning in app.main.warning]
    app = opened()
    app.multiselect(key="nation").set_value(["Scotland", "Wales"]).run()
    assert notice not in [warning.value for warning in app.main.warning]


def test_dates_and_a_location_that_fit_raise_no_notice(open_page, bundled_csvs):
    first, last = workshop_date_range(bundled_csvs)
    locations = bundled_csvs["locations"]
    scottish = locations.loc[locations["nation"] == "Scotland", "name"].iloc[0]
    app = open_page(query={"nation": "Scotland", "location": scottish, "dates": [first.isoformat(), last.isoformat()]})
    assert not app.exception
    assert not [warning.value for warning in app.warning if "in the link" in warning.value or "dates" in warning.value]
    assert len(app.session_state["active_filters"].location_ids) == 1


@pytest.fixture
def extended_db(tmp_path):
    """The fixture data plus one workshop after the last, as an import that extends the date range brings."""
    folder = tmp_path / "csv"
    shutil.copytree(FIXTURES, folder)
    workshops = pd.read_csv(folder / "workshops.csv", dtype=str, keep_default_na=False)
    later = pd.DataFrame([{**workshops.iloc[0].to_dict(), "workshop_id": "w99", "held_on": "2025-06-20"}])
    pd.concat([workshops, later]).to_csv(folder / "workshops.csv", index=False)
    path = tmp_path / "gse.duckdb"
    build.build_bundled(folder, path)
    return path


def kpi(app, label: str) -> str:
    return kpis(app)[label]


def test_a_session_with_the_default_dates_follows_an_import_that_extends_them(
    open_page, fixture_db, fixture_csvs, extended_db, use_db
):
    use_db(fixture_db)
    app = open_page()
    before = len(fixture_csvs["workshops"])
    assert kpi(app, "Workshops") == str(before)
    use_db(extended_db)  # the import swaps the database under the open session
    app.run()
    assert not app.exception
    assert app.session_state["active_filters"].date_to is None, "the old last date must not become a filter"
    assert kpi(app, "Workshops") == str(before + 1)
    assert not [caption.value for caption in app.caption if "Dates:" in caption.value]


def test_a_chosen_start_date_survives_an_import_that_extends_the_range(open_page, fixture_db, extended_db, use_db):
    use_db(fixture_db)
    app = open_page(query={"dates": ["2025-03-20", "2025-05-01"]})
    assert app.session_state["active_filters"].date_from.isoformat() == "2025-03-20"
    use_db(extended_db)
    app.run()
    active = app.session_state["active_filters"]
    # The start was chosen, so it stays; the end was the last date, "to the end", so it moves with the data.
    assert active.date_from.isoformat() == "2025-03-20" and active.date_to is None
    assert kpi(app, "Workshops") == "4"  # w02 (20 March), w03, w04 and the new w99; not w01 (4 March)
