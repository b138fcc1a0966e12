"""Every page runs under AppTest and shows what pandas counts over the CSVs, on the fixture and bundled databases."""

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.filters import STATE_KEY, Filters
from dashboard.sidebar import DATES, DEPARTMENTS, LOCATIONS, NATION, THEMES
from tests.conftest import kpis, open_sections, opened_from_a_link

ENTRY = str(config.ROOT / "streamlit_app.py")

PAGES = [
    "dashboard/pages/overview.py",
    "dashboard/pages/roadtrip.py",
    "dashboard/pages/themes.py",
    "dashboard/pages/leadership.py",
    "dashboard/pages/profession.py",
    "dashboard/pages/story.py",
    "dashboard/pages/about.py",
    "dashboard/pages/data.py",
    "dashboard/pages/taxonomy.py",
]


def people(count: int) -> str:
    """A count of people as a page shows it at the default threshold of 10: blanked under it (written here, not read)."""
    return "[c]" if count < 10 else f"{count:,}"


def expected_on(page: str, csvs: dict[str, pd.DataFrame]) -> dict:
    """What a page shows with no filters, from pandas over the CSVs the database was built from."""
    members, workshops, suggestions = csvs["members"], csvs["workshops"], csvs["suggestions"]
    participation, locations = csvs["participation"], csvs["locations"]
    participants = int(participation["status"].isin(["accepted", "completed"]).sum())
    hand_coded = int(suggestions["theme_id"].notna().sum())
    latest = max(pd.to_datetime(workshops["held_on"]).max(), pd.to_datetime(members["joined_on"]).max())
    rows = {table: len(frame) for table, frame in csvs.items()}
    common = {"Members": f"{len(members):,}", "Suggestions": f"{len(suggestions):,}"}
    pages = {
        "overview": {
            "title": "GSE Insight",
            "metrics": {
                **common,
                "Departments": f"{members['department_id'].nunique():,}",
                "Workshops": f"{len(workshops):,}",
                "Locations": f"{workshops['location_id'].nunique():,}",
                "Miles travelled (reported)": f"{workshops['miles_travelled'].sum():,.0f}",
                "Participants": people(participants),
            },
        },
        "roadtrip": {
            "title": "Roadtrip",
            "metrics": {
                "Suggestions": common["Suggestions"],
                "Workshops": f"{len(workshops):,}",
                "Locations": f"{workshops['location_id'].nunique():,}",
                "Nations": str(locations.set_index("location_id").loc[workshops["location_id"], "nation"].nunique()),
                "Attendees": people(int(workshops["attendees"].sum())),
            },
        },
        "themes": {
            "title": "Suggestion themes",
            "metrics": {
                "Suggestions": common["Suggestions"],
                "Coded by hand": f"{hand_coded:,}",
                "Unreviewed tags": f"{len(suggestions) - hand_coded:,}",
                "Reviewed": "0",
            },
        },
        "leadership": {
            "title": "Leadership access",
            "metrics": {
                "Members": common["Members"],
                "Applications": people(len(participation)),
                "Participants": people(participants),
                "Completed": people(int((participation["status"] == "completed").sum())),
            },
        },
        "profession": {
            "title": "Profession",
            "metrics": {
                "Members": common["Members"],
                "Departments": f"{members['department_id'].nunique():,}",
                "Suggestions with a member ID": f"{suggestions['member_id'].notna().sum():,} of {len(suggestions):,}",
            },
        },
        "story": {"title": "Board story", "metrics": {}},
        "about": {"title": "About this data", "metrics": {"Data as of": f"{latest:%-d %b %Y}"}, "rows": rows},
        "data": {
            "title": "Data",
            "metrics": {
                **common,
                "Data as of": f"{latest:%-d %b %Y}",
                "Untagged suggestions": "0",
                "Auto-tagged suggestions": f"{len(suggestions) - hand_coded:,}",
            },
            "rows": rows,
        },
        "taxonomy": {"title": "Taxonomy", "metrics": {"Themes in use": str(suggestions["theme_id"].nunique())}},
    }
    return pages[page]


