"""Load test: N concurrent Chromium sessions cycle through the pages and filters of one real server.

python -m benchmarks.load --sessions 20 --seconds 60 [--url http://127.0.0.1:8501 --server-pid PID] [--json]

Without --url it builds the bundled database into a temporary folder and starts its own server on a free loopback port.
Every request that would leave this machine is aborted and counted as an error. This module also holds the server and
browser plumbing that the browser tests (tests/browser/conftest.py) share, so there is one way to start either.
"""

import argparse
import asyncio
import csv
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from dashboard import config

ARTIFACTS = config.ROOT / "test-artifacts"
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
MAX_SESSIONS = 50
MAX_SECONDS = 600

# Counts finished script runs, so a wait can tell a finished rerun from the idle state before it started. It reads the
# server's messages, not the page: when a run is fast (the Overview's and Data page's cached runs take about 20 ms),
# React can apply "running" and "finished" in one render, so the page's script-state attribute never shows "running".
# Each websocket message is a protobuf ForwardMsg; field 6 (script_finished, a varint) marks the end of a run, whose
# status 2 (finished early, for a rerun) is not a finished run. The count goes up after the app has handled the message.
RUN_COUNTER = """
window.__gseScriptRuns = 0;
(() => {
  const varint = (bytes, at) => {
    let value = 0, scale = 1, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
    return [value, at];
  };
  const finishedRun = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let at = 0, key, value;
    while (at < bytes.length) {
      [key, at] = varint(bytes, at);
      const field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) {
        [value, at] = varint(bytes, at);
        if (field === 6) return value !== 2;
      } else if (wire === 2) {
        [value, at] = varint(bytes, at);
        at += value;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer && finishedRun(event.data)) {
          setTimeout(() => { window.__gseScriptRuns += 1; }, 0);
        }
      });
    }
  };
})();
"""
# Idle means: connected, a run finished since `after`, none running, the page not waiting for its rest (layout.rest_follows),
# and no element still showing the skeleton that Streamlit draws while it loads a widget's code on first use (that can
# land a few hundred ms after the run ends).
APP_IDLE = """
(after) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (app.getAttribute("data-test-script-state") !== "notRunning" || window.__gseScriptRuns <= after) return false;
  if (document.querySelector(".st-key-layout_rest_pending")) return false;
  return document.querySelector('[data-testid="stSkeleton"]') === null;
}
"""
RUNS_SO_FAR = "window.__gseScriptRuns || 0"
# What the app was doing when a wait gave up, for the failure message.
APP_STATE = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    script: app && app.getAttribute("data-test-script-state"),
    connection: app && app.getAttribute("data-test-connection-state"),
    finishedRuns: window.__gseScriptRuns,
    currentPage: document.querySelector('[data-testid="stSidebarNavLink"][aria-current="page"]')?.getAttribute("href"),
    loadingElements: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  };
}
"""
EXCEPTION = '[data-testid="stException"]'

# URL paths of the pages (st.Page url_path); "" is the Overview.
PAGES = ("", "roadtrip", "themes", "leadership", "profession", "data")
# Nations are fixed by the data contract. Links carry theme labels (as the sidebar writes them); those of the bundled
# data are read from data/themes.csv, and a link with a label another data set lacks is ignored by the app, not an error.
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
SELECT_ALL = "Select all"
# A user narrows to a few themes, then starts again; past this many chosen, the filter step resets instead.
MAX_THEMES = 3


def theme_labels() -> tuple[str, ...]:
    """The theme labels of the bundled data, for shared links."""
    path = config.DATA_DIR / "themes.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as themes:
        return tuple(row["label"] for row in csv.DictReader(themes))


@dataclass(frozen=True)
class Server:
    """A running Streamlit server: where to reach it and which process to measure."""

    url: str
    pid: int


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (data: and blob: URLs never leave the page)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll the health endpoint until the server answers; raise with the log's tail if it dies or takes too long."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode} before it was healthy:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)  # polling interval while the server starts, not a wait for the app
    raise RuntimeError(f"streamlit was not healthy after {HEALTH_TIMEOUT_S} s:\n{tail(log)}")


def tail(log: Path, characters: int = 3000) -> str:
    """The end of a log file, for error messages."""
    return log.read_text(errors="replace")[-characters:] if log.exists() else "(no log)"


@contextmanager
def serve(db_path: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run `streamlit run streamlit_app.py` on a database, on a free loopback port, until the block ends."""
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
        process = subprocess.Popen(
            command, cwd=config.ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(url=f"http://127.0.0.1:{port}", pid=process.pid)
    try:
        wait_for_health(server.url, process, log)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a server and anything it started (its process group), politely first."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children, from /proc (0 once it has gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerUsage:
    """Samples a server's RSS in a background thread, keeping the peak, and measures the CPU time it used."""

    def __init__(self, pid: int | None, interval_s: float = 0.2) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak = 0
        self.cpu_s = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            self._done.wait(self.interval_s)

    def __enter__(self) -> "ServerUsage":
        if self.pid:
            self.cpu_s = -cpu_seconds(self.pid)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
            self.cpu_s += cpu_seconds(self.pid)


@dataclass
class Results:
    """What the sessions saw: timings by kind of step, and every error."""

    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        """Record one finished step."""
        self.timings.setdefault(kind, []).append(seconds)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def link(rng: random.Random, labels: tuple[str, ...]) -> str:
    """A shared link to a random page with a random filter, as a user might open one."""
    query = {}
    if labels and rng.random() < 0.7:
        query["theme"] = rng.choice(labels)
    if rng.random() < 0.4:
        query["nation"] = rng.choice(NATIONS)
    path = "/" + rng.choice(PAGES)
    return f"{path}?{urlencode(query)}" if query else path


async def wait_idle(page, after: int) -> None:
    """Wait until a script run after run number `after` has finished and the app is idle."""
    await page.wait_for_function(APP_IDLE, arg=after, timeout=APP_TIMEOUT_MS, polling="raf")


async def app_state(page) -> dict | str:
    """What the app was doing (see APP_STATE), for an error message; a page that cannot answer says why."""
    try:
        return await page.evaluate(APP_STATE)
    except Exception as error:  # the page may be closed or mid-navigation: the message still gets written
        return f"state unknown ({type(error).__name__})"


async def timed(page, kind: str, action, results: Results) -> None:
    """Run an action that reruns the app, time it from start to a finished run, and check for exceptions."""
    before = await page.evaluate(RUNS_SO_FAR)
    started = time.perf_counter()
    await action()
    # A full page load starts a new document whose counter begins again at zero.
    await wait_idle(page, 0 if kind == "open link" else before)
    results.add(kind, time.perf_counter() - started)
    shown = await page.locator(EXCEPTION).count()
    if shown:
        text = await page.locator(EXCEPTION).first.inner_text()
        results.errors.append(f"{kind} {page.url}: exception shown: {text[:300]}")


async def change_filter(page, rng: random.Random) -> None:
    """Add a random theme in the sidebar's Themes box; with a few chosen already, reset the filters."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.get_by_role("combobox", name="Themes", exact=True)
    # A `has` locator is matched inside each candidate, so it starts from the page, not from the sidebar.
    themes = sidebar.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name="Themes", exact=True)
    )
    if await themes.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]').count() >= MAX_THEMES:
        await sidebar.get_by_role("button", name="Reset filters").click()
        return
    await box.click()
    options = page.get_by_role("option")
    await options.first.wait_for()
    names = [name.strip() for name in await options.all_inner_texts() if name.strip() != SELECT_ALL]
    # Typing the name and taking the first match, rather than clicking in the list, which can scroll under the pointer.
    await box.press_sequentially(rng.choice(names))
    await box.press("ArrowDown")
    await box.press("Enter")


async def close_lists(page) -> None:
    """Close an option list left open by the filter step, as a user would, so the next click is not spent closing it."""
    expanded = page.locator('[role="combobox"][aria-expanded="true"]')
    if await expanded.count():
        await expanded.first.press("Escape")


async def navigate(page, rng: random.Random) -> None:
    """Click another page in the sidebar navigation (a rerun in the same session, no reload).

    "Another" is judged by the link's address rather than by aria-current, so the choice never depends on how far the
    page has got with marking the current link.
    """
    here = urlsplit(page.url).path.rstrip("/")
    links = page.locator('[data-testid="stSidebarNavLink"]')
    others = [
        link for link in await links.all() if urlsplit(await link.get_attribute("href") or "").path.rstrip("/") != here
    ]
    await rng.choice(others).click()


async def session(browser, url: str, number: int, deadline: float, results: Results) -> None:
    """One user: open a link, move between pages, change a filter, and again, until the deadline."""
    rng = random.Random(number)
    labels = theme_labels()
    context = await browser.new_context(base_url=url, viewport={"width": 1400, "height": 1000}, service_workers="block")
    context.set_default_timeout(APP_TIMEOUT_MS)

    async def guard(route) -> None:
        if is_local(route.request.url):
            await route.continue_()
        else:
            results.outside.append(route.request.url)
            await route.abort("blockedbyclient")

    await context.route("**/*", guard)
    await context.add_init_script(RUN_COUNTER)
    page = await context.new_page()
    steps = [
        ("open link", lambda: page.goto(link(rng, labels))),
        ("navigate", lambda: navigate(page, rng)),
        ("filter", lambda: change_filter(page, rng)),
        ("navigate", lambda: navigate(page, rng)),
    ]
    step = 0
    try:
        while time.monotonic() < deadline:
            kind, action = steps[step % len(steps)]
            step += 1
            try:
                await timed(page, kind, action, results)
                await close_lists(page)
            except Exception as error:  # any failure of a step is a result to report, not a crash
                state = await app_state(page)
                first_line = (str(error).splitlines() or [""])[0]
                results.errors.append(
                    f"session {number} {kind} {page.url}: {type(error).__name__}: {first_line} {state}"
                )
                step = 0  # start again from a fresh link
    finally:
        await context.close()


async def drive(url: str, sessions: int, seconds: float, stagger_s: float) -> Results:
    """Run the sessions concurrently in one Chromium and collect their results."""
    from playwright.async_api import async_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium package")
    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        deadline = time.monotonic() + seconds

        async def staggered(number: int) -> None:
            await asyncio.sleep(number * stagger_s)  # users arrive a moment apart, not in one instant
            await session(browser, url, number, deadline, results)

        # A hard bound: a session stuck past the deadline is cut off and reported.
        try:
            await asyncio.wait_for(
                asyncio.gather(*(staggered(number) for number in range(sessions))),
                timeout=seconds + APP_TIMEOUT_MS / 1000 + 30,
            )
        except TimeoutError:
            results.errors.append("sessions were still running long after the deadline and were stopped")
        await browser.close()
    return results


def summary(results: Results, sessions: int, seconds: float, usage: ServerUsage | None) -> dict:
    """The numbers the report states."""
    everything = [value for values in results.timings.values() for value in values]
    report = {
        "sessions": sessions,
        "seconds": seconds,
        "steps": len(everything),
        "errors": len(results.errors) + len(set(results.outside)),
        "p50_s": round(statistics.median(everything), 3) if everything else None,
        "p95_s": round(percentile(everything, 0.95), 3) if everything else None,
        "max_s": round(max(everything), 3) if everything else None,
        "by_kind": {
            kind: {
                "steps": len(values),
                "p50_s": round(statistics.median(values), 3),
                "p95_s": round(percentile(values, 0.95), 3),
            }
            for kind, values in sorted(results.timings.items())
        },
        "peak_rss_mb": round(usage.peak / 2**20, 1) if usage and usage.peak else None,
        # Server CPU per step says how much of the machine one user action costs the server itself, apart from the
        # browsers, which share this machine's cores during the test.
        "server_cpu_s": round(usage.cpu_s, 1) if usage else None,
        "server_cpu_per_step_s": round(usage.cpu_s / len(everything), 3) if usage and everything else None,
        "error_messages": results.errors[:20],
        "outside_requests": sorted(set(results.outside)),
    }
    return report


def run(url: str | None, server_pid: int | None, sessions: int, seconds: float, stagger_s: float = 0.25) -> dict:
    """Drive the sessions against a server (our own, on the bundled data, when no URL is given) and summarise."""
    if url:
        with ServerUsage(server_pid) as usage:
            results = asyncio.run(drive(url, sessions, seconds, stagger_s))
        return summary(results, sessions, seconds, usage if server_pid else None)
    from dashboard import build

    with tempfile.TemporaryDirectory(prefix="gse-load-") as folder:
        db_path = Path(folder) / "gse.duckdb"
        build.build_bundled(config.DATA_DIR, db_path)
        with serve(db_path, ARTIFACTS / "load-server.log") as server, ServerUsage(server.pid) as usage:
            results = asyncio.run(drive(server.url, sessions, seconds, stagger_s))
        return summary(results, sessions, seconds, usage)


def loopback_url(value: str) -> str:
    """Accept only a server on this machine: the load test never leaves it."""
    if not is_local(value) or urlsplit(value).scheme not in {"http", "https"}:
        raise argparse.ArgumentTypeError(f"{value} is not an http URL on this machine")
    return value.rstrip("/")


def bounded(low: float, high: float, kind=int):
    """An argparse type that keeps a number within limits."""

    def parse(text: str):
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    """Command line: run the load test and print its summary; exit 1 when any error happened."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=bounded(1, MAX_SESSIONS), default=5, help="concurrent browser sessions")
    parser.add_argument("--seconds", type=bounded(1, MAX_SECONDS, float), default=30, help="how long they run")
    parser.add_argument("--url", type=loopback_url, help="an already running server on this machine")
    parser.add_argument("--server-pid", type=int, help="that server's process id, to measure its memory")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    report = run(args.url, args.server_pid, args.sessions, args.seconds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{report['sessions']} sessions for {report['seconds']:.0f} s: {report['steps']} steps, "
            f"{report['errors']} errors, p50 {report['p50_s']} s, p95 {report['p95_s']} s, max {report['max_s']} s, "
            f"server peak RSS {report['peak_rss_mb']} MB, server CPU {report['server_cpu_s']} s "
            f"({report['server_cpu_per_step_s']} s a step)"
        )
        for kind, numbers in report["by_kind"].items():
            print(f"  {kind}: {numbers['steps']} steps, p50 {numbers['p50_s']} s, p95 {numbers['p95_s']} s")
        for message in report["error_messages"] + report["outside_requests"]:
            print(f"  error: {message}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
