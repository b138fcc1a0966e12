"""Benchmark harness: page runs, queries against a pandas baseline, browser loads and server memory at several scales.

python -m benchmarks.run [--scale 1 10 50] [--repeats 5] [--quick] [--no-browser] [--sessions 20] [--work-dir DIR]
    [--report PATH]

For each scale it generates the synthetic data (dashboard.sample_data --scale N) and builds it into a database in a
temporary folder (or --work-dir, where an up-to-date database is reused), then measures. It prints the results and
writes them, with the machine, the versions and the method, to docs/PERFORMANCE.md. Sections of that file it does not
write itself (the load test, the analysis) are kept as they are. --quick (scale 1, one repeat, no browser) only proves
that the harness works; --db and --data measure an existing database instead of generating one.
"""

import argparse
import ast
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from importlib import metadata
from pathlib import Path

import duckdb
from streamlit import logger as streamlit_logger

from benchmarks import baselines
from benchmarks.browser import FLOORS
from dashboard import build, config, data
from dashboard.filters import Filters

ENTRY = config.ROOT / "streamlit_app.py"
PAGES_DIR = config.ROOT / "dashboard" / "pages"
REPORT = config.ROOT / "docs" / "PERFORMANCE.md"
APP_TIMEOUT_S = 300
MB = 1_000_000
# data.query("name", ...), query_one, protected, and the ("name", parameters) pairs given to data.queries: any string
# opening a bracket, kept only if it names a query.
QUERY_CALL = re.compile(r"\(\s*[\"']([a-z][a-z0-9_]*)[\"']")
VERSIONED = ("streamlit", "duckdb", "pandas", "pyarrow", "plotly", "pydeck", "scikit-learn", "playwright")
# Sections of the report the harness writes; any other "## " section already in the file is kept verbatim.
GENERATED_SECTIONS = ("Machine and versions", "Method", "Targets", "Results at")


@dataclass(frozen=True)
class Page:
    """A page of the app: its script, its title in the navigation and its URL path ("" for the default page)."""

    path: str
    title: str
    url: str


@dataclass(frozen=True)
class Target:
    """One line of the issue's target table: the limit at 1x and at 50x, and which way is good."""

    measure: str
    at_1x: float
    at_50x: float
    unit: str
    higher_is_better: bool = False


TARGETS = {
    "warm": Target("warm rerun, every page (ms)", 150, 300, "ms"),
    "cold": Target("cold page run (ms)", 1000, 2000, "ms"),
    "warm_cpu": Target("the same on CPU time: warm rerun (ms)", 150, 300, "ms"),
    "cold_cpu": Target("the same on CPU time: cold page run (ms)", 1000, 2000, "ms"),
    "headline": Target("browser time to the KPIs and findings / hello, one warm browser, cache off", 1.5, 1.5, "x"),
    "browser": Target("browser time to every chart drawn / hello, one warm browser, cache off", 2.5, 2.5, "x"),
    "headline_fresh": Target("the same, each load in a fresh context: KPIs and findings / hello", 1.5, 1.5, "x"),
    "browser_fresh": Target("the same, each load in a fresh context: every chart drawn / hello", 2.5, 2.5, "x"),
    "bytes": Target("bytes to the browser per page load (MB)", 1.0, 1.0, "MB"),
    "speedup": Target("DuckDB speed-up over pandas, slowest query of any page", 1.0, 5.0, "x", higher_is_better=True),
    "rss": Target("server peak RSS, one session (MB)", 400, 1500, "MB"),
    "sessions": Target("20 sessions at once: p95 server time per page run (ms)", 2000, 2000, "ms"),
}


@dataclass
class ScaleResults:
    """Everything measured at one scale."""

    scale: str
    rows: dict[str, int] = field(default_factory=dict)
    database_mb: float = 0.0
    generate_s: float | None = None
    build_s: float | None = None
    classifier_s: float | None = None
    build_reused: bool = False
    first_run_ms: float | None = None
    pages: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    page_queries: dict[str, list[str]] = field(default_factory=dict)
    queries: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    baseline_matches: dict[str, bool] = field(default_factory=dict)
    pandas_read_s: float | None = None
    browser: dict | None = None
    sessions: dict | None = None
    errors: list[str] = field(default_factory=list)


