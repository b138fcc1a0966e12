"""Profession page: composition, voices coverage and identified contributors against pandas, disclosure, the page."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import attendees, build, data, disclosure, members, profession
from tests.conftest import UK_REGIONS as REGIONS
from tests.conftest import kpis

PAGE = "dashboard/pages/profession.py"
NATION_OF = {"Wales": "Wales", "Scotland": "Scotland", "Northern Ireland": "Northern Ireland"}


@pytest.fixture(params=["fixture", "bundled"])
def source(request, use_db):
    """Each test runs on the fixture and on the bundled data, with the CSVs read independently."""
    use_db(request.getfixturevalue(f"{request.param}_db"))
    return request.getfixturevalue(f"{request.param}_csvs")


@pytest.fixture
def no_suppression(monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")


def chosen_members(csvs, department_ids=(), nations=(), grades=(), backgrounds=()) -> pd.DataFrame:
    """The members the page's filters select, in pandas."""
    members = csvs["members"].assign(nation=lambda frame: frame["region"].map(NATION_OF).fillna("England"))
    keep = pd.Series(True, index=members.index)
    for column, chosen in (
        ("department_id", department_ids),
        ("nation", nations),
        ("grade", grades),
        ("background", backgrounds),
    ):
        if chosen:
            keep &= members[column].isin(chosen)
    return members[keep]


def composition(top_departments=None, **filters) -> pd.DataFrame:
    parameters = {"department_ids": None, "nations": None, "grades": None, "backgrounds": None}
    parameters.update({key: tuple(value) or None for key, value in filters.items()})
    rows = data.query("profession_composition", **parameters, top_departments=top_departments)
    return profession.composition_members(rows, members.protected_rollup(), profession.member_filters(**parameters))


def contributor_rows(top_departments) -> pd.DataFrame:
    """The contributor mix as the page builds it: contributors protected here, members from the member rollup."""
    rows = data.protected(
        "profession_contributors", **profession.CONTRIBUTOR_PROTECTION, top_departments=top_departments
    )
    return profession.contributor_members(rows, members.protected_rollup())


def counts(frame: pd.DataFrame, breakdown: str) -> dict:
    rows = frame[frame["breakdown"] == breakdown]
    return {category: int(members) for category, members in zip(rows["category"], rows["members"], strict=True)}


FILTER_CASES = [
    {},
    {"department_ids": ["SG"]},
    {"department_ids": ["METOFFICE", "DSTL"], "grades": ["HEO", "SEO"]},
    {"grades": ["G7"], "backgrounds": ["science", "both"]},
    {"nations": ["Scotland", "Wales"]},
]


@pytest.mark.usefixtures("no_suppression")
@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda filters: "-".join(filters) or "unfiltered")
def test_composition_counts_equal_pandas(source, filters):
    members = chosen_members(source, **filters)
    result = composition(**filters)
    departments = members["department_id"].value_counts().to_dict()
    assert counts(result, "department") == departments
    grades = filters.get("grades") or profession.GRADES
    assert counts(result, "grade") == {grade: int((members["grade"] == grade).sum()) for grade in grades}
    backgrounds = filters.get("backgrounds") or list(profession.BACKGROUNDS)
    assert counts(result, "background") == {bg: int((members["background"] == bg).sum()) for bg in backgrounds}
    nations = filters.get("nations")
    regions = [region for region in REGIONS if not nations or NATION_OF.get(region, "England") in nations]
    assert counts(result, "region") == {region: int((members["region"] == region).sum()) for region in regions}
    for breakdown, rows in result.groupby("breakdown"):
        total = rows["members"].sum()
        expected = rows["members"] / total if total else 0 * rows["members"]
        assert rows["share"].astype(float).tolist() == pytest.approx(expected.astype(float).tolist()), breakdown


