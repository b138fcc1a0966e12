"""Build the DuckDB database from the contract's CSV files, atomically."""

import argparse
import contextlib
import getpass
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config

# Load order respects the foreign keys in queries/schema.sql.
TABLES = (
    "departments",
    "locations",
    "workshops",
    "members",
    "themes",
    "suggestions",
    "schemes",
    "participation",
)
# Written by the build beside the contract's tables: the classifier's three likeliest themes per tagged suggestion.
DERIVED_TABLE = "theme_alternatives"
ALTERNATIVE_COLUMNS = ("suggestion_id", "theme_rank", "theme_id", "probability")
BUNDLED_SOURCE = "bundled"
BACKUPS_KEPT = 5
NO_DATA_DATE = (
    "no workshop date and no member joining date: the data has no date to be 'as of'; give at least one dated row"
)


class NoDataDate(ValueError):
    """The tables hold no date at all, so build_info.data_date would be empty."""


def source_files(folder: Path) -> dict[str, Path]:
    """The contract's CSV files in a folder, by table name."""
    return {table: folder / f"{table}.csv" for table in TABLES if (folder / f"{table}.csv").exists()}


def files_version(paths: Mapping[str, Path]) -> str:
    """A content hash of the source files: the data version."""
    digest = hashlib.sha256()
    for table in sorted(paths):
        digest.update(table.encode())
        digest.update(hashlib.sha256(paths[table].read_bytes()).digest())
    return digest.hexdigest()[:16]


def build_inputs() -> list[Path]:
    """The files besides the CSVs that decide what a build writes: the contract, the SQL it runs and its code."""
    # Looked up on each call, not fixed at import, so a test can point config.QUERIES_DIR at a copy of queries/.
    code = Path(__file__).resolve().parent
    return [
        config.QUERIES_DIR / "schema.sql",
        config.QUERIES_DIR / "typicality.sql",
        config.QUERIES_DIR / "import_snapshot.sql",
        code / "build.py",
        code / "themes.py",
    ]


def build_version() -> str:
    """A content hash of the build's own inputs and the classifier's library, so changing any of them is a rebuild."""
    digest = hashlib.sha256()
    for path in build_inputs():
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    # A new scikit-learn can tag the same suggestions differently; a new DuckDB that cannot read the file rebuilds anyway.
    digest.update(f"scikit-learn {importlib.metadata.version('scikit-learn')}".encode())
    return digest.hexdigest()[:16]


