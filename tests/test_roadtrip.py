"""Roadtrip: its queries against independent pandas sums of the CSVs, its pure builders, and the page under AppTest."""

import itertools
import json
import math
import re
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from PIL import ImageFont

from dashboard import attendees, charts, config, data, disclosure, roadtrip
from dashboard.disclosure import TOTAL
from dashboard.filters import Filters
from tests.conftest import kpis

PAGE = "dashboard/pages/roadtrip.py"
EARTH_RADIUS_MILES, EARTH_RADIUS_KM = 3958.8, 6371.0


def haversine(latitude_1, longitude_1, latitude_2, longitude_2, radius):
    """The great-circle distance, written out again here so the test does not lean on the SQL."""
    phi_1, phi_2 = math.radians(latitude_1), math.radians(latitude_2)
    half_chord = (
        math.sin((phi_2 - phi_1) / 2) ** 2
        + math.cos(phi_1) * math.cos(phi_2) * math.sin(math.radians(longitude_2 - longitude_1) / 2) ** 2
    )
    return 2 * radius * math.asin(math.sqrt(half_chord))


def tour(csvs: dict[str, pd.DataFrame], filters: Filters = Filters()) -> pd.DataFrame:
    """The CSVs' workshops with their locations and stop numbers, in date order, filtered as the page filters them."""
    workshops = csvs["workshops"].sort_values(["held_on", "workshop_id"]).reset_index(drop=True)
    workshops["stop"] = range(1, len(workshops) + 1)
    joined = workshops.merge(csvs["locations"], on="location_id")
    keep = pd.Series(True, index=joined.index)
    if filters.nations:
        keep &= joined["nation"].isin(filters.nations)
    if filters.location_ids:
        keep &= joined["location_id"].isin(filters.location_ids)
    if filters.date_from:
        keep &= joined["held_on"] >= filters.date_from.isoformat()
    if filters.date_to:
        keep &= joined["held_on"] <= filters.date_to.isoformat()
    return joined[keep].sort_values("stop").reset_index(drop=True)


def route_length(stops: pd.DataFrame, radius: float) -> float:
    """The sum of the great-circle legs between consecutive stops."""
    points = list(zip(stops["latitude"], stops["longitude"], strict=True))
    return sum(haversine(*start, *end, radius) for start, end in itertools.pairwise(points))


def run(name: str, filters: Filters = Filters()) -> pd.DataFrame:
    return data.query(name, **filters.params())


def attendee_rollup(workshops: pd.DataFrame) -> pd.DataFrame:
    """attendee_totals worked out in pandas from workshops with their region: workshops, locations, regions, total."""
    columns = ["region", "location_id", "workshop_id", "workshops", "recorded_workshops", "attendees"]
    rows = [
        (row.region, row.location_id, row.workshop_id, 1, int(pd.notna(row.attendees)), row.attendees)
        for row in workshops.itertuples()
    ]
    for keys in (("region", "location_id"), ("region",), ()):
        groups = workshops.groupby(list(keys)) if keys else [((), workshops)]
        for values, group in groups:
            values = values if isinstance(values, tuple) else (values,)
            key = (*values, *[TOTAL] * (3 - len(values)))
            rows.append((*key, len(group), int(group["attendees"].notna().sum()), group["attendees"].sum(min_count=1)))
    rollup = pd.DataFrame(rows, columns=columns)
    return rollup.astype({"attendees": "Float64"}).astype({"attendees": "Int64"})


def protected_rollup(workshops: pd.DataFrame, k: int) -> pd.DataFrame:
    """The attendee rollup of some workshops protected at k, as attendees.protected_totals protects the real one."""
    return disclosure.suppress(attendee_rollup(workshops), **attendees.PROTECTION, k=k)


FILTER_CASES = [
    Filters(),
    Filters(nations=("England",)),
    Filters(location_ids=("glasgow", "london")),
    Filters(date_from=date(2025, 4, 1)),
    Filters(nations=("Scotland", "Wales"), date_to=date(2025, 6, 1)),
]


class TestHaversine:
    def test_london_to_glasgow_by_hand(self, fixture_db, use_db):
        # Worked by hand: London (51.5074 N, 0.1278 W) to Glasgow (55.8642 N, 4.2518 W).
        # dphi = 4.3568 deg = 0.0760405 rad; dlambda = -4.1240 deg = -0.0719774 rad
        # a = sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2)
        #   = 0.00144512 + 0.622479 * 0.561714 * 0.00129485 = 0.00189787
        # c = 2 asin(sqrt(a)) = 0.0871371 rad -> 3958.8 * c = 344.96 miles; 6371.0 * c = 555.15 km.
        use_db(fixture_db)
        # The fixture tour starts London (4 March), Glasgow (20 March): one leg.
        route = data.query_one("roadtrip_route_length", **Filters(date_to=date(2025, 3, 20)).params())
        assert route["legs"] == 1
        assert route["route_miles"] == pytest.approx(344.96, abs=0.01)
        assert route["route_km"] == pytest.approx(555.15, abs=0.01)
        assert route["route_miles"] == pytest.approx(
            haversine(51.5074, -0.1278, 55.8642, -4.2518, EARTH_RADIUS_MILES), rel=1e-9
        )

    def test_fixture_route_by_hand(self, fixture_db, use_db):
        # London -> Glasgow -> Exeter -> London, each leg by the formula above.
        use_db(fixture_db)
        legs = [
            haversine(51.5074, -0.1278, 55.8642, -4.2518, EARTH_RADIUS_MILES),
            haversine(55.8642, -4.2518, 50.7184, -3.5339, EARTH_RADIUS_MILES),
            haversine(50.7184, -3.5339, 51.5074, -0.1278, EARTH_RADIUS_MILES),
        ]
        route = data.query_one("roadtrip_route_length", **Filters().params())
        assert (route["stops"], route["legs"]) == (4, 3)
        assert route["route_miles"] == pytest.approx(sum(legs), rel=1e-9)
        assert route["route_km"] == pytest.approx(sum(legs) / EARTH_RADIUS_MILES * EARTH_RADIUS_KM, rel=1e-9)

    @pytest.mark.parametrize("filters", FILTER_CASES)
    def test_bundled_route_matches_python(self, filters, bundled_db, bundled_csvs, use_db):
        use_db(bundled_db)
        stops = tour(bundled_csvs, filters)
        route = data.query_one("roadtrip_route_length", **filters.params())
        assert route["stops"] == len(stops)
        assert route["legs"] == max(len(stops) - 1, 0)
        assert route["route_miles"] == pytest.approx(route_length(stops, EARTH_RADIUS_MILES), rel=1e-9)
        assert route["route_km"] == pytest.approx(route_length(stops, EARTH_RADIUS_KM), rel=1e-9)

    def test_bundled_tour_is_a_real_tour(self, bundled_db, use_db):
        use_db(bundled_db)
        route = data.query_one("roadtrip_route_length", **Filters().params())
        # 14 stops round the four nations: far shorter than the reported 4,500+ miles, and not trivially short.
        assert route["legs"] == 13
        assert 1_000 < route["route_miles"] < 4_500


