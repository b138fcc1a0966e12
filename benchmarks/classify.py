"""Speed of the theme classifier: the whole classify command on 10,000 suggestions, and its parts, as medians of repeats.

python -m benchmarks.classify [--data DIR] [--rows N] [--repeats R]
Times, each over R repeats: training on its own; predicting N suggestions with a trained model; and the whole
`python -m dashboard.themes classify` command on a file of N rows (start Python, read the file and the database, train,
classify, write the CSV), which is what the 5-second target is about.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from dashboard import build, config, themes


def sample_texts(folder: Path, rows: int, seed: int = 0) -> list[str]:
    """`rows` suggestion texts drawn with replacement from the folder's suggestions, shuffled."""
    texts = pd.read_csv(folder / "suggestions.csv", keep_default_na=False)["text"]
    return texts.sample(rows, replace=True, random_state=seed).tolist()


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Seconds of wall-clock time and of this process's CPU time that one call takes."""
    started, cpu_started = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu_started


def timed_command(command: list[str]) -> tuple[float, float]:
    """Seconds of wall-clock time and of the child's CPU time (user + system) that one run of a command takes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=config.ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def summary(label: str, runs: list[tuple[float, float]]) -> str:
    """One line: the median, min and max wall-clock seconds, and the median CPU seconds, of some timed runs."""
    wall, cpu = [run[0] for run in runs], [run[1] for run in runs]
    return (
        f"{label}: median {statistics.median(wall):.2f} s over {len(runs)} repeats "
        f"(min {min(wall):.2f} s, max {max(wall):.2f} s); CPU time median {statistics.median(cpu):.2f} s"
    )


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages: other work on the machine slows every wall-clock figure."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Print the median times to train, to predict N suggestions, and to run the whole classify command on N rows."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.classify", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=config.DATA_DIR, help="folder of contract CSVs (default: data/)")
    parser.add_argument("--rows", type=int, default=10_000, help="suggestions to classify (default 10,000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each measure (default 5)")
    args = parser.parse_args(argv)
    print(f"load average at the start: {load_average()}")
    frames = build.read_folder(args.data)
    tagged = frames["suggestions"].dropna(subset=["theme_id"])
    texts = sample_texts(args.data, args.rows)

    training = [
        timed(lambda: themes.train(tagged["text"], tagged["theme_id"], frames["themes"])) for _ in range(args.repeats)
    ]
    print(
        summary(
            f"train on {len(tagged):,} hand-tagged suggestions + {len(frames['themes'])} theme descriptions", training
        )
    )
    model = themes.train(tagged["text"], tagged["theme_id"], frames["themes"])
    themes.predict(model, texts[:100])  # warm-up: first-call costs are not what this line measures
    print(
        summary(
            f"predict {args.rows:,} suggestions (model already trained)",
            [timed(lambda: themes.predict(model, texts)) for _ in range(args.repeats)],
        )
    )

    with tempfile.TemporaryDirectory() as scratch:
        database, source = Path(scratch) / "gse.duckdb", Path(scratch) / "suggestions.csv"
        build.build_bundled(args.data, database)
        pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(source, index=False)
        command = [sys.executable, "-m", "dashboard.themes", "classify", str(source), "--db", str(database)]
        print(
            summary(
                f"whole classify command on {args.rows:,} rows (target: under 5 s)",
                [timed_command(command) for _ in range(args.repeats)],
            )
        )
    print(f"load average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
