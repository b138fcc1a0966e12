"""Hostile imported text in Chromium: every page, presentation mode and the HTML report show it as text.

The database holds Markdown images and links, HTML tags, SVG, bare URLs, e-mail addresses and formulas in every
free-text column (tests/hostile_data.py). No page may fetch anything from outside this machine (every request is
recorded and refused) nor hold an element that links or points outside.
"""

import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote

import pandas as pd
import pytest

from benchmarks.load import ARTIFACTS, Server, serve
from tests import hostile_data
from tests.browser.conftest import PAGE_PATHS, goto, guarded_page, new_context, rerun, screenshot, wait_for_charts

# Every element attribute that makes a browser fetch, link or navigate, and every link-like element.
OUTSIDE_REFERENCES = """
() => {
  const local = new Set(["localhost", "127.0.0.1", "[::1]", ""]);
  const found = [];
  const attributes = ["href", "src", "srcset", "xlink:href", "action", "formaction", "data", "poster", "background"];
  for (const element of document.querySelectorAll("*")) {
    for (const name of attributes) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      for (const piece of name === "srcset" ? value.split(",") : [value]) {
        let url;
        try { url = new URL(piece.trim().split(" ")[0], document.baseURI); } catch (e) { continue; }
        if (["data:", "blob:", "about:"].includes(url.protocol)) continue;
        if (!["http:", "https:"].includes(url.protocol) || !local.has(url.hostname)) {
          found.push(`<${element.tagName.toLowerCase()} ${name}="${value.slice(0, 120)}">`);
        }
      }
    }
    const style = element.getAttribute("style") || "";
    if (/url\\(\\s*['"]?(https?:)?\\/\\//i.test(style)) found.push(`<${element.tagName} style="${style.slice(0, 120)}">`);
  }
  // Any other link around hostile text is a link the data made, wherever it points. The app's own links to its pages
  // (st.page_link) may carry a place's name in their label.
  for (const link of document.querySelectorAll('a:not([data-testid="stPageLink-NavLink"])')) {
    if (/evil/i.test(link.textContent || "")) found.push(`<a>${link.textContent.slice(0, 120)}</a>`);
  }
  for (const tag of ["img", "image", "iframe", "object", "embed", "video", "audio"]) {
    for (const element of document.querySelectorAll(tag)) {
      const where = element.getAttribute("src") || element.getAttribute("href") || element.getAttribute("xlink:href");
      if (where && /evil/i.test(where)) found.push(`<${tag} ${where.slice(0, 120)}>`);
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    return hostile_data.build_database(tmp_path_factory.mktemp("hostile_text"))


@pytest.fixture(scope="module")
def hostile_server(hostile_db) -> Iterator[Server]:
    """The app on the hostile database, with suppression off so that every label and number is shown."""
    with serve(hostile_db, ARTIFACTS / "streamlit-hostile-text.log", {"GSE_DISCLOSURE_THRESHOLD": "0"}) as server:
        yield server


@pytest.fixture(scope="module")
def hostile_csvs(hostile_db) -> dict[str, pd.DataFrame]:
    """The hostile CSVs as pandas reads them, to put hostile labels into links."""
    folder = hostile_db.parent / "csv"
    return {table: pd.read_csv(folder / f"{table}.csv", dtype=str) for table in hostile_data.TEXT_COLUMNS}


def views(csvs: dict[str, pd.DataFrame]) -> list[str]:
    """Every page by default, then with hostile labels chosen in the filters and picked on the page, and presentation."""
    theme = csvs["themes"]["label"].iloc[0]
    location = csvs["locations"]["name"].iloc[0]
    department = csvs["departments"]["name"].iloc[0]
    # The scheme picker writes a departmental scheme into the link as "NAME (DEPARTMENT staff only)".
    scheme = csvs["schemes"].loc[csvs["schemes"]["kind"] == "departmental"].iloc[0]
    owner = csvs["departments"].set_index("department_id").at[scheme["department_id"], "name"]
    departmental = f"{scheme['name']} ({owner} staff only)"
    shared = f"theme={quote(theme)}&location={quote(location)}&department={quote(department)}"
    return [
        *PAGE_PATHS,
        "/review",
        f"/?{shared}",
        f"/roadtrip?roadtrip_location={quote(location)}&{shared}",
        f"/roadtrip?roadtrip_location={quote(location)}&roadtrip_section=What+each+place+said&{shared}",
        f"/themes?{shared}",
        f"/leadership?department={quote(department)}",
        f"/leadership?leadership_scheme={quote(departmental)}",  # names its department in a caption
        f"/profession?department={quote(department)}",
        "/?present=true",
    ]


def assert_text_only(page, view: str) -> None:
    """No element that links or points outside; the hostile text is there, shown as text."""
    wait_for_charts(page)
    offenders = page.evaluate(OUTSIDE_REFERENCES)
    assert offenders == [], f"{view}: {offenders}"
    # The Data page shows counts and the import history, no data text; About this data, after a single build, has no
    # changes since an import to list by department or theme, so it names none. The Taxonomy page shows theme labels
    # only in its grid, which draws on a canvas, and the hostile data gives it no emerging themes to list as text.
    if view not in ("/data", "/about", "/taxonomy"):
        assert "evil.example" in page.inner_text("body"), f"{view} showed no hostile text, so it checked nothing"


def test_every_page_shows_hostile_text_as_text(browser, hostile_server, hostile_csvs):
    for view in views(hostile_csvs):
        with guarded_page(browser, hostile_server.url) as page:
            goto(page, view)
            assert_text_only(page, view)
            if view in PAGE_PATHS:
                screenshot(page, f"hostile_text_{view.strip('/') or 'overview'}")


def test_presentation_mode_shows_every_slide_as_text(browser, hostile_server):
    with guarded_page(browser, hostile_server.url) as page:
        goto(page, "/?present=true")
        position = page.get_by_text(re.compile(r"^Slide 1 of \d+")).first.inner_text()
        count = int(re.search(r"of (\d+)", position).group(1))
        for number in range(1, count + 1):
            assert page.get_by_text(f"Slide {number} of {count}").first.is_visible()
            headline = page.locator("h1").first.inner_text()
            if "regions and nations are under-represented" in headline:
                # The Profession slide names only the regions of the data contract's fixed list: no free text.
                assert page.evaluate(OUTSIDE_REFERENCES) == [], headline
            else:
                assert_text_only(page, f"slide {number} {headline!r}")
            with rerun(page):
                page.get_by_role("button", name="Next").click()
        assert count > 2


def test_the_html_report_shows_hostile_text_as_text(browser, hostile_server):
    with guarded_page(browser, hostile_server.url) as page:
        goto(page, "/")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download report (HTML)").click()
        report = download.value.path().read_text()
    outside: list[str] = []
    context = new_context(browser, hostile_server.url, outside)
    try:
        page = context.new_page()
        page.set_content(report, wait_until="load")
        page.locator(".js-plotly-plot svg.main-svg").first.wait_for(state="attached")
        offenders = page.evaluate(OUTSIDE_REFERENCES)
        text = page.inner_text("body")
    finally:
        context.close()
    # The report's contents list links to its own slides (#slide-N): in-page anchors, allowed.
    offenders = [offender for offender in offenders if 'href="#slide-' not in offender]
    assert offenders == []
    assert outside == [], f"the report tried to reach outside this machine: {sorted(set(outside))}"
    assert "evil.example" in text


# One OpenMetrics line: a comment, or a metric with labels and a number. Label values are matched separately.
METRIC_LINE = re.compile(r"# (TYPE|UNIT|HELP|EOF)\b.*|[a-z_]+(\{[^{}]*\})? [-+0-9.eE]+|[a-z_]+(\{[^{}]*\})? [+-]?Inf")
LABEL = re.compile(r'(\w+)="([^"]*)"')


def test_the_metrics_endpoint_is_served_and_holds_no_data(browser, hostile_server, hostile_csvs):
    # Decided (README, Security): Streamlit 1.67 serves /_stcore/metrics before sign-in and has no setting to turn it
    # off, and removing the route would take its private API. It holds counts, timings and the names of cached
    # functions, never data; a deployment blocks the path at its reverse proxy. This test holds the second half.
    with guarded_page(browser, hostile_server.url) as page:
        for view in ("/", "/themes", "/leadership"):
            goto(page, view)  # fill the caches, so that anything they held would show
    with urllib.request.urlopen(f"{hostile_server.url}/_stcore/metrics", timeout=30) as response:
        assert response.status == 200
        text = response.read().decode()
    lines = [line for line in text.splitlines() if line]
    assert lines and all(METRIC_LINE.fullmatch(line) for line in lines), [
        line for line in lines if not METRIC_LINE.fullmatch(line)
    ][:5]
    values = {value for line in lines if not line.startswith("#") for _, value in LABEL.findall(line)}
    data_text = {value for frame in hostile_csvs.values() for column in frame for value in frame[column].dropna()}
    assert not values & data_text
    assert "evil" not in text
    # Label values are code's names and fixed words only: cached functions, cache kinds, results, buckets.
    allowed = re.compile(r"(dashboard\.[\w.]+|st_\w+|hit|miss|[\w.+-]*|)")
    assert all(allowed.fullmatch(value) for value in values), sorted(values)
