"""Every page at phone, tablet and desktop sizes: nothing wider than the screen, no chart text cut off.

GSE_DOCS_SCREENSHOTS=1 also writes the top of every page on a phone (three screens) and a desktop (two) to
docs/screenshots, as small palette PNGs.
"""

import os
from pathlib import Path

import pytest
from PIL import Image

from dashboard import layout
from tests.browser.conftest import KPI_CARD, SCREENSHOTS, exceptions, goto, new_context, screenshot

pytestmark = pytest.mark.browser

SIZES = {
    "phone": (390, 844),
    "tablet-portrait": (768, 1024),
    "tablet-landscape": (1024, 768),
    "desktop": (1440, 900),
}
PAGES = ["/", "/roadtrip", "/themes", "/review", "/leadership", "/profession", "/story", "/about", "/data", "/taxonomy"]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DOCS_SCREENS = {"phone": 3, "desktop": 2}  # how many screens' height of each page the docs show

# What does not fit, measured in the page itself. An element may run past the screen's right edge only inside a
# box that scrolls or clips within the screen (a table's own scroller, say), but never a choice: every button of a
# button group (st.pills) lies within the group, since Streamlit puts them in one row that scrolls sideways. Chart text
# (titles, axis titles, value labels, annotations, tick labels) must lie within its chart's SVG. Text cut short with an
# ellipsis counts as cut off. A table of at most WHOLE_TABLE_ROWS rows shows them all, not a box that stops mid-row.
MISFITS = """
(wholeRows) => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => `${el.getAttribute('data-testid') || el.tagName.toLowerCase()}: ${
    (el.textContent || '').trim().slice(0, 60)}`;
  const insideScroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(overflow) && up.getBoundingClientRect().right <= width + 1) {
        return true;
      }
    }
    return false;
  };
  const found = {
    pageScroll: document.documentElement.scrollWidth - width, wide: [], hiddenChoices: [], cutTables: [], chartText: [],
    ellipsis: [], brokenWords: [],
  };
  // A word of a KPI card split over two lines ("Suggestion / s") reads as two.
  for (const card of document.querySelectorAll('[data-testid="stMain"] [class*="st-key-kpi_card_"] p')) {
    if (!card.getBoundingClientRect().width) continue;
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width).map((r) => Math.round(r.top)));
        if (lines.size > 1) found.brokenWords.push(`${match[0]} in ${card.textContent.trim().slice(0, 40)}`);
      }
    }
  }
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if ((box.right > width + 1 || box.width > width + 1) && !insideScroller(el)) found.wide.push(describe(el));
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT'
        && (el.textContent || '').trim()) {
      found.ellipsis.push(describe(el));
    }
  }
  for (const grid of document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]')) {
    const counted = grid.querySelector("[aria-rowcount]");
    if (!grid.getBoundingClientRect().height || !counted) continue;  // hidden (a phone's table on a desktop), or empty
    const rows = Number(counted.getAttribute("aria-rowcount")) - 1;  // less the header
    const scroller = grid.querySelector(".dvn-scroller");
    if (rows <= wholeRows && scroller && scroller.scrollHeight > scroller.clientHeight + 1) {
      found.cutTables.push(`${rows} rows: ${(grid.closest('[data-testid="stVerticalBlock"]')?.textContent || '').slice(0, 60)}`);
    }
  }
  for (const group of document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"]')) {
    const edge = group.getBoundingClientRect();
    for (const button of group.querySelectorAll("button")) {
      if (button.getBoundingClientRect().right > edge.right + 1) found.hiddenChoices.push(describe(button));
    }
  }
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const svg = chart.querySelector('svg.main-svg');
    if (!svg || !svg.getBoundingClientRect().width) continue;
    const edge = svg.getBoundingClientRect();
    const texts = chart.querySelectorAll(
      '.gtitle, .g-gtitle text, .textpoint text, text.bartext, .annotation-text, .xtick text, .ytick text, '
      + '.xtitle, .ytitle'
    );
    for (const text of texts) {
      const box = text.getBoundingClientRect();
      if (!box.width) continue;
      if (box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1) {
        found.chartText.push(`${text.textContent.slice(0, 60)} (${Math.round(box.left)} to ${Math.round(box.right)}, `
          + `chart ${Math.round(edge.left)} to ${Math.round(edge.right)})`);
      }
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request, browser, app_url):
    """A page in a browser window of one of the four sizes, shared by the pages opened in it."""
    width, height = SIZES[request.param]
    outside: list[str] = []
    context = new_context(browser, app_url, outside, viewport={"width": width, "height": height})
    try:
        yield request.param, context.new_page()
    finally:
        context.close()
    assert not outside, f"the app tried to reach outside this machine: {sorted(set(outside))}"


def open_drawn(page, path: str) -> None:
    """Open a page and wait until every chart and table on screen has drawn (a table knows its rows)."""
    goto(page, path)
    for chart in page.locator('[data-testid="stPlotlyChart"]').filter(visible=True).all():
        chart.locator("svg.main-svg").first.wait_for(state="attached")
    for grid in page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').filter(visible=True).all():
        grid.locator("[aria-rowcount]").first.wait_for(state="attached")


def save_first_screen(page, size: str, path: str) -> None:
    """The first screen as a PNG in test-artifacts, and with GSE_DOCS_SCREENSHOTS=1 a small copy in docs/screenshots."""
    name = f"{size}-{path.strip('/') or 'overview'}.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"screen-{name}"), animations="disabled")
    if os.environ.get("GSE_DOCS_SCREENSHOTS") == "1" and size in DOCS_SCREENS:
        DOCS.mkdir(parents=True, exist_ok=True)
        viewport = page.viewport_size
        with Image.open(screenshot(page, f"full-{name}")) as image:
            top = image.crop((0, 0, viewport["width"], min(image.height, viewport["height"] * DOCS_SCREENS[size])))
            top.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(DOCS / name, optimize=True)


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_the_screen(sized, path):
    size, page = sized
    open_drawn(page, path)
    assert exceptions(page) == []
    misfits = page.evaluate(MISFITS, layout.WHOLE_TABLE_ROWS)
    save_first_screen(page, size, path)
    assert misfits == {
        "pageScroll": 0,
        "wide": [],
        "hiddenChoices": [],
        "cutTables": [],
        "chartText": [],
        "ellipsis": [],
        "brokenWords": [],
    }, (size, path)


def cards(page):
    """The KPI cards' boxes, in page order."""
    return [card.bounding_box() for card in page.locator(KPI_CARD).all()]


