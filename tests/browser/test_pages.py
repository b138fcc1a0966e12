"""Every page opens in Chromium without an exception, shows its KPIs and charts, and leaves a screenshot."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import exceptions, goto, path_of, screenshot

pytestmark = pytest.mark.browser

# URL path: (fewest KPI cards, fewest charts). Plotly charts and pydeck maps both count as charts. Leadership,
# Profession and the Themes heatmaps open on their first tab; the other tabs run only when chosen.
EXPECTED = {
    "/": (7, 0),
    "/roadtrip": (8, 3),
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
    assert loaded_page.locator('[data-testid="stMetric"]').count() >= kpis
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
