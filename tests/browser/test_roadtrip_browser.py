"""Roadtrip in Chromium: the offline map draws, a click on it filters the page, and so does the keyboard control."""

import io
import math
import shutil

import pytest
from PIL import Image
from playwright.sync_api import expect

from dashboard import charts, roadtrip
from tests.browser.conftest import ARTIFACTS, exceptions, goto, rerun, screenshot

pytestmark = pytest.mark.browser

DECK = '[data-testid="stDeckGlJsonChart"]'
# Resolves after two animation frames: deck.gl draws on a frame, so two frames after a change it has drawn it.
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
CANVAS_SIZED = f"""
() => {{
  const canvas = document.querySelector('{DECK} canvas');
  return Boolean(canvas) && canvas.width > 0 && canvas.height > 0 && canvas.getBoundingClientRect().height > 0;
}}
"""
LAND = tuple(roadtrip.LAND)
ENGLAND = tuple(charts.hex_to_rgb(charts.NATION_COLOURS["England"]))
SCOTLAND = tuple(charts.hex_to_rgb(charts.NATION_COLOURS["Scotland"]))
LONDON = (51.5074, -0.1278)
GLASGOW = (55.8609, -4.2514)


def map_pixels(page) -> Image.Image:
    """A picture of the map element as it is on screen."""
    return Image.open(io.BytesIO(page.locator(DECK).screenshot())).convert("RGB")


def share_of(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 6) -> float:
    """The share of the image's pixels within `tolerance` of a colour."""
    pixels = list(image.get_flattened_data())
    close = sum(1 for pixel in pixels if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)))
    return close / len(pixels)


def wait_for_map(page) -> Image.Image:
    """Wait until deck.gl's canvas has a size and has drawn the land and the stops, and return the map's picture."""
    page.wait_for_function(CANVAS_SIZED, polling="raf")
    for _ in range(50):
        page.evaluate(TWO_FRAMES)
        image = map_pixels(page)
        if share_of(image, LAND) > 0.05 and share_of(image, ENGLAND) > 0.001:
            return image
    pytest.fail("the map's canvas never showed the UK and its stops")


def screen_point(page, latitude: float, longitude: float) -> tuple[float, float]:
    """Where a place is drawn on the page, from the map's fixed initial view (Web Mercator, 512-pixel world tiles)."""
    view = roadtrip.INITIAL_VIEW
    world = 512 * 2 ** view["zoom"]

    def project(lat, lon):
        x = (lon + 180) / 360 * world
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * world
        return x, y

    box = page.locator(f"{DECK} canvas").first.bounding_box()
    centre_x, centre_y = project(view["latitude"], view["longitude"])
    x, y = project(latitude, longitude)
    return box["x"] + box["width"] / 2 + (x - centre_x), box["y"] + box["height"] / 2 + (y - centre_y)


def click(page, x: float, y: float) -> None:
    """Click a point on the map as a person would: move there first (deck.gl picks what is under the pointer)."""
    page.mouse.move(x, y)
    page.evaluate(TWO_FRAMES)
    page.mouse.click(x, y)


# The Roadtrip page on its tab of what each place said, which names the chosen place.
TOLD = "/roadtrip?roadtrip_section=What+each+place+said"


def told_us(page) -> str:
    return page.locator("h3", has_text="told us").inner_text()


def test_map_draws_offline_and_leaves_a_screenshot(page):
    goto(page, "/roadtrip")
    assert exceptions(page) == []
    image = wait_for_map(page)
    # Land in grey, English stops in dark blue and Scottish ones in turquoise: the base map and the points drew,
    # with no tiles (the page fixture fails the test if anything outside this machine was asked for).
    assert share_of(image, LAND) > 0.05
    assert share_of(image, ENGLAND) > 0.001
    assert share_of(image, SCOTLAND) > 0.0005
    path = screenshot(page, "roadtrip")
    assert path.stat().st_size > 50_000
    # Also where the issue asks for it, outside the folder that each browser session empties.
    shutil.copyfile(path, ARTIFACTS / "roadtrip.png")


def test_clicking_a_stop_filters_the_page_and_clicking_again_clears_it(page):
    goto(page, TOLD)
    wait_for_map(page)
    assert told_us(page) == "What the tour told us"
    x, y = screen_point(page, *LONDON)
    with rerun(page):
        click(page, x, y)
    expect(page.locator("h3", has_text="told us")).to_have_text("What London told us")
    expect(page.locator(".st-key-roadtrip_location input")).to_have_value("London")
    assert "roadtrip_location=London" in page.url
    assert exceptions(page) == []
    wait_for_map(page)
    with rerun(page):
        click(page, x, y)
    expect(page.locator("h3", has_text="told us")).to_have_text("What the tour told us")
    expect(page.locator(".st-key-roadtrip_location input")).to_have_value("")


def dark_ring_pixels(page, image: Image.Image, latitude: float, longitude: float) -> int:
    """Near-black pixels within the largest ring's reach of a stop, below it (its label, also in ink, sits above).

    Points, lines and land are lighter than this; only the selection ring is drawn in ink there.
    """
    x, y = screen_point(page, latitude, longitude)
    box = page.locator(DECK).bounding_box()
    centre_x, centre_y = x - box["x"], y - box["y"]
    count = 0
    for pixel_x in range(int(centre_x - 45), int(centre_x + 45)):
        for pixel_y in range(int(centre_y), int(centre_y + 45)):
            distance = math.hypot(pixel_x - centre_x, pixel_y - centre_y)
            inside = 0 <= pixel_x < image.width and 0 <= pixel_y < image.height
            if inside and distance <= roadtrip.LARGEST_RADIUS + 10:
                count += sum(image.getpixel((pixel_x, pixel_y))) < 100
    return count


def test_keyboard_control_mirrors_the_map(page):
    goto(page, TOLD)
    before = dark_ring_pixels(page, wait_for_map(page), *GLASGOW)
    page.locator(".st-key-roadtrip_location input").focus()
    page.keyboard.type("Glasgow")
    with rerun(page):
        page.keyboard.press("Enter")
    expect(page.locator("h3", has_text="told us")).to_have_text("What Glasgow told us")
    assert "roadtrip_location=Glasgow" in page.url
    assert exceptions(page) == []
    # The chosen place is ringed in ink on the map, as if it had been clicked.
    after = dark_ring_pixels(page, wait_for_map(page), *GLASGOW)
    assert after > before + 50


def test_the_parts_below_the_map_are_tabs_that_run_when_chosen(page):
    goto(page, "/roadtrip")
    wait_for_map(page)
    # The Workshops tab opens first; the Plotly charts of the other two are not sent until they are chosen.
    expect(page.get_by_role("heading", name="Every workshop")).to_be_visible()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    with rerun(page):
        page.get_by_role("tab", name="Timeline").click()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    expect(page.get_by_role("heading", name="When the tour heard it")).to_be_visible()
    assert "roadtrip_section=Timeline" in page.url
    assert exceptions(page) == []