@pytest.mark.usefixtures("no_suppression")
def test_top_departments_add_the_rest_into_other(source):
    departments = source["members"]["department_id"].value_counts()
    names = source["departments"].set_index("department_id")["name"]
    ranked = sorted(departments.items(), key=lambda item: (-item[1], names[item[0]]))
    result = profession.composition(composition(top_departments=2), "department")
    if len(ranked) <= 3:
        assert counts(result.assign(breakdown="department"), "department") == dict(ranked)
        return
    assert result["category"].tolist() == [ranked[0][0], ranked[1][0], profession.OTHER]
    assert result["members"].tolist() == [ranked[0][1], ranked[1][1], sum(count for _, count in ranked[2:])]
    assert result["label"].iloc[-1] == f"Other departments ({len(ranked) - 2})"


def voices_coverage() -> pd.DataFrame:
    """The voices table's rows as the page builds them: protected members, and attendees from the shared rollup."""
    return profession.voices(data.query("profession_voices"), attendees.protected_totals(), members.protected_rollup())


def map_points(nations=None) -> pd.DataFrame:
    """The map's workshop locations as the page builds them, with their protected attendees."""
    locations = data.query("profession_workshop_locations", nations=nations)
    return profession.workshop_locations(locations, attendees.protected_totals())


def expected_voices(csvs) -> pd.DataFrame:
    """Voices coverage computed in pandas from the CSVs: shares by region, ratio = suggestion share / member share."""
    members = csvs["members"]["region"].value_counts()
    workshops = csvs["workshops"].merge(csvs["locations"][["location_id", "region"]], on="location_id")
    attendees = workshops.groupby("region")["attendees"].sum(min_count=1).fillna(0)
    suggestions = csvs["suggestions"].merge(workshops[["workshop_id", "region"]], on="workshop_id")
    suggestions = suggestions["region"].value_counts()
    frame = pd.DataFrame(index=list(REGIONS))
    frame["members"] = members.reindex(frame.index, fill_value=0)
    frame["attendees"] = attendees.reindex(frame.index, fill_value=0)
    frame["suggestions"] = suggestions.reindex(frame.index, fill_value=0)
    frame["member_share"] = frame["members"] / frame["members"].sum()
    frame["attendee_share"] = frame["attendees"] / frame["attendees"].sum()
    frame["suggestion_share"] = frame["suggestions"] / frame["suggestions"].sum()
    frame["ratio"] = (frame["suggestion_share"] / frame["member_share"]).where(frame["suggestions"] > 0, 0.0)
    return frame


@pytest.mark.usefixtures("no_suppression")
def test_voices_coverage_equals_pandas(source):
    expected = expected_voices(source)
    result = voices_coverage()
    result = result.set_index("region")
    assert list(result.index) == list(REGIONS)
    for column in ("members", "attendees", "suggestions"):
        assert result[column].astype(int).tolist() == expected[column].astype(int).tolist(), column
    for column in ("member_share", "attendee_share", "suggestion_share"):
        assert result[column].astype(float).tolist() == pytest.approx(expected[column].tolist()), column
    assert result["representation_ratio"].astype(float).tolist() == pytest.approx(expected["ratio"].tolist())
    assert result["under_represented"].astype(bool).tolist() == (expected["ratio"] < 0.8).tolist()


def test_fixture_numbers_by_hand(fixture_db, use_db, no_suppression):
    # London: 4 of 12 members, 8 of 15 suggestions (w01 and w04); 40 attendees recorded (w04 has none recorded).
    use_db(fixture_db)
    voices = voices_coverage().set_index("region")
    london = voices.loc["London"]
    assert (london["members"], london["suggestions"], london["attendees"]) == (4, 8, 40)
    assert london["workshops_without_attendance"] == 1
    assert london["representation_ratio"] == pytest.approx((8 / 15) / (4 / 12))
    assert voices.loc["South West", "representation_ratio"] == pytest.approx((3 / 15) / (4 / 12))
    assert bool(voices.loc["South West", "under_represented"])


