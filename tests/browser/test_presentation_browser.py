"""Presentation mode in Chromium: entered with the button, moved with the arrow keys, left with the filters kept."""

import pytest

from tests.browser.conftest import goto, rerun, screenshot

pytestmark = pytest.mark.browser


def headline(page) -> str:
    return page.locator("h1").first.inner_text()


def test_present_with_the_keyboard_and_leave(page):
    goto(page, "/themes?nation=Scotland")
    with rerun(page):
        page.get_by_role("button", name="Presentation mode").click()
    assert "present=true" in page.url and "nation=Scotland" in page.url
    assert headline(page) == "GSE Insight: the board story"
    assert page.locator('section[data-testid="stSidebar"]').is_hidden()
    with rerun(page):
        page.keyboard.press("PageDown")
    assert headline(page).startswith("The tour held 3 workshops")
    with rerun(page):
        page.keyboard.press("ArrowRight")
    assert headline(page).startswith("3 workshops in 2 locations")
    page.locator("canvas").first.wait_for(state="visible")
    screenshot(page, "presentation-roadtrip")
    with rerun(page):
        page.keyboard.press("ArrowRight")
    assert "most common theme" in headline(page)
    with rerun(page):
        page.keyboard.press("ArrowRight")
    assert "acceptance rate" in headline(page)
    screenshot(page, "presentation-leadership")
    with rerun(page):
        page.keyboard.press("End")
    assert "regions and nations are under-represented" in headline(page)
    with rerun(page):
        page.keyboard.press("PageUp")
    assert "acceptance rate" in headline(page)
    # Every department is a row: the chart continues over two slides, 15 rows on each.
    assert page.get_by_text("Leadership access (2 of 2)").is_visible()
    with rerun(page):
        page.keyboard.press("ArrowLeft")
    assert page.get_by_text("Leadership access (1 of 2)").is_visible()
    with rerun(page):
        page.keyboard.press("ArrowLeft")
    assert "most common theme" in headline(page)
    with rerun(page):
        page.get_by_role("button", name="Leave presentation").click()
    assert "present" not in page.url and "nation=Scotland" in page.url
    assert headline(page) == "Suggestion themes"
