"""The filters in words, as every caption, download cover and pack shows them: each expected sentence written by hand."""

import shutil
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard import build, filters, sidebar
from dashboard.filters import Filters, describe
from tests.conftest import FIXTURES

# Choices in an order of their own, so that a label looked up by position rather than by id comes out wrong.
CHOICES = {
    "themes": pd.DataFrame({"theme_id": ["mentoring", "cpd"], "label": ["Mentoring", "CPD"]}),
    "locations": pd.DataFrame({"location_id": ["gla", "lon"], "name": ["Glasgow", "London"]}),
    "departments": pd.DataFrame(
        {"department_id": ["mod", "ea"], "name": ["Ministry of Defence", "Environment Agency"]}
    ),
}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (Filters(), "No filters: all data."),
        (Filters(theme_ids=("cpd",)), "Themes: CPD."),
        (Filters(theme_ids=("cpd", "mentoring")), "Themes: CPD, Mentoring."),
        (Filters(nations=("Scotland", "Wales")), "Nations: Scotland, Wales."),
        (Filters(location_ids=("lon",)), "Locations: London."),
        (Filters(department_ids=("ea",)), "Departments: Environment Agency."),
        (Filters(date_from=date(2025, 3, 5)), "Dates: 2025-03-05 to end."),
        (Filters(date_to=date(2025, 7, 9)), "Dates: start to 2025-07-09."),
        (
            Filters(
                theme_ids=("mentoring",),
                nations=("England",),
                location_ids=("gla", "lon"),
                department_ids=("mod",),
                date_from=date(2025, 3, 5),
                date_to=date(2025, 7, 9),
            ),
            "Themes: Mentoring; Nations: England; Locations: Glasgow, London; Departments: Ministry of Defence; "
            "Dates: 2025-03-05 to 2025-07-09.",
        ),
    ],
    ids=["none", "theme", "themes", "nations", "location", "department", "from", "to", "all"],
)
def test_the_filters_read_as_written(chosen, expected):
    assert describe(chosen, CHOICES) == expected


# The sidebar's own words, and its widget keys, which are the link's parameter names. Run over tests/fixtures: four
# workshops from 4 March to 1 May 2025 in London, Glasgow and Exeter.
FIRST, LAST = date(2025, 3, 4), date(2025, 5, 1)


@pytest.fixture
def sidebar_app(fixture_db, use_db, open_page):
    use_db(fixture_db)
    return open_page


def test_the_sidebar_names_each_filter_and_says_what_an_empty_one_means(sidebar_app):
    app = sidebar_app()
    assert not app.exception
    assert [header.value for header in app.sidebar.header][:1] == ["Filters"]
    widgets = {widget.key: widget for widget in app.sidebar.multiselect}
    words = {key: (widget.label, widget.proto.placeholder) for key, widget in widgets.items()}
    assert words == {
        "theme": ("Themes", "All themes"),
        "nation": ("Nations", "All nations"),
        "location": ("Locations", "All locations"),
        "department": ("Departments", "All departments"),
    }
    # Each choice is offered by its name, not its id (tests/fixtures/*.csv).
    assert set(widgets["location"].options) == {"London", "Glasgow", "Exeter"}
    assert set(widgets["department"].options) == {
        "Department for Environment, Food and Rural Affairs",
        "Met Office",
        "Scottish Government",
    }
    assert "CPD" in widgets["theme"].options and "cpd" not in widgets["theme"].options
    assert widgets["nation"].options == ["England", "Scotland", "Wales", "Northern Ireland"]
    (dates,) = app.sidebar.date_input
    assert (dates.key, dates.label, dates.value, dates.min, dates.max, dates.proto.format) == (
        "dates",
        "Workshop dates",
        (FIRST, LAST),
        FIRST,
        LAST,
        "DD/MM/YYYY",  # day first, as the UK writes it (Streamlit's default is year first)
    )
    reset = next(button for button in app.sidebar.button if button.key == "filters_reset")
    assert (reset.label, reset.proto.icon) == ("Reset filters", ":material/restart_alt:")
    assert app.session_state["active_filters"] == Filters()


def test_a_link_sets_each_filter_by_its_parameter(sidebar_app):
    """Each widget key is a link's parameter name: a link naming all five opens a view with all five filters."""
    app = sidebar_app(
        query={
            "theme": "CPD",
            "nation": "England",
            "location": "Exeter",
            "department": "Met Office",
            "dates": ["2025-03-20", "2025-04-10"],
        }
    )
    assert not app.exception
    assert app.session_state["active_filters"] == Filters(
        theme_ids=("cpd",),
        nations=("England",),
        location_ids=("exeter",),
        department_ids=("METOFFICE",),
        date_from=date(2025, 3, 20),
        date_to=date(2025, 4, 10),
    )
    assert not app.main.warning


