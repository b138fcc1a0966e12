"""Browser measures: time from navigation to a finished page with its charts drawn, and bytes over the websocket.

Three ways: each load in a fresh Chromium context (a new Streamlit session, no browser cache), as a user opening a
shared link for the first time; and in one warm browser, navigating from the hello page to each app page in turn, once
with its HTTP cache off (how issue 20 measured, and how its targets are judged) and once with it kept, as the browser of
a leader who has opened the dashboard before keeps Streamlit's scripts. The same measure on a one-line "hello"
Streamlit page, served in the same run, is the floor Streamlit itself sets.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import (
    APP_IDLE,
    APP_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_COUNTER,
    Server,
    free_port,
    serve,
    stop,
    wait_for_health,
)

# Requests to anywhere but this machine go to a port nobody listens on; Chromium sends loopback requests direct. Not a
# Playwright route, as the browser tests use: routing turns the browser's HTTP cache off (microsoft/playwright#7220).
OFFLINE = "--proxy-server=http://127.0.0.1:9"
HELLO_SCRIPT = 'import streamlit as st\n\nst.write("hello")\n'
# More floors: the same page with one small two-bar chart, which makes the browser load and start that chart library's
# code. Plotly's is what the pages use; Vega-Lite and ECharts (both built into Streamlit, with smaller code) are
# measured beside it, since the chart library is the choice left open by issue 20 (docs/PERFORMANCE.md, tenth round).
FLOORS = {
    "hello + one Plotly chart": (
        "import plotly.graph_objects as go\nimport streamlit as st\n\n"
        'st.write("hello")\nst.plotly_chart(go.Figure(go.Bar(x=[1, 2], y=[3, 1])))\n'
    ),
    "hello + one Vega-Lite chart": (
        'import streamlit as st\n\nst.write("hello")\nst.vega_lite_chart({"data": {"values": [{"x": "a", "y": 3}, '
        '{"x": "b", "y": 1}]}, "mark": "bar", "encoding": {"x": {"field": "x", "type": "nominal"}, '
        '"y": {"field": "y", "type": "quantitative"}}})\n'
    ),
    "hello + one ECharts chart": (
        'import streamlit as st\n\nst.write("hello")\nst.echarts_chart({"xAxis": {"type": "category", "data": '
        '["a", "b"]}, "yAxis": {"type": "value"}, "series": [{"type": "bar", "data": [3, 1]}]})\n'
    ),
}
# Finished means: the app is idle as the browser tests define it (a run has ended, the page is not waiting for its rest,
# nothing is still loading) and every chart has drawn. The value is the time since navigation started
# (performance.now()), so Playwright's own round trips are not counted.
FINISHED = f"""
() => {{
  if (!({APP_IDLE.strip()})(0)) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {{
    if (!chart.querySelector(".main-svg")) return false;
  }}
  for (const deck of document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')) {{
    if (!deck.querySelector("canvas")) return false;
  }}
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stEChartsChart"]')) {{
    if (!chart.querySelector("svg, canvas")) return false;
  }}
  return performance.now();
}}
"""
# The headline: the KPI cards and the key findings are on the page; on a page with no findings, the KPI cards alone (a
# page with neither counts once its run has ended). Charts further down may still be drawing: this is what a leader sees
# first. A KPI row still holding a skeleton does not count: Streamlit draws an element whose code has not loaded yet (a
# card's, say) as a grey bar, and a grey bar in place of a number is not a headline seen.
HEADLINE = """
(hasFindings) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  const finished = app.getAttribute("data-test-script-state") === "notRunning" && window.__gseScriptRuns;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const rows = [...main.querySelectorAll('[class*="st-key-kpis_"]')];
  const cards = rows.length && rows.every((row) => !row.querySelector('[data-testid="stSkeleton"]'));
  const findings = [...main.querySelectorAll("h2")].some((h) => h.textContent.trim() === "Key findings");
  if ((cards && (findings || !hasFindings)) || (finished && !rows.length)) return performance.now();
  return false;
}
"""
CHARTS = """
() => ({
  plotly: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  decks: document.querySelectorAll('[data-testid="stDeckGlJsonChart"]').length,
  vega: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
  echarts: document.querySelectorAll('[data-testid="stEChartsChart"]').length,
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  scripts_fetched: performance.getEntriesByType("resource").filter(
    (entry) => entry.name.endsWith(".js") && entry.transferSize > 0
  ).length,
})
"""


@dataclass
class Load:
    """One page load: milliseconds to finished, websocket bytes each way, and what the page showed."""

    ms: float
    received: int
    sent: int
    plotly: int = 0
    decks: int = 0
    vega: int = 0
    echarts: int = 0
    exceptions: int = 0
    headline_ms: float | None = None
    # Scripts that came over the network, not from the browser's cache.
    scripts_fetched: int = 0


@dataclass
class BrowserResults:
    """Every load of every target (the hello page and each app page), and the app server's peak memory."""

    loads: dict[str, list[Load]] = field(default_factory=dict)
    # In one warm browser with its HTTP cache off: each app page's loads, and the hello page's loads, one before each.
    # Every round of issue 20 was judged on these (docs/PERFORMANCE.md): they fetch Streamlit's scripts every time.
    warm_loads: dict[str, list[Load]] = field(default_factory=dict)
    # The same with the cache kept, as a leader's browser keeps Streamlit's scripts (they are named by their hash).
    cached_loads: dict[str, list[Load]] = field(default_factory=dict)
    first_loads: dict[str, Load] = field(default_factory=dict)
    server_peak_rss: int = 0
    server_rss_after: int = 0
    chromium_version: str = ""
    errors: list[str] = field(default_factory=list)