def discover_pages(entry: Path = ENTRY) -> list[Page]:
    """The pages in streamlit_app.py's st.Page(...) calls, in order; every dashboard/pages/*.py if there are none."""
    pages = []
    for node in ast.walk(ast.parse(entry.read_text())):
        is_page = isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args
        if is_page and isinstance(node.args[0], ast.Constant):
            path = node.args[0].value
            keywords = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            url = "" if keywords.get("default") else keywords.get("url_path", Path(path).stem)
            pages.append(Page(path, keywords.get("title", Path(path).stem), url))
    if pages:
        return pages
    scripts = sorted(PAGES_DIR.glob("*.py"))
    return [Page(str(p.relative_to(config.ROOT)), p.stem, "" if i == 0 else p.stem) for i, p in enumerate(scripts)]


def query_names() -> list[str]:
    """Every query in queries/ (the schema and the shared macros are not queries)."""
    return sorted(path.stem for path in config.QUERIES_DIR.glob("*.sql") if path.stem not in data.NOT_QUERIES)


def queries_of(page: Page) -> list[str]:
    """The queries a page's script names in data.query / query_one / protected / queries calls."""
    known = set(query_names())
    found = QUERY_CALL.findall((config.ROOT / page.path).read_text())
    return [name for name in dict.fromkeys(found) if name in known]


def has_findings(page: Page) -> bool:
    """Whether a page shows key findings under its KPIs (layout.findings): its headline then waits for them too."""
    return "layout.findings(" in (config.ROOT / page.path).read_text()


def header(name: str, field_name: str) -> str | None:
    """A `-- Field: value` line from a query's header (as tests/test_queries.py reads it)."""
    match = re.search(rf"^-- {field_name}: (.+?)\.?$", data.sql_text(name), re.MULTILINE)
    return match.group(1) if match else None


def query_parameters(name: str, filters: Filters) -> dict:
    """A query's parameters: the shared filters, its header's example values, NULL for the rest."""
    examples = json.loads(header(name, "Example") or "{}")
    given = {**filters.params(), **examples}
    return {key: given.get(key) for key in data.parameters_of(name)}


def key_columns(name: str) -> list[str] | None:
    """A query's key columns from its header (None for a one-row result)."""
    key = header(name, "Key")
    return None if key in (None, "one row") else [column.strip() for column in key.split(",")]


def timed(action: Callable[[], object]) -> float:
    """Seconds an action takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed_with_cpu(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds an action takes (CPU of the whole process, every thread).

    On a busy machine the wall time includes waiting for a core; the CPU time shows the work itself.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


@contextlib.contextmanager
def env(**values: str) -> Iterator[None]:
    """Set environment variables for a block."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def classifier_timer() -> Iterator[list[float]]:
    """Time the build's classifier step (tag_suggestions) separately from the rest of the build."""
    original = build.tag_suggestions
    spent: list[float] = []

    def tag_and_time(frames):
        started = time.perf_counter()
        try:
            return original(frames)
        finally:
            spent.append(time.perf_counter() - started)

    # Swapped for the duration of one build: build_bundled looks the function up in its module when it runs.
    build.tag_suggestions = tag_and_time
    try:
        yield spent
    finally:
        build.tag_suggestions = original


def prepare(scale: int, work_dir: Path, results: ScaleResults) -> tuple[Path, Path]:
    """Generate the CSVs at a scale and build them into a database, reusing an up-to-date one; returns (csvs, db)."""
    csv_dir, db_path = work_dir / f"scale-{scale}", work_dir / f"scale-{scale}.duckdb"
    timings_file = work_dir / f"scale-{scale}.timings.json"
    command = [sys.executable, "-m", "dashboard.sample_data", "--out", str(csv_dir), "--scale", str(scale)]
    results.generate_s = timed(lambda: subprocess.run(command, cwd=config.ROOT, check=True, capture_output=True))
    if not build.needs_build(csv_dir, db_path) and timings_file.exists():
        stored = json.loads(timings_file.read_text())
        results.build_s, results.classifier_s, results.build_reused = stored["build_s"], stored["classifier_s"], True
        return csv_dir, db_path
    with classifier_timer() as classifier:
        results.build_s = timed(lambda: build.build_bundled(csv_dir, db_path))
    results.classifier_s = sum(classifier)
    timings_file.write_text(json.dumps({"build_s": results.build_s, "classifier_s": results.classifier_s}))
    return csv_dir, db_path


def describe_data(db_path: Path, results: ScaleResults) -> Filters:
    """Record the table sizes, and return the filter change the warm runs use: England and the largest department.

    Every page honours at least one of the two (Leadership ignores nations, Roadtrip and Themes ignore departments).
    """
    with duckdb.connect(str(db_path), read_only=True) as connection:
        for table in build.TABLES:
            results.rows[table] = build.table_rows(connection, table)
        largest = connection.execute(
            "select department_id from members group by department_id order by count(*) desc, department_id limit 1"
        ).fetchone()[0]
    results.database_mb = db_path.stat().st_size / MB
    return Filters(nations=("England",), department_ids=(largest,))


