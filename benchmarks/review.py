"""Speed of theme review: confirming one suggestion and redrawing the queue, as server time, medians of repeats.

python -m benchmarks.review [--scale 1 50] [--repeats 7] [--work-dir DIR]
For each scale it reuses benchmarks.run's data and database (generated and built on first use) and a fresh team store,
opens the Review page under AppTest (no browser: the server's own time), then clicks "Confirm" R times. Each click is one
script run: the write to the store, then the page drawn again with the next suggestion. It reports the median and
range of those runs and of the store's write alone, with the target (300 ms at 1x, 500 ms at 50x) and the ratio.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.run import APP_TIMEOUT_S, ENTRY, ScaleResults, clear_caches, prepare
from dashboard import store

TARGET_MS = {1: 300, 50: 500}


def confirm_runs(repeats: int) -> tuple[list[float], list[float]]:
    """Wall milliseconds of each confirm-and-redraw run, and of each store write within it."""
    from streamlit.testing.v1 import AppTest

    writes: list[float] = []
    original = store.append_decisions

    def timed_append(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            writes.append((time.perf_counter() - started) * 1000)

    store.append_decisions = timed_append
    try:
        app = AppTest.from_file(str(ENTRY), default_timeout=APP_TIMEOUT_S)
        clear_caches()
        app.run()
        app.switch_page("dashboard/pages/review.py")
        app.run()
        app.run()  # warm: the page's queries once, as a reviewer's second look has them
        runs = []
        for _ in range(repeats):
            confirm = next(button for button in app.button if button.key.startswith("review_confirm_"))
            confirm.click()
            started = time.perf_counter()
            app.run()
            runs.append((time.perf_counter() - started) * 1000)
            if app.exception:
                raise RuntimeError(app.exception[0].message)
        return runs, writes
    finally:
        store.append_decisions = original


def line(label: str, values: list[float], target: float | None = None) -> str:
    """'label: median 123 ms (min 100, max 150) over 7 runs; target 300 ms, 0.41x'."""
    median = statistics.median(values)
    text = f"{label}: median {median:.0f} ms (min {min(values):.0f}, max {max(values):.0f}) over {len(values)} runs"
    if target:
        text += f"; target {target} ms, {median / target:.2f}x the target"
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at each scale and print one paragraph per scale."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.review", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "gse-benchmarks")
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    for scale in args.scale:
        _, db_path = prepare(scale, args.work_dir, ScaleResults(scale=f"{scale}x"))
        team = args.work_dir / f"review-{scale}x-{os.getpid()}.duckdb"
        os.environ["GSE_DB_PATH"], os.environ["GSE_STORE_PATH"] = str(db_path), str(team)
        try:
            runs, writes = confirm_runs(args.repeats)
        finally:
            for leftover in (team, team.with_name(team.name + ".wal")):
                leftover.unlink(missing_ok=True)
        print(f"{scale}x")
        print("  " + line("confirm one suggestion and redraw the queue (server)", runs, TARGET_MS.get(scale)))
        print("  " + line("of which the store's write", writes))
    print(f"load average after: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
