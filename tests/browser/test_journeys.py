"""User journeys in Chromium: filter by theme, share a link, download every file the app offers."""

import csv
import io
import re
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from pptx import Presentation

from tests.browser.conftest import (
    DOWNLOADS,
    SERVER_LOG,
    choose,
    chosen,
    everywhere,
    exceptions,
    goto,
    kpis,
    new_context,
    open_expanders,
    rerun,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.browser

PAGES = ["/", "/roadtrip", "/themes", "/leadership", "/profession"]


def suggestions_in(db_path: Path, **where) -> int:
    """Suggestions in the built database matching a theme and/or nation, counted straight from its tables."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(
            """
            select count(*)
            from suggestions
            join workshops using (workshop_id)
            join locations using (location_id)
            where ($theme_id is null or theme_id = $theme_id) and ($nation is null or nation = $nation)
            """,
            {"theme_id": where.get("theme_id"), "nation": where.get("nation")},
        ).fetchone()[0]


def as_number(shown: str) -> int:
    """A KPI value such as "1,170" as a number."""
    return int(shown.replace(",", ""))


def theme_label(bundled_csvs, theme_id: str) -> str:
    """The label the sidebar shows for a theme, from the bundled themes.csv."""
    themes = bundled_csvs["themes"].set_index("theme_id")["label"]
    return themes[theme_id]


def test_choosing_a_theme_changes_the_overview_and_themes_counts(page, bundled_db, bundled_csvs):
    goto(page, "/")
    everything = as_number(kpis(page)["Suggestions"])
    assert everything == len(bundled_csvs["suggestions"])

    choose(page, "Themes", theme_label(bundled_csvs, "cpd"))
    expected = suggestions_in(bundled_db, theme_id="cpd")
    assert 0 < expected < everything
    assert parse_qs(urlsplit(page.url).query)["theme"] == [theme_label(bundled_csvs, "cpd")]  # the link records it
    assert as_number(kpis(page)["Suggestions"]) == expected
    assert exceptions(page) == []

    with rerun(page):
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Suggestion themes").click()
    expect(page.locator("h1").first).to_have_text("Suggestion themes")
    assert chosen(page, "Themes") == [theme_label(bundled_csvs, "cpd")]
    assert as_number(kpis(page)["Suggestions"]) == expected
    screenshot(page, "journey_themes_cpd")


def test_a_shared_link_opens_the_same_view(page, browser, app_url, bundled_db, bundled_csvs):
    goto(page, "/themes")
    choose(page, "Themes", theme_label(bundled_csvs, "careers"))
    choose(page, "Nations", "Scotland")
    seen = kpis(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    assert as_number(seen["Suggestions"]) == suggestions_in(bundled_db, theme_id="careers", nation="Scotland")
    link = page.url

    outside: list[str] = []
    context = new_context(browser, app_url, outside)
    try:
        colleague = context.new_page()
        goto(colleague, link)
        assert kpis(colleague) == seen
        assert colleague.locator('[data-testid="stCaptionContainer"]').first.inner_text() == caption
        assert chosen(colleague, "Themes") == [theme_label(bundled_csvs, "careers")]
        assert chosen(colleague, "Nations") == ["Scotland"]
        assert exceptions(colleague) == []
        screenshot(colleague, "journey_shared_link")
    finally:
        context.close()
    assert outside == []


def explorer_matches(page) -> int:
    """The match count the suggestion explorer shows ("1,470 matching suggestions")."""
    shown = page.locator('[data-testid="stMain"]').get_by_text(re.compile(r"^[\d,]+ matching suggestions?$"))
    return as_number(shown.inner_text().split()[0])


def test_clicking_a_theme_bar_lists_that_theme_in_the_explorer(page, bundled_db, bundled_csvs):
    goto(page, "/themes")
    main = page.locator('[data-testid="stMain"]')
    label = theme_label(bundled_csvs, "cpd")
    # The explorer runs only once opened, and a click on a bar opens it.
    assert main.get_by_text(re.compile(r"^[\d,]+ matching suggestions?$")).count() == 0

    chart = page.locator(".st-key-themes_bar")
    chart.locator("g.barlayer g.point path").first.wait_for(state="visible")
    tick = chart.locator("g.ytick text").filter(has_text=re.compile(f"^{re.escape(label)}$")).bounding_box()
    tick_middle = tick["y"] + tick["height"] / 2
    # The bar level with the CPD label on the axis. Plotly listens on a layer above the bars, so click its position.
    bar = min(
        (box for box in (path.bounding_box() for path in chart.locator("g.barlayer g.point path").all()) if box),
        key=lambda box: abs(box["y"] + box["height"] / 2 - tick_middle),
    )
    with rerun(page):
        page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)

    expected = suggestions_in(bundled_db, theme_id="cpd")
    assert 0 < expected < len(bundled_csvs["suggestions"])
    assert chosen(page, "Themes", main) == [label]
    assert explorer_matches(page) == expected
    assert parse_qs(urlsplit(page.url).query)["themes_explorer_theme"] == [label]  # and the link records it
    assert exceptions(page) == []
    screenshot(page, "journey_theme_bar_click")


class TagCounter(HTMLParser):
    """Counts the tags of an HTML document, to check that it parses into something real."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag, attrs) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1


def check_file(path: Path) -> None:
    """Open a downloaded file with a reader for its type and check it holds data."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        # A header alone is a whole table: the decision log before anyone has decided anything.
        assert len(rows) >= 1, f"{path.name}: a header"
        assert not rows[0][0].startswith("#"), f"{path.name}: the header is the first row"
        assert all(len(row) == len(rows[0]) for row in rows), f"{path.name}: ragged rows"
        assert list(pd.read_csv(path).columns) == rows[0], f"{path.name}: pandas' defaults find the header"
    elif suffix in (".xlsx", ".ods"):
        # The reader's defaults open the first sheet, which is the table with its header in the first row.
        table = pd.read_excel(path)
        assert len(table.columns) and not str(table.columns[0]).startswith("Unnamed"), path.name
        if suffix == ".xlsx":
            workbook = load_workbook(path)
            assert workbook.active.title == "Data" and workbook.active.freeze_panes == "A2", path.name
    elif suffix == ".pptx":
        assert len(Presentation(str(path)).slides) >= 1, path.name
    elif suffix == ".pdf":
        pdf = path.read_bytes()
        assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 5, path.name
    elif suffix == ".html":
        parser = TagCounter()
        parser.feed(path.read_text(encoding="utf-8"))
        assert parser.tags.get("html") == 1 and parser.tags.get("body") == 1, path.name
        assert parser.tags.get("table") or parser.tags.get("svg") or parser.tags.get("img"), path.name
    else:
        pytest.fail(f"unexpected download type: {path.name}")


# Chromium drops URL downloads beyond 10 a second from one frame (its download throttle, chromedp issue #791), so
# clicking a page's download buttons as fast as Playwright can would lose the eleventh file. Pace the clicks.
DOWNLOADS_PER_SECOND = 10


class DownloadPace:
    """Waits before a click only as long as needed to keep under Chromium's 10-downloads-a-second throttle."""

    def __init__(self) -> None:
        self.recent: deque[float] = deque(maxlen=DOWNLOADS_PER_SECOND)

    def wait(self) -> None:
        if len(self.recent) == DOWNLOADS_PER_SECOND:
            time.sleep(max(0.0, self.recent[0] + 1.1 - time.monotonic()))
        self.recent.append(time.monotonic())


# How long a download may take to start before its click counts as dropped.
DROPPED_DOWNLOAD_MS = 30_000
# A download button's key, which Streamlit writes as a class on the element around it.
BUTTON_KEY = (
    "(button) => [...button.closest('[class*=\"st-key-\"]').classList].find((name) => name.startsWith('st-key-'))"
)


def download_from(page, button, pace: DownloadPace):
    """Click a download button and return its download, clicking it once more if the first click brought none.

    Each run gives a download made on click a new file id, and a click that still holds the last run's id brings
    nothing (Streamlit's media_file_manager.remove_deferred). On a busy CI machine a click now and then lands so, and
    a user would click again: so does this, once the page is idle, on the button as it is now. One that never
    downloads still fails, on the second click.
    """
    key = button.evaluate(BUTTON_KEY)
    try:
        with page.expect_download(timeout=DROPPED_DOWNLOAD_MS) as arrival:
            button.click()
        return arrival.value
    except PlaywrightTimeout:
        wait_for_app(page)
        pace.wait()
        with page.expect_download() as arrival:
            page.locator(f".{key} button").click()
        return arrival.value


@pytest.fixture(scope="module")
def download_types() -> set[str]:
    """File types downloaded across the pages of this module, for the final check that every type was offered."""
    return set()


@pytest.mark.parametrize("path", PAGES)
def test_every_download_gives_a_file_that_opens(page, path, download_types):
    goto(page, path)
    # The sidebar's board pack and report downloads are the same on every page: try them once, on the Overview.
    area = '[data-testid="stApp"]' if path == "/" else '[data-testid="stMain"]'
    folder = DOWNLOADS / (path.strip("/") or "overview")
    folder.mkdir(parents=True, exist_ok=True)
    if path == "/":
        # The PDF is made on request and then offered: make it, so its download is tried with the others.
        page.get_by_role("button", name="Make PDF report").click()
        page.get_by_role("button", name="Download report (PDF)").wait_for(timeout=120_000)
    # Some downloads sit in expanders that run only once opened (a table's numbers behind its chart).
    open_expanders(page)
    buttons = page.locator(f'{area} [data-testid="stDownloadButton"] button')
    offered = buttons.count()
    assert offered > 0, f"{path} offers no downloads"
    names = []
    pace = DownloadPace()
    for _ in everywhere(page):
        untried = page.locator(f'{area} [data-testid="stDownloadButton"] button:not([data-gse-tried])').filter(
            visible=True
        )
        while untried.count():
            button = untried.first.element_handle()  # a handle: the locator moves on once the button is marked
            button.evaluate("(element) => { element.dataset.gseTried = 'yes'; }")
            pace.wait()
            download = download_from(page, button, pace)
            assert download.failure() is None, f"{path}: {download.suggested_filename}: {download.failure()}"
            saved = folder / download.suggested_filename
            download.save_as(saved)
            check_file(saved)
            names.append(saved.name)
            download_types.add(saved.suffix.lower())
    # Every button the walk met was tried: tabs that run only when chosen bring theirs when opened, so the count at the
    # start is a lower bound, and none may be left untried at the end.
    untried = page.locator(f'{area} [data-testid="stDownloadButton"] button:not([data-gse-tried])')
    assert untried.count() == 0, f"{path}: {untried.count()} download buttons could not be reached"
    assert len(names) >= offered
    assert exceptions(page) == []


def test_the_app_offers_every_download_type(download_types):
    assert download_types == {".csv", ".xlsx", ".ods", ".pptx", ".html", ".pdf"}


# A line Streamlit logs starts with its time; its warnings carry no level ("... The widget with key ...").
LOGGED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (.*)")


def test_downloads_leave_no_warnings_in_the_server_log():
    # Run after the downloads and journeys above: the board pack alone used to log about 110 "missing ScriptRunContext"
    # warnings, and a click on a theme bar a warning about the explorer's page set through Session State.
    log = SERVER_LOG.read_text()
    assert "missing ScriptRunContext" not in log
    assert not [line for line in log.splitlines() if " WARNING " in line or "Traceback" in line]
    logged = [found.group(1) for found in map(LOGGED.match, log.splitlines()) if found]
    assert [line for line in logged if not line.startswith("Uvicorn server started")] == []