@pytest.mark.parametrize("db", ["fixture_db", "bundled_db"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_its_numbers(page, db, use_db, open_page, request, fresh_store):
    """Each page, unfiltered, shows its title and KPIs as pandas counts them over the CSVs.

    Catches a page that runs but shows the wrong count: a KPI read from the wrong query or column, a blank that is not
    blanked, a table of row counts that misses a table; once this asserted only that no exception was raised.
    """
    use_db(request.getfixturevalue(db))
    csvs = request.getfixturevalue(db.replace("_db", "_csvs"))
    name = page.removeprefix("dashboard/pages/").removesuffix(".py")
    want = expected_on(name, csvs)
    app = open_page(page)
    assert not app.exception, [exception.message for exception in app.exception]
    assert [title.value for title in app.title] == [want["title"]]
    shown_metrics = kpis(app)
    assert {label: shown_metrics.get(label) for label in want["metrics"]} == want["metrics"]
    if name == "story":
        # An empty store: no story to show, only the form that starts one.
        assert [header.value for header in app.subheader] == ["Start a story"]
    if "rows" in want:
        tables = {tuple(frame.value.columns): frame.value for frame in app.dataframe}
        counts = next(frame for columns, frame in tables.items() if "Rows" in columns or "rows" in columns)
        table, count = ("Table", "Rows") if "Rows" in counts.columns else ("table", "rows")
        assert dict(zip(counts[table], counts[count].astype(int), strict=True)) == want["rows"]
    if name == "roadtrip":
        every = next(frame.value for frame in app.dataframe if "Workshop ID" in frame.value.columns)
        in_date_order = workshops_by_date(csvs)
        assert list(every["Workshop ID"]) == in_date_order
        assert list(every["Stop"]) == list(range(1, len(in_date_order) + 1))
    if name == "taxonomy":
        themes = next(frame.value for frame in app.dataframe if "Theme" in frame.value.columns)
        assert sorted(themes["Theme"]) == sorted(csvs["themes"]["label"])
        assert themes["Suggestions"].sum() == len(csvs["suggestions"])


def workshops_by_date(csvs: dict[str, pd.DataFrame]) -> list[str]:
    """Workshop ids in the order they were held."""
    return list(csvs["workshops"].sort_values("held_on")["workshop_id"])


def test_overview_kpis_follow_the_theme_filter(fixture_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    app = open_page(PAGES[0])
    metrics = kpis(app)
    assert metrics["Suggestions"] == "15"
    app.multiselect(key="theme").set_value(["cpd"]).run()
    metrics = kpis(app)
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
    metrics = kpis(app)
    assert metrics["Workshops"] == "3"


# Every shared filter set away from its default, with values that leave data on every page of the fixture database.
ROUND_TRIP_FILTERS = Filters(
    theme_ids=("cpd", "mentoring"),
    nations=("England", "Scotland"),
    location_ids=("london", "glasgow", "exeter"),
    department_ids=("DEFRA", "SG"),
    date_from=date(2025, 3, 10),
    date_to=date(2025, 4, 30),
)


def link_of(app: AppTest) -> dict[str, list[str]]:
    """The query string a browser would show for the sidebar filters.

    A bound widget's parameter is written by the browser, not by the server, so under AppTest `query_params` does not
    follow the widgets (Streamlit's runtime/agent/interaction.py says the same). The browser writes each widget's wire
    value, one parameter per item: a multiselect's formatted labels (`values`) and a date range's ISO dates.
    """
    query = dict(app.query_params)
    for key in (THEMES, NATION, LOCATIONS, DEPARTMENTS):
        widget = app.multiselect(key=key)
        assert widget.proto.query_param_key == key, f"{key} is not bound to the URL"
        query[key] = list(widget.values)
    dates = app.date_input(key=DATES)
    assert dates.proto.query_param_key == DATES, f"{DATES} is not bound to the URL"
    query[DATES] = [day.isoformat() for day in dates.value]
    return query


def shown(app: AppTest) -> dict:
    """What a page shows: its filter state, KPI values, tables and charts."""
    return {
        "filters": app.session_state[STATE_KEY],
        "metrics": list(kpis(app).items()),
        "tables": [frame.value for frame in [*app.dataframe, *app.table]],
        "charts": [chart.proto.spec for chart in app.get("plotly_chart")],
    }


# The Board story page shows the team's stories, not numbers for the filters (its slides carry their own).
FILTERED_PAGES = [page for page in PAGES if page != "dashboard/pages/story.py"]


@pytest.mark.parametrize("page", FILTERED_PAGES)
def test_a_link_from_the_filter_widgets_opens_the_same_view(page, fixture_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    app = open_page(page)
    chosen = ROUND_TRIP_FILTERS
    app.multiselect(key=THEMES).set_value(list(chosen.theme_ids)).run()
    app.multiselect(key=NATION).set_value(list(chosen.nations)).run()
    app.multiselect(key=LOCATIONS).set_value(list(chosen.location_ids)).run()
    app.multiselect(key=DEPARTMENTS).set_value(list(chosen.department_ids)).run()
    app.date_input(key=DATES).set_value((chosen.date_from, chosen.date_to)).run()
    assert not app.exception, [exception.message for exception in app.exception]
    before = shown(app)
    assert before["filters"] == chosen
    link = link_of(app)
    assert link[THEMES] == ["CPD", "Mentoring"] and link[LOCATIONS] == ["London", "Glasgow", "Exeter"]

    # A fresh session opened on the page by the link, as a pasted address opens it.
    fresh = AppTest.from_file(ENTRY, default_timeout=60)
    fresh.switch_page(page)
    for key, value in link.items():
        fresh.query_params[key] = value
    # The reader opens the same tables, which run only once opened.
    open_sections(opened_from_a_link(fresh))
    assert not fresh.exception, [exception.message for exception in fresh.exception]
    after = shown(fresh)

    assert after["filters"] == chosen
    assert after["metrics"] == before["metrics"] and after["metrics"]
    assert len(after["tables"]) == len(before["tables"])
    for restored, original in zip(after["tables"], before["tables"], strict=True):
        pd.testing.assert_frame_equal(restored, original)
    assert after["charts"] == before["charts"]


# Scottish Government staff working in Wales, at workshops in London held in Wales: no member and no workshop matches.
NOTHING_MATCHES = {"nation": ["Wales"], "location": ["London"], "department": ["Scottish Government"]}


@pytest.mark.parametrize(
    ("page", "what"),
    [(PAGES[0], "members or workshops"), (PAGES[1], "workshops"), (PAGES[2], "suggestions"), (PAGES[4], "members")],
)
def test_a_filter_that_matches_nothing_says_so_once_and_shows_no_zeros(
    page, what, fixture_db, use_db, open_page, monkeypatch
):
    # With disclosure control on, no members is a blanked count like any other under 10: it may be zero or not.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    use_db(fixture_db)
    app = open_page(page, query=NOTHING_MATCHES)
    assert not app.exception, [exception.message for exception in app.exception]
    notices = [warning.value for warning in app.warning if "match these filters" in warning.value]
    assert notices == [
        f"No {what} match these filters, so there is nothing to show. Widen or reset the filters in the sidebar."
    ]
    assert not kpis(app)
    assert not app.get("plotly_chart") and not app.get("deck_gl_json_chart")
