"""Speed of a retrain from the team's decisions at 1x: the whole run and its parts, medians of repeats.

python -m benchmarks.retrain [--repeats 3] [--work-dir DIR]
Builds the bundled data into a temporary database with a fresh team store, then runs `retraining.retrain` R times (each
followed by a restore, so every retrain starts from the build's tags). It reports the median wall time of the whole
retrain and of its parts (scoring before and after on the same folds, training the model, re-tagging and writing the new
database), with the target (5 s at 1x).
"""

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from dashboard import build, config, retraining, themes

TARGET_S = 5.0


def timed(parts: dict[str, list[float]], name: str, function):
    """`function`, recording the wall seconds of each call under `name`."""

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            parts[name].append(time.perf_counter() - started)

    return wrapper


def measure(work: Path, repeats: int) -> dict[str, list[float]]:
    """Seconds of each retrain and of its parts."""
    db, team = work / "gse.duckdb", work / "team.duckdb"
    os.environ["GSE_STORE_PATH"] = str(team)
    build.build_bundled(config.DATA_DIR, db)
    parts: dict[str, list[float]] = defaultdict(list)
    originals = (retraining.compared_scores, themes.train, retraining._retag)
    retraining.compared_scores = timed(parts, "score before and after", retraining.compared_scores)
    themes.train = timed(parts, "train the model", themes.train)
    retraining._retag = timed(parts, "re-tag and write the database", retraining._retag)
    try:
        for _ in range(repeats):
            started, cpu = time.perf_counter(), time.process_time()
            retraining.retrain(db, by="benchmark")
            parts["whole retrain"].append(time.perf_counter() - started)
            # CPU time: what other work on the shared machine disturbs least.
            parts["whole retrain, CPU"].append(time.process_time() - cpu)
            retraining.restore(db, by="benchmark")
    finally:
        retraining.compared_scores, themes.train, retraining._retag = originals
    # The restores train the build's model again: only the retrains' own calls are kept.
    parts["train the model"] = parts["train the model"][::2]
    parts["re-tag and write the database"] = parts["re-tag and write the database"][::2]
    return parts


def main(argv: list[str] | None = None) -> int:
    """Command line: print the retrain's median time and its parts."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrain", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work_dir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        parts = measure(work, args.repeats)
    whole = statistics.median(parts["whole retrain"])
    print(f"Load average at the end: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(
        f"Retrain at 1x (bundled data), median of {args.repeats}: {whole:.2f} s (target {TARGET_S:.0f} s, "
        f"{whole / TARGET_S:.1f}x the target)"
    )
    for name, seconds in parts.items():
        print(f"  {name}: median {statistics.median(seconds):.2f} s, range {min(seconds):.2f}-{max(seconds):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
