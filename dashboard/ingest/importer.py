"""Load real data: check every file against the contract, then swap in a new database all at once (see main)."""

import argparse
import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import build, config
from dashboard.ingest import comparison
from dashboard.ingest.contract import (
    CONTRACT,
    ROW,
    Checked,
    check_table,
    contract_frame,
    reference_problems,
    typed_frame,
)
from dashboard.ingest.reading import MAX_UPLOAD_BYTES, Problem, Upload, read_path, read_uploads, shown_value
from dashboard.review import decisions

# Tests set this to a stage name ("validated", "loading", "committed", "swapped") to make the import pause there,
# writing its process id to the file named by GSE_INGEST_TEST_MARKER, so the test can kill it at that point.
TEST_HOOK = "GSE_INGEST_TEST_HOOK"
TEST_MARKER = "GSE_INGEST_TEST_MARKER"
CURRENT = "(current database)"


class ImportBusy(RuntimeError):
    """Another import into the same database is running, or has run since the dry run this import is based on."""


# What writing a database can raise: the disk or its permissions (OSError), DuckDB itself, or a check of the written
# file (RuntimeError, which ImportBusy is). The command line and the Data page report each as one line, not a traceback.
WRITE_FAILURES = (duckdb.Error, OSError, RuntimeError, build.NoDataDate)


@dataclass
class Plan:
    """What an import would do: the combined checked tables, every problem and note, and the files' hashes."""

    source: str
    checked: dict[str, Checked] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    given: tuple[str, ...] = ()
    hashes: dict[str, str] = field(default_factory=dict)
    current_rows: dict[str, int] = field(default_factory=dict)
    # The data version the kept tables were read from: another import since then makes this plan stale.
    based_on: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that block the import."""
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when the data may be imported."""
        return not self.errors and set(self.checked) == set(build.TABLES)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables as the database takes them."""
        return {table: contract_frame(self.checked[table]) for table in build.TABLES}


def plan_import(uploads: list[Upload], db: Path, *, source: str, max_bytes: int | None = MAX_UPLOAD_BYTES) -> Plan:
    """Read and check the files, fill the tables they leave out from the current database, and check the keys across."""
    return plan_reading(read_uploads(uploads, max_bytes=max_bytes), db, source=source)


def plan_path(source: Path, db: Path) -> Plan:
    """Plan an import from a folder of CSVs or a workbook on disk."""
    return plan_reading(read_path(source), db, source=str(source))


def plan_reading(reading, db: Path, *, source: str) -> Plan:
    """Check what was read and combine it with the current database."""
    plan = Plan(source=source, problems=list(reading.problems), hashes=dict(reading.hashes))
    plan.given = tuple(table for table in build.TABLES if table in reading.tables or table in reading.named)
    for table, raw in reading.tables.items():
        plan.checked[table], problems = check_table(raw)
        plan.problems.extend(problems)
    missing = [table for table in build.TABLES if table not in plan.given]
    stored = build.stored_build(db)
    plan.based_on = stored["data_version"] if stored else None
    current = current_tables(db)
    plan.current_rows = {table: len(frame) for table, frame in (current or {}).items()}
    if missing and plan.given:
        if current is None:
            plan.problems.append(
                Problem(
                    str(db),
                    None,
                    None,
                    f"no readable current database to keep {', '.join(missing)} from: give every file",
                )
            )
        else:
            for table in missing:
                plan.checked[table] = Checked(table, f"{table} {CURRENT}", current[table])
                rows = len(current[table])
                plan.problems.append(
                    Problem(
                        f"{table}.csv",
                        None,
                        None,
                        f"not given: keeping the {rows:,} rows of the current database",
                        severity="note",
                    )
                )
    plan.problems.extend(reference_problems(plan.checked))
    if not plan.errors and set(plan.checked) == set(build.TABLES):
        plan.problems.extend(database_problems(plan))
    plan.problems.sort(key=problem_order)
    return plan


def database_problems(plan: Plan) -> list[Problem]:
    """What the database itself would refuse, found by loading the checked tables into memory as the import would.

    The Python checks report each problem at its row; this catches what only the whole data shows (no date at all,
    so no data date) and any rule of schema.sql the checks might miss, so that a dry run that passes means an import
    that passes. Only the classifier's tagging is left out (untagged suggestions stay untagged here).
    """
    try:
        with duckdb.connect(":memory:") as connection:
            build.load_tables(connection, build.mark_manual(plan.frames()))
    except build.NoDataDate as error:
        return [Problem("workshops.csv", None, None, str(error))]
    except duckdb.Error as error:
        detail = " ".join(str(error).split())
        return [Problem("DB", None, None, f"the database would refuse this data: {detail[:300]}")]
    return []


def problem_order(problem: Problem) -> tuple:
    """Problems by file, then by row as a spreadsheet counts them (whole-file ones first)."""
    row = problem.row
    return (problem.file, row is not None, row if isinstance(row, int) else 0, str(row), problem.column or "")


def current_tables(db: Path) -> dict[str, pd.DataFrame] | None:
    """Every contract table of the current database, typed as a checked import is, or None when there is none."""
    if build.stored_build(db) is None:
        return None
    tables = {}
    with build.read_only(db) as connection:
        for table, spec in CONTRACT.items():
            columns = [
                # Auto-tags are the classifier's, not the team's: they are dropped and the retrained classifier redoes them.
                "case when theme_source = 'manual' then theme_id end as theme_id"
                if (table, name) == ("suggestions", "theme_id")
                else name
                for name in spec.names
            ]
            order = ", ".join(spec.key)
            cursor = connection.execute(f"select {', '.join(columns)} from {table} order by {order}")  # noqa: S608 (names from CONTRACT)
            records = []
            for values in cursor.fetchall():
                record = dict(zip(spec.names, values, strict=True))
                record[ROW] = "/".join(str(record[name]) for name in spec.key)
                records.append(record)
            tables[table] = typed_frame(table, records)
    return tables


def data_version(frames: dict[str, pd.DataFrame]) -> str:
    """A content hash of the tables being imported: the data version that keys the app's cache."""
    digest = hashlib.sha256()
    for table in build.TABLES:
        digest.update(table.encode())
        digest.update(frames[table].to_csv(index=False).encode())
    return digest.hexdigest()[:16]


