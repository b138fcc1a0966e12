"""The shared filters in SQL, each query against pandas over data where every filter changes the answer.

The data is tests/coincidences.py's: four workshops in three places and two nations, ids out of date order, members in
every nation. Every filter case below changes at least one query's answer from the unfiltered one, so dropping a
`where` term, a `distinct` or a join condition from queries/ fails here.
"""

from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard import build, data
from dashboard.filters import Filters
from tests import coincidences
from tests.conftest import read_csvs
from tests.test_escaped_bugs import NATION_OF_REGION

CASES = [
    Filters(),
    Filters(nations=("Scotland",)),
    Filters(nations=("England",)),
    Filters(nations=("Wales",)),
    Filters(location_ids=("exeter",)),
    Filters(location_ids=("london", "glasgow")),
    Filters(date_from=date(2025, 3, 10)),
    Filters(date_to=date(2025, 4, 30)),
    Filters(theme_ids=("cpd",)),
    Filters(theme_ids=("cpd", "mentoring")),
    Filters(department_ids=("DEFRA",)),
    Filters(department_ids=("SG", "METOFFICE"), nations=("Scotland", "Wales")),
    Filters(nations=("England",), theme_ids=("cpd", "leadership"), date_from=date(2025, 3, 10)),
]


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    """The database and its CSVs, with each suggestion's stored theme (hand-coded or the classifier's) beside it."""
    folder = tmp_path_factory.mktemp("awkward-queries")
    csv_folder = coincidences.write_csvs(folder / "csv")
    path = folder / "gse.duckdb"
    build.build_bundled(csv_folder, path)
    csvs = read_csvs(csv_folder)
    with duckdb.connect(str(path), read_only=True) as connection:
        stored = connection.execute("select suggestion_id, theme_id from suggestions").df()
    return path, csvs, stored


@pytest.fixture
def expected(awkward, use_db):
    path, csvs, stored = awkward
    use_db(path)
    return Expected(csvs, stored)


class Expected:
    """What each query should return for a Filters, worked out in pandas from the CSVs."""

    def __init__(self, csvs: dict[str, pd.DataFrame], stored: pd.DataFrame):
        self.csvs = csvs
        self.workshops_all = csvs["workshops"].merge(csvs["locations"], on="location_id")
        self.workshops_all["held_on"] = pd.to_datetime(self.workshops_all["held_on"]).dt.date
        suggestions = csvs["suggestions"].assign(by_hand=csvs["suggestions"]["theme_id"].notna())
        self.suggestions_all = (
            suggestions.drop(columns="theme_id").merge(stored, on="suggestion_id").merge(
                self.workshops_all, on="workshop_id"
            )
        )  # fmt: skip

    def workshops(self, chosen: Filters) -> pd.DataFrame:
        frame = self.workshops_all
        keep = pd.Series(True, index=frame.index)
        if chosen.nations:
            keep &= frame["nation"].isin(chosen.nations)
        if chosen.location_ids:
            keep &= frame["location_id"].isin(chosen.location_ids)
        if chosen.date_from:
            keep &= frame["held_on"] >= chosen.date_from
        if chosen.date_to:
            keep &= frame["held_on"] <= chosen.date_to
        return frame[keep]

    def suggestions(self, chosen: Filters) -> pd.DataFrame:
        frame = self.suggestions_all[self.suggestions_all["workshop_id"].isin(self.workshops(chosen)["workshop_id"])]
        return frame[frame["theme_id"].isin(chosen.theme_ids)] if chosen.theme_ids else frame

    def top_themes(self, chosen: Filters, key: str, places) -> dict[str, str]:
        """Each place's most common theme label among the chosen suggestions, ties to the first label A to Z."""
        labels = self.csvs["themes"].set_index("theme_id")["label"]
        chosen_suggestions = self.suggestions(chosen).dropna(subset=["theme_id"])
        top = {}
        for place in places:
            counts = chosen_suggestions.loc[chosen_suggestions[key] == place, "theme_id"].map(labels).value_counts()
            top[place] = min(counts[counts == counts.max()].index) if len(counts) else ""
        return top

    def members(self, chosen: Filters) -> pd.DataFrame:
        frame = self.csvs["members"]
        if chosen.department_ids:
            frame = frame[frame["department_id"].isin(chosen.department_ids)]
        if chosen.nations:
            frame = frame[frame["region"].map(NATION_OF_REGION).isin(chosen.nations)]
        return frame


def test_every_filter_case_changes_some_answer(expected):
    # Otherwise a dropped filter could go unnoticed: each case must differ from no filter at all.
    everything = Filters()
    for chosen in CASES[1:]:
        assert (
            len(expected.workshops(chosen)) != len(expected.workshops(everything))
            or len(expected.suggestions(chosen)) != len(expected.suggestions(everything))
            or len(expected.members(chosen)) != len(expected.members(everything))
        ), chosen


@pytest.mark.parametrize("chosen", CASES, ids=repr)
def test_overview_kpis(expected, chosen):
    row = data.query_one("overview_kpis", **chosen.params())
    workshops, people = expected.workshops(chosen), expected.members(chosen)
    participation = expected.csvs["participation"]
    applied = participation[participation["member_id"].isin(people["member_id"])]
    assert row["members"] == len(people)
    assert row["departments"] == people["department_id"].nunique()
    assert row["workshops"] == len(workshops)
    assert row["locations"] == workshops["location_id"].nunique()
    assert row["suggestions"] == len(expected.suggestions(chosen))
    assert row["miles_travelled"] == pytest.approx(workshops["miles_travelled"].sum())
    assert row["participants"] == applied["status"].isin(["accepted", "completed"]).sum()
    assert row["scheme_applicants"] == applied["member_id"].nunique()


