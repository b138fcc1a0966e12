"""The HTML report in Chromium: it draws its charts offline and prints one section to an A4 landscape page."""

import re

import pytest

from dashboard.filters import Filters
from dashboard.story import standard

A4_LANDSCAPE_WIDTH_PX = round((297 - 24) / 25.4 * 96)
A4_LANDSCAPE_HEIGHT_PX = round((210 - 26) / 25.4 * 96)


@pytest.mark.browser
def test_report_renders_offline_and_prints_one_section_a_page(browser, bundled_db, use_db, monkeypatch, tmp_path):
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(bundled_db)
    slides = standard.slides(Filters())
    path = tmp_path / "report.html"
    path.write_bytes(standard.html_report(Filters()))
    outside = []

    def guard(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page = browser.new_page()
    try:
        page.route("**/*", guard)
        page.goto(path.as_uri())
        figures = sum(item.figure is not None for item in slides)
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {figures}")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_LANDSCAPE_WIDTH_PX, "height": A4_LANDSCAPE_HEIGHT_PX})
        breaks = page.evaluate(
            "[...document.querySelectorAll('section.slide')].map(s => getComputedStyle(s).breakBefore)"
        )
        boxes = page.evaluate(
            "[...document.querySelectorAll('.main-svg, table, .kpis')].map(e => e.getBoundingClientRect())"
            ".map(r => ({right: r.right, height: r.height}))"
        )
        pdf = page.pdf(format="A4", landscape=True)
    finally:
        page.close()
    assert outside == []
    assert breaks == ["page"] * len(slides)
    assert all(box["right"] <= A4_LANDSCAPE_WIDTH_PX for box in boxes), boxes
    assert len(page_count := re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 1 + len(slides), len(page_count)
