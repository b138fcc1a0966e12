"""Speed of the theme classifier: tag 10,000 suggestions, timed over several repeats (median reported).

python -m benchmarks.classify [--data DIR] [--rows N] [--repeats R] [--cli]
Training is timed once on its own; --cli also times the whole `python -m dashboard.themes classify` command on a
file of N rows, which trains from the database before it classifies.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard import build, config, themes


def sample_texts(folder: Path, rows: int, seed: int = 0) -> list[str]:
    """`rows` suggestion texts drawn with replacement from the folder's suggestions, shuffled."""
    texts = pd.read_csv(folder / "suggestions.csv", keep_default_na=False)["text"]
    return texts.sample(rows, replace=True, random_state=seed).tolist()


def timed(action) -> float:
    """Seconds of wall-clock time one call takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def cpu_timed(action) -> float:
    """Seconds of this process's CPU time one call takes: what it costs, whatever else the machine is doing."""
    started = time.process_time()
    action()
    return time.process_time() - started


def time_cli(folder: Path, texts: list[str], repeats: int) -> list[float]:
    """Wall-clock seconds of the classify command on a CSV of `texts` (building a database for it first)."""
    with tempfile.TemporaryDirectory() as scratch:
        database, source = Path(scratch) / "gse.duckdb", Path(scratch) / "suggestions.csv"
        build.build_bundled(folder, database)
        pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(source, index=False)
        command = [sys.executable, "-m", "dashboard.themes", "classify", str(source), "--db", str(database)]
        return [
            timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=config.ROOT))
            for _ in range(repeats)
        ]


def main(argv: list[str] | None = None) -> int:
    """Print training time and the median time to classify N suggestions."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.classify", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=config.DATA_DIR, help="folder of contract CSVs (default: data/)")
    parser.add_argument("--rows", type=int, default=10_000, help="suggestions to classify (default 10,000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--cli", action="store_true", help="also time the whole classify command")
    args = parser.parse_args(argv)
    frames = build.read_folder(args.data)
    tagged = frames["suggestions"].dropna(subset=["theme_id"])
    texts = sample_texts(args.data, args.rows)

    training = timed(lambda: themes.train(tagged["text"], tagged["theme_id"], frames["themes"]))
    model = themes.train(tagged["text"], tagged["theme_id"], frames["themes"])
    themes.predict(model, texts[:100])  # warm-up: first-call costs are not what we measure
    runs, cpu_runs = [], []
    for _ in range(args.repeats):
        runs.append(timed(lambda: themes.predict(model, texts)))
        cpu_runs.append(cpu_timed(lambda: themes.predict(model, texts)))
    median = statistics.median(runs)
    print(
        f"training on {len(tagged):,} hand-tagged suggestions + {len(frames['themes'])} theme descriptions: {training:.2f} s"
    )
    print(
        f"classify {args.rows:,} suggestions: median {median:.2f} s over {args.repeats} repeats "
        f"(min {min(runs):.2f} s, max {max(runs):.2f} s; {args.rows / median:,.0f} suggestions/s)"
    )
    print(f"  CPU time of the same: median {statistics.median(cpu_runs):.2f} s (min {min(cpu_runs):.2f} s)")
    if args.cli:
        cli_runs = time_cli(args.data, texts, args.repeats)
        print(
            f"whole classify command (start Python, train, classify {args.rows:,}, write CSV): "
            f"median {statistics.median(cli_runs):.2f} s over {args.repeats} repeats (min {min(cli_runs):.2f} s)"
        )
    # Other work on the machine slows every figure above: say how busy it was.
    print(f"load average at the end: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
