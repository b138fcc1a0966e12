"""Mutation testing for SQL, which mutmut does not mutate: drop one filter term, `distinct` or join condition at a time.

Usage: python scripts/mutate_sql.py [QUERY ...]   (default: the shared-filter queries in QUERIES)

Each mutant is one change to one line of a query (or the shared macros), made in a throwaway copy of HEAD; the query's
tests run against it and must fail. Prints each mutant as killed or survived and a score per file.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Query file: the tests that must notice when it changes.
QUERIES = {
    "macros.sql": "tests/test_query_filters.py tests/test_themes.py",
    "overview_kpis.sql": "tests/test_query_filters.py",
    "roadtrip_kpis.sql": "tests/test_query_filters.py",
    "theme_counts.sql": "tests/test_query_filters.py",
    "roadtrip_stops.sql": "tests/test_query_filters.py",
    "roadtrip_locations.sql": "tests/test_query_filters.py",
    "theme_by_nation.sql": "tests/test_query_filters.py",
    "location_suggestions.sql": "tests/test_query_filters.py",
    "roadtrip_route_length.sql": "tests/test_escaped_bugs.py",
}
# Each rule turns one line into its mutant: a filter term that always holds, no distinct, a join on anything.
RULES = [
    ("filter term dropped", re.compile(r"list_contains\([^()]*(?:\([^()]*\))?[^()]*\)"), "true"),
    ("distinct dropped", re.compile(r"(?<!is )(?<!not )\bdistinct\s+(?!from)"), ""),
    ("date bound made strict", re.compile(r"(held_on) (>=|<=) "), lambda m: f"{m[1]} {m[2][0]} "),
    ("join condition dropped", re.compile(r"^(\s+(?:on|and) )(\S+ = \S+)$"), r"\1true"),
]


def mutants(text: str):
    """Every (description, mutated text) for one file: one rule applied to one place."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.lstrip().startswith("--"):
            continue
        for name, pattern, replacement in RULES:
            for match in pattern.finditer(line.rstrip("\n")):
                replaced = pattern.sub(replacement, line.rstrip("\n")[match.start() :], count=1)
                changed = line.rstrip("\n")[: match.start()] + replaced + ("\n" if line.endswith("\n") else "")
                if changed != line:
                    yield (
                        f"line {number + 1}: {name}: {line.strip()}",
                        "".join([*lines[:number], changed, *lines[number + 1 :]]),
                    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*", help="query files (default: all in QUERIES)")
    arguments = parser.parse_args()
    chosen = arguments.queries or list(QUERIES)
    with tempfile.TemporaryDirectory(prefix="gse-mutate-sql-") as folder:
        work = Path(folder)
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
        (work / ".venv").symlink_to((ROOT / ".venv").resolve())
        for query in chosen:
            path = work / "queries" / query
            original = path.read_text()
            killed = total = 0
            for description, text in mutants(original):
                path.write_text(text)
                run = subprocess.run(
                    [
                        str(work / ".venv/bin/python"),
                        "-m",
                        "pytest",
                        QUERIES[query],
                        "-x",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                    ],
                    cwd=work,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                total += 1
                killed += run.returncode != 0
                print(f"{query} {description}: {'killed' if run.returncode else 'SURVIVED'}", flush=True)
            path.write_text(original)
            print(f"{query}: {killed} of {total} killed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
