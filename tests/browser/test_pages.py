"""Every page opens in Chromium without an exception, shows its KPIs and charts, and leaves a screenshot."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import exceptions, goto, screenshot

pytestmark = pytest.mark.browser

# URL path: (fewest KPI cards, fewest charts). Plotly charts and pydeck maps both count as charts.
PAGES = {
    "/": (7, 0),
    "/roadtrip": (1, 2),
    "/themes": (1, 1),
    "/leadership": (1, 1),
    "/profession": (1, 1),
    "/data": (0, 0),
}
CHARTS = '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]'


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_its_kpis_and_charts(page, path):
    goto(page, path)
    screenshot(page, f"page_{path.strip('/') or 'overview'}")
    assert exceptions(page) == []
    expect(page.locator("h1").first).not_to_be_empty()
    kpis, charts = PAGES[path]
    assert page.locator('[data-testid="stMetric"]').count() >= kpis
    assert page.locator(CHARTS).count() >= charts
    # A chart that is present but never drew is not a chart: wait for plotly's SVG and deck.gl's canvas.
    for plot in page.locator('[data-testid="stPlotlyChart"]').all():
        expect(plot.locator("svg.main-svg").first).to_be_attached()
    for deck in page.locator('[data-testid="stDeckGlJsonChart"]').all():
        expect(deck.locator("canvas").first).to_be_attached()


def test_unknown_page_says_so_without_an_exception(page):
    goto(page, "/no-such-page")
    assert exceptions(page) == []
    expect(page.locator("h1").first).not_to_be_empty()
