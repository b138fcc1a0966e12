"""Browser fixtures: one real `streamlit run` per session, and Chromium pages that may only talk to it."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard import config

ARTIFACTS = config.ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# Chromium must not phone home either: the app has to work on a machine with no network at all.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
HEALTH_TIMEOUT_S = 90
APP_TIMEOUT_MS = 60_000

# Counts finished script runs (each move out of "running"), so a wait can tell a finished rerun from the idle state
# before it started. Old values are used because a fast run can start and finish within one batch of mutations.
RUN_COUNTER = """
window.__gseScriptRuns = 0;
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    if (mutation.oldValue === "running") window.__gseScriptRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"]});
"""
APP_IDLE = """
(after) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  return app.getAttribute("data-test-script-state") === "notRunning" && window.__gseScriptRuns > after;
}
"""


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (data: and blob: URLs never leave the page)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-extension"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll the health endpoint until the server answers, failing with the server log if it dies or takes too long."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode} before it was healthy:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)  # polling interval for a server starting up, not a wait for the app
    pytest.fail(f"streamlit was not healthy after {HEALTH_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@contextmanager
def streamlit_server(db_path: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run streamlit_app.py` against a database on a free loopback port; yields the base URL."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GSE_DB_PATH": str(db_path), **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=config.ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop the server and anything it started, politely first."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def launch_chromium(playwright):
    """Debian's Chromium under Playwright, with its own background traffic switched off; missing Chromium is a failure."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make test` does this as root)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def app_url(bundled_db) -> Iterator[str]:
    """Base URL of one real Streamlit server on the bundled data, shared by every browser test."""
    with streamlit_server(bundled_db, ARTIFACTS / "streamlit-server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def new_context(browser, base_url: str, outside: list[str], **options):
    """A browser context whose requests to anywhere but this machine are aborted and recorded in `outside`."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1400, "height": 1000}, service_workers="block", **options
    )
    context.set_default_timeout(APP_TIMEOUT_MS)

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


@pytest.fixture
def page(browser, app_url):
    """A fresh page on the app (relative URLs resolve against it); the test fails if the page tried to leave the machine."""
    outside: list[str] = []
    context = new_context(browser, app_url, outside, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()
    if outside:
        pytest.fail(f"the app tried to reach outside this machine: {sorted(set(outside))}")


def script_runs(page) -> int:
    """How many script runs this page has finished so far."""
    return page.evaluate("window.__gseScriptRuns || 0")


def wait_for_app(page, after: int = 0, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until the app is idle with more than `after` runs finished (by default: once the first run has finished)."""
    page.wait_for_function(APP_IDLE, arg=after, timeout=timeout, polling="raf")


@contextmanager
def rerun(page) -> Iterator[None]:
    """Wrap an interaction that reruns the script; on exit, wait for that rerun to finish."""
    before = script_runs(page)
    yield
    wait_for_app(page, after=before)


def goto(page, path: str = "/") -> None:
    """Open an app URL (e.g. "/themes?theme=cpd") and wait for its first run to finish."""
    page.goto(path)
    wait_for_app(page)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def exceptions(page) -> list[str]:
    """The text of every exception box Streamlit is showing."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


@pytest.fixture(scope="session", autouse=True)
def clean_screenshots() -> None:
    """Start each session with an empty screenshot folder, so stale pictures never pass for new ones."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
