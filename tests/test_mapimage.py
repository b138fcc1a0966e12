"""The map picture for the board pack and the report: drawn offline from the deck's own layers."""

import io
import json
import math
import socket

import pydeck as pdk
import pytest
from PIL import Image

from dashboard import charts, roadtrip
from dashboard.story import mapimage
from tests.test_roadtrip import TINY_NATIONS, protected_rollup, small_tour


def tour_deck() -> pdk.Deck:
    locations, stops = small_tour()
    return roadtrip.build_deck(locations, stops, TINY_NATIONS, protected_rollup(stops, k=0))


def expected_pixel(deck: pdk.Deck, position, width: int, height: int) -> tuple[int, int]:
    """Where a position lands: the deck's positions fitted inside the picture, Web Mercator, written out again here."""
    layers = json.loads(deck.to_json())["layers"]
    positions = [point for ring in TINY_NATIONS["features"][0]["geometry"]["coordinates"] for point in ring]
    positions += [leg[key] for leg in layers[1]["data"] for key in ("source", "target")]
    positions += [layer_record["position"] for layer_record in layers[3]["data"]]
    positions += [leg["midpoint"] for leg in layers[2]["data"]]

    def project(point):
        return math.radians(point[0]), math.log(math.tan(math.pi / 4 + math.radians(point[1]) / 2))

    xs, ys = zip(*(project(point) for point in positions), strict=True)
    padding = mapimage.PADDING * height
    scale = min((width - 2 * padding) / (max(xs) - min(xs)), (height - 2 * padding) / (max(ys) - min(ys)))
    x, y = project(position)
    return (
        round(width / 2 + (x - (max(xs) + min(xs)) / 2) * scale),
        round(height / 2 - (y - (max(ys) + min(ys)) / 2) * scale),
    )


def test_each_stop_is_drawn_where_it_is_in_its_nation_colour():
    deck = tour_deck()
    picture = Image.open(io.BytesIO(mapimage.png(deck, height=600))).convert("RGB")
    assert picture.height == 600 and 0 < picture.width < 600  # narrower than tall, as the tour's area is
    locations, _ = small_tour()
    for row in locations.itertuples():
        pixel = expected_pixel(deck, [row.longitude, row.latitude], picture.width, picture.height)
        colour = picture.getpixel(pixel)
        wanted = charts.hex_to_rgb(charts.NATION_COLOURS[row.nation])
        assert max(abs(a - b) for a, b in zip(colour, wanted, strict=True)) <= 8, (row.name, colour, wanted)
    assert picture.getpixel((0, 0)) == (255, 255, 255)  # no tiles: the sea is plain white
    # The land of the outline is drawn in the map's land colour, west of Cardiff inside the square "Wales".
    land = picture.getpixel(expected_pixel(deck, [-4.8, 52.9], picture.width, picture.height))
    assert land == tuple(roadtrip.LAND)


def test_a_given_width_is_kept_and_nothing_is_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the map picture tried to open a connection")

    monkeypatch.setattr(socket, "socket", no_network)
    picture = Image.open(io.BytesIO(mapimage.png(tour_deck(), height=300, width=500)))
    assert picture.size == (500, 300)


def test_a_layer_it_cannot_draw_is_an_error_not_a_gap():
    deck = pdk.Deck(layers=[pdk.Layer("HexagonLayer", data=[{"position": [0, 51]}], get_position="position")])
    with pytest.raises(ValueError, match="HexagonLayer"):
        mapimage.png(deck)