def test_region_without_workshop_or_suggestions_shows_zero_and_is_flagged(fixture_db, use_db, monkeypatch):
    # North East: one member (fewer than k, so blanked), no workshop, no suggestions.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(fixture_db)
    voices = voices_coverage()
    table = profession.voices_table(voices).set_index("Region or nation")
    assert list(table.index) == list(REGIONS)
    north_east = table.loc["North East"]
    assert north_east["Representation ratio"] == 0
    assert north_east["Under-represented (< 0.8)"] == "Yes"
    assert north_east["Members"] == disclosure.SUPPRESSED
    assert (north_east["Workshops"], north_east["Suggestions"]) == (0, 0)
    sentence = profession.under_represented(voices)
    # Its members may have spoken at a workshop elsewhere: the sentence says what the tour did, not what they did.
    assert re.search(r"no workshop was held in [^;]*North East \(\[c\]", sentence), sentence
    assert "gave no suggestions" not in sentence
    # South West's 4 members are under k, so its ratio (0.6) is blanked with them and cannot be flagged.
    assert "South West" not in sentence
    assert table.loc["South West", "Representation ratio"] == disclosure.SUPPRESSED


def test_attendees_are_protected_and_structural_zeros_stay(fixture_db, use_db, monkeypatch):
    # k=30: Scotland's 25 attendees are blanked, and South West's 30 with them (else 95 - 40 - 30 gives 25 away);
    # London's 40 stays. The nine regions with no workshop held have 0 attendees by construction: shown, not [c].
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "30")
    use_db(fixture_db)
    voices = voices_coverage()
    table = profession.voices_table(voices).set_index("Region or nation")
    attendees = table["Attendees (recorded)"]
    assert attendees[["London", "South West", "Scotland"]].tolist() == [
        40,
        disclosure.SUPPRESSED,
        disclosure.SUPPRESSED,
    ]
    assert table.loc["London", "Recorded attendees (%)"] == pytest.approx(100 * 40 / 95, abs=0.05)
    assert table.loc[["South West", "Scotland"], "Recorded attendees (%)"].eq(disclosure.SUPPRESSED).all()
    no_workshop = [region for region in REGIONS if region not in ("London", "South West", "Scotland")]
    assert attendees[no_workshop].eq(0).all() and table.loc[no_workshop, "Recorded attendees (%)"].eq(0).all()
    # The flags and sentences do not depend on attendees: North East (no workshop, no suggestions) is still ratio 0.
    assert table.loc["North East", "Representation ratio"] == 0
    assert table.loc["North East", "Under-represented (< 0.8)"] == "Yes"
    assert re.search(r"no workshop was held in [^;]*North East \(\[c\]", profession.under_represented(voices))
    points = map_points().set_index("name")
    assert dict(zip(points.index, profession.attendees_text(points), strict=True)) == {
        "London": "40",
        "Glasgow": disclosure.SUPPRESSED,
        "Exeter": disclosure.SUPPRESSED,
    }
    chart = profession.voices_chart(voices)
    attendee_bars = next(trace for trace in chart.data if "attendees" in trace.name)
    labels = dict(zip(attendee_bars.y, attendee_bars.text, strict=True))
    assert (labels["Scotland"], labels["London"], labels["Wales"]) == (disclosure.SUPPRESSED, "42%", "0%")


def test_the_table_and_the_map_show_the_same_protected_rows(bundled_db, use_db, monkeypatch):
    # k=35: Belfast's 31 and Glasgow's 29 are blanked. Northern Ireland (Belfast alone) goes with Belfast; Glasgow's
    # other workshop (46) covers its 29, so Glasgow (75) and Scotland stay; York's 38 (Yorkshire's only workshop) goes
    # too, or the tour's total would give Belfast's away. Edinburgh recorded no attendance.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "35")
    use_db(bundled_db)
    voices = voices_coverage()
    blank_regions = set(voices.loc[voices["attendees"].isna(), "region"])
    assert blank_regions == {"Northern Ireland", "Yorkshire and The Humber"}
    points = map_points()
    texts = dict(zip(points["name"], profession.attendees_text(points), strict=True))
    assert (texts["York"], texts["Belfast"], texts["Edinburgh"], texts["Glasgow"]) == (
        disclosure.SUPPRESSED,
        disclosure.SUPPRESSED,
        "not recorded",
        "75",
    )
    assert voices.set_index("region").at["Scotland", "attendees"] == 75
    figure = profession.members_map(profession.composition(composition(), "region"), points, "Members by region")
    hover = {row[0]: row[3] for row in figure.data[-1].customdata}
    assert (hover["York"], hover["Edinburgh"]) == ("[c] recorded attendees", "attendance not recorded")
    assert hover["Glasgow"] == "75 recorded attendees"