def apply_import(
    plan: Plan,
    db: Path,
    *,
    imported_by: str | None = None,
    keep_backups: int = build.BACKUPS_KEPT,
    allow_large_changes: bool = False,
) -> dict[str, int]:
    """Retrain the classifier, write the new database beside the current one and swap it in; returns the row counts.

    An import that removes or changes too much of a table (comparison.large_changes) raises LargeChange unless
    allow_large_changes says a person confirmed it.
    """
    if not plan.ok:
        raise ValueError(f"{len(plan.errors)} problems: nothing imported")
    with import_lock(db):
        stored = build.stored_build(db)
        if (stored["data_version"] if stored else None) != plan.based_on:
            raise ImportBusy("the data changed since this dry run (another import?): run the dry run again")
        if not allow_large_changes:
            large = comparison.large_changes(comparison.compare(current_tables(db), plan.frames()))
            if large:
                raise comparison.LargeChange(" ".join(large))
        remove_stale_temporaries(db)
        test_stage("validated")
        frames = plan.frames()
        version = data_version(frames)
        tagged = build.tag_suggestions(frames)
        build.write_database(
            tagged,
            db,
            data_version=version,
            source=f"import of {plan.source}",
            imports=previous_imports(db),
            import_counts=build.import_counts(db),
            files=plan.hashes,
            imported_by=imported_by or getpass.getuser(),
            keep_backups=keep_backups,
            on_stage=test_stage,
        )
    return {table: len(frames[table]) for table in build.TABLES}