class TestQueries:
    @pytest.mark.parametrize("filters", FILTER_CASES)
    def test_kpis_match_the_csvs(self, filters, bundled_db, bundled_csvs, use_db):
        use_db(bundled_db)
        stops = tour(bundled_csvs, filters)
        suggestions = bundled_csvs["suggestions"].merge(stops[["workshop_id"]], on="workshop_id")
        kpis = data.query_one("roadtrip_kpis", **filters.params())
        assert kpis["workshops"] == len(stops)
        assert kpis["locations"] == stops["location_id"].nunique()
        assert kpis["nations"] == stops["nation"].nunique()
        assert kpis["suggestions"] == len(suggestions)
        assert "attendees" not in kpis  # counts of people come protected, from attendee_totals
        assert kpis["workshops_with_attendees"] == stops["attendees"].notna().sum()
        assert kpis["reported_miles"] == pytest.approx(stops["miles_travelled"].sum())

    def test_bundled_tour_headline(self, bundled_db, use_db):
        use_db(bundled_db)
        kpis = data.query_one("roadtrip_kpis", **Filters().params())
        assert (kpis["workshops"], kpis["locations"], kpis["nations"]) == (14, 12, 4)
        assert kpis["reported_miles"] > 4_500
        assert kpis["suggestions"] > 1_000

    @pytest.mark.parametrize("filters", FILTER_CASES)
    def test_stops_match_the_csvs(self, filters, bundled_db, bundled_csvs, use_db):
        use_db(bundled_db)
        expected = tour(bundled_csvs, filters)
        counts = bundled_csvs["suggestions"].groupby("workshop_id").size()
        stops = run("roadtrip_stops", filters)
        assert stops["workshop_id"].tolist() == expected["workshop_id"].tolist()
        assert stops["stop"].tolist() == expected["stop"].tolist()
        assert stops["suggestions"].tolist() == [int(counts.get(w, 0)) for w in expected["workshop_id"]]
        assert stops["venue"].tolist() == expected["venue"].tolist()

    def test_stop_numbers_count_the_whole_tour(self, fixture_db, use_db):
        use_db(fixture_db)
        stops = run("roadtrip_stops", Filters(location_ids=("london",)))
        assert stops["stop"].tolist() == [1, 4]

    def test_top_theme_at_each_fixture_workshop(self, fixture_db, use_db):
        # w03 (Exeter): one each of CPD, Leadership, Recruitment and reward -> the tie goes to the first label, CPD.
        # w04 (London): one each of Leadership, Collaboration, Careers, Inclusion -> Careers.
        use_db(fixture_db)
        top = run("roadtrip_stops").set_index("workshop_id")["top_theme"]
        assert top["w03"] == "CPD"
        assert top["w04"] == "Careers"

    @pytest.mark.parametrize("filters", FILTER_CASES)
    def test_locations_match_the_csvs(self, filters, bundled_db, bundled_csvs, use_db):
        use_db(bundled_db)
        stops = tour(bundled_csvs, filters)
        counts = bundled_csvs["suggestions"].groupby("workshop_id").size()
        stops["suggestions"] = [int(counts.get(w, 0)) for w in stops["workshop_id"]]
        expected = stops.groupby("location_id").agg(
            workshops=("workshop_id", "size"),
            first_stop=("stop", "min"),
            stops=("stop", lambda numbers: ", ".join(str(n) for n in sorted(numbers))),
            suggestions=("suggestions", "sum"),
        )
        locations = run("roadtrip_locations", filters).set_index("location_id")
        assert list(locations.index) == list(expected.sort_values("first_stop").index)
        for column in ("workshops", "first_stop", "stops", "suggestions"):
            assert locations[column].tolist() == expected.loc[locations.index, column].tolist(), column
        assert "attendees" not in locations

    @pytest.mark.parametrize("db", ["fixture", "bundled"])
    def test_attendee_totals_match_the_csvs(self, db, use_db, request):
        use_db(request.getfixturevalue(f"{db}_db"))
        csvs = request.getfixturevalue(f"{db}_csvs")
        workshops = csvs["workshops"].merge(csvs["locations"][["location_id", "region"]], on="location_id")
        keys = ["region", "location_id", "workshop_id"]
        expected = attendee_rollup(workshops).sort_values(keys, ignore_index=True)
        result = data.query("attendee_totals").sort_values(keys, ignore_index=True)
        assert result[keys].values.tolist() == expected[keys].values.tolist()
        for column in ("workshops", "recorded_workshops"):
            assert result[column].tolist() == expected[column].tolist(), column
        # A place where no workshop recorded attendance is NULL (a structural 0), not 0.
        assert result["attendees"].astype("Int64").fillna(-1).tolist() == expected["attendees"].fillna(-1).tolist()

    def test_representative_suggestions_come_from_the_top_themes(self, fixture_db, fixture_csvs, use_db):
        use_db(fixture_db)
        # Tags as the build stored them (the classifier tagged the untagged ones); the query only chooses among them.
        with duckdb.connect(str(fixture_db), read_only=True, config=data.CONNECTION_CONFIG) as connection:
            tagged = connection.execute(
                "select suggestion_id, theme_id, text from suggestions join workshops using (workshop_id) "
                "where location_id = 'glasgow'"
            ).df()
        theme_sizes = (
            tagged.groupby("theme_id")
            .size()
            .reset_index(name="n")
            .sort_values(["n", "theme_id"], ascending=[False, True])
        )
        labels = fixture_csvs["themes"].set_index("theme_id")["label"]
        voices = run("roadtrip_representative_suggestions", Filters(location_ids=("glasgow",)))
        assert len(voices) == 3
        assert set(voices["suggestion_id"]) <= set(tagged["suggestion_id"])
        assert voices["location"].eq("Glasgow").all()
        # One per theme, and the first is from the place's most common theme.
        assert voices["theme"].is_unique
        assert voices["theme"].tolist() == [labels[theme_id] for theme_id in theme_sizes["theme_id"].head(3)]

    def test_representative_suggestions_follow_the_theme_filter(self, fixture_db, use_db):
        use_db(fixture_db)
        voices = run("roadtrip_representative_suggestions", Filters(theme_ids=("leadership",)))
        # Two leadership suggestions (S09, S10): with one theme, both come from it.
        assert sorted(voices["suggestion_id"]) == ["S09", "S10"]