def test_a_link_whose_dates_run_backwards_is_read_the_right_way_round(sidebar_app):
    app = sidebar_app(query={"dates": ["2025-04-10", "2025-03-20"]})
    assert not app.exception
    active = app.session_state["active_filters"]
    assert (active.date_from, active.date_to) == (date(2025, 3, 20), date(2025, 4, 10))
    notices = [(warning.value, warning.icon) for warning in app.main.warning]
    assert notices == [("The link's dates ended before they started, so they were swapped.", ":material/link_off:")]


@pytest.mark.parametrize("dates", [["2025-03-20", "2025-03-20"], ["2025-03-20"]], ids=["twice", "once"])
def test_a_link_for_one_day_shows_that_day_without_a_notice(sidebar_app, dates):
    # A one-day range is written in the link as its date twice; Chromium's Streamlit keeps it once (seen on a real
    # server: ?dates=2025-06-06&dates=2025-06-06 became ?dates=2025-06-06). Either way it is that one day, not "from
    # that day on", and not dates that run backwards: nothing to swap, and nothing to say.
    app = sidebar_app(query={"dates": dates})
    assert not app.exception
    active = app.session_state["active_filters"]
    assert (active.date_from, active.date_to) == (date(2025, 3, 20), date(2025, 3, 20))
    assert not app.main.warning


@pytest.mark.parametrize(
    ("query", "notices"),
    [
        ({"theme": ["CPD", "Nope", "Zilch"]}, ["Ignored 2 unknown theme value(s) in the link."]),
        ({"department": "MOD"}, ["Ignored 1 unknown department value(s) in the link."]),
        (
            {"nation": ["Wales", "Scotland"], "location": ["Exeter", "Glasgow", "London"]},
            ["Ignored 2 location value(s) in the link outside the chosen nations (Wales, Scotland)."],
        ),
        ({"dates": ["2025-13-01", "soon"]}, ["Ignored a malformed date in the link."]),
        (
            {"dates": ["2025-03-20", "2025-05-02"]},
            [
                "Ignored the link's workshop dates: the data runs from 4 March 2025 to 1 May 2025, "
                "and a date outside that range cannot be chosen."
            ],
        ),
        ({"dates": ["2025-03-04", "2025-05-01"]}, []),
    ],
    ids=["themes", "department", "nations", "malformed", "outside", "the-whole-range"],
)
def test_each_value_a_link_cannot_take_is_named_in_a_notice(sidebar_app, query, notices):
    app = sidebar_app(query=query)
    assert not app.exception
    assert [warning.value for warning in app.main.warning] == notices
    assert all(warning.icon == ":material/link_off:" for warning in app.main.warning)


OLD = (date(2025, 3, 4), date(2025, 5, 1))


@pytest.mark.parametrize(
    ("chosen", "new", "expected"),
    [
        # The range grows at the end: "to the end" moves with it, a date chosen inside stays.
        (
            (date(2025, 3, 4), date(2025, 5, 1)),
            (date(2025, 3, 4), date(2025, 6, 20)),
            (date(2025, 3, 4), date(2025, 6, 20)),
        ),
        (
            (date(2025, 3, 20), date(2025, 5, 1)),
            (date(2025, 3, 4), date(2025, 6, 20)),
            (date(2025, 3, 20), date(2025, 6, 20)),
        ),
        (
            (date(2025, 3, 20), date(2025, 4, 10)),
            (date(2025, 3, 4), date(2025, 6, 20)),
            (date(2025, 3, 20), date(2025, 4, 10)),
        ),
        # The range grows at the start: "from the start" moves with it.
        (
            (date(2025, 3, 4), date(2025, 4, 10)),
            (date(2025, 2, 1), date(2025, 5, 1)),
            (date(2025, 2, 1), date(2025, 4, 10)),
        ),
        # The range shrinks: chosen dates are kept within it.
        (
            (date(2025, 3, 10), date(2025, 4, 25)),
            (date(2025, 3, 20), date(2025, 4, 20)),
            (date(2025, 3, 20), date(2025, 4, 20)),
        ),
        (
            (date(2025, 4, 15), date(2025, 4, 30)),
            (date(2025, 3, 4), date(2025, 4, 1)),
            (date(2025, 4, 1), date(2025, 4, 1)),
        ),
        (
            (date(2025, 3, 5), date(2025, 3, 10)),
            (date(2025, 4, 1), date(2025, 5, 1)),
            (date(2025, 4, 1), date(2025, 4, 1)),
        ),
        # A half-chosen range (the picker's first click): the missing end is the new range's.
        ((None, date(2025, 4, 10)), (date(2025, 3, 4), date(2025, 6, 20)), (date(2025, 3, 4), date(2025, 4, 10))),
        ((date(2025, 3, 20), None), (date(2025, 3, 4), date(2025, 6, 20)), (date(2025, 3, 20), date(2025, 6, 20))),
        (
            [date(2025, 3, 4), date(2025, 5, 1)],
            (date(2025, 3, 4), date(2025, 6, 20)),
            (date(2025, 3, 4), date(2025, 6, 20)),
        ),
    ],
)
def test_dates_chosen_before_an_import_keep_their_meaning(monkeypatch, chosen, new, expected):
    state = {sidebar.DATE_BOUNDS_KEY: OLD, "dates": chosen}
    monkeypatch.setattr(sidebar, "st", SimpleNamespace(session_state=state))
    sidebar.follow_date_bounds(*new)
    assert state == {sidebar.DATE_BOUNDS_KEY: new, "dates": expected}


