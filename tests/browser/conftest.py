"""Browser fixtures: one real `streamlit run` per session, and Chromium pages that may only talk to it."""

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from benchmarks.load import (
    APP_IDLE,
    APP_STATE,
    APP_TIMEOUT_MS,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_COUNTER,
    RUNS_SO_FAR,
    Server,
    is_local,
    serve,
)

# A KPI card (layout.kpi_row): a keyed box whose Markdown holds the label, the value and any change, in that order.
KPI_CARD = '[class*="st-key-kpi_card_"]'
KPI_LABEL, KPI_VALUE, KPI_CHANGE = ("p:nth-child(1)", "p:nth-child(2)", "p:nth-child(3)")

SCREENSHOTS = ARTIFACTS / "screenshots"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Under pytest-xdist each worker runs its own server, so each writes its own log.
SERVER_LOG = ARTIFACTS / (f"streamlit-server-{WORKER}.log" if WORKER else "streamlit-server.log")
# Clicks and lookups give up sooner than waits for a script run, which can be slow on a busy CI machine.
ACTION_TIMEOUT_MS = 30_000
DOWNLOADS = ARTIFACTS / "downloads"


@pytest.fixture(scope="session")
def app_server(bundled_db) -> Iterator[Server]:
    """One real Streamlit server on the bundled data, shared by every browser test; its log is in test-artifacts/."""
    with serve(bundled_db, SERVER_LOG) as server:
        yield server


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    """Base URL of the shared server, e.g. http://127.0.0.1:PORT."""
    return app_server.url


def launch_chromium(playwright):
    """Debian's Chromium under Playwright, with its own background traffic switched off; missing Chromium is a failure."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make test` does this as root)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def new_context(browser, base_url: str, outside: list[str], **options):
    """A browser context whose requests to anywhere but this machine are aborted and recorded in `outside`."""
    settings = {"viewport": {"width": 1400, "height": 1000}, **options}
    context = browser.new_context(base_url=base_url, service_workers="block", **settings)
    context.set_default_timeout(ACTION_TIMEOUT_MS)

    def guard(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    def guard_socket(socket_route) -> None:
        outside.append(socket_route.url)
        socket_route.close()

    context.route("**/*", guard)
    context.route_web_socket(lambda url: not is_local(url), guard_socket)
    context.add_init_script(RUN_COUNTER)
    return context


@contextmanager
def guarded_page(browser, app_url: str) -> Iterator:
    """A fresh page on the app (relative URLs resolve against it) that fails the test if it tried to leave the machine."""
    outside: list[str] = []
    context = new_context(browser, app_url, outside, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()
    if outside:
        pytest.fail(f"the app tried to reach outside this machine: {sorted(set(outside))}")


# URL paths of the pages, as st.Page url_path gives them; "/" is the Overview.
PAGE_PATHS = ["/", "/roadtrip", "/themes", "/leadership", "/profession", "/about", "/data", "/taxonomy"]


@pytest.fixture(scope="session", params=PAGE_PATHS)
def loaded_page(request, browser, app_url):
    """Each page in its default view with its charts drawn, opened once and shared by read-only checks (never click)."""
    with guarded_page(browser, app_url) as page:
        goto(page, request.param)
        wait_for_charts(page)
        yield page


def wait_for_charts(page) -> None:
    """Wait until every Plotly chart on the page, shown or hidden, has drawn its SVG."""
    for chart in page.locator('[data-testid="stPlotlyChart"]').all():
        chart.locator("svg.main-svg").first.wait_for(state="attached")


def path_of(page) -> str:
    """The URL path a page shows, e.g. "/themes"."""
    return urlsplit(page.url).path or "/"


@pytest.fixture
def page(browser, app_url):
    """A fresh page on the app for one test; the test fails if the page tried to leave the machine."""
    with guarded_page(browser, app_url) as fresh:
        yield fresh


def script_runs(page) -> int:
    """How many script runs this page has finished so far."""
    return page.evaluate(RUNS_SO_FAR)


def wait_for_app(page, after: int = 0, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until the app is idle with more than `after` runs finished (by default: once the first run has finished)."""
    try:
        page.wait_for_function(APP_IDLE, arg=after, timeout=timeout, polling="raf")
    except PlaywrightTimeout:
        state = page.evaluate(APP_STATE)
        pytest.fail(
            f"{page.url} did not finish a run within {timeout / 1000:.0f} s: {state}; see the server log in {ARTIFACTS}"
        )


@contextmanager
def rerun(page) -> Iterator[None]:
    """Wrap an interaction that reruns the script; on exit, wait for that rerun to finish."""
    before = script_runs(page)
    yield
    wait_for_app(page, after=before)


# How long a click on an expander that runs when opened may take to finish a run before it counts as dropped.
DROPPED_CLICK_MS = 20_000
IS_OPEN = "summary => summary.parentElement.open"