def previous_imports(db: Path) -> pd.DataFrame | None:
    """The import history of the current database, carried into the next one."""
    if build.stored_build(db) is None:
        return None
    with build.read_only(db) as connection:
        return connection.execute("select * from imports order by import_id").df()


@contextlib.contextmanager
def import_lock(db: Path) -> Iterator[None]:
    """Hold the database's import lock: a second import at the same time fails at once rather than racing."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(f".{db.name}.lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(f"another import into {db} is running; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_stale_temporaries(db: Path) -> None:
    """Delete temporary files left by an import or build that was killed (their process is gone)."""
    for leftover in db.parent.glob(f".{db.name}.*.tmp*"):
        pid = leftover.name[len(db.name) + 2 :].split(".")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def test_stage(name: str) -> None:
    """Pause here when a test asked to (see TEST_HOOK); otherwise do nothing."""
    if os.environ.get(TEST_HOOK) != name:
        return
    Path(os.environ[TEST_MARKER]).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def restore(
    backup: Path, db: Path, *, restored_by: str | None = None, keep_backups: int = build.BACKUPS_KEPT
) -> dict[str, int]:
    """Make a backup the current database again (the current one is kept as a backup), recording it as an import."""
    if build.stored_build(backup) is None:
        raise ValueError(f"{backup} is not a readable GSE Insight database")
    with import_lock(db):
        remove_stale_temporaries(db)
        temporary = db.with_name(f".{db.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(backup, temporary)
            history = previous_imports(db)
            with duckdb.connect(str(temporary)) as connection:
                row_counts = {table: build.table_rows(connection, table) for table in build.TABLES}
                connection.execute("begin transaction")
                if history is not None:
                    # The audit trail only grows: the restored file takes the current history, plus this restore.
                    connection.execute("delete from imports")
                    connection.register("history", history)
                    connection.execute("insert into imports by name select * from history")
                    connection.execute("delete from import_counts")
                    counts_history = build.import_counts(db)
                    if counts_history is not None and len(counts_history):
                        connection.register("counts_history", counts_history)
                        connection.execute("insert into import_counts by name select * from counts_history")
                connection.execute(
                    """
                    insert into imports
                    select coalesce(max(import_id), 0) + 1, $at, $by, $source, $files, $row_counts from imports
                    """,
                    {
                        "at": datetime.now().replace(microsecond=0),
                        "by": restored_by or getpass.getuser(),
                        "source": f"restore of {backup.name}",
                        "files": json.dumps({backup.name: hashlib.sha256(backup.read_bytes()).hexdigest()}),
                        "row_counts": json.dumps(row_counts),
                    },
                )
                build.write_snapshot(connection)
                connection.execute("commit")
                connection.execute("checkpoint")
            build.verify_database(temporary, row_counts)
            build.swap_in(temporary, db, keep_backups=keep_backups)
        finally:
            build.remove_temporary(temporary)
    return row_counts


def find_backup(name: str, db: Path) -> Path:
    """A backup by 'latest', by its file name in the backups folder, or by path."""
    if name == "latest":
        kept = build.backups(db)
        if not kept:
            raise FileNotFoundError(f"no backups of {db} in {build.backups_folder(db)}")
        return kept[0]
    candidate = build.backups_folder(db) / name
    if candidate.exists():
        return candidate
    if Path(name).exists():
        return Path(name)
    raise FileNotFoundError(f"no backup called {name}; see --list-backups")


def report_frame(problems: list[Problem]) -> pd.DataFrame:
    """The validation report as a table: one row per problem or note."""
    return pd.DataFrame(
        {
            "severity": [problem.severity for problem in problems],
            "file": [problem.file for problem in problems],
            "row": [None if problem.row is None else str(problem.row) for problem in problems],
            "column": [problem.column for problem in problems],
            "problem": [problem.message for problem in problems],
            "value": [shown_value(problem.value) for problem in problems],
        },
        dtype=object,
    )


def problem_groups(report: pd.DataFrame) -> pd.DataFrame:
    """The report grouped by file, column and problem, with how many rows each and the first of them."""
    grouped = report.fillna({"column": "", "row": ""}).groupby(["severity", "file", "column", "problem"], sort=False)
    return grouped.agg(rows=("row", "size"), first_row=("row", "first")).reset_index()


def summary_frame(plan: Plan) -> pd.DataFrame:
    """Per table: where its rows would come from, and how many there are now and would be after the import."""
    rows = []
    for table in build.TABLES:
        checked = plan.checked.get(table)
        if table in plan.given:
            action = "replace" if checked is not None else "unreadable"
        else:
            action = "keep" if checked is not None else "missing"
        rows.append(
            {
                "table": table,
                "action": action,
                "from": checked.file if checked is not None else None,
                "rows now": plan.current_rows.get(table),
                "rows after": len(checked.frame) if checked is not None else None,
            }
        )
    return pd.DataFrame(rows).astype({"rows now": "Int64", "rows after": "Int64"})


def history_table(imports: pd.DataFrame) -> pd.DataFrame:
    """The import history for people: when, who, from what, which files (with the start of each hash) and how many rows."""
    rows = []
    for record in imports.to_dict("records"):
        files = json.loads(record["files"]) if record["files"] else {}
        counts = json.loads(record["row_counts"]) if record["row_counts"] else {}
        rows.append(
            {
                "Import": record["import_id"],
                "Imported at": record["imported_at"],
                "Imported by": record["imported_by"],
                "Source": record["source"],
                "Files": ", ".join(f"{name} (SHA-256 {digest[:12]}…)" for name, digest in files.items()),
                "Rows": sum(counts.values()),
                "Row counts": ", ".join(f"{table} {count:,}" for table, count in counts.items()),
            }
        )
    columns = ["Import", "Imported at", "Imported by", "Source", "Files", "Rows", "Row counts"]
    return pd.DataFrame(rows, columns=columns)


def summary_line(plan: Plan) -> str:
    """How many errors and notes, in words."""
    errors = plan.errors
    files = len({problem.file for problem in errors})
    notes = len(plan.problems) - len(errors)
    parts = [
        f"{len(errors):,} error{'s' if len(errors) != 1 else ''}"
        + (f" in {files} file{'s' if files != 1 else ''}" if errors else "")
    ]
    if notes:
        parts.append(f"{notes} note{'s' if notes != 1 else ''}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """python -m dashboard.ingest SOURCE [--db PATH] [--dry-run] [--keep N] | --restore [BACKUP] | --list-backups."""
    # Exit 0 on success, 1 when the data is invalid or cannot be imported, 2 on a usage error.
    parser = argparse.ArgumentParser(prog="python -m dashboard.ingest", description=__doc__)
    parser.add_argument("source", nargs="?", type=Path, help="a folder of contract CSVs, or one .xlsx workbook")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: GSE_DB_PATH or .gse/gse.duckdb)")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    parser.add_argument("--keep", type=int, default=build.BACKUPS_KEPT, help="previous versions to keep (default 5)")
    parser.add_argument(
        "--restore", nargs="?", const="latest", metavar="BACKUP", help="restore a backup (default: latest)"
    )
    parser.add_argument("--list-backups", action="store_true", help="list the kept previous versions")
    parser.add_argument(
        "--allow-large-changes",
        action="store_true",
        help="import even if a table loses more than GSE_IMPORT_REMOVAL_LIMIT (default 20%%) of its rows, or every row changes",
    )
    args = parser.parse_args(argv)
    db = args.db or config.db_path()
    chosen = sum([args.source is not None, args.restore is not None, args.list_backups])
    if chosen != 1:
        parser.error("give one of SOURCE, --restore or --list-backups")
    if args.keep < 0:
        parser.error("--keep must be 0 or more")
    if args.list_backups:
        for backup in build.backups(db):
            print(backup.name)
        return 0
    if args.restore is not None:
        return restore_command(args.restore, db, args.keep)
    if not args.source.exists():
        parser.error(f"{args.source}: no such file or folder")
    if not args.source.is_dir() and args.source.suffix.lower() not in {".xlsx", ".csv"}:
        parser.error(f"{args.source}: give a folder of CSV files or an .xlsx workbook")
    try:
        comparison.removal_limit()
    except ValueError as error:
        parser.error(str(error))
    plan = plan_path(args.source, db)
    for problem in plan.problems:
        print(problem.line(), file=sys.stderr)
    if not plan.ok:
        print(f"{summary_line(plan)}; nothing was imported.", file=sys.stderr)
        return 1
    changes = comparison.compare(current_tables(db), plan.frames())
    print_changes(changes)
    large = comparison.large_changes(changes)
    if args.dry_run:
        print(f"{summary_line(plan)}; valid. Dry run: nothing was written.", file=sys.stderr)
        for sentence in large:
            print(f"would need --allow-large-changes: {sentence}", file=sys.stderr)
        print_counts(summary_frame(plan))
        return 0
    if large and not args.allow_large_changes:
        for sentence in large:
            print(sentence, file=sys.stderr)
        print(
            "Nothing was imported; the current database is unchanged. If this is intended, run again with "
            "--allow-large-changes.",
            file=sys.stderr,
        )
        return 1
    try:
        apply_import(plan, db, keep_backups=args.keep, allow_large_changes=args.allow_large_changes)
    except WRITE_FAILURES as error:
        print(failure_line(db, error, version_before=plan.based_on), file=sys.stderr)
        return 1
    print_counts(summary_frame(plan))
    print(f"imported into {db}")
    reviewed = decisions.import_report(db)
    if reviewed:
        print(reviewed)
    return 0


def restore_command(name: str, db: Path, keep: int) -> int:
    """Restore a backup from the command line."""
    stored = build.stored_build(db)
    try:
        backup = find_backup(name, db)
        counts = restore(backup, db, keep_backups=keep)
    except (FileNotFoundError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 1
    except WRITE_FAILURES as error:
        print(failure_line(db, error, version_before=stored["data_version"] if stored else None), file=sys.stderr)
        return 1
    for table, rows in counts.items():
        print(f"{table:<15}{rows:>8,}")
    print(f"restored {backup.name} into {db}")
    return 0


def failure_line(db: Path, error: BaseException, *, version_before: str | None) -> str:
    """One line for an import or restore that failed: the database, whether it is still the old one, and why."""
    if isinstance(error, ImportBusy):
        return str(error)
    stored = build.stored_build(db)
    # Checked, not assumed: a failure after the rename (syncing the folder, pruning backups) leaves the new data in place.
    if (stored["data_version"] if stored else None) == version_before:
        outcome = "nothing was imported; the current database is unchanged"
    else:
        outcome = "the new data is in place, but the step after the swap failed"
    detail = " ".join(str(error).split()) or "no details given"
    return f"{db}: {outcome}: {type(error).__name__}: {detail}"


def print_changes(changes: dict) -> None:
    """Per table, the rows an import adds, removes and changes."""
    for row in comparison.summary(changes).to_dict("records"):
        print(f"{row['table']:<15}+{row['added']:,} added, -{row['removed']:,} removed, {row['changed']:,} changed")


def print_counts(summary: pd.DataFrame) -> None:
    """The row count of each table, and whether it was replaced or kept."""
    for row in summary.to_dict("records"):
        where = f"replaced from {row['from']}" if row["action"] == "replace" else "kept from the current database"
        print(f"{row['table']:<15}{row['rows after']:>8,}  {where}")