def test_under_represented_sentence_quotes_the_shares(fixture_db, use_db, no_suppression):
    use_db(fixture_db)
    voices = voices_coverage()
    sentence = profession.under_represented(voices)
    # South West: 4 of 12 members (33%), 3 of 15 suggestions (20%).
    assert "South West holds 33% of members but its workshops gave 20% of suggestions" in sentence
    assert re.search(r"no workshop was held in [^;]*North East \(8%", sentence), sentence
    assert "London" not in sentence


def test_the_voices_findings_credit_the_workshops_region_not_its_members():
    """A suggestion counts for the region its workshop was held in, so the findings say what the tour heard there.

    Realistic bugs: "gave no suggestions" for a region where no workshop was held (its members may have spoken
    elsewhere), or one wording for a region whose workshops were held but heard nothing.
    """
    frame = pd.DataFrame(
        {
            "region": ["Wales", "North East", "East of England", "Scotland", "West Midlands"],
            "member_share": [0.05, 0.10, 0.20, 0.02, 0.08],
            "suggestions": [1, 0, 0, 30, 0],
            "suggestion_share": [0.01, 0.0, 0.0, 0.3, 0.0],
            "workshops": [1, 0, 2, 3, 0],
            "representation_ratio": [0.2, 0.0, 0.0, 15.0, 0.0],
            "under_represented": pd.array([True, True, True, False, True], dtype="boolean"),
        }
    )
    assert profession.under_represented(frame) == (
        "4 of 5 regions and nations are under-represented (the share of suggestions from workshops held there is "
        "below 0.8 of the share of members): no workshop was held in North East (10% of members) or West Midlands "
        "(8%); East of England "
        "holds 20% of members but its workshops gave no suggestions; Wales holds 5% of members but its workshops gave "
        "1% of suggestions."
    )
    assert profession.best_heard(frame) == (
        "Workshops in Scotland gave 30% of suggestions; it holds 2% of members (ratio 15.0), the highest of any "
        "region or nation."
    )


def test_a_regions_detail_and_the_ratio_chart_title_credit_its_workshops():
    """Realistic bug: the region's members said to have given the suggestions its workshops gave, or a region with no
    workshop said to have given 0% from 0 workshop(s)."""
    voices = pd.DataFrame(
        {
            "region": ["Wales", "South East"],
            "member_share": [0.03, 0.17],
            "suggestions": [120, 0],
            "suggestion_share": [0.08, 0.0],
            "workshops": [2, 0],
            "representation_ratio": [2.67, 0.0],
            "under_represented": pd.array([False, True], dtype="boolean"),
        }
    )
    regions = pd.DataFrame({"category": ["Wales", "South East"], "members": [30, 170], "share": [0.15, 0.85]})
    assert profession.region_detail("Wales", regions, voices).endswith(
        "In the whole profession it holds 3% of members, and its 2 workshop(s) gave 8% of suggestions (120) "
        "(ratio 2.67)."
    )
    assert profession.region_detail("South East", regions, voices).endswith(
        "it holds 17% of members, but no workshop was held there (ratio 0.00) and is under-represented."
    )
    assert profession.ratio_title(voices) == (
        "Workshops in Wales gave 2.7 times its share of members in suggestions; 1 of 2 fall below 0.8"
    )


