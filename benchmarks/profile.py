"""Where a page's time goes: pyinstrument profiles of its cold, warm and cached runs under AppTest.

python -m benchmarks.profile PAGE [--db PATH] [--runs cold,warm,cached] [--out DIR]

PAGE is a page's URL path, title or script name (e.g. themes). The database defaults to the app's (GSE_DB_PATH or
.gse/gse.duckdb); build a scaled one with `python -m benchmarks.run --work-dir DIR` first to profile at 50x.
"""

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit import logger as streamlit_logger

from benchmarks import run
from dashboard import config

RUNS = ("cold", "warm", "cached")


@contextmanager
def profiled_script_runs() -> Iterator[dict]:
    """Profile every script run that starts while `state["profiler"]` is set.

    AppTest runs the script in its own thread and pyinstrument samples only the thread that starts it, so the
    profiler has to start inside that thread. Streamlit offers no hook there: this wraps the function its script
    runner calls to execute the script (a private API, acceptable in a diagnostic tool, never in the app).
    """
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    state: dict = {"profiler": None}

    def execute(func, ctx):
        profiler = state["profiler"]
        if profiler is None:
            return original(func, ctx)
        profiler.start()
        try:
            return original(func, ctx)
        finally:
            profiler.stop()

    script_runner.exec_func_with_error_handling = execute
    try:
        yield state
    finally:
        script_runner.exec_func_with_error_handling = original


def find_page(name: str) -> run.Page:
    """The page whose URL path, title or script stem is `name`."""
    for page in run.discover_pages():
        if name.lower() in {page.url, page.title.lower(), Path(page.path).stem}:
            return page
    raise SystemExit(f"no page called {name!r}: choose from {[page.title for page in run.discover_pages()]}")


def profile(page: run.Page, db_path: Path, runs: list[str], out: Path) -> list[Path]:
    """Open the page, then profile each requested run in order; returns the text reports written."""
    from pyinstrument import Profiler
    from streamlit.testing.v1 import AppTest

    os.environ["GSE_DB_PATH"] = str(db_path)
    change = run.describe_data(db_path, run.ScaleResults(scale="profile"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with profiled_script_runs() as state:
        app = AppTest.from_file(str(run.ENTRY), default_timeout=run.APP_TIMEOUT_S)
        app.run()
        if page.path != run.discover_pages()[0].path:
            app.switch_page(page.path)
            app.run()
        for kind in runs:
            if kind == "cold":
                run.clear_caches()
            run.set_filters(app, change if kind == "warm" else None)
            state["profiler"] = Profiler(interval=0.001)
            wall, cpu = time.perf_counter(), time.process_time()
            app.run()
            wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
            text = state["profiler"].output_text(unicode=False, color=False)
            state["profiler"] = None
            report = out / f"{Path(page.path).stem}-{kind}.txt"
            report.write_text(f"{page.title}, {kind} run: {wall:,.0f} ms wall, {cpu:,.0f} ms CPU\n{text}")
            written.append(report)
            print(f"{page.title}, {kind} run: {wall:,.0f} ms wall, {cpu:,.0f} ms CPU -> {report}")
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: profile one page."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("page", help="URL path, title or script name of the page")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: the app's)")
    parser.add_argument("--runs", default=",".join(RUNS), help="which runs, in order (default cold,warm,cached)")
    parser.add_argument("--out", type=Path, default=config.ROOT / "test-artifacts" / "profiles", help="report folder")
    args = parser.parse_args(argv)
    runs = [kind for kind in args.runs.split(",") if kind]
    if any(kind not in RUNS for kind in runs):
        parser.error(f"runs must be among {', '.join(RUNS)}")
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    streamlit_logger.set_log_level("error")
    profile(find_page(args.page), args.db or config.db_path(), runs, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