def small_tour():
    """Three places, four workshops, London twice: the smallest tour with a repeat visit."""
    stops = pd.DataFrame(
        {
            "stop": [1, 2, 3, 4],
            "workshop_id": ["a", "b", "c", "d"],
            "held_on": pd.to_datetime(["2025-03-04", "2025-03-20", "2025-04-10", "2025-05-01"]),
            "location_id": ["london", "glasgow", "cardiff", "london"],
            "location": ["London", "Glasgow", "Cardiff", "London"],
            "nation": ["England", "Scotland", "Wales", "England"],
            "region": ["London", "Scotland", "Wales", "London"],
            "latitude": [51.5074, 55.8642, 51.4816, 51.5074],
            "longitude": [-0.1278, -4.2518, -3.1791, -0.1278],
            "venue": ["1 Victoria Street", "Atlantic Quay", "Cathays Park", "Nobel House"],
            "host": ["DSIT", None, "Welsh Government", "Defra"],
            "attendees": pd.array([40, 25, None, 12], dtype="Int64"),
            "miles_travelled": [0.0, 405.0, 380.0, 150.0],
            "suggestions": [100, 25, 4, 0],
            "top_theme": ["CPD", "Mentoring", "Skills and tools", None],
        }
    )
    locations = pd.DataFrame(
        {
            "location_id": ["london", "glasgow", "cardiff"],
            "name": ["London", "Glasgow", "Cardiff"],
            "nation": ["England", "Scotland", "Wales"],
            "region": ["London", "Scotland", "Wales"],
            "latitude": [51.5074, 55.8642, 51.4816],
            "longitude": [-0.1278, -4.2518, -3.1791],
            "workshops": [2, 1, 1],
            "first_stop": [1, 2, 3],
            "stops": ["1, 4", "2", "3"],
            "dates": ["4 Mar 2025, 1 May 2025", "20 Mar 2025", "10 Apr 2025"],
            "venues": ["1 Victoria Street; Nobel House", "Atlantic Quay", "Cathays Park"],
            "hosts": ["DSIT; Defra", None, "Welsh Government"],
            "attendees": [52.0, 25.0, None],
            "miles_travelled": [150.0, 405.0, 380.0],
            "suggestions": [100, 25, 4],
            "top_theme": ["CPD", "Mentoring", "Skills and tools"],
        }
    )
    return locations, stops


TINY_NATIONS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Wales"},
            "geometry": {"type": "Polygon", "coordinates": [[[-5, 51], [-3, 51], [-3, 53], [-5, 53], [-5, 51]]]},
        }
    ],
}


def deck_json(**options) -> dict:
    locations, stops = small_tour()
    totals = protected_rollup(stops, k=0)
    return json.loads(roadtrip.build_deck(locations, stops, TINY_NATIONS, totals, **options).to_json())