@pytest.mark.parametrize("chosen", CASES, ids=repr)
def test_roadtrip_kpis(expected, chosen):
    row = data.query_one("roadtrip_kpis", **chosen.params())
    workshops = expected.workshops(chosen)
    assert row["workshops"] == len(workshops)
    assert row["locations"] == workshops["location_id"].nunique()
    assert row["nations"] == workshops["nation"].nunique()
    assert row["suggestions"] == len(expected.suggestions(chosen))
    assert row["workshops_with_attendees"] == workshops["attendees"].notna().sum()
    assert row["reported_miles"] == pytest.approx(workshops["miles_travelled"].sum())


@pytest.mark.parametrize("chosen", CASES, ids=repr)
def test_theme_counts(expected, chosen):
    result = data.query("theme_counts", **chosen.params()).set_index("theme_id")
    # One row per theme, zero rows kept; a theme filter keeps only the chosen themes' rows.
    assert set(result.index) == set(chosen.theme_ids or expected.csvs["themes"]["theme_id"])
    suggestions = expected.suggestions(chosen)
    counts = suggestions["theme_id"].value_counts()
    shown = result.loc[result["suggestions"] > 0, "suggestions"]
    assert shown.sort_index().to_dict() == counts.sort_index().to_dict()
    hand = suggestions[suggestions["by_hand"]]["theme_id"].value_counts()
    assert result["by_hand"].to_dict() == {theme: hand.get(theme, 0) for theme in result.index}
    assert result["unreviewed"].to_dict() == {
        theme: counts.get(theme, 0) - hand.get(theme, 0) for theme in result.index
    }
    assert (result["reviewed"] == 0).all()  # no review decisions in a fresh store
    if counts.sum():
        assert result["share"].to_dict() == pytest.approx((result["suggestions"] / counts.sum()).to_dict())


@pytest.mark.parametrize("chosen", CASES, ids=repr)
def test_roadtrip_stops_and_locations(expected, chosen):
    stops = data.query("roadtrip_stops", **chosen.params()).set_index("workshop_id")
    workshops = expected.workshops(chosen)
    assert set(stops.index) == set(workshops["workshop_id"])
    # A stop keeps its number on the whole tour whatever the filters: its place in date order.
    tour = expected.workshops_all.sort_values(["held_on", "workshop_id"])["workshop_id"].tolist()
    assert {workshop: tour.index(workshop) + 1 for workshop in stops.index} == stops["stop"].to_dict()
    counts = expected.suggestions(chosen)["workshop_id"].value_counts()
    assert stops["suggestions"].to_dict() == {workshop: counts.get(workshop, 0) for workshop in stops.index}
    assert stops["top_theme"].fillna("").to_dict() == expected.top_themes(chosen, "workshop_id", stops.index)
    locations = data.query("roadtrip_locations", **chosen.params()).set_index("location_id")
    assert locations["workshops"].to_dict() == workshops["location_id"].value_counts().to_dict()
    by_location = expected.suggestions(chosen)["location_id"].value_counts()
    assert locations["suggestions"].to_dict() == {place: by_location.get(place, 0) for place in locations.index}
    assert locations["top_theme"].fillna("").to_dict() == expected.top_themes(chosen, "location_id", locations.index)
    assert locations["miles_travelled"].to_dict() == pytest.approx(
        workshops.groupby("location_id")["miles_travelled"].sum().to_dict()
    )


@pytest.mark.parametrize("chosen", CASES, ids=repr)
def test_suggestions_by_nation_and_location(expected, chosen):
    suggestions = expected.suggestions(chosen)
    by_nation = data.query("theme_by_nation", **chosen.params())
    shown = by_nation[by_nation["suggestions"] > 0].set_index(["nation", "theme_id"])["suggestions"]
    assert shown.sort_index().to_dict() == suggestions.groupby(["nation", "theme_id"]).size().sort_index().to_dict()
    places = data.query("location_suggestions", **chosen.params()).set_index("location_id")["suggestions"]
    counted = suggestions["location_id"].value_counts()
    assert places[places > 0].sort_index().to_dict() == counted.sort_index().to_dict()


def test_the_fixture_breaks_the_coincidences_it_is_for(expected):
    # If a later edit to tests/fixtures undid one of these, the tests above would stop catching what they catch.
    csvs, workshops = expected.csvs, expected.workshops_all
    assert workshops.sort_values("workshop_id")["held_on"].tolist() != sorted(workshops["held_on"])
    assert pd.to_datetime(csvs["members"]["joined_on"]).max() > pd.to_datetime(workshops["held_on"]).max()
    assert (workshops["attendees"] < 10).any()
    assert set(csvs["members"]["region"].map(NATION_OF_REGION)) == {"England", "Scotland", "Wales", "Northern Ireland"}
    assert (csvs["schemes"]["kind"] == "departmental").any()
    assert 1 in expected.suggestions_all["theme_id"].value_counts().tolist()
