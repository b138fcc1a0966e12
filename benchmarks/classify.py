"""Speed of the theme classifier: the build's train-and-tag step at 1x, 10x and 50x, and the classify command.

python -m benchmarks.classify [--scales 1 10 50] [--distinct] [--work-dir DIR] [--data DIR] [--rows N] [--repeats R]
Times, each over R repeats (medians, with the load average, since the machine is shared):
- train and tag at each scale: the build's classifier step (`build.tag_suggestions`: train on the hand-tagged
  suggestions, tag the rest) on `python -m dashboard.sample_data --scale N` data (target: 30 s at 50x). The sample data
  repeats every corpus line N times; --distinct also times a copy in which each text has one word dropped and one
  added at random, so nearly every text is distinct, the worst case for the classifier;
- training on its own, predicting N suggestions with a trained model, and the whole
  `python -m dashboard.themes classify` command on a file of N rows, on the bundled data (target: under 5 s).
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

import numpy as np
import pandas as pd

from dashboard import build, config, themes


def sample_texts(folder: Path, rows: int, seed: int = 0) -> list[str]:
    """`rows` suggestion texts drawn with replacement from the folder's suggestions, shuffled."""
    texts = pd.read_csv(folder / "suggestions.csv", keep_default_na=False)["text"]
    return texts.sample(rows, replace=True, random_state=seed).tolist()


def scaled_data(scale: int, work: Path) -> Path:
    """A folder of sample data at a scale, generated once and reused."""
    folder = work / f"scale-{scale}"
    if not (folder / "suggestions.csv").exists():
        command = [sys.executable, "-m", "dashboard.sample_data", "--out", str(folder), "--scale", str(scale)]
        subprocess.run(command, check=True, capture_output=True, cwd=config.ROOT)
    return folder


def distinct_texts(texts: pd.Series, seed: int = 0) -> list[str]:
    """Each text with one word dropped (if it has four or more) and one word of the texts' vocabulary put in."""
    rng = np.random.default_rng(seed)
    vocabulary = sorted({word for text in texts.unique() for word in text.lower().split() if word.isalpha()})
    varied = []
    for text in texts:
        words = text.split()
        if len(words) >= 4:
            del words[rng.integers(len(words))]
        words.insert(rng.integers(len(words) + 1), vocabulary[rng.integers(len(vocabulary))])
        varied.append(" ".join(words))
    return varied


def train_and_tag(scales: list[int], work: Path, repeats: int, distinct: bool) -> None:
    """Print the median time of the build's classifier step at each scale."""
    for scale in scales:
        frames = build.read_folder(scaled_data(scale, work))
        variants = {"as generated": frames}
        if distinct:
            suggestions = frames["suggestions"].assign(text=lambda rows: distinct_texts(rows["text"]))
            variants["distinct texts"] = {**frames, "suggestions": suggestions}
        for name, data in variants.items():
            suggestions = data["suggestions"]
            tagged = int(suggestions["theme_id"].notna().sum())
            runs = [timed(lambda data=data: build.tag_suggestions(data)) for _ in range(repeats)]
            print(
                summary(
                    f"train and tag at {scale}x, {name} ({len(suggestions):,} suggestions: {tagged:,} hand-tagged, "
                    f"{suggestions['text'].nunique():,} distinct texts; target at 50x: 30 s)",
                    runs,
                ),
                flush=True,
            )
        print(f"load average: {load_average()}", flush=True)


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
    parser.add_argument(
        "--scales", type=int, nargs="*", default=[1, 10, 50], help="train-and-tag scales (default 1 10 50)"
    )
    parser.add_argument(
        "--distinct", action="store_true", help="also time texts varied so that nearly all are distinct"
    )
    parser.add_argument("--work-dir", type=Path, default=None, help="keep the generated scaled data here for reuse")
    args = parser.parse_args(argv)
    print(f"load average at the start: {load_average()}")
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work_dir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        train_and_tag(args.scales, work, args.repeats, args.distinct)
    frames = build.read_folder(args.data)
    tagged = frames["suggestions"].dropna(subset=["theme_id"])
    texts = sample_texts(args.data, args.rows)

    training = [
        timed(lambda: themes.train(tagged["text"], tagged["theme_id"], frames["themes"])) for _ in range(args.repeats)
    ]
    print(
        summary(
            f"train on {len(tagged):,} hand-tagged suggestions + the {len(frames['themes'])} themes' descriptions and seeds",
            training,
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
