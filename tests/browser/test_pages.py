"""Every page opens in Chromium without an exception, shows its KPIs and charts, and leaves a screenshot."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KPI_CARD, exceptions, goto, path_of, screenshot, script_runs, wait_for_app

pytestmark = pytest.mark.browser

# URL path: (fewest KPI cards, fewest charts). Plotly charts and pydeck maps both count as charts. Leadership,
# Profession, Roadtrip (below its map) and the Themes heatmaps open on their first tab; the other tabs run only when
# chosen.
EXPECTED = {
    "/": (7, 0),
    "/roadtrip": (8, 1),
    "/themes": (4, 2),
    "/leadership": (6, 1),
    "/profession": (4, 3),
    "/data": (0, 0),
    "/about": (0, 0),
    "/taxonomy": (4, 0),
}
CHARTS = '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]'


def test_page_loads_with_its_kpis_and_charts(loaded_page):
    path = path_of(loaded_page)
    screenshot(loaded_page, f"page_{path.strip('/') or 'overview'}")
    assert exceptions(loaded_page) == []
    expect(loaded_page.locator("h1").first).not_to_be_empty()
    kpis, charts = EXPECTED[path]
    assert loaded_page.locator(KPI_CARD).count() >= kpis
    assert loaded_page.locator(CHARTS).count() >= charts
    # A chart that is present but never drew is not a chart: plotly draws an SVG, deck.gl a canvas.
    for plot in loaded_page.locator('[data-testid="stPlotlyChart"]').all():
        expect(plot.locator("svg.main-svg").first).to_be_attached()
    for deck in loaded_page.locator('[data-testid="stDeckGlJsonChart"]').all():
        expect(deck.locator("canvas").first).to_be_attached()


def test_unknown_page_says_so_without_an_exception(page):
    goto(page, "/no-such-page")
    assert exceptions(page) == []
    expect(page.locator("h1").first).not_to_be_empty()


# The page once its first run has ended with the headline drawn, read in the browser in one go, before the rest arrives.
FIRST_SCREEN = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  // Drawn: the page waits for its rest, and no element still shows the skeleton of code that is loading.
  if (!main.querySelector(".st-key-layout_rest_pending") || main.querySelector('[data-testid="stSkeleton"]')) return false;
  return {
    kpis: main.querySelectorAll('[class*="st-key-kpi_card_"]').length,
    findings: [...main.querySelectorAll("h2")].some((h) => h.textContent.trim() === "Key findings"),
    charts: main.querySelectorAll('[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]').length,
  };
}
"""


@pytest.mark.parametrize(("path", "kpis", "charts"), [("/themes", 5, 2), ("/roadtrip", 8, 1), ("/leadership", 6, 1)])
def test_a_link_shows_the_headline_first_and_the_browser_then_asks_for_the_rest(page, path, kpis, charts):
    page.goto(path)
    first = page.wait_for_function(FIRST_SCREEN, polling="raf").json_value()
    assert first == {"kpis": kpis, "findings": True, "charts": 0}
    # Once the browser has drawn the headline, it asks for the rest: one more run, and the page is whole.
    wait_for_app(page, after=1)
    assert script_runs(page) == 2
    assert page.locator(".st-key-layout_rest_pending").count() == 0
    assert page.locator(CHARTS).count() >= charts
    assert exceptions(page) == []


def test_a_links_notice_is_on_a_phones_first_screen_once_the_rest_has_come(page):
    """A shared link with a location outside its nation: the sidebar drops it and the link loses it in the first run.

    The notice must still be there once the browser has asked for the rest (a second run, with a clean link), and
    where a phone shows it: above the page, not in the closed sidebar.
    """
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/themes?nation=Scotland&location=Cardiff")
    wait_for_app(page, after=1)
    assert script_runs(page) == 2
    notice = page.locator('[data-testid="stMain"]').get_by_text(
        "Ignored 1 location value(s) in the link outside the chosen nations (Scotland)."
    )
    expect(notice).to_be_in_viewport()
    assert "location=" not in page.url
    assert exceptions(page) == []


# Whether the hidden grid a page sends with its headline (layout.rest_follows) was ever in the page, and the most room
# it ever took. Recorded on every change to the page: while the grid is there, the browser is busy loading its code,
# too busy for Playwright's own polling to see it.
WATCH_EARLY_GRID = """
window.__gseEarlyGrid = { attached: false, tallest: 0 };
new MutationObserver(() => {
  const early = document.querySelector(".st-key-layout_grid_early");
  if (!early) return;
  window.__gseEarlyGrid.attached = true;
  window.__gseEarlyGrid.tallest = Math.max(window.__gseEarlyGrid.tallest, early.getBoundingClientRect().height);
}).observe(document, { subtree: true, childList: true, attributes: true });
"""


@pytest.mark.parametrize("path", ["/taxonomy", "/review"])
def test_a_page_whose_rest_is_tables_loads_the_grid_code_with_its_headline_unseen(page, path):
    page.add_init_script(WATCH_EARLY_GRID)
    goto(page, path)
    # The hidden empty grid went with the headline, so the browser loaded the grid's code while the rest was made;
    # the browser asked for the rest without waiting for that code, and the page is whole after one more run.
    # Never more than a pixel tall, even before the page's CSS arrives to hide it: no empty table under the headline.
    early = page.evaluate("window.__gseEarlyGrid")
    assert early["attached"] and early["tallest"] <= 1, early
    assert script_runs(page) == 2
    assert page.locator(".st-key-layout_grid_early").count() == 0
    # The page's own grids are drawn, with no empty one left over.
    expect(
        page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').filter(visible=True).first
    ).to_be_visible()
    assert exceptions(page) == []
