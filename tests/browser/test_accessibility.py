"""Accessibility in Chromium: axe-core on every page and view, chart text contrast, and a table under every chart."""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard import config
from tests.browser.conftest import PAGE_PATHS, everywhere, goto, open_expanders, wait_for_charts

pytestmark = pytest.mark.browser

# A filtered view: a theme and a nation as a shared link carries them (by label, as the sidebar writes them).
FILTERED = "theme=CPD&nation=Scotland"
# WCAG 2.2 A and AA (axe tags each rule with the version that added it), plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
    }
}
BLOCKING = {"serious", "critical"}
TAB_PANELS = '[data-testid="stTabPanel"]'
STATEMENT = config.ROOT / "docs" / "ACCESSIBILITY.md"


@dataclass(frozen=True)
class KnownIssue:
    """A violation inside a Streamlit widget that our code cannot change; docs/ACCESSIBILITY.md explains each."""

    rule: str
    widget: str  # CSS selector of the Streamlit widget the failing element sits in


KNOWN_STREAMLIT_ISSUES = [
    # The day, month and year parts of st.date_input are 18 by 20 px targets (WCAG 2.2 SC 2.5.8 asks for 24 by 24).
    KnownIssue("target-size", '[data-testid="stDateInput"]'),
]

INSIDE = """
([target, widget]) => {
  const element = document.querySelector(target);
  return element !== null && element.closest(widget) !== null;
}
"""


def is_known(page, rule: str, node: dict) -> bool:
    """Whether a failing node is one of the listed Streamlit-internal issues."""
    target = node["target"]
    if len(target) != 1 or not isinstance(target[0], str):
        return False  # inside an iframe or shadow root: not a Streamlit widget we know
    return any(
        issue.rule == rule and page.evaluate(INSIDE, [target[0], issue.widget]) for issue in KNOWN_STREAMLIT_ISSUES
    )


def blocking_violations(page, within: str | None = None) -> list[str]:
    """Serious and critical axe violations on what the page (or the part `within`) shows, bar the known Streamlit ones."""
    context = {"include": [[within]]} if within else None
    results = Axe().run(page, context=context, options=AXE_OPTIONS).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            if not is_known(page, violation["id"], node):
                found.append(f"{violation['id']} ({violation['impact']}): {node['target']} {node['html'][:200]}")
    return found


def test_no_serious_accessibility_violations_of_our_own(loaded_page):
    assert sorted(set(blocking_violations(loaded_page))) == []


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_no_serious_accessibility_violations_of_our_own_when_filtered(page, path):
    goto(page, f"{path}?{FILTERED}")
    # axe only checks what is shown, so every expander is opened and every tab chosen in turn; after the first check of
    # the whole page, only the tab panels are checked again, as nothing else changes.
    found = []
    for step, _ in enumerate(everywhere(page)):
        found += blocking_violations(page, within=None if step == 0 else TAB_PANELS)
    assert sorted(set(found)) == []


def test_known_streamlit_issues_are_in_the_accessibility_statement():
    statement = STATEMENT.read_text()
    for issue in KNOWN_STREAMLIT_ISSUES:
        assert f"`{issue.rule}`" in statement, issue.rule


# Plotly draws chart text in SVG, which axe's colour-contrast rule does not check, so we check it ourselves: every text
# that sits on the chart's background (titles, ticks, legends, labels outside bars, annotations) against that background.
CHART_TEXT_CONTRAST = """
(chart) => {
  const channel = (value) => {
    const v = value / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const svg = chart.querySelector("svg.main-svg");
  const background = getComputedStyle(svg).backgroundColor;
  const paper = background && !background.startsWith("rgba(0, 0, 0, 0)") ? background : "rgb(255, 255, 255)";
  const onBackground = ".gtitle, .g-xtitle text, .g-ytitle text, .xtick text, .ytick text, .legendtext, " +
    ".bartext-outside, .annotation-text, .cbaxis text, [class*='title'] text, text[class*='title']";
  const failures = [];
  for (const text of chart.querySelectorAll(onBackground)) {
    const content = text.textContent.trim();
    if (!content) continue;
    const style = getComputedStyle(text);
    const [light, dark] = [luminance(paper), luminance(style.fill)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${content.slice(0, 40)}: ${style.fill} on ${paper} = ${ratio.toFixed(2)}:1`);
  }
  return failures;
}
"""


# Charts, maps and tables in page order, hidden ones included: each chart's table comes before the next chart.
CHARTS_AND_TABLES = """
() => [...document.querySelectorAll(
  '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"], ' +
  '[data-testid="stTable"], [data-testid="stMarkdownContainer"] table'
)].map((element) => {
  // A chart's title is the bold line drawn just above it (layout.chart), or one inside the figure.
  const container = element.closest('[data-testid="stElementContainer"]');
  const above = container && container.previousElementSibling;
  const title = (above && above.querySelector('[data-testid="stMarkdownContainer"] strong'))
    || element.querySelector(".gtitle");
  const kind = element.matches('[data-testid="stPlotlyChart"]') ? "chart"
    : element.matches('[data-testid="stDeckGlJsonChart"]') ? "map" : "table";
  return {kind, title: title ? title.textContent.trim() : ""};
})
"""


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_chart_states_its_finding_and_has_a_table(page, path):
    goto(page, path)
    # A chart's table may be in an expander that runs only once opened (layout.on_opening): open each, as a reader would.
    open_expanders(page)
    wait_for_charts(page)
    items = page.evaluate(CHARTS_AND_TABLES)
    assert [item for item in items if item["kind"] == "chart" and not item["title"]] == [], "a chart without a title"
    alone = [
        f"{item['kind']} {item['title']!r}"
        for position, item in enumerate(items)
        if item["kind"] != "table" and (position + 1 == len(items) or items[position + 1]["kind"] != "table")
    ]
    assert alone == [], "charts with no table of their numbers before the next chart"


def test_chart_text_has_enough_contrast(loaded_page):
    charts = loaded_page.locator('[data-testid="stPlotlyChart"]').all()
    low_contrast = [failure for chart in charts for failure in chart.evaluate(CHART_TEXT_CONTRAST)]
    assert sorted(set(low_contrast)) == []