def clear_caches() -> None:
    """Empty Streamlit's data and resource caches, as a fresh server has them."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def set_filters(app, change: Filters | None) -> None:
    """Set the sidebar's nation and department boxes (to nothing when change is None)."""
    app.multiselect(key="nation").set_value(list(change.nations) if change else [])
    app.multiselect(key="department").set_value(list(change.department_ids) if change else [])


def measure_pages(pages: list[Page], repeats: int, change: Filters, results: ScaleResults) -> None:
    """Per page under AppTest: a cold run (empty caches), a warm rerun after a filter change, a fully cached rerun."""
    from streamlit.testing.v1 import AppTest

    first = AppTest.from_file(str(ENTRY), default_timeout=APP_TIMEOUT_S)
    clear_caches()
    # The first run in a process also imports plotly, pydeck and the rest: a once-per-server cost, reported apart.
    results.first_run_ms = timed(first.run) * 1000
    default = pages[0].path
    for page in pages:
        app = AppTest.from_file(str(ENTRY), default_timeout=APP_TIMEOUT_S)
        app.run()
        if page.path != default:
            app.switch_page(page.path)
            app.run()
        times = results.pages.setdefault(page.title, {})
        for _ in range(repeats):
            clear_caches()
            for kind, change_before in (("cold", None), ("warm", change), ("cached", None)):
                if kind != "cold":
                    set_filters(app, change_before)
                wall, cpu = timed_with_cpu(app.run)
                times.setdefault(kind, []).append(wall)
                times.setdefault(f"{kind}_cpu", []).append(cpu)
                note_exceptions(app, page, kind, results)


def note_exceptions(app, page: Page, kind: str, results: ScaleResults) -> None:
    """Record any exception a page showed, so a broken page is never reported as a fast one."""
    for exception in app.exception:
        results.errors.append(f"{page.title} ({kind} run): {exception.message[:300]}")


def measure_queries(csv_dir: Path, repeats: int, change: Filters, results: ScaleResults) -> None:
    """Every query's uncached DuckDB time, and the pandas baseline's, unfiltered and with the filter change."""
    streamlit_logger.set_log_level("error")  # AppTest resets it from the config; these calls warn outside a run
    database, decisions = data.current_database(), data.current_decisions()
    run_uncached = data._run.__wrapped__  # the data layer's own query function, without its cache
    tags = baselines.tagged_themes()
    started = time.perf_counter()
    frames = baselines.read_frames(csv_dir, tags)
    results.pandas_read_s = time.perf_counter() - started
    for name in query_names():
        times = results.queries.setdefault(name, {})
        for label, filters in (("all", Filters()), ("filtered", change)):
            parameters = query_parameters(name, filters)
            bound = tuple((key, data.hashable(value)) for key, value in parameters.items())
            try:
                for _ in range(repeats):
                    times.setdefault(f"duckdb_{label}", []).append(
                        timed(partial(run_uncached, name, bound, database, decisions)) * 1000
                    )
            except duckdb.Error as error:
                results.errors.append(f"query {name} ({label}): {str(error)[:300]}")
                continue
            baseline = baselines.BASELINES.get(name)
            if baseline is None:
                continue
            for _ in range(repeats):
                times.setdefault(f"pandas_{label}", []).append(timed(partial(baseline, frames, parameters)) * 1000)
            same = baselines.same_result(
                run_uncached(name, bound, database, decisions), baseline(frames, parameters), key_columns(name)
            )
            results.baseline_matches[f"{name} ({label})"] = same
            if not same:
                results.errors.append(f"pandas baseline for {name} ({label}) differs from the query's result")


@dataclass(frozen=True)
class Settings:
    """How much to measure: repeats of page runs and browser loads, repeats of each query, and whether to use Chromium."""

    repeats: int
    query_repeats: int
    browser: bool
    work_dir: Path
    sessions: int = 0
    session_seconds: float = 60