@contextmanager
def serve_script(script: Path, log: Path) -> Iterator[Server]:
    """Run `streamlit run SCRIPT` on a free loopback port, as load.serve does for the app."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
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
        process = subprocess.Popen(
            command,
            cwd=script.parent,
            env=dict(os.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process, log)
        yield Server(url=f"http://127.0.0.1:{port}", pid=process.pid)
    finally:
        stop(process)


def memory_bytes(pid: int, field_name: str) -> int:
    """A memory figure (VmHWM, VmRSS) of a process from /proc, in bytes; 0 once the process has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith(f"{field_name}:")), 0)


def load_once(browser, url: str, has_findings: bool = True) -> Load:
    """Open a URL in a fresh context and measure it until the page has finished."""
    context = new_context(browser)
    try:
        return load_in(context.new_page(), url, has_findings)
    finally:
        context.close()


def new_context(browser, cache: bool = False):
    """A browser context that counts the app's script runs (launched with OFFLINE, it reaches only this machine).

    Without `cache`, a route that lets every request through turns the HTTP cache off, as in the browser tests: each
    load fetches every script again, as the issue measured ("warm browser" loads of the hello page took 0.7 s, not 0.2).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    context.set_default_timeout(APP_TIMEOUT_MS)
    if not cache:
        context.route("**/*", lambda route: route.continue_())
    context.add_init_script(RUN_COUNTER)
    return context


def load_in(page, url: str, has_findings: bool = True) -> Load:
    """Navigate a tab to a URL and measure it until the page has finished."""
    counted = {"received": 0, "sent": 0}

    def count(direction: str):
        return lambda payload: counted.__setitem__(direction, counted[direction] + len(payload))

    def watch(socket) -> None:
        socket.on("framereceived", count("received"))
        socket.on("framesent", count("sent"))

    page.on("websocket", watch)
    try:
        page.goto(url)
        headline = page.wait_for_function(
            HEADLINE, arg=has_findings, timeout=APP_TIMEOUT_MS, polling="raf"
        ).json_value()
        ms = page.wait_for_function(FINISHED, timeout=APP_TIMEOUT_MS, polling="raf").json_value()
        shown = page.evaluate(CHARTS)
        return Load(ms=ms, received=counted["received"], sent=counted["sent"], headline_ms=headline, **shown)
    finally:
        page.remove_listener("websocket", watch)


def warm_loads(
    browser,
    hello_url: str,
    pages: dict[str, str],
    repeats: int,
    results: BrowserResults,
    without_findings=frozenset(),
    cache: bool = False,
) -> None:
    """In one context, hello then each app page in turn, `repeats` times after a first round that warms it up.

    Kept in results.cached_loads with `cache`, else in results.warm_loads.
    """
    kept = results.cached_loads if cache else results.warm_loads
    context = new_context(browser, cache)
    tab = context.new_page()
    try:
        for repeat in range(repeats + 1):
            for title, url in pages.items():
                try:
                    hello, load = load_in(tab, hello_url), load_in(tab, url, title not in without_findings)
                except Exception as error:  # reported with the rest, as in the fresh-context loads
                    where = "warm browser, cached" if cache else "warm browser"
                    results.errors.append(f"{title} ({where}): {type(error).__name__}: {str(error)[:300]}")
                    continue
                if repeat:
                    kept.setdefault("hello", []).append(hello)
                    kept.setdefault(title, []).append(load)
    finally:
        context.close()


def pages_at(base_url: str, pages: dict[str, str]) -> dict[str, str]:
    """Each page's title and its address on the app server."""
    return {title: f"{base_url}/{path}" for title, path in pages.items()}


def measure(
    db_path: Path, pages: dict[str, str], repeats: int, work_dir: Path, without_findings=frozenset()
) -> BrowserResults:
    """Load the hello page and each app page once to warm up, then `repeats` times, interleaved so drift hits all alike.

    `without_findings` names the pages with KPIs but no key findings, whose headline is the KPIs alone.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium package")
    results = BrowserResults()
    hello = work_dir / "hello.py"
    hello.write_text(HELLO_SCRIPT)
    with ExitStack() as servers, sync_playwright() as playwright:
        app = servers.enter_context(serve(db_path, work_dir / "app-server.log"))
        targets = {"hello": servers.enter_context(serve_script(hello, work_dir / "hello-server.log")).url + "/"}
        for number, (title, script) in enumerate(FLOORS.items()):
            floor = work_dir / f"floor_{number}.py"
            floor.write_text(script)
            targets[title] = (
                servers.enter_context(serve_script(floor, work_dir / f"floor-{number}-server.log")).url + "/"
            )
        targets.update(pages_at(app.url, pages))
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, OFFLINE])
        results.chromium_version = browser.version
        try:
            # The first load after the server starts fills its caches; it is reported on its own, not in the medians.
            for repeat in range(repeats + 1):
                for title, url in targets.items():
                    try:
                        load = load_once(browser, url, title not in without_findings)
                        if repeat:
                            results.loads.setdefault(title, []).append(load)
                        else:
                            results.first_loads[title] = load
                    except Exception as error:  # a page that fails to finish is a result to report, not a crash
                        results.errors.append(f"{title}: {type(error).__name__}: {str(error)[:300]}")
            for cache in (False, True):
                floors_and_pages = {title: url for title, url in targets.items() if title != "hello"}
                warm_loads(browser, targets["hello"], floors_and_pages, repeats, results, without_findings, cache)
        finally:
            browser.close()
        results.server_peak_rss = memory_bytes(app.pid, "VmHWM")
        results.server_rss_after = memory_bytes(app.pid, "VmRSS")
    return results