class TestDeck:
    def test_layers_from_base_map_to_labels(self):
        layers = deck_json()["layers"]
        assert [(layer["@@type"], layer["id"]) for layer in layers] == [
            ("GeoJsonLayer", "uk-nations"),
            ("ArcLayer", "route"),
            ("IconLayer", "route-direction"),
            ("ScatterplotLayer", "stops-all"),
            ("ScatterplotLayer", "selected-ring"),
            ("TextLayer", "stop-numbers"),
        ]
        assert layers[0]["data"] == TINY_NATIONS
        # Only the stops answer clicks and hovers.
        assert [layer["id"] for layer in layers if layer.get("pickable")] == ["stops-all"]

    def test_route_runs_in_date_order_and_skips_a_stay_in_place(self):
        _, stops = small_tour()
        shuffled = stops.sample(frac=1, random_state=3)
        legs = roadtrip.route_legs(shuffled)
        assert [(leg["from_name"], leg["to_name"]) for leg in legs] == [
            ("London", "Glasgow"),
            ("Glasgow", "Cardiff"),
            ("Cardiff", "London"),
        ]
        assert [(leg["from_stop"], leg["to_stop"]) for leg in legs] == [(1, 2), (2, 3), (3, 4)]
        assert legs[0]["source"] == [-0.1278, 51.5074]
        assert legs[0]["target"] == [-4.2518, 55.8642]
        # Arrowheads point along each leg: Glasgow is north-west of London (angle between 90 and 180 degrees,
        # counter-clockwise from east), Cardiff to London runs east (near 0).
        assert 90 < legs[0]["angle"] < 180
        assert abs(legs[2]["angle"]) < 10

    def test_route_layer_draws_the_legs(self):
        layers = {layer["id"]: layer for layer in deck_json()["layers"]}
        assert [leg["leg"] for leg in layers["route"]["data"]] == [1, 2, 3]
        # Light where a leg leaves, dark where it arrives: the sense of direction.
        assert sum(layers["route"]["getSourceColor"]) > sum(layers["route"]["getTargetColor"])

    def test_points_coloured_by_nation_labelled_by_stop(self):
        points = {layer["id"]: layer for layer in deck_json()["layers"]}["stops-all"]["data"]
        assert [point["colour"] for point in points] == [
            charts.hex_to_rgb(charts.NATION_COLOURS[nation]) for nation in ("England", "Scotland", "Wales")
        ]
        # The stop numbers, then the place's name, so the map reads without its tooltips.
        assert [point["label"] for point in points] == ["1, 4 London", "2 Glasgow", "3 Cardiff"]
        london = points[0]
        assert london["position"] == [-0.1278, 51.5074]
        assert (london["venues"], london["hosts"], london["dates"]) == (
            "1 Victoria Street; Nobel House",
            "DSIT; Defra",
            "4 Mar 2025, 1 May 2025",
        )
        assert (london["attendees_text"], london["suggestions"], london["top_theme_text"]) == ("52", 100, "CPD")
        assert points[1]["hosts"] == "none named"
        assert points[2]["attendees_text"] == roadtrip.NOT_RECORDED

    def test_tooltip_names_every_field(self):
        tooltip = deck_json()["layers"] and roadtrip.TOOLTIP_TEXT
        for field in ("name", "venues", "hosts", "dates", "attendees_text", "suggestions", "top_theme_text"):
            assert "{" + field + "}" in tooltip
        locations, stops = small_tour()
        deck = roadtrip.build_deck(locations, stops, TINY_NATIONS, protected_rollup(stops, k=0))
        assert deck._tooltip == {"text": roadtrip.TOOLTIP_TEXT}

    def test_point_area_follows_the_chosen_measure(self):
        by_suggestions = {p["location_id"]: p["radius"] for p in deck_json()["layers"][3]["data"]}
        # Areas in proportion: London's 100 suggestions against Glasgow's 25 is twice the radius.
        assert by_suggestions["london"] == pytest.approx(roadtrip.LARGEST_RADIUS)
        assert by_suggestions["glasgow"] == pytest.approx(roadtrip.LARGEST_RADIUS / 2, abs=0.01)
        # Cardiff's 4 would be 4.8 pixels: raised to the smallest radius, so that it can still be seen and clicked.
        assert roadtrip.LARGEST_RADIUS * math.sqrt(4 / 100) < roadtrip.SMALLEST_RADIUS
        assert by_suggestions["cardiff"] == roadtrip.SMALLEST_RADIUS
        by_attendees = {p["location_id"]: p["radius"] for p in deck_json(size_by="attendees")["layers"][3]["data"]}
        assert by_attendees["london"] == pytest.approx(roadtrip.LARGEST_RADIUS)
        assert by_attendees["glasgow"] == pytest.approx(roadtrip.LARGEST_RADIUS * math.sqrt(25 / 52), abs=0.01)
        # Cardiff recorded no attendees: the smallest point, never a made-up size.
        assert by_attendees["cardiff"] == roadtrip.SMALLEST_RADIUS
        with pytest.raises(ValueError):
            deck_json(size_by="members")

    def test_selection_rings_the_place_and_renames_the_points_layer(self):
        layers = {layer["id"]: layer for layer in deck_json(selected="glasgow")["layers"]}
        assert "stops-glasgow" in layers and "stops-all" not in layers
        assert [ring["location_id"] for ring in layers["selected-ring"]["data"]] == ["glasgow"]

    def test_no_tiles_and_no_outside_address_while_the_basemap_is_off(self):
        spec = deck_json()
        text = json.dumps(spec)
        assert "mapProvider" not in spec
        # Streamlit treats this placeholder as "no style": with no provider it adds no basemap.
        assert spec.get("mapStyle") == "__MAP_STYLE__"
        assert not re.search(r"carto|mapbox|maptiler|tile|openstreetmap", text, re.IGNORECASE)
        # The only address in the spec is the arrowhead, an inline image that fetches nothing.
        urls = re.findall(r'"url": "([^"]*)"', text)
        assert urls and all(url.startswith("data:image/svg+xml") for url in urls)

    def test_the_basemap_switch_does_add_tiles(self):
        # The other side of the test above, so that it can fail.
        spec = deck_json(basemap=True)
        assert spec["mapProvider"] == "carto"
        assert "basemaps.cartocdn.com" in spec["mapStyle"]

    def test_view_is_fixed_so_reruns_keep_it(self):
        first, second = deck_json(), deck_json(selected="london", size_by="attendees")
        assert first["initialViewState"] == second["initialViewState"] == roadtrip.INITIAL_VIEW

    def test_builder_is_pure(self):
        locations, stops = small_tour()
        before = (locations.copy(), stops.copy())
        totals = protected_rollup(stops, k=0)
        first = roadtrip.build_deck(locations, stops, TINY_NATIONS, totals).to_json()
        second = roadtrip.build_deck(locations, stops, TINY_NATIONS, totals).to_json()
        assert first == second
        pd.testing.assert_frame_equal(locations, before[0])
        pd.testing.assert_frame_equal(stops, before[1])
        pd.testing.assert_frame_equal(totals, protected_rollup(stops, k=0))

    def test_bundled_outlines_are_the_four_nations(self):
        nations = roadtrip.uk_nations()
        assert sorted(feature["properties"]["name"] for feature in nations["features"]) == sorted(charts.NATION_COLOURS)
        assert roadtrip.uk_nations() is nations


def bundled_tour(bundled_db, use_db, filters: Filters = Filters()) -> tuple[pd.DataFrame, pd.DataFrame]:
    use_db(bundled_db)
    return data.query("roadtrip_locations", **filters.params()), data.query("roadtrip_stops", **filters.params())


# Liberation Sans Bold has Arial Bold's widths, the widest font the map's labels can fall back on (its Source Sans is
# narrower); Debian's chromium depends on the package that brings it.
LABEL_FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")