def measure_scale(csv_dir: Path, db_path: Path, pages: list[Page], settings: Settings, results) -> ScaleResults:
    """All the measures on one database."""
    change = describe_data(db_path, results)
    results.page_queries = {page.title: queries_of(page) for page in pages}
    with env(GSE_DB_PATH=str(db_path)):
        measure_pages(pages, settings.repeats, change, results)
        measure_queries(csv_dir, settings.query_repeats, change, results)
    if settings.browser:
        from benchmarks import browser as browser_measures

        targets = {page.title: page.url for page in pages}
        without_findings = {page.title for page in pages if not has_findings(page)}
        measured = browser_measures.measure(db_path, targets, settings.repeats, settings.work_dir, without_findings)
        results.browser = asdict(measured)
        results.errors.extend(measured.errors)
        for title, loads in measured.loads.items():
            if any(load.exceptions for load in loads):
                results.errors.append(f"{title}: the browser showed an exception")
    if settings.sessions:
        results.sessions = measure_sessions(db_path, settings.sessions, settings.session_seconds)
        results.errors.extend(results.sessions.get("error_messages", []))
    print(f"measured {results.scale}", file=sys.stderr)
    return results


def measure_sessions(db_path: Path, sessions: int, seconds: float) -> dict:
    """benchmarks.sessions in its own process, whose clients lower their priority below this one's."""
    command = [sys.executable, "-m", "benchmarks.sessions", "--sessions", str(sessions), "--seconds", str(seconds)]
    done = subprocess.run(
        [*command, "--db", str(db_path), "--json"], cwd=config.ROOT, capture_output=True, text=True, check=False
    )
    try:
        return json.loads(done.stdout[done.stdout.index("{") :])
    except ValueError:
        return {"errors": 1, "error_messages": [f"benchmarks.sessions failed: {done.stderr[-500:]}"]}


def median(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def spread(values: list[float], digits: int = 0) -> str:
    """'median (min–max)' of repeated measures; just the value when there is one."""
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:,.{digits}f}"
    return f"{statistics.median(values):,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def query_total(results: ScaleResults, title: str, label: str) -> float:
    """The summed median uncached DuckDB time of a page's queries ("all" or "filtered")."""
    times = (results.queries.get(name, {}).get(f"duckdb_{label}", []) for name in results.page_queries.get(title, []))
    return sum(median(values) or 0 for values in times)


def page_verdicts(results: ScaleResults) -> dict[str, tuple[float, str] | None]:
    """The worst value of each target's measure at one scale, and where it was (a page or a query)."""

    def worst(values: dict[str, float], highest: bool = True) -> tuple[float, str] | None:
        values = {where: value for where, value in values.items() if value is not None}
        if not values:
            return None
        where = (max if highest else min)(values, key=values.get)
        return values[where], where

    pages = results.pages
    speedups = {}
    for names in results.page_queries.values():
        for name in names:
            times = results.queries.get(name, {})
            for label in ("all", "filtered"):
                if times.get(f"pandas_{label}") and times.get(f"duckdb_{label}"):
                    ratio = median(times[f"pandas_{label}"]) / median(times[f"duckdb_{label}"])
                    speedups[f"{name} ({label})"] = ratio
    verdicts = {
        "warm": worst({title: median(times["warm"]) for title, times in pages.items()}),
        "cold": worst({title: median(times["cold"]) for title, times in pages.items()}),
        "warm_cpu": worst({title: median(times["warm_cpu"]) for title, times in pages.items()}),
        "cold_cpu": worst({title: median(times["cold_cpu"]) for title, times in pages.items()}),
        "headline": None,
        "browser": None,
        "headline_fresh": None,
        "browser_fresh": None,
        "bytes": None,
        "speedup": worst(speedups, highest=False),
        "rss": None,
        "sessions": None,
    }
    if results.sessions and results.sessions.get("p95_ms") is not None:
        verdicts["sessions"] = (results.sessions["p95_ms"], f"{results.sessions['sessions']} sessions")
    if results.browser:
        # Not the cached loads: against a hello page that fetches nothing, no page that queries data can meet these
        # ratios; their table gives their times (docs/PERFORMANCE.md, ninth round).
        for suffix, kind in (("", "warm_loads"), ("_fresh", "loads")):
            ratios = pages_only(browser_ratios(results.browser.get(kind, {})))
            verdicts["headline" + suffix] = worst({title: pair[0] for title, pair in ratios.items()})
            verdicts["browser" + suffix] = worst({title: pair[1] for title, pair in ratios.items()})
        loads = pages_only({title: values for title, values in results.browser["loads"].items() if values})
        verdicts["bytes"] = worst({title: median([load["received"] for load in v]) / MB for title, v in loads.items()})
        verdicts["rss"] = (results.browser["server_peak_rss"] / MB, "server")
    return verdicts


def pages_only(by_title: dict) -> dict:
    """The app's pages of a mapping by title, without the hello page and the other floors."""
    return {title: value for title, value in by_title.items() if title != "hello" and title not in FLOORS}