@pytest.mark.parametrize("path", ["/", "/roadtrip", "/themes", "/leadership", "/profession"])
def test_kpis_sit_two_to_a_row_on_a_phone(sized, path):
    size, page = sized
    if size != "phone":
        pytest.skip("phone layout")
    open_drawn(page, path)
    boxes = cards(page)
    assert len(boxes) >= 4
    width = page.viewport_size["width"]
    for left, right in zip(boxes[0::2], boxes[1::2], strict=False):
        assert abs(left["y"] - right["y"]) < 2, "the cards of a pair are side by side"
        assert left["x"] < right["x"] and right["x"] + right["width"] <= width
        assert left["width"] < width / 2


def test_the_overview_findings_are_on_a_phones_first_screen(sized):
    size, page = sized
    if size != "phone":
        pytest.skip("phone layout")
    open_drawn(page, "/")
    heading = page.get_by_role("heading", name="Key findings").bounding_box()
    first = page.locator('[data-testid="stMain"] li').first.bounding_box()
    assert first["y"] + first["height"] <= page.viewport_size["height"]
    assert heading["y"] < first["y"]


@pytest.mark.parametrize(
    ("path", "chart_key", "table_on"),
    [
        ("/themes", "themes_heatmap_location", {"phone"}),
        # Its seven scheme headings ran into each other on a tablet.
        (
            "/leadership?leadership_section=Department+by+scheme",
            "leadership_heatmap",
            {"phone", "tablet-portrait", "tablet-landscape"},
        ),
        ("/roadtrip?roadtrip_section=Timeline", "roadtrip_timeline", {"phone"}),
    ],
)
def test_a_chart_that_needs_the_width_gives_way_to_its_table_on_a_phone(sized, path, chart_key, table_on):
    size, page = sized
    open_drawn(page, path)
    chart = page.locator(f".st-key-wide_only_{chart_key}, .st-key-desktop_only_{chart_key}")
    table = page.locator(f".st-key-narrow_only_{chart_key}, .st-key-below_desktop_{chart_key}")
    if size in table_on:
        assert not chart.is_visible()
        # A Markdown table, not a data grid, whose code would hold up the page's first screen.
        assert table.locator("table th").first.is_visible()
        assert table.locator("table tbody tr").count() >= 3
    else:
        assert chart.locator('[data-testid="stPlotlyChart"]').is_visible()
        assert not table.is_visible()


# The UK's far corners: Northern Ireland's west, Land's End, Lowestoft and Shetland's north (longitude, latitude).
UK_CORNERS = [[-8.2, 54.5], [-5.72, 50.07], [1.76, 52.48], [-0.8, 60.85]]


def test_the_profession_map_shows_the_whole_uk(sized):
    size, page = sized
    open_drawn(page, "/profession?profession_section=Where+members+are")
    # Each corner's place on the drawn map, in pixels from its top left, beside the map's own size.
    shown = page.evaluate(
        """(corners) => {
          const map = document.querySelector('.st-key-profession_map .js-plotly-plot')._fullLayout.map._subplot.map;
          const box = map.getContainer().getBoundingClientRect();
          return {width: box.width, height: box.height, points: corners.map((corner) => map.project(corner))};
        }""",
        UK_CORNERS,
    )
    outside = [
        corner
        for corner, point in zip(UK_CORNERS, shown["points"], strict=True)
        if not (0 <= point["x"] <= shown["width"] and 0 <= point["y"] <= shown["height"])
    ]
    assert not outside, f"{size}: off the map's edge: {outside}"