@pytest.mark.usefixtures("no_suppression")
def test_identified_contributors_equal_pandas(source):
    suggestions, members = source["suggestions"], source["members"]
    named = suggestions["member_id"].dropna()
    contributors = members[members["member_id"].isin(set(named))]
    kpis = data.query_one("profession_kpis", department_ids=None, nations=None, grades=None, backgrounds=None)
    assert kpis["identified_suggestions"] == len(named)
    assert kpis["identified_contributors"] == contributors["member_id"].nunique()
    assert kpis["suggestions"] == len(suggestions)
    rows = contributor_rows(None)
    grades = profession.contributor_mix(rows, "grade").set_index("category")
    assert grades["contributors"].astype(int).to_dict() == {
        grade: int((contributors["grade"] == grade).sum()) for grade in profession.GRADES
    }
    assert grades["members"].astype(int).to_dict() == {
        grade: int((members["grade"] == grade).sum()) for grade in profession.GRADES
    }
    departments = profession.contributor_mix(rows, "department").set_index("category")
    assert departments["contributors"].astype(int).to_dict() == {
        department: int((contributors["department_id"] == department).sum())
        for department in members["department_id"].unique()
    }
    shares = departments["contributor_share"].astype(float)
    assert shares.sum() == pytest.approx(1.0)


DISCLOSURE_FILTER_CASES = [
    *FILTER_CASES,
    {"department_ids": ["GOSCIENCE"]},
    {"department_ids": ["MHCLG"]},
    {"grades": ["SCS"]},
    {"department_ids": ["MHCLG"], "grades": ["EO", "G7"]},
]
# The share columns built on each count column: blank with their count.
SHARES_OF = {
    "members": ["share", "member_share"],
    "contributors": ["contributor_share"],
    "attendees": ["attendee_share"],
}


def breakdowns(filters: dict | None = None) -> dict[str, tuple[pd.DataFrame, list[str], list[str]]]:
    """Every frame of people counts the page shows, protected as the page protects them: (frame, counts, group keys).

    The rows sharing the group keys add up to a total the page publishes (or that can be worked out from it).
    """
    filters = filters or {}
    frames = {}
    result = composition(top_departments=profession.TOP_DEPARTMENTS, **filters)
    for breakdown in ("department", "grade", "background", "region"):
        frames[f"composition {breakdown}"] = (profession.composition(result, breakdown), ["members"], [])
    rows = contributor_rows(profession.TOP_DEPARTMENTS)
    for breakdown in ("grade", "department"):
        frames[f"contributors {breakdown}"] = (
            profession.contributor_mix(rows, breakdown),
            ["members", "contributors"],
            [],
        )
    voices = voices_coverage()
    frames["voices"] = (voices, ["members", "attendees"], [])
    frames["workshop locations"] = (map_points(filters.get("nations") or None), ["attendees"], ["region"])
    return frames


def lone_blanks(frame: pd.DataFrame, column: str, by: list[str]) -> list:
    """The groups (rows sharing `by`) of more than one row with exactly one blank: that blank is the total less the rest."""
    groups = frame.groupby(by, sort=False) if by else [("all", frame)]
    return [key for key, rows in groups if len(rows) > 1 and rows[column].isna().sum() == 1]


def shown_numbers(values, allowed=()) -> list:
    """The numbers a display table shows, leaving out [c] and the allowed texts."""
    return [value for value in values if value != disclosure.SUPPRESSED and value not in allowed]


def filter_id(filters: dict) -> str:
    return "-".join("+".join(values) for values in filters.values()) or "unfiltered"