@cache
def label_font() -> ImageFont.FreeTypeFont:
    if not LABEL_FONT.exists():
        pytest.fail(f"{LABEL_FONT} is missing: install Debian's fonts-liberation (chromium brings it)")
    return ImageFont.truetype(str(LABEL_FONT), roadtrip.LABEL_SIZE)


def on_screen(record: dict, pixels: float) -> tuple[float, float]:
    """A stop's position in Web Mercator pixels at the opening zoom (written out here, not taken from the app)."""
    longitude, latitude = record["position"][:2]
    return math.radians(longitude) * pixels, -math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) * pixels


def assert_no_two_overlap(boxes: dict[str, tuple[float, float, float, float]]) -> None:
    """No two labels' boxes share a pixel."""
    for (name, box), (other, other_box) in itertools.combinations(boxes.items(), 2):
        overlap = box[0] < other_box[2] and other_box[0] < box[2] and box[1] < other_box[3] and other_box[1] < box[3]
        assert not overlap, (name, other)


def label_box(record: dict, pixels: float) -> tuple[float, float, float, float]:
    """Where a stop's label sits on screen at the opening zoom, from its offset and its lines measured in a real font."""
    x, y = on_screen(record, pixels)
    x, y = x + record["label_offset"][0], y + record["label_offset"][1]
    lines = record["label"].split("\n")
    width = max(label_font().getlength(line) for line in lines) + 2  # and the letters' white outline
    # deck.gl's textAnchor: the offset is the label's left end ("start"), its right end ("end") or its middle (the default).
    left = {"start": x, "end": x - width, "middle": x - width / 2}[record.get("label_anchor", "middle")]
    half_height = roadtrip.LABEL_SIZE * len(lines) / 2
    return left, y - half_height, left + width, y + half_height


def gap_to_circle(box: tuple[float, float, float, float], record: dict, pixels: float) -> float:
    """Pixels from a label's box to the edge of a stop's circle at the opening zoom (negative: the box covers it)."""
    x, y = on_screen(record, pixels)
    nearest = (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))
    return math.dist(nearest, (x, y)) - record["radius"]


class TestLabels:
    @pytest.mark.parametrize("size_by", ["suggestions", "attendees"])
    @pytest.mark.parametrize(
        "filters", [Filters(), Filters(nations=("England", "Wales")), Filters(date_from=date(2025, 5, 1))]
    )
    def test_each_label_sits_by_its_own_stop_clear_of_every_other(self, bundled_db, use_db, filters, size_by):
        # "10 Salisbury" once sat right under Bournemouth's circle, two lines below its own stop: read as Bournemouth's.
        locations, stops = bundled_tour(bundled_db, use_db, filters)
        totals = attendees.protected_totals()  # every workshop's; location_attendees keeps the stops shown
        records = roadtrip.stop_records(locations, roadtrip.location_attendees(stops, totals), size_by)
        pixels = 512 * 2 ** roadtrip.INITIAL_VIEW["zoom"] / (2 * math.pi)
        centre = math.radians(roadtrip.INITIAL_VIEW["longitude"]) * pixels
        phone_map = 390 - 2 * 16  # a 390-pixel screen less the page's padding either side
        boxes = {record["name"]: label_box(record, pixels) for record in records}
        assert_no_two_overlap(boxes)
        for record in records:
            box = boxes[record["name"]]
            # Clear of every circle, with room for the circles' white rim and the letters' white outline.
            gaps = {other["name"]: gap_to_circle(box, other, pixels) for other in records}
            assert min(gaps.values()) >= 1, (record["label"], gaps)
            # The label's end by its own stop is nearer that stop's circle than any other: the stop a reader takes it
            # to name.
            x, y = on_screen(record, pixels)
            end = (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))
            reach = {other["name"]: gap_to_circle((*end, *end), other, pixels) for other in records}
            nearest = min(reach, key=reach.get)
            assert nearest == record["name"], f"{record['label']!r} sits nearer {nearest}'s circle than its own"
            assert centre - phone_map / 2 <= box[0] and box[2] <= centre + phone_map / 2, record["label"]

    def test_no_stop_number_covers_another_or_a_stop(self, bundled_db, use_db):
        locations, stops = bundled_tour(bundled_db, use_db)
        records = roadtrip.stop_records(locations, roadtrip.location_attendees(stops, attendees.protected_totals()))
        pixels = 512 * 2 ** roadtrip.INITIAL_VIEW["zoom"] / (2 * math.pi)
        boxes = {record["name"]: label_box(record, pixels) for record in records}
        assert_no_two_overlap(boxes)
        for record in records:
            x, y = on_screen(record, pixels)
            for name, (left, top, right, bottom) in boxes.items():
                nearest = (min(max(x, left), right), min(max(y, top), bottom))
                assert math.dist(nearest, (x, y)) >= record["radius"] - 0.5, (name, record["name"])
        # Cardiff and Newport, 15 miles apart, get their numbers on different sides; a lone stop keeps it above.
        offsets = {record["name"]: record["label_offset"] for record in records}
        assert offsets["Cardiff"] != offsets["Newport"]
        assert offsets["York"][0] == 0 and offsets["York"][1] < 0

    def test_every_label_fits_a_phones_map(self, bundled_db, use_db):
        locations, stops = bundled_tour(bundled_db, use_db)
        records = roadtrip.stop_records(locations, roadtrip.location_attendees(stops, attendees.protected_totals()))
        pixels = 512 * 2 ** roadtrip.INITIAL_VIEW["zoom"] / (2 * math.pi)
        centre = math.radians(roadtrip.INITIAL_VIEW["longitude"]) * pixels
        phone_map = 390 - 2 * 16  # a 390-pixel screen less the page's padding either side
        for record in records:
            left, _, right, _ = label_box(record, pixels)
            assert centre - phone_map / 2 <= left and right <= centre + phone_map / 2, record["label"]
        # Each label is its stop numbers and its place, on one line or, where that does not fit, two.
        labels = {record["name"]: record["label"] for record in records}
        assert labels["York"] == "1 York" and labels["Bournemouth"].replace("\n", " ") == "11 Bournemouth"
        assert labels["Salisbury (Porton Down)"].replace("\n", " ") == "10 Salisbury"

    def test_timeline_labels_do_not_overlap(self, bundled_db, use_db):
        _, stops = bundled_tour(bundled_db, use_db)
        ordered = stops.sort_values("stop")
        places = roadtrip.timeline_label_places(ordered)
        # Salisbury (150 suggestions) and Bournemouth (136) six days later: the higher one's label above, the other below.
        by_place = dict(zip(ordered["location"], places, strict=False))
        assert by_place["Salisbury (Porton Down)"] == "top center" and by_place["Bournemouth"] == "bottom center"
        assert places[0].endswith("right") and places[-1].endswith("left")
        figure = roadtrip.timeline_figure(stops)
        drawn = {
            text: place
            for trace in figure.data
            if trace.name
            for text, place in zip(trace.text, trace.textposition, strict=True)
        }
        assert drawn == dict(zip(roadtrip.timeline_labels(ordered), places, strict=True))

    def test_a_close_pair_splits_up_and_down(self):
        _, stops = small_tour()
        pair = stops.head(2).assign(held_on=[date(2025, 3, 4), date(2025, 3, 5)], suggestions=[40, 90])
        assert roadtrip.timeline_label_places(pair.sort_values("stop")) == ["bottom right", "top left"]