def browser_ratios(loads: dict[str, list[dict]]) -> dict[str, tuple[float, float]]:
    """Each page's median time to its KPIs and findings, and to every chart drawn, over the hello page's median."""
    hello = median([load["ms"] for load in loads.get("hello", [])])
    if not hello:
        return {}
    return {
        title: (
            median([load.get("headline_ms") or load["ms"] for load in values]) / hello,
            median([load["ms"] for load in values]) / hello,
        )
        for title, values in loads.items()
        if values and title != "hello"
    }


def verdict(target: Target, value: float | None, limit: float) -> str:
    """'met' or 'missed', with the margin."""
    if value is None:
        return "not measured"
    met = value >= limit if target.higher_is_better else value <= limit
    ratio = value / limit if limit else float("inf")
    if met:
        return "met"
    return f"missed by {abs(value - limit):,.1f} {target.unit} ({ratio:.2f}x the limit)"


def markdown_tables(all_results: list[ScaleResults], machine: dict, settings: Settings) -> str:
    """The generated sections of docs/PERFORMANCE.md."""
    lines = ["## Machine and versions", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    lines += ["", "## Method", "", METHOD.format(repeats=settings.repeats, query_repeats=settings.query_repeats), ""]
    lines += targets_table(all_results)
    for results in all_results:
        lines += scale_tables(results)
    return "\n".join(lines) + "\n"


METHOD = """\
`python -m benchmarks.run --scale 1 10 50` ({repeats} repeats of each page run and browser load, {query_repeats} of each
query). For each scale, `python -m dashboard.sample_data --scale N`
writes the synthetic CSVs and `dashboard.build.build_bundled` builds them into a database in a temporary folder; the
build's classifier step (training and tagging) is timed on its own. Numbers are medians of the repeats, with the spread
as (min–max). MB is 10^6 bytes.

- **Page runs** (server side): each page of `streamlit_app.py`'s `PAGES` runs under `streamlit.testing.v1.AppTest`,
  entry script and sidebar included. *Cold*: after `st.cache_data.clear()` and `st.cache_resource.clear()` (so the
  DuckDB connection is reopened too). *Warm*: the rerun after a filter change (sidebar Nation = England and Department =
  the largest department, set together so every page has a filter it honours). *Cached*: the rerun after clearing them
  again, every query already cached. AppTest adds its own overhead (it parses every element the script sends): timed
  once inside the script thread, the script itself took 90-99% of these numbers, so they are slight upper bounds. The
  first run in a fresh process also pays the imports; it is shown apart.
- **Queries**: every `queries/*.sql` runs through the data layer's own uncached function (execute, then convert to
  pandas), with its header's `-- Example:` values, once with no filters ("all") and once with the filter change.
- **Pandas baseline**: the way a typical Streamlit app does it. The contract CSVs are read into pandas once (the
  classifier's tags taken from the build), then each rerun filters, merges and groups the frames
  (`benchmarks/baselines.py`). Every baseline's result is checked equal to the query's. Speed-up = pandas / DuckDB.
- **Browser**: Debian's Chromium under Playwright (`--no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run`), a fresh context per load (new session, empty browser
  cache). *KPIs and findings shown* = `performance.now()` when the page has its KPI cards and its "Key findings"
  heading (on a page whose script draws no key findings, its KPI cards alone; on a page with neither, when its run
  has ended), checked on every animation frame. *Every chart drawn*
  = when the app has finished its run (`data-test-script-state="notRunning"`, no
  skeletons) and every Plotly chart has its SVG and every pydeck map its canvas; on Leadership and Profession that is
  the charts of the first tab, since the other tabs run only when chosen. Bytes = websocket frame payloads
  received during that load. The "hello" row is a one-line `st.write("hello")` app served in the same run: the floor
  Streamlit itself sets. The "hello + one Plotly chart" row adds one two-bar chart: the floor for any page with a
  Plotly chart, since the browser then loads and starts plotly.js; the Vega-Lite and ECharts rows do the same with
  the two chart libraries built into Streamlit whose code is smaller, for the choice of library. The first load of each page after the server
  starts is shown apart, not in the medians. Then the same measures **in one warm browser**, the issue's own method: one
  context, one tab going to the hello page, then to an app page, in turn; each page's ratio is over the hello loads of
  that round. Its HTTP cache is off, as in the browser tests (a Playwright route turns it off), so every load fetches
  Streamlit's scripts again: the issue measured so (its hello page took 0.7 s, as here), and the targets are judged on
  these. Then once more with the cache kept, as a leader's browser keeps those scripts (every page finishes sooner,
  the hello page most of all, so the ratios grow); and the fresh-context ratios beside them. Requests to anywhere but
  this machine go to a closed port (`--proxy-server`), not through a route, which would turn the cache off.
- **Server peak RSS**: `VmHWM` from `/proc/<pid>/status` of the `streamlit run` process after all the browser loads
  (one session at a time).
- **Sessions at once** (`benchmarks.sessions`, `--sessions 20`): twenty websocket clients that speak Streamlit's
  protocol but draw nothing, in one process at nice 19, each asking for a random page on a random shared link, then
  pausing about a second. Server time per page run = the script's run time, as the server reports it in its page
  profile message (`browser.gatherUsageStats` on for that server only; the clients send it nowhere)."""


def targets_table(all_results: list[ScaleResults]) -> list[str]:
    """The issue's targets against the worst page (or query) at each scale, named under the value."""
    by_scale = {results.scale: page_verdicts(results) for results in all_results}
    scales = list(by_scale)
    lines = [
        "## Targets",
        "",
        "The worst page or query at each scale, against the targets at 1x and 50x. The CPU-time rows apply the same",
        "limits to the process CPU time, which shows the gap on an idle machine.",
        "",
    ]
    lines.append("| measure | " + " | ".join(scales) + " | target 1x | 1x | target 50x | 50x |")
    lines.append("|---|" + "---|" * (len(scales) + 4))
    for key, target in TARGETS.items():
        found = {scale: by_scale[scale][key] for scale in scales}
        cells = ["–" if value is None else f"{value[0]:,.2f} ({value[1]})" for value in found.values()]
        sign = ">=" if target.higher_is_better else "<="
        judged = []
        for scale, limit in (("1x", target.at_1x), ("50x", target.at_50x)):
            value = found.get(scale)
            judged.append(verdict(target, value[0] if value else None, limit) if scale in found else "–")
        lines.append(
            f"| {target.measure} | "
            + " | ".join(cells)
            + f" | {sign} {target.at_1x:g} | {judged[0]} | {sign} {target.at_50x:g} | {judged[1]} |"
        )
    return [*lines, ""]


def scale_tables(results: ScaleResults) -> list[str]:
    """The detailed tables for one scale."""
    rows = results.rows
    lines = [f"## Results at {results.scale}", ""]
    lines.append(
        f"{rows.get('members', 0):,} members, {rows.get('suggestions', 0):,} suggestions, "
        f"{rows.get('participation', 0):,} scheme applications; database {results.database_mb:,.1f} MB."
    )
    if results.build_s is not None:
        reused = " (built in an earlier run and reused)" if results.build_reused else ""
        lines.append(
            f"Generating the CSVs took {results.generate_s:,.1f} s; the build {results.build_s:,.1f} s{reused}, of which "
            f"the classifier {results.classifier_s:,.1f} s."
        )
    if results.first_run_ms is not None:
        lines.append(f"First run in a fresh process (imports included): {results.first_run_ms:,.0f} ms.")
    lines += [
        "",
        "### Page runs (AppTest, ms)",
        "",
        "Wall time, and in brackets after it the process CPU time (median), which a busy machine inflates less. The last",
        "column adds up the uncached DuckDB times of the queries the page names (unfiltered / with the filter change):",
        "roughly what a cold or warm run spends in the database, the rest being the page's own Python work.",
        "",
        "| page | cold | warm (filter change) | cached rerun | its queries, uncached |",
        "|---|---|---|---|---|",
    ]
    for title, times in results.pages.items():
        cells = [
            f"{spread(times[kind])} [cpu {median(times[kind + '_cpu']):,.0f}]" for kind in ("cold", "warm", "cached")
        ]
        cells.append(" / ".join(f"{query_total(results, title, label):,.0f}" for label in ("all", "filtered")))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", "### Queries (ms) and the pandas baseline", ""]
    if results.pandas_read_s is not None:
        lines.append(
            f"Reading the CSVs into pandas (once per process in the baseline app): {results.pandas_read_s:,.2f} s."
        )
        lines.append("")
    lines += [
        "| query | pages | DuckDB, all | pandas, all | speed-up | DuckDB, filtered | pandas, filtered | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    users = {}
    for title, names in results.page_queries.items():
        for name in names:
            users.setdefault(name, []).append(title)
    for name, times in results.queries.items():
        cells = []
        for label in ("all", "filtered"):
            ours, theirs = times.get(f"duckdb_{label}", []), times.get(f"pandas_{label}", [])
            ratio = f"{median(theirs) / median(ours):,.1f}x" if ours and theirs else "–"
            cells += [spread(ours, 1), spread(theirs, 1), ratio]
        lines.append(f"| {name} | {', '.join(users.get(name, [])) or '–'} | " + " | ".join(cells) + " |")
    if results.browser:
        lines += browser_table(results.browser)
    if results.sessions:
        lines += sessions_table(results.sessions)
    if results.errors:
        lines += ["", "### Errors", ""] + [f"- {error}" for error in results.errors]
    return [*lines, ""]


def browser_table(browser: dict) -> list[str]:
    """Browser loads: time to finished, ratio to hello, bytes each way, charts drawn."""
    loads = browser["loads"]
    hello = median([load["ms"] for load in loads.get("hello", [])])
    lines = [
        "",
        "### Browser (Chromium)",
        "",
        "| page | KPIs and findings shown (ms) | / hello | every chart drawn (ms) | / hello "
        "| first load after start (ms) | websocket bytes received | sent | charts |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for title, values in loads.items():
        times = [load["ms"] for load in values]
        headlines = [load.get("headline_ms") or load["ms"] for load in values]
        ratio = f"{median(times) / hello:.2f}x" if hello else "–"
        headline_ratio = f"{median(headlines) / hello:.2f}x" if hello else "–"
        first = browser["first_loads"].get(title)
        received = median([load["received"] for load in values])
        sent = median([load["sent"] for load in values])
        kinds = {"plotly": "plotly", "decks": "map", "vega": "Vega-Lite", "echarts": "ECharts"}
        charts = (
            ", ".join(f"{values[-1][kind]} {name}" for kind, name in kinds.items() if values[-1].get(kind)) or "none"
        )
        first_ms = f"{first['ms']:,.0f}" if first else "–"
        lines.append(
            f"| {title} | {spread(headlines)} | {headline_ratio} | {spread(times)} | {ratio} | {first_ms} "
            f"| {received:,.0f} | {sent:,.0f} | {charts} |"
        )
    lines += warm_browser_table(
        browser.get("warm_loads", {}),
        "In one warm browser with its HTTP cache off, as issue 20 measured (one context; the hello page, then the app "
        "page, in turn):",
    )
    lines += warm_browser_table(
        browser.get("cached_loads", {}),
        "The same with the browser's cache kept, as a leader's browser keeps Streamlit's scripts:",
    )
    lines += [
        "",
        f"Server peak RSS (VmHWM): {browser['server_peak_rss'] / MB:,.0f} MB; RSS at the end: "
        f"{browser['server_rss_after'] / MB:,.0f} MB.",
    ]
    return lines


def warm_browser_table(loads: dict[str, list[dict]], heading: str) -> list[str]:
    """The same pages in one warm browser, each after a hello page, under `heading` (cache off, or kept)."""
    if not loads.get("hello"):
        return []
    lines = [
        "",
        heading,
        "",
        "| page | KPIs and findings shown (ms) | / hello | every chart drawn (ms) | / hello |",
        "|---|---|---|---|---|",
        f"| hello | – | – | {spread([load['ms'] for load in loads['hello']])} | 1.00x |",
    ]
    for title, (headline, charts) in browser_ratios(loads).items():
        values = loads[title]
        headlines = [load.get("headline_ms") or load["ms"] for load in values]
        lines.append(
            f"| {title} | {spread(headlines)} | {headline:.2f}x | {spread([load['ms'] for load in values])} "
            f"| {charts:.2f}x |"
        )
    return lines


def sessions_table(sessions: dict) -> list[str]:
    """Many sessions at once: server time per page run, overall and by page."""
    if sessions.get("p95_ms") is None:
        return []
    lines = [
        "",
        f"### {sessions['sessions']} sessions at once (benchmarks.sessions)",
        "",
        f"{sessions['seconds']:.0f} s, a pause of about {sessions['think_s']} s between a session's runs; "
        f"{sessions['runs']} page runs, {sessions['errors']} errors. Server CPU {sessions['server_cpu_s']} s, the "
        f"clients' {sessions['clients_cpu_s']} s; server peak RSS {sessions['server_peak_rss_mb']} MB; load average "
        f"at the end {', '.join(str(value) for value in sessions['load_average'])}.",
        "",
        "| page | runs | server time p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---|---|---|---|",
        f"| every page | {sessions['runs']} | {sessions['p50_ms']:,.0f} | {sessions['p95_ms']:,.0f} "
        f"| {sessions['max_ms']:,.0f} |",
    ]
    for page, numbers in sessions["by_page"].items():
        lines.append(
            f"| {page} | {numbers['runs']} | {numbers['p50_ms']:,.0f} | {numbers['p95_ms']:,.0f} "
            f"| {numbers['max_ms']:,.0f} |"
        )
    lines.append(f"\nRound trip as the clients saw it, p95: {sessions['round_trip_p95_ms']:,.0f} ms.")
    return lines


def machine(chromium: str | None) -> dict[str, str]:
    """The machine and the versions that matter for these numbers."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    versions = []
    for package in VERSIONED:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    details = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus (nproc)": str(len(os.sched_getaffinity(0))),
        "cpu model": cpu,
        "memory": f"{memory / 2**20:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": ", ".join(versions),
    }
    if chromium:
        details["chromium"] = chromium
    load_average = os.getloadavg()
    details["load average at the end (1, 5, 15 min)"] = ", ".join(f"{value:.1f}" for value in load_average)
    return details


def kept_sections(report: Path) -> str:
    """The '## ' sections of the existing report that the harness does not write (e.g. the load test), verbatim."""
    if not report.exists():
        return ""
    text = report.read_text()
    sections = re.split(r"(?m)^(?=## )", text)
    kept = [part for part in sections[1:] if not part[3:].startswith(GENERATED_SECTIONS)]
    return "".join(part.rstrip("\n") + "\n\n" for part in kept)


def write_report(report: Path, generated: str) -> None:
    """Write the report: title, generated sections, then the sections kept from the file as it is right now."""
    title = (
        "# Performance\n\nMeasured by `python -m benchmarks.run`; rerun it to refresh every table below this line.\n\n"
    )
    kept = kept_sections(report)  # read just before writing, so another writer's section is not lost
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(title + generated + ("\n" + kept.rstrip("\n") + "\n" if kept else ""))


def main(argv: list[str] | None = None) -> int:
    """Command line: measure, print the tables, write the report; exit 1 if any page or query failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 50], help="data scales (default 1 10 50)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of page runs and browser loads (default 5)")
    parser.add_argument("--query-repeats", type=int, default=9, help="repeats of each query (default 9)")
    parser.add_argument("--quick", action="store_true", help="scale 1, one repeat, no browser, no report by default")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=None, help="measure in Chromium")
    parser.add_argument("--work-dir", type=Path, help="keep the data and databases here and reuse them")
    parser.add_argument("--db", type=Path, help="measure this existing database instead (needs --data)")
    parser.add_argument("--data", type=Path, help="the folder of CSVs the --db database was built from")
    parser.add_argument(
        "--report", type=Path, help=f"write the report here (default {REPORT.relative_to(config.ROOT)})"
    )
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions to time (0: none; default 20)")
    parser.add_argument("--session-seconds", type=float, default=60, help="how long the sessions run (default 60)")
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, help="also write the raw measures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeats, args.query_repeats = [1], 1, 1
    if bool(args.db) != bool(args.data):
        parser.error("--db and --data go together")
    browser = (not args.quick) if args.browser is None else args.browser
    report = None if args.no_report else (args.report or (None if args.quick else REPORT))
    # The cached query functions warn when called outside a Streamlit run, as the measures do on purpose; the variable
    # keeps AppTest from turning the warnings back on when it reads the config.
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    streamlit_logger.set_log_level("error")
    pages = discover_pages()
    all_results = []
    with tempfile.TemporaryDirectory(prefix="gse-bench-") as temporary:
        settings = Settings(
            args.repeats,
            args.query_repeats,
            browser,
            args.work_dir or Path(temporary),
            0 if args.quick else args.sessions,
            args.session_seconds,
        )
        settings.work_dir.mkdir(parents=True, exist_ok=True)
        if args.db:
            all_results.append(measure_scale(args.data, args.db, pages, settings, ScaleResults(scale="given")))
        for scale in [] if args.db else args.scale:
            results = ScaleResults(scale=f"{scale}x")
            csv_dir, db_path = prepare(scale, settings.work_dir, results)
            all_results.append(measure_scale(csv_dir, db_path, pages, settings, results))
    chromium = next((r.browser["chromium_version"] for r in all_results if r.browser), None)
    generated = markdown_tables(all_results, machine(chromium), settings)
    print(generated)
    if report:
        write_report(report, generated)
        print(f"wrote {report}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([asdict(results) for results in all_results], indent=1, default=str))
    return 1 if any(results.errors for results in all_results) else 0


if __name__ == "__main__":
    sys.exit(main())