@pytest.mark.parametrize("filters", DISCLOSURE_FILTER_CASES, ids=filter_id)
@pytest.mark.parametrize(
    ("db", "k"), [("fixture_db", 10), ("fixture_db", 3), ("bundled_db", 10), ("bundled_db", 35), ("bundled_db", 400)]
)
def test_no_breakdown_shows_a_count_below_k(db, k, filters, use_db, monkeypatch, request):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", str(k))
    use_db(request.getfixturevalue(db))
    frames = breakdowns(filters)
    voices = frames["voices"][0]
    for name, (frame, count_columns, by) in frames.items():
        for column in count_columns:
            shown = frame[column].dropna()
            if column == "attendees":
                # A region or location where no workshop recorded attendance has 0 attendees by construction.
                shown = shown[profession.recorded(frame).loc[shown.index]]
            assert (shown >= k).all(), f"{name}: {column} shows {shown[shown < k].tolist()} below k={k}"
            # Only groups whose total the page shows can give a lone blank away; rows with no recorded attendance
            # (attendees NULL, 0 by construction) are in no sum.
            with_total = frame[profession.recorded(frame)] if column == "attendees" else frame
            if name == "workshop locations":
                with_total = with_total[with_total["region"].isin(voices.loc[voices["attendees"].notna(), "region"])]
            if name.startswith("composition") and frame["share"].isna().all():
                continue  # the total is [c] too (built from a blank), so no lone blank is the total less the rest
            assert not lone_blanks(with_total, column, by), f"{name}: a lone blank in {column}"
            for share in SHARES_OF[column]:
                if share in frame:
                    assert frame.loc[frame[column].isna(), share].isna().all(), f"{name}: {share} of a blank count"
    locations = frames["workshop locations"][0]

    # The tables on screen and in the downloads, and the map's hover text, show the same protected numbers.
    tables = {
        name: profession.composition_table(frame, "Category")
        for name, (frame, _, _) in frames.items()
        if name.startswith("composition")
    }
    for name, (frame, _, _) in frames.items():
        if name.startswith("contributors"):
            tables[name] = profession.contributor_table(frame, "Category")
    tables["voices"] = profession.voices_table(voices)
    pairs = {
        "Members": ["Share of members (%)", "Members (%)", "Share of the profession (%)"],
        "Identified contributors": ["Share of identified contributors (%)"],
        "Attendees (recorded)": ["Recorded attendees (%)"],
    }
    for name, table in tables.items():
        for count, shares in pairs.items():
            if count not in table:
                continue
            # A region with no workshop shows 0 attendees, one whose workshops recorded none says so: no one is counted.
            allowed = (0, profession.NOT_RECORDED) if count == "Attendees (recorded)" else ()
            numbers = shown_numbers(table[count], allowed)
            assert all(value >= k for value in numbers), f"{name}: {count} shows {numbers} with k={k}"
            blank = table[count] == disclosure.SUPPRESSED
            for share in shares:
                if share in table:
                    assert (table.loc[blank, share] == disclosure.SUPPRESSED).all(), f"{name}: {share} of a [c]"
    structural = tables["voices"]["Attendees (recorded)"].isin([0, profession.NOT_RECORDED])
    assert (~profession.recorded(voices)[structural.to_numpy()]).all()
    assert (tables["voices"].loc[structural & (tables["voices"]["Workshops"] == 0), "Attendees (recorded)"] == 0).all()
    regions = frames["composition region"][0]
    figure = profession.members_map(regions, locations, "Members by region")
    points = [trace for trace in figure.data if trace.type == "scattermap"]
    for text in (row[3] for trace in points for row in trace.customdata):
        number = text.removesuffix(" recorded attendees").replace(",", "")
        assert text == "attendance not recorded" or number == disclosure.SUPPRESSED or int(number) >= k, text


def test_high_threshold_blanks_the_small_grades_of_the_bundled_data(bundled_db, bundled_csvs, use_db, monkeypatch):
    # With k=300, AA (96) and SCS (224) are below k: both are blanked, and nothing else needs to be.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "300")
    use_db(bundled_db)
    grades = profession.composition(composition(), "grade").set_index("category")
    sizes = bundled_csvs["members"]["grade"].value_counts()
    small = set(sizes[sizes < 300].index)
    assert small == {"AA", "SCS"}
    assert set(grades.index[grades["members"].isna()]) == small
    assert grades["share"].isna().sum() == len(small)