class TestClicks:
    def test_a_click_chooses_the_place(self):
        clicked = {"indices": {"stops-all": [1]}, "objects": {"stops-all": [{"location_id": "glasgow"}]}}
        assert roadtrip.location_after_click(clicked, None) == "glasgow"
        assert roadtrip.location_after_click(clicked, "london") == "glasgow"

    def test_a_second_click_on_the_same_place_shows_everything(self):
        clicked = {"indices": {"stops-glasgow": [1]}, "objects": {"stops-glasgow": [{"location_id": "glasgow"}]}}
        assert roadtrip.location_after_click(clicked, "glasgow") is None

    def test_an_empty_selection_changes_nothing(self):
        # Streamlit reports one after the redraw that drops the old selection; it must not undo the choice.
        assert roadtrip.location_after_click({"indices": {}, "objects": {}}, "glasgow") == "glasgow"
        assert roadtrip.location_after_click(None, None) is None

    def test_other_layers_are_ignored(self):
        clicked = {"indices": {"uk-nations": [0]}, "objects": {"uk-nations": [{"name": "Wales"}]}}
        assert roadtrip.location_after_click(clicked, "london") == "london"


class TestAttendees:
    # small_tour: London a (40) and d (12), Glasgow b (25), Cardiff c (not recorded). Totals: London 52, Glasgow 25,
    # the tour 77. At k=20, d's 12 is blanked, and a's 40 with it (else London's 52 gives it away); 52, 25 and 77 stay.

    def test_workshops_are_blanked_as_the_shared_rollup_blanks_them(self):
        _, stops = small_tour()
        shown = roadtrip.workshop_attendees(stops, protected_rollup(stops, k=20))
        assert shown["attendees_text"].tolist() == ["[c]", "25", roadtrip.NOT_RECORDED, "[c]"]
        assert shown["attendees_safe"].isna().tolist() == [True, False, True, True]

    def test_no_suppression_when_control_is_off(self):
        _, stops = small_tour()
        shown = roadtrip.workshop_attendees(stops, protected_rollup(stops, k=0))
        assert shown["attendees_text"].tolist() == ["40", "25", "not recorded", "12"]

    def test_a_place_shows_its_protected_total(self):
        _, stops = small_tour()
        per_place = roadtrip.location_attendees(stops, protected_rollup(stops, k=20)).set_index("location_id")
        assert per_place.at["london", "attendees_text"] == "52"
        assert per_place.at["glasgow", "attendees_text"] == "25"
        assert per_place.at["cardiff", "attendees_text"] == roadtrip.NOT_RECORDED
        assert pd.isna(per_place.at["cardiff", "attendees_safe"])

    def test_a_place_cut_by_the_filters_is_blank_if_what_is_left_holds_a_blank(self):
        # A date filter that keeps London's first visit only: its 40 is blank, so London's sum is [c], not 40.
        _, stops = small_tour()
        totals = protected_rollup(stops, k=20)
        per_place = roadtrip.location_attendees(stops.head(2), totals).set_index("location_id")
        assert per_place.at["london", "attendees_text"] == disclosure.SUPPRESSED
        # A place where one workshop recorded nothing shows the others' total and says so.
        moved = stops.assign(location_id=["london", "glasgow", "london", "london"], region="London")
        partly = roadtrip.location_attendees(moved, protected_rollup(moved, k=20)).set_index("location_id")
        assert partly.at["london", "attendees_text"] == "52 (some workshops not recorded)"

    def test_the_kpi_is_a_published_total_or_a_sum_of_shown_workshops(self):
        _, stops = small_tour()
        totals = protected_rollup(stops, k=20)
        assert roadtrip.attendees_kpi(stops, totals) == "77"  # every workshop: the tour's total
        assert roadtrip.attendees_kpi(stops[stops["location_id"] != "glasgow"], totals) == "52"  # London's total
        assert roadtrip.attendees_kpi(stops.head(2), totals) == disclosure.SUPPRESSED  # 40 + 25 would give 40 away
        assert roadtrip.attendees_kpi(stops.iloc[[1]], totals) == "25"
        assert roadtrip.attendees_kpi(stops.iloc[[2]], totals) == "none recorded"
        assert roadtrip.attendees_kpi(stops.head(2), protected_rollup(stops, k=0)) == "65"

    def test_workshop_table_has_every_field(self):
        _, stops = small_tour()
        table = roadtrip.workshop_table(stops, protected_rollup(stops, k=0))
        # Where, when and what it heard first: a tablet shows about six columns before it scrolls.
        assert list(table.columns) == [
            "Stop",
            "Location",
            "Date",
            "Suggestions",
            "Attendees",
            "Top theme",
            "Nation",
            "Region",
            "Venue",
            "Host",
            "Miles travelled (reported)",
            "Workshop ID",
        ]
        assert table["Attendees"].tolist() == ["40", "25", "not recorded", "12"]


