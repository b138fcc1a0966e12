"""A key journey with the keyboard alone: filter by a theme, then move to the Suggestion themes page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import chosen, exceptions, goto, kpis, rerun, screenshot
from tests.browser.test_journeys import as_number, suggestions_in, theme_label

pytestmark = pytest.mark.browser

# Enough presses to pass the skip link, the navigation, every filter and the sidebar buttons, with room to spare.
MAX_TABS = 40
FOCUSED = """
() => {
  const element = document.activeElement;
  if (!element) return "";
  return [element.getAttribute("aria-label") || "", element.textContent.trim()].join("|");
}
"""


def tab_to(page, matches, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element's "aria-label|text" satisfies `matches`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if matches(page.evaluate(FOCUSED)):
            return
    pytest.fail(f"the keyboard never reached the element; focus ended on {page.evaluate(FOCUSED)!r}")


def test_filter_and_navigate_with_the_keyboard_alone(page, bundled_db, bundled_csvs):
    goto(page, "/")
    label = theme_label(bundled_csvs, "cpd")

    tab_to(page, lambda focused: focused.startswith("Themes|"))
    with rerun(page):
        page.keyboard.type(label)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert chosen(page, "Themes") == [label]
    assert as_number(kpis(page)["Suggestions"]) == suggestions_in(bundled_db, theme_id="cpd")

    tab_to(page, lambda focused: focused.endswith("Suggestion themes"), backwards=True)
    with rerun(page):
        page.keyboard.press("Enter")
    expect(page.locator("h1").first).to_have_text("Suggestion themes")
    assert chosen(page, "Themes") == [label]
    assert as_number(kpis(page)["Suggestions"]) == suggestions_in(bundled_db, theme_id="cpd")
    assert exceptions(page) == []
    screenshot(page, "keyboard_themes_cpd")