def open_for_rerun(page, summary) -> None:
    """Open an expander that runs only once opened, and wait for that run.

    On a busy CI machine Streamlit now and then drops such a click: an expander clicked just after the last run ended
    started no run in 60 s. A user would click again, and so does this, once; if the expander shows open without its
    run, twice (closed, then open again), so that the browser sends its state afresh. One that never runs still fails.
    """
    before = script_runs(page)
    summary.click()
    try:
        page.wait_for_function("(before) => window.__gseScriptRuns > before", arg=before, timeout=DROPPED_CLICK_MS)
    except PlaywrightTimeout:
        if summary.evaluate(IS_OPEN):
            summary.click()
        summary.click()
    wait_for_app(page, after=before)


def goto(page, path: str = "/") -> None:
    """Open an app URL (e.g. "/themes?theme=cpd") and wait for its first run to finish."""
    page.goto(path)
    wait_for_app(page)


# Streamlit scrolls inside its main area, not the document, so a "full page" screenshot would stop at the viewport.
CONTENT_HEIGHT = """
() => Math.max(
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')].map((e) => e.scrollHeight)
)
"""
MAX_SCREENSHOT_HEIGHT = 12_000


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the whole app (the viewport grown to its content) under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    viewport = page.viewport_size
    height = min(MAX_SCREENSHOT_HEIGHT, max(viewport["height"], page.evaluate(CONTENT_HEIGHT)))
    page.set_viewport_size({"width": viewport["width"], "height": height})
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)
    return path


def kpis(page) -> dict[str, str]:
    """The KPI cards on screen, label to displayed value."""
    return {
        card.locator(KPI_LABEL).inner_text().strip(): card.locator(KPI_VALUE).inner_text().strip()
        for card in page.locator(KPI_CARD).all()
    }


def sidebar(page):
    """The sidebar, where the shared filters live."""
    return page.locator('[data-testid="stSidebar"]')


def multiselect(page, label: str, area=None):
    """The multiselect labelled `label` within an area (by default the sidebar, where the shared filters live)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    return (area or sidebar(page)).locator('[data-testid="stMultiSelect"]').filter(has=box)


def choose(page, label: str, option: str, area=None) -> None:
    """Pick an option in a multiselect with the mouse, as a user would, wait for the rerun, and close the list."""
    box = multiselect(page, label, area).get_by_role("combobox")
    with rerun(page):
        box.click()
        try:
            expect(box).to_have_attribute("aria-expanded", "true", timeout=2_000)
        except AssertionError:
            # A click on a box that already has focus does not open it; the arrow key does, as for a keyboard user.
            box.press("ArrowDown")
            expect(box).to_have_attribute("aria-expanded", "true")
        page.get_by_role("option", name=option, exact=True).click()
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")


def chosen(page, label: str, area=None) -> list[str]:
    """The options shown as chosen in a multiselect."""
    tags = multiselect(page, label, area).locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    return [tag.get_attribute("aria-label") for tag in tags.all()]


# An expander that runs only once opened (layout.on_opening) has a key, which Streamlit writes as a class on its parent.
RUNS_WHEN_OPENED = "summary => /\\bst-key-/.test(summary.closest('[data-testid=stExpander]').parentElement.className)"


def open_expanders(page) -> None:
    """Open every visible closed expander, so what it holds can be seen and clicked.

    Opening a plain expander only shows what it holds; one that runs only once opened reruns the page, so wait for it.
    """
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary').filter(visible=True)
    while closed.count():
        summary = closed.first.element_handle()  # a handle: the locator moves on to the next one once this one opens
        if summary.evaluate(RUNS_WHEN_OPENED):
            open_for_rerun(page, summary)
        else:
            summary.click()


# A tab bar that runs only the chosen tab (layout.sections) has a key, which Streamlit writes as a class on the bar.
RUNS_WHEN_CHOSEN = "tab => /\\bst-key-/.test(tab.closest('[data-testid=stTabs]').className)"


def everywhere(page) -> Iterator[None]:
    """Step through every tab of every tab bar, opening expanders, so each part of the page is shown once."""
    open_expanders(page)
    yield
    for tab in page.get_by_role("tab").all():
        if tab.is_visible():
            # Choosing a tab that runs only when chosen reruns the script: wait for that run, however long it takes on
            # a busy machine, or a click on one of its buttons may hold an id the run has since replaced.
            if tab.get_attribute("aria-selected") != "true" and tab.evaluate(RUNS_WHEN_CHOSEN):
                with rerun(page):
                    tab.click()
            else:
                tab.click()
            open_expanders(page)
            yield


def exceptions(page) -> list[str]:
    """The text of every exception box Streamlit is showing."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


@pytest.fixture(scope="session", autouse=True)
def clean_artifacts() -> None:
    """Start each session with empty screenshot and download folders, so stale files never pass for new ones."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    shutil.rmtree(DOWNLOADS, ignore_errors=True)