def test_map_is_drawn_offline_with_every_region_and_the_workshops(fixture_db, use_db, monkeypatch):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "3")
    use_db(fixture_db)
    regions = profession.composition(composition(), "region")
    figure = profession.members_map(regions, map_points(), "Members by region")
    assert figure.layout.map.style == "white-bg"  # no tile server
    shaded, grey, markers = figure.data
    assert (shaded.type, grey.type, markers.type) == ("choroplethmap", "choroplethmap", "scattermap")
    # k=3: London (4), South West (4) and Scotland (3) are shown; the other nine regions are blanked and grey.
    assert sorted(shaded.locations) == ["London", "Scotland", "South West"]
    assert len(grey.locations) == 9
    assert sorted(set(shaded.locations) | set(grey.locations)) == sorted(REGIONS)
    assert sorted(markers.customdata[:, 0]) == ["Exeter", "Glasgow", "London"]
    features = {feature["properties"]["region"] for feature in profession.regions_geojson()["features"]}
    assert features == set(REGIONS)


def test_nation_filter_keeps_only_that_nations_regions_on_the_map(fixture_db, use_db, no_suppression):
    use_db(fixture_db)
    regions = profession.composition(composition(nations=["Scotland"]), "region")
    workshops = map_points(["Scotland"])
    assert regions["category"].tolist() == ["Scotland"]
    assert workshops["location_id"].tolist() == ["glasgow"]
    figure = profession.members_map(regions, workshops, "Members in Scotland")
    assert list(figure.data[0].locations) == ["Scotland"]


def test_identified_sentence(fixture_db, use_db, no_suppression):
    use_db(fixture_db)
    kpis = data.query_one("profession_kpis", department_ids=None, nations=None, grades=None, backgrounds=None)
    assert profession.identified(kpis) == "4 of 15 suggestions (27%) carry a member ID, from 4 identified contributors."
    assert profession.attendance_note(kpis).startswith("1 of 4 workshops recorded no attendance")


def table_with(app, heading: str) -> pd.DataFrame:
    return next(frame.value for frame in app.dataframe if heading in frame.value.columns)


def test_page_shows_the_attendees_protected_once_for_every_page(bundled_db, use_db, open_page, monkeypatch):
    # The same rollup as the Roadtrip page at k=35: Northern Ireland and Yorkshire are blanked, Scotland's 75 stays.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "35")
    use_db(bundled_db)
    app = open_page(PAGE, query={"profession_section": "Whose voices"})
    assert not app.exception, [exception.message for exception in app.exception]
    table = table_with(app, "Attendees (recorded)").set_index("Region or nation")
    assert table.loc[["Northern Ireland", "Yorkshire and The Humber"], "Attendees (recorded)"].eq("[c]").all()
    assert table.loc[["Northern Ireland", "Yorkshire and The Humber"], "Recorded attendees (%)"].eq("[c]").all()
    assert (table.at["Scotland", "Attendees (recorded)"], table.at["North East", "Attendees (recorded)"]) == ("75", "0")


def test_department_filter_changes_the_composition(fixture_db, fixture_csvs, use_db, open_page, no_suppression):
    use_db(fixture_db)
    app = open_page(PAGE)
    assert not app.exception, [exception.message for exception in app.exception]
    assert kpis(app)["Members"] == "12"
    app.multiselect(key="department").set_value(["SG"]).run()
    assert not app.exception
    scottish = chosen_members(fixture_csvs, department_ids=["SG"])
    assert kpis(app)["Members"] == str(len(scottish))
    grades = table_with(app, "Grade").set_index("Grade")["Members"]
    assert {grade: int(value.replace(",", "")) for grade, value in grades.items()} == {
        grade: int((scottish["grade"] == grade).sum()) for grade in profession.GRADES
    }
    departments = table_with(app, "Department")["Department"].tolist()
    assert departments == ["Scottish Government"]
    # The voices table (its own tab) is the whole profession's whatever the filter: all 12 regions, London still 4 members.
    app = open_page(PAGE, query={"department": "Scottish Government", "profession_section": "Whose voices"})
    assert kpis(app)["Members"] == str(len(scottish))
    voices = table_with(app, "Representation ratio").set_index("Region or nation")
    assert len(voices) == 12
    assert voices.loc["London", "Members"] == "4"


