"""Mutation testing (mutmut) of the modules where a bug costs most, each against its own fast unit tests.

Usage: python scripts/mutate.py [MODULE ...]   (no argument: every module in MODULES; see docs/TESTING.md)

Each module is mutated in a throwaway copy of the checkout (the tracked files only), so the work tree, its .gse and
team/ are never touched and two runs never share state. Per module it prints the score (killed / all mutants that ran)
and names every survivor; the numbers go to test-artifacts/mutation/MODULE.json. Browser tests are never used: a
mutant is killed by the unit tests named here or it survives.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-artifacts" / "mutation"
# Module name: (the files mutated, the test files (and pytest options) that must kill their mutants).
MODULES = {
    # Not test_attendees_on_both_pages_together_pin_no_blank (20 s of test_disclosure.py's 38 s, with two database
    # builds): it runs disclosure through attendees.protected_totals, which the seeded random rollups and the
    # hypothesis rollups run directly over the same groups and margins; it is in attendees' tests.
    "disclosure": (
        ["dashboard/disclosure.py"],
        [
            "tests/test_disclosure.py",
            "tests/test_properties.py",
            "-k",
            "not any_link and not comes_back and not inert and not attendees_on_both_pages",
        ],
    ),
    "attendees": (
        ["dashboard/attendees.py"],
        ["tests/test_attendees.py", "tests/test_disclosure.py", "tests/test_escaped_bugs.py"],
    ),
    # The tests that call members directly: 7 s (test_escaped_bugs.py and test_disclosure.py together took 67 s, almost
    # all of it in tests that reach members only through the pages; test_member_disclosure.py's page sweeps take 70 s).
    "members": (
        ["dashboard/members.py"],
        [
            "tests/test_members.py",
            "tests/test_escaped_bugs.py",
            "tests/test_member_disclosure.py",
            "-k",
            "test_members.py or nations_members or every_nation or issue_s_examples",
        ],
    ),
    # 10 s of CPU, not 41 s: not the page runs (AppTest) nor the solver checks of every blank (`worked_out`, 25 s of
    # them), which test disclosure's algebra through the page's tables; the tables and sentences are checked directly.
    # test_leadership_builders.py calls every builder on hand-made tables (4 s): the charts, titles and sentences.
    "leadership": (
        ["dashboard/leadership.py"],
        [
            "tests/test_leadership.py",
            "tests/test_leadership_builders.py",
            "tests/test_escaped_bugs.py",
            "-k",
            "(test_leadership.py and not worked_out and not test_page_ and not reference_stays"
            " and not with_grades_chosen) or test_leadership_builders.py or departmental_schemes"
            " or leadership_departments or london_sentence",
        ],
    ),
    # Of test_taxonomy.py, only its old-label link tests (AppTest, a few seconds): follow_old_labels' only tests.
    "filters": (
        ["dashboard/filters.py", "dashboard/sidebar.py"],
        [
            "tests/test_links.py",
            "tests/test_filter_words.py",
            "tests/test_properties.py",
            "tests/test_escaped_bugs.py",
            "tests/test_taxonomy.py",
            "-k",
            "not worked_out and not comes_back and not inert and (not test_taxonomy or old_label or renamed_while)",
        ],
    ),
    # This test reads auth.py's source for setting names, which mutmut's rewritten file spells many ways.
    "auth": (
        ["dashboard/auth.py"],
        [
            "tests/test_auth.py",
            "tests/test_auth_pages.py",
            "tests/test_escaped_bugs.py",
            "-k",
            "not documents_every_setting",
        ],
    ),
    "exports": (
        ["dashboard/exports.py", "dashboard/ods.py"],
        ["tests/test_exports.py", "tests/test_properties.py", "-k", "not any_link and not worked_out"],
    ),
    # test_ingest_changes.py's command and function tests (in-process, a few seconds): the only tests of the guard that
    # refuses large changes; not its page runs (AppTest), which reach the same code through the Data page.
    # test_ingest_report.py calls the Data page's report, history and failure builders directly (no AppTest).
    "build": (
        ["dashboard/build.py", "dashboard/ingest/importer.py"],
        [
            "tests/test_build.py",
            "tests/test_ingest.py",
            "tests/test_ingest_changes.py",
            "tests/test_ingest_report.py",
            "-k",
            "not page",
        ],
    ),
    # test_kpis.py's hand-made tables, and the pack, story and sentence tests that call story or findings directly:
    # 11 s of CPU (test_boardpack.py and test_escaped_bugs.py whole took over a minute, most of it packs of every
    # department and pages this module never reaches).
    "kpis": (
        ["dashboard/story/standard.py", "dashboard/findings.py"],
        [
            "tests/test_kpis.py",
            "tests/test_boardpack.py",
            "tests/test_escaped_bugs.py",
            "tests/test_findings.py",
            "-k",
            "test_kpis.py or download_is_named or meeting_names or follows_the_filters or the_story_blanks"
            " or nations_members or 11_mile or profession_trend or tour_sentence",
        ],
    ),
    # test_themes.py's queries and builders, and test_classifier.py's tests that call the classifier in-process: 16 s
    # of CPU. Not the AppTest page runs (a few seconds each, for builders the unit tests call directly), nor the CLI
    # tests and `evaluate` (a subprocess each, which mutmut cannot trace, or five cross-validation fits: 12 s a test).
    # `test_page_window_...` is a unit test whose name starts like the page runs'. test_theme_builders.py calls every
    # builder of theme_views.py on hand-made tables (about a second): the sentences only the page runs reached.
    # test_theme_commands.py calls the command line's code in-process (read_input, classify, evaluate, report, main)
    # on the fixtures' 13 tagged suggestions (a model in a fraction of a second): 15 s, where the CLI tests are
    # subprocesses mutmut cannot follow.
    "themes": (
        ["dashboard/themes.py", "dashboard/theme_views.py"],
        [
            "tests/test_theme_builders.py",
            "tests/test_theme_commands.py",
            "tests/test_themes.py",
            "tests/test_classifier.py",
            "-k",
            "test_theme_builders.py or test_theme_commands.py"
            " or (test_themes.py and not (test_page_ and not page_window) and not a_link and not bad_explorer_link"
            " and not run_only_once and not says_how_many)"
            " or (test_classifier.py and not classify and not evaluate and not cli_)",
        ],
    ),
}
# Copied beside the mutated code: what the tests read (queries, data, the entry script and Streamlit's config).
ALSO_COPY = [
    "queries/",
    "data/",
    "streamlit_app.py",
    ".streamlit/",
    "benchmarks/",
    "scripts/",
    "docs/",
    "README.md",
    ".gitignore",
]


def mutmut_command(work: Path) -> list[str]:
    """The mutmut command line, run as a module of the venv's python."""
    # Not .venv/bin/mutmut: its shebang names the folder the shared venv was built in, which may be gone.
    return [str(work / ".venv/bin/python"), "-m", "mutmut"]