@pytest.mark.parametrize(
    ("state", "bounds"),
    [
        ({"dates": (date(2025, 3, 20), date(2025, 4, 10))}, (date(2025, 3, 4), date(2025, 6, 20))),  # first run
        ({sidebar.DATE_BOUNDS_KEY: OLD, "dates": (date(2025, 3, 20), date(2025, 5, 1))}, OLD),  # no import
        ({sidebar.DATE_BOUNDS_KEY: OLD, "dates": (date(2025, 3, 20),)}, (date(2025, 3, 4), date(2025, 6, 20))),
        ({sidebar.DATE_BOUNDS_KEY: OLD, "dates": date(2025, 3, 20)}, (date(2025, 3, 4), date(2025, 6, 20))),
        ({sidebar.DATE_BOUNDS_KEY: OLD}, (date(2025, 3, 4), date(2025, 6, 20))),  # no date widget yet
    ],
    ids=["first-run", "same-range", "one-date", "not-a-range", "no-widget"],
)
def test_dates_are_left_alone_when_there_is_nothing_to_follow(monkeypatch, state, bounds):
    before = dict(state)
    monkeypatch.setattr(sidebar, "st", SimpleNamespace(session_state=state))
    sidebar.follow_date_bounds(*bounds)
    assert state == {**before, sidebar.DATE_BOUNDS_KEY: bounds}


def test_before_the_sidebar_has_run_the_filters_are_none(monkeypatch):
    state = {}
    monkeypatch.setattr(filters, "st", SimpleNamespace(session_state=state))
    assert filters.current() == Filters()
    state["active_filters"] = Filters(nations=("Wales",))
    assert filters.current() == Filters(nations=("Wales",))


class _Link:
    """The query parameters of a link, as st.query_params gives them."""

    def __init__(self, params: dict[str, list[str]]):
        self.params = params

    def get_all(self, key: str) -> list[str]:
        return self.params.get(key, [])


def test_a_notice_names_a_parameter_in_words_after_its_page_prefix(monkeypatch):
    """`members_job_family` is the Members page's "job family": the page prefix goes, every other word stays.

    Realistic bug: the noun cut at the last underscore ("family") or at every one, so a two-word name loses a word.
    """
    link = {"members_job_family": ["Nope", "", "Zilch", "Analysis"], "theme": ["CPD"]}
    monkeypatch.setattr(filters, "st", SimpleNamespace(query_params=_Link(link)))
    allowed = {"members_job_family": ["Analysis", "Engineering"], "theme": ["CPD"]}
    assert filters.unknown_in_link(allowed) == ["Ignored 2 unknown job family value(s) in the link."]


def test_the_filters_in_words_follow_the_data_after_an_import(fixture_db, use_db, tmp_path):
    """The caption's names come from the data the run reads: an import that renames a location renames it there.

    Realistic bug: the cached words keyed on the filters alone, so every caption and download cover keeps the old name.
    """
    folder = tmp_path / "csv"
    shutil.copytree(FIXTURES, folder)
    locations = pd.read_csv(folder / "locations.csv", dtype=str, keep_default_na=False)
    locations.loc[locations["location_id"] == "exeter", "name"] = "Exeter (Met Office)"
    locations.to_csv(folder / "locations.csv", index=False)
    renamed = tmp_path / "gse.duckdb"
    build.build_bundled(folder, renamed)
    chosen = Filters(location_ids=("exeter",))
    use_db(fixture_db)
    assert filters.in_words(chosen) == "Locations: Exeter."
    use_db(renamed)
    assert filters.in_words(chosen) == "Locations: Exeter (Met Office)."


def test_reset_clears_every_filter_a_link_set(sidebar_app):
    app = sidebar_app(
        query={"theme": "CPD", "nation": "England", "department": "Met Office", "dates": ["2025-03-20", "2025-04-10"]}
    )
    assert app.session_state["active_filters"] != Filters()
    next(button for button in app.sidebar.button if button.key == "filters_reset").click().run()
    assert not app.exception
    assert app.session_state["active_filters"] == Filters()
    assert [widget.value for widget in app.sidebar.multiselect] == [[], [], [], []]
    assert app.sidebar.date_input[0].value == (FIRST, LAST)