def test_page_filters_are_bound_to_the_link(fixture_db, fixture_csvs, use_db, open_page, no_suppression):
    use_db(fixture_db)
    app = open_page(PAGE, query={"profession_grade": ["HEO", "SEO"], "profession_background": "Science"})
    assert not app.exception, [exception.message for exception in app.exception]
    assert app.multiselect(key="profession_grade").value == ["HEO", "SEO"]
    assert app.multiselect(key="profession_background").value == ["science"]
    chosen = chosen_members(fixture_csvs, grades=["HEO", "SEO"], backgrounds=["science"])
    assert kpis(app)["Members"] == str(len(chosen))
    app.multiselect(key="profession_grade").set_value([]).run()
    assert kpis(app)["Members"] == str(len(chosen_members(fixture_csvs, backgrounds=["science"])))


@pytest.mark.parametrize("db", ["fixture_db", "bundled_db"])
def test_page_runs_with_default_disclosure_and_filters(db, use_db, open_page, request):
    use_db(request.getfixturevalue(db))
    app = open_page(PAGE, query={"nation": "Scotland", "profession_grade": "G7"})
    assert not app.exception, [exception.message for exception in app.exception]
    assert any("ignores the theme, location, workshop dates filters" in caption.value for caption in app.caption)


def test_page_says_what_the_shared_filters_do(fixture_db, use_db, open_page):
    """The voices section tells the reader it ignores the filters."""
    use_db(fixture_db)
    app = open_page(PAGE, query={"profession_section": "Whose voices"})
    assert any("whatever the filters" in caption.value for caption in app.caption)


HOSTILE = "[evil](http://evil.example) <b>SG</b> *x*"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The fixture data with markup in a department's name, as a careless or hostile import could bring."""
    folder = tmp_path_factory.mktemp("profession_hostile")
    for path in (Path(__file__).parent / "fixtures").glob("*.csv"):
        shutil.copy(path, folder / path.name)
    departments = pd.read_csv(folder / "departments.csv")
    departments.loc[departments["department_id"] == "SG", "name"] = HOSTILE
    departments.to_csv(folder / "departments.csv", index=False)
    path = tmp_path_factory.mktemp("profession_hostile_db") / "gse.duckdb"
    build.build_bundled(folder, path)
    return path


def test_department_names_are_shown_as_text(hostile_db, use_db, open_page, no_suppression):
    use_db(hostile_db)
    rows = contributor_rows(None)
    departments = profession.contributor_mix(rows, "department")
    # SG gives 2 of 4 identified contributors but has 3 of 12 members: the most over-represented department.
    sentence = profession.mix_gap(departments, "department")
    # A finding is plain text (the board pack and report show it as it is); the page makes it literal Markdown.
    assert f"over-represent {HOSTILE} (50.0% of contributors" in sentence
    figure = profession.mix_chart(departments, profession.mix_title(departments, "department"))
    assert "<b>" not in figure.layout.title.text and "&lt;b&gt;SG&lt;/b&gt;" in figure.layout.title.text
    assert all("<b>" not in label for label in figure.data[0].y)
    app = open_page(PAGE)
    assert not app.exception, [exception.message for exception in app.exception]
    findings = [element.value for element in app.markdown if "identified contributors over-represent" in element.value]
    assert findings and all("](" not in text.replace(r"\](", "") for text in findings)
    # Escaped, and the URL broken by an invisible word joiner so that nothing autolinks it.
    literal = r"\[evil\](http" + "\u2060" + r"\://evil.example) \<b\>SG\</b\> \*x\*"
    assert any(literal in text for text in findings), findings