class TestFiguresAndWords:
    def test_map_key_shows_each_nation_on_the_map_in_its_colour(self):
        key = roadtrip.map_legend_html(["Wales", "England"])
        # The Analysis Function colours, written out here rather than read from the code under test.
        assert "background:#12436D" in key and "England" in key
        assert "background:#801650" in key and "Wales" in key
        assert "Scotland" not in key and "Northern Ireland" not in key
        assert "<script" not in key and "href" not in key

    def test_key_finding(self):
        locations, _ = small_tour()
        kpis = {"workshops": 4, "locations": 3, "reported_miles": 935.0}
        route = {"legs": 3, "route_miles": 812.4}
        assert roadtrip.key_finding(kpis, route, locations) == (
            "4 workshops in 3 locations over 935 reported miles (an 812-mile route as the crow flies); "
            "London produced the most suggestions (100)."
        )
        assert roadtrip.key_finding({"workshops": 0, "locations": 0, "reported_miles": 0}, route, locations) is None

    def test_timeline_names_the_busiest_workshop(self):
        _, stops = small_tour()
        figure = roadtrip.timeline_figure(stops, selected="glasgow")
        assert figure.layout.title.text == "London produced the most suggestions at one workshop: 100 on 4 March"
        by_nation = {trace.name: trace for trace in figure.data if trace.name}
        assert set(by_nation) == {"England", "Scotland", "Wales"}
        assert list(by_nation["England"].y) == [100, 0]
        assert list(by_nation["England"].text) == ["1. London", "4. London"]
        # The selected place is drawn in full, the rest faded.
        assert list(by_nation["Scotland"].marker.opacity) == [1.0]
        assert list(by_nation["England"].marker.opacity) == [0.3, 0.3]

    def test_theme_mix_states_its_finding(self):
        counts = pd.DataFrame(
            {"theme_id": ["cpd", "skills"], "label": ["CPD", "Skills"], "suggestions": [3, 1], "share": [0.75, 0.25]}
        )
        figure = roadtrip.theme_mix_figure(counts, "Glasgow")
        assert figure.layout.title.text == "CPD led the suggestions from Glasgow:<br>75% of 4"
        assert list(figure.data[0].y) == ["Skills", "CPD"]  # largest at the top
        assert roadtrip.theme_mix_table(counts)["Theme"].tolist() == ["CPD", "Skills"]


# The tab with the theme mix and three suggestions; the Workshops tab opens first.
TOLD = "What each place said"


def frame_of(app, key_column: str) -> pd.DataFrame:
    """The first dataframe on the page that has this column."""
    return next(frame.value for frame in app.dataframe if key_column in frame.value.columns)