def mutmut_settings(files: list[str], tests: list[str]) -> str:
    """The [tool.mutmut] table for one module."""
    lines = [
        "[tool.mutmut]",
        'source_paths = ["dashboard/"]',
        f"only_mutate = {json.dumps(files)}",
        f"also_copy = {json.dumps(ALSO_COPY)}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        # Hypothesis examples are fixed (the "ci" profile), so a mutant meets the same examples as the real code.
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]',
        "use_git_change_detection = false",
        # Forked straight from mutmut's process, a worker that touched DuckDB or Streamlit often died by a signal
        # whatever the mutant did; a fork server keeps those out of the parent.
        'process_isolation = "forkserver"',
    ]
    return "\n".join(lines) + "\n"


def copy_checkout(target: Path) -> None:
    """The committed tree (HEAD: uncommitted edits are not mutated), and the shared .venv as a link."""
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / ".venv").symlink_to((ROOT / ".venv").resolve())


def survivors(work: Path) -> list[str]:
    """The names of the mutants no test killed."""
    listing = subprocess.run(
        [*mutmut_command(work), "results"], cwd=work, capture_output=True, text=True, check=False
    ).stdout
    return [line.split(":")[0].strip() for line in listing.splitlines() if line.strip().endswith(": survived")]


def mutate(name: str, jobs: int, only: list[str]) -> dict:
    """Run mutmut over one module in a fresh copy; return its counts and survivors."""
    files, tests = MODULES[name]
    with tempfile.TemporaryDirectory(prefix=f"gse-mutate-{name}-") as folder:
        work = Path(folder)
        copy_checkout(work)
        with (work / "pyproject.toml").open("a") as pyproject:
            pyproject.write("\n" + mutmut_settings(files, tests))
        env = {**os.environ, "GSE_STORE_PATH": str(work / "team" / "team.duckdb")}
        run = subprocess.run(
            [*mutmut_command(work), "run", "--max-children", str(jobs), *only], cwd=work, env=env, check=False
        )
        subprocess.run([*mutmut_command(work), "export-cicd-stats"], cwd=work, check=False)
        # Each mutant's exit code (0 survived, 1 killed, 33 no tests, -11 crashed), kept after the copy goes.
        for meta in (work / "mutants").rglob("*.meta"):
            shutil.copy(meta, RESULTS / f"{name}-{meta.name}.json")
        stats_file = work / "mutants" / "mutmut-cicd-stats.json"
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        stats["survivors"] = survivors(work)
        stats["exit_code"] = run.returncode
        for survivor in stats["survivors"]:
            shown = subprocess.run([*mutmut_command(work), "show", survivor], cwd=work, capture_output=True, text=True)
            stats.setdefault("diffs", {})[survivor] = shown.stdout
    ran = stats.get("killed", 0) + stats.get("survived", 0) + stats.get("timeout", 0)
    stats["score"] = round((stats.get("killed", 0) + stats.get("timeout", 0)) / ran, 3) if ran else None
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: all): {', '.join(MODULES)}")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1: a shared machine)")
    parser.add_argument("--only", nargs="+", default=[], help="mutant name patterns, e.g. 'dashboard.auth.x_decide*'")
    arguments = parser.parse_args()
    unknown = sorted(set(arguments.modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown modules: {', '.join(unknown)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in arguments.modules or list(MODULES):
        stats = mutate(name, arguments.jobs, arguments.only)
        (RESULTS / f"{name}.json").write_text(json.dumps(stats, indent=2))
        print(f"{name}: score {stats['score']} ({stats.get('killed', 0)} killed, {stats.get('survived', 0)} survived)")
        for survivor in stats["survivors"]:
            print(f"  survived: {survivor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