def bundled_version(folder: Path) -> str:
    """The data version of a bundled build: the CSVs' content hash combined with the build's."""
    # The version keys the app's cache, so a rebuild for a code change (same CSVs) must give a new one too.
    combined = f"{files_version(source_files(folder))} {build_version()}"
    return hashlib.sha256(combined.encode()).hexdigest()[:16]


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Read the bundled CSVs as text, with empty cells as missing values."""
    frames = {}
    for table, path in source_files(folder).items():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frames[table] = frame.replace({"": None})
    missing = set(TABLES) - set(frames)
    if missing:
        raise FileNotFoundError(f"{folder}: missing {', '.join(f'{table}.csv' for table in sorted(missing))}")
    return frames


def text_hash(text: str) -> str:
    """The SHA-256 of a suggestion's text, as DuckDB's sha256() writes it: what ties a review decision to its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mark_manual(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with each source theme marked manual (confidence 1), the rest untagged and no ranked alternatives."""
    suggestions = frames["suggestions"].copy()
    manual = suggestions["theme_id"].notna()
    suggestions["theme_source"] = None
    suggestions["confidence"] = None
    suggestions["text_hash"] = suggestions["text"].map(text_hash, na_action="ignore")
    suggestions["model_version"] = None
    suggestions.loc[manual, "theme_source"] = "manual"
    suggestions.loc[manual, "confidence"] = 1.0
    alternatives = pd.DataFrame(columns=list(ALTERNATIVE_COLUMNS))
    return {**frames, "suggestions": suggestions, DERIVED_TABLE: alternatives}


def tag_suggestions(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Mark source themes as manual, let the classifier tag the rest, and keep its three likeliest themes for each."""
    marked = mark_manual(frames)
    suggestions, alternatives = marked["suggestions"], marked[DERIVED_TABLE]
    manual = suggestions["theme_source"].notna()
    if (~manual).any() and manual.any():
        # Imported here: scikit-learn takes seconds to load, and dry runs and refused imports never need it.
        from dashboard import themes

        texts, labels = suggestions.loc[manual, "text"], suggestions.loc[manual, "theme_id"]
        model = themes.train(texts, labels, frames["themes"])
        suggestions.loc[~manual, "model_version"] = themes.build_model_version(texts, labels, frames["themes"])
        ranked_ids, ranked_probabilities = themes.predict_ranked(model, suggestions.loc[~manual, "text"], top=3)
        suggestions.loc[~manual, "theme_id"] = ranked_ids[:, 0]
        suggestions.loc[~manual, "theme_source"] = "auto"
        suggestions.loc[~manual, "confidence"] = ranked_probabilities[:, 0]
        alternatives = themes.ranked_frame(suggestions.loc[~manual, "suggestion_id"], ranked_ids, ranked_probabilities)
    return {**frames, "suggestions": suggestions, DERIVED_TABLE: alternatives}


def write_database(
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    *,
    data_version: str,
    source: str,
    imports: pd.DataFrame | None = None,
    import_counts: pd.DataFrame | None = None,
    files: Mapping[str, str] | None = None,
    imported_by: str | None = None,
    keep_backups: int = 0,
    on_stage: Callable[[str], None] | None = None,
) -> None:
    """Write every table to a temporary file, check it, then rename it over `path` in one step."""
    # keep_backups: how many replaced versions to keep (hard links, so no copying). on_stage is called with "loading",
    # "committed" and "swapped", so the import's tests can stop the process at each of those points.
    stage = on_stage or (lambda name: None)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    remove_temporary(temporary)
    try:
        with duckdb.connect(str(temporary)) as connection:
            connection.execute("begin transaction")
            data_date = load_tables(connection, frames, on_stage=stage)
            row_counts = {table: table_rows(connection, table) for table in TABLES}
            built_at = datetime.now().replace(microsecond=0)
            connection.execute(
                "insert into build_info values ($version, $data_date, $built_at, $source)",
                {"version": data_version, "data_date": data_date, "built_at": built_at, "source": source},
            )
            if imports is not None and len(imports):
                connection.register("previous_imports", imports)
                connection.execute("insert into imports by name select * from previous_imports")
            connection.execute(
                """
                insert into imports
                select coalesce(max(import_id), 0) + 1, $at, $by, $source, $files, $row_counts from imports
                """,
                {
                    "at": built_at,
                    "by": imported_by or getpass.getuser(),
                    "source": source,
                    "files": json.dumps(dict(files or {})),
                    "row_counts": json.dumps(row_counts),
                },
            )
            if import_counts is not None and len(import_counts):
                connection.register("previous_counts", import_counts)
                connection.execute("insert into import_counts by name select * from previous_counts")
            write_snapshot(connection)
            connection.execute("commit")
            connection.execute("checkpoint")
        verify_database(temporary, {table: len(frames[table]) for table in TABLES})
        stage("committed")
        swap_in(temporary, path, keep_backups=keep_backups)
        stage("swapped")
    finally:
        remove_temporary(temporary)


def load_tables(
    connection: duckdb.DuckDBPyConnection,
    frames: Mapping[str, pd.DataFrame],
    on_stage: Callable[[str], None] | None = None,
) -> date:
    """Create the schema, insert every table and score typicality; returns the data date, the latest date in the data.

    The import writes the database with this, and its dry run loads the same tables into memory with it, so a dry run
    that passes finds every refusal the database itself would make.
    """
    connection.execute((config.QUERIES_DIR / "schema.sql").read_text())
    for number, table in enumerate(TABLES):
        connection.register("incoming", frames[table])
        connection.execute(f"insert into {table} by name select * from incoming")  # noqa: S608 (table from TABLES)
        connection.unregister("incoming")
        if number == len(TABLES) // 2 and on_stage:
            on_stage("loading")
    connection.register("incoming", frames[DERIVED_TABLE])
    connection.execute(f"insert into {DERIVED_TABLE} by name select * from incoming")  # noqa: S608 (a constant)
    connection.unregister("incoming")
    connection.execute((config.QUERIES_DIR / "typicality.sql").read_text())
    data_date = connection.execute(
        "select greatest((select max(held_on) from workshops), (select max(joined_on) from members))"
    ).fetchone()[0]
    if data_date is None:
        raise NoDataDate(NO_DATA_DATE)
    return data_date


def write_snapshot(connection: duckdb.DuckDBPyConnection) -> None:
    """Record the headline counts of the data in this file under its newest import (queries/import_snapshot.sql)."""
    newest = connection.execute("select max(import_id) from imports").fetchone()[0]
    connection.execute((config.QUERIES_DIR / "import_snapshot.sql").read_text(), {"import_id": newest})


def import_counts(path: Path) -> pd.DataFrame | None:
    """The headline counts of every version recorded in a database, carried into the next one (None if it has none)."""
    if stored_build(path) is None:
        return None
    with read_only(path) as connection:
        present = connection.execute(
            "select count(*) from duckdb_tables() where table_name = 'import_counts' and database_name = 'source'"
        ).fetchone()[0]
        return connection.execute("select * from import_counts order by all").df() if present else None


def remove_temporary(temporary: Path) -> None:
    """Delete a temporary database and its write-ahead log, if a run left them."""
    temporary.unlink(missing_ok=True)
    temporary.with_name(temporary.name + ".wal").unlink(missing_ok=True)


def verify_database(path: Path, expected_rows: Mapping[str, int]) -> None:
    """Reopen a written file and check it carries the whole schema's constraints and every row it was given."""
    with duckdb.connect(":memory:") as reference:
        reference.execute((config.QUERIES_DIR / "schema.sql").read_text())
        expected_constraints = constraint_summary(reference)
    with read_only(path) as connection:
        if constraint_summary(connection) != expected_constraints:
            raise RuntimeError(f"{path}: the written schema's constraints differ from queries/schema.sql")
        found = {table: table_rows(connection, table) for table in expected_rows}
        if found != dict(expected_rows):
            raise RuntimeError(f"{path}: row counts {found} differ from the {dict(expected_rows)} given")
        if connection.execute("select count(*) from build_info").fetchone()[0] != 1:
            raise RuntimeError(f"{path}: build_info must hold one row")


def constraint_summary(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every constraint of the main schema's tables, in a comparable order."""
    return connection.execute(
        """
        select table_name, constraint_type, constraint_text
        from duckdb_constraints()
        where database_name = current_database() and schema_name = 'main'
        order by all
        """
    ).fetchall()


def backups_folder(path: Path) -> Path:
    """Where the previous versions of a database file are kept."""
    return path.with_name(f"{path.name}.backups")


def backups(path: Path) -> list[Path]:
    """The kept previous versions of a database file, newest first (their names sort by time)."""
    folder = backups_folder(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}-*.duckdb"), reverse=True)


def swap_in(temporary: Path, path: Path, *, keep_backups: int = 0) -> None:
    """Make a complete file the current database by an atomic rename, keeping the old one as a backup first."""
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    if keep_backups and path.exists():
        folder = backups_folder(path)
        folder.mkdir(exist_ok=True)
        backup = folder / f"{path.stem}-{datetime.now():%Y%m%dT%H%M%S%f}.duckdb"
        try:
            os.link(path, backup)
        except OSError:  # a file system without hard links: copy instead
            shutil.copy2(path, backup)
    os.replace(temporary, path)
    sync_folder(path.parent)
    for old in backups(path)[keep_backups:] if keep_backups else []:
        old.unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so a rename survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def table_rows(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    """How many rows a contract table holds (the name comes from TABLES, never from input)."""
    if table not in TABLES:
        raise ValueError(f"not a contract table: {table!r}")
    return connection.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the file at `path` as it is now."""
    # Attached to a private in-memory database, not opened with duckdb.connect(path): connect() hands back any instance
    # this process already has open for that path (the app's, which may be a file an import has since replaced), and
    # refuses outright when that instance was opened with other settings.
    with duckdb.connect(":memory:") as connection:
        connection.execute("attach $path as source (read_only)", {"path": str(path)})
        connection.execute("use source")
        yield connection


def stored_build(path: Path) -> dict | None:
    """The build_info row of an existing database, or None when there is no readable one."""
    if not path.exists():
        return None
    try:
        with read_only(path) as connection:
            row = connection.execute("select data_version, source from build_info").fetchone()
    except duckdb.Error:
        return None
    return {"data_version": row[0], "source": row[1]} if row else None


def build_bundled(folder: Path, path: Path) -> str:
    """Build the database from a folder of contract CSVs; returns the data version."""
    paths = source_files(folder)
    version = bundled_version(folder)
    frames = tag_suggestions(read_folder(folder))
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.values()}
    stored = stored_build(path)
    # Replacing imported data with the sample is allowed when asked for, but never without a way back.
    keep = BACKUPS_KEPT if stored and stored["source"] != BUNDLED_SOURCE else 0
    write_database(frames, path, data_version=version, source=BUNDLED_SOURCE, files=hashes, keep_backups=keep)
    return version


def needs_build(folder: Path, path: Path) -> bool:
    """True when the database is missing, unreadable, or built from the bundled files or build code that have since changed."""
    stored = stored_build(path)
    if stored is None:
        return True
    # An imported database is the team's real data: never overwrite it with the bundled sample.
    return stored["source"] == BUNDLED_SOURCE and stored["data_version"] != bundled_version(folder)


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m dashboard.build [--data DIR] [--db PATH] [--if-stale]."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.build", description=__doc__)
    parser.add_argument("--data", type=Path, default=config.DATA_DIR, help="folder of contract CSVs (default: data/)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: GSE_DB_PATH or .gse/gse.duckdb)")
    parser.add_argument("--if-stale", action="store_true", help="build only when missing or out of date")
    args = parser.parse_args(argv)
    path = args.db or config.db_path()
    if args.if_stale and not needs_build(args.data, path):
        print(f"{path} is up to date")
        return 0
    version = build_bundled(args.data, path)
    print(f"built {path} (data version {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