class TestPage:
    @pytest.fixture(autouse=True)
    def _fixture_database(self, fixture_db, use_db, monkeypatch):
        monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
        use_db(fixture_db)

    def test_kpis_equal_the_csvs(self, open_page, fixture_csvs):
        app = open_page(PAGE)
        assert not app.exception, [exception.message for exception in app.exception]
        stops = tour(fixture_csvs)
        shown = kpis(app)
        assert shown["Workshops"] == str(len(stops))
        assert shown["Locations"] == str(stops["location_id"].nunique())
        assert shown["Nations"] == str(stops["nation"].nunique())
        assert shown["Suggestions"] == str(len(fixture_csvs["suggestions"]))
        assert shown["Attendees"] == f"{stops['attendees'].sum():,.0f}"
        assert shown["Miles travelled (reported)"] == f"{stops['miles_travelled'].sum():,.0f}"
        assert shown["Route as the crow flies (miles)"] == f"{route_length(stops, EARTH_RADIUS_MILES):,.0f}"
        assert shown["Route as the crow flies (km)"] == f"{route_length(stops, EARTH_RADIUS_KM):,.0f}"
        finding = next(markdown.value for markdown in app.markdown if "workshops in" in markdown.value)
        assert finding == (
            "- 4 workshops in 3 locations over 1,025 reported miles (an 859-mile route as the crow flies); "
            "London produced the most suggestions (8)."
        )

    def test_choosing_a_location_filters_the_theme_mix_and_the_table(self, open_page, fixture_csvs):
        app = open_page(PAGE)
        assert frame_of(app, "Workshop ID")["Workshop ID"].tolist() == ["w01", "w02", "w03", "w04"]
        app.selectbox(key="roadtrip_location").set_value("glasgow").run()
        assert not app.exception
        assert frame_of(app, "Workshop ID")["Workshop ID"].tolist() == ["w02"]

        app = open_page(PAGE, query={"roadtrip_section": TOLD})
        everything = frame_of(app, "Theme")
        assert everything["Suggestions"].sum() == 15
        app.selectbox(key="roadtrip_location").set_value("glasgow").run()
        assert not app.exception
        glasgow_mix = frame_of(app, "Theme")
        glasgow_suggestions = fixture_csvs["suggestions"].query("workshop_id == 'w02'")
        assert glasgow_mix["Suggestions"].sum() == len(glasgow_suggestions)
        # Tagged in the CSV: Recognition, Mentoring, Skills; S15 was left for the classifier.
        tagged = glasgow_suggestions["theme_id"].dropna().value_counts()
        labels = fixture_csvs["themes"].set_index("theme_id")["label"]
        mix = glasgow_mix.set_index("Theme")["Suggestions"]
        for theme_id, count in tagged.items():
            assert mix[labels[theme_id]] >= count
        assert [subheader.value for subheader in app.subheader if "told us" in subheader.value] == [
            "What Glasgow told us"
        ]
        # The KPIs describe the whole tour (the sidebar's filters), not the chosen place.
        assert kpis(app)["Workshops"] == "4"

        app.selectbox(key="roadtrip_location").set_value(None).run()
        assert frame_of(app, "Theme")["Suggestions"].sum() == 15

    def test_each_tab_runs_only_when_chosen(self, open_page):
        # The Workshops tab opens first: the theme mix and the timeline are neither built nor sent until chosen.
        app = open_page(PAGE)
        assert any("Workshop ID" in frame.value.columns for frame in app.dataframe)
        assert not any("Theme" in frame.value.columns for frame in app.dataframe)
        assert not app.get("plotly_chart")
        app = open_page(PAGE, query={"roadtrip_section": "Timeline"})
        assert len(app.get("plotly_chart")) == 1
        assert not any("Workshop ID" in frame.value.columns for frame in app.dataframe)
        assert [subheader.value for subheader in app.subheader][-1] == "When the tour heard it"

    def test_a_shared_link_opens_on_its_location(self, open_page):
        # A bound selectbox writes its label, the location's name, into the URL, and reads it back from a link.
        app = open_page(PAGE, query={"roadtrip_location": "Exeter"})
        assert not app.exception
        assert app.selectbox(key="roadtrip_location").value == "exeter"
        assert frame_of(app, "Workshop ID")["Workshop ID"].tolist() == ["w03"]

    def test_themes_link_carries_the_location_name(self, open_page):
        app = open_page(PAGE, query={"roadtrip_section": TOLD})
        app.selectbox(key="roadtrip_location").set_value("glasgow").run()
        links = [link for link in app.get("page_link") if "Themes page" in link.proto.label]
        assert len(links) == 1
        assert links[0].proto.query_string == "location=Glasgow"

    def test_sidebar_filters_reach_the_page(self, open_page):
        app = open_page(PAGE)
        app.multiselect(key="nation").set_value(["Scotland"]).run()
        assert not app.exception
        assert kpis(app)["Workshops"] == "1"
        assert kpis(app)["Route as the crow flies (miles)"] == "0"
        assert frame_of(app, "Workshop ID")["Workshop ID"].tolist() == ["w02"]
        assert app.selectbox(key="roadtrip_location").options == ["Glasgow"]

    def test_a_choice_the_sidebar_filters_out_is_dropped(self, open_page):
        app = open_page(PAGE)
        app.selectbox(key="roadtrip_location").set_value("exeter").run()
        app.multiselect(key="nation").set_value(["Scotland"]).run()
        assert not app.exception
        assert app.selectbox(key="roadtrip_location").value is None
        assert frame_of(app, "Workshop ID")["Workshop ID"].tolist() == ["w02"]

    def test_size_toggle_switches_the_points_to_attendees(self, open_page):
        app = open_page(PAGE)

        def radii() -> dict[str, float]:
            spec = json.loads(app.get("deck_gl_json_chart")[0].proto.json)
            points = next(layer for layer in spec["layers"] if layer["id"].startswith("stops"))["data"]
            return {point["location_id"]: point["radius"] for point in points}

        # Fixture: London 8 suggestions and 40 attendees (w04 recorded none), Glasgow 4 and 25, Exeter 3 and 30.
        assert max(radii(), key=radii().get) == "london"
        app.toggle(key="roadtrip_size").set_value(True).run()
        by_attendees = radii()
        assert by_attendees["london"] == pytest.approx(roadtrip.LARGEST_RADIUS)
        assert by_attendees["exeter"] == pytest.approx(roadtrip.LARGEST_RADIUS * math.sqrt(30 / 40), abs=0.01)
        assert any("Point area shows attendees" in caption.value for caption in app.caption)

    def test_map_is_offline_and_keyed(self, open_page):
        app = open_page(PAGE)
        decks = app.get("deck_gl_json_chart")
        assert len(decks) == 1
        spec = json.loads(decks[0].proto.json)
        assert "mapProvider" not in spec
        assert not re.search(r"carto|mapbox", decks[0].proto.json, re.IGNORECASE)
        assert "roadtrip_map" in decks[0].proto.id


def test_page_shows_the_attendees_protected_once_for_every_page(bundled_db, use_db, open_page, monkeypatch):
    # k=35 on the bundled tour: Belfast (31), York (38) and Glasgow's two workshops (46, 29) are blanked in the shared
    # rollup; Glasgow's 75, Scotland's and the tour's 880 stay, so the views made of whole places show their sums.
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "35")
    use_db(bundled_db)
    app = open_page(PAGE)
    assert not app.exception, [exception.message for exception in app.exception]

    def points() -> dict[str, str]:
        spec = json.loads(app.get("deck_gl_json_chart")[0].proto.json)
        layer = next(layer for layer in spec["layers"] if layer["id"].startswith("stops"))
        return {point["location_id"]: point["attendees_text"] for point in layer["data"]}

    assert kpis(app)["Attendees"] == "880"
    table = frame_of(app, "Workshop ID").set_index("Workshop ID")["Attendees"]
    assert table[["w01", "w04", "w06", "w13"]].eq("[c]").all() and table["w03"] == "88"
    assert table["w05"] == roadtrip.NOT_RECORDED
    assert (points()["glasgow"], points()["belfast"], points()["edinburgh"]) == ("75", "[c]", roadtrip.NOT_RECORDED)
    app.multiselect(key="nation").set_value(["Scotland", "Wales"]).run()
    assert kpis(app)["Attendees"] == "174"  # Scotland's 75 and Wales's 99, both shown on the Profession page
    app.multiselect(key="nation").set_value(["Northern Ireland"]).run()
    assert kpis(app)["Attendees"] == "[c]"


def test_the_roadtrip_pages_map_key_is_the_builders_for_every_nation():
    import ast

    page = ast.parse((config.ROOT / "dashboard" / "pages" / "roadtrip.py").read_text())
    (constant,) = [
        node.value.value
        for node in page.body
        if isinstance(node, ast.Assign) and [ast.unparse(target) for target in node.targets] == ["MAP_LEGEND"]
    ]
    assert constant == roadtrip.map_legend_html()
