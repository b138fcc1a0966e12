"""The data layer: run a named query from queries/ on the read-only database, cached by data version."""

import os
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache, partial
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import config, disclosure, store
from dashboard.review import taxonomy as taxonomy_changes

# Hardened: nothing outside the database file can be read, written, installed or re-enabled. The app's own connection
# (_connect) applies the same settings to an attached file; other read-only openers pass this to duckdb.connect.
CONNECTION_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
QUERY_NAME = re.compile(r"[a-z][a-z0-9_]*")
PIN_KEY = "data_pinned_database"  # session state: the database this page run reads (see pin)
DECISIONS_PIN_KEY = "data_pinned_decisions"  # session state: the review decisions this page run reads (see pin)
DECISIONS_VIEW = "review_decisions"  # the name queries/macros.sql reads the team's latest theme decisions under
# A query that reads suggestions' themes, or the taxonomy, depends on the team's store as well as on the database file.
READS_THEMES = re.compile(r"\b(current|chosen|explored|queued)_suggestions\(|\b(current_themes|theme_moves)\b")
# Files in queries/ that data.query must not run.
NOT_QUERIES = frozenset({"schema", "macros", "typicality", "import_snapshot"})
# Set while a deferred download runs (see deferred): the database it reads and its own connection.
_deferred = threading.local()


class DatabaseMissing(RuntimeError):
    """The database file has not been built yet."""


@dataclass(frozen=True)
class Database:
    """Identifies one version of the database file: a new build or import gives a new value."""

    path: str
    stamp: tuple[int, int, int]
    data_version: str


@cache
def sql_text(name: str) -> str:
    """The text of queries/NAME.sql (names are checked, so no path can escape the folder)."""
    if not QUERY_NAME.fullmatch(name) or name in NOT_QUERIES:
        raise ValueError(f"not a query name: {name!r}")
    return (config.QUERIES_DIR / f"{name}.sql").read_text()


def parameters_of(name: str) -> tuple[str, ...]:
    """The named parameters a query uses, in order of first use."""
    return tuple(dict.fromkeys(PARAMETER.findall(strip_comments(sql_text(name)))))


def strip_comments(sql: str) -> str:
    """SQL without its `--` comment lines, so a header's `$name` is not taken for a parameter."""
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def _open(path: str, stamp: tuple[int, int, int]) -> duckdb.DuckDBPyConnection:
    # The stamp is part of the key: after an import renames a new file into place, the next run opens it. The file is
    # attached to a private in-memory database rather than opened with duckdb.connect(path), which would hand back the
    # instance this process already has for that path, still reading the replaced file.
    connection = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    connection.execute("attach $path as gse (read_only)", {"path": path})
    connection.execute((config.QUERIES_DIR / "macros.sql").read_text())  # the shared filters, before the lock
    connection.execute("set enable_external_access = false")
    connection.execute("set lock_configuration = true")  # last, so nothing above can be switched back on
    return connection


_connect = st.cache_resource(max_entries=3, show_spinner=False)(_open)


def _cursor(connection: duckdb.DuckDBPyConnection, decisions: str | None = None) -> duckdb.DuckDBPyConnection:
    # Each query gets its own cursor (connections are not thread-safe); a cursor starts in the in-memory catalog. Tables
    # resolve to the attached file, and the shared filter macros (created in memory) still resolve. The team's latest
    # theme decisions (read from their own store, never written here) are put on the cursor under the name the
    # macros read, so this connection needs no access to the store's file.
    cursor = connection.cursor()
    cursor.execute("set search_path = 'gse.main,memory.main'")
    if decisions is not None:
        state = _snapshots[decisions]
        read_base = partial(_taxonomy_base, cursor)
        cursor.register(DECISIONS_VIEW, state.latest)
        # The taxonomy with the team's changes, under the names queries/macros.sql gives the data's own themes.
        if len(state.taxonomy):
            current = _taxonomy_on(connection, decisions, read_base)
            cursor.register("current_themes", current.themes)
            if len(current.moves):
                cursor.register("theme_moves", current.moves)
        if len(state.candidates):
            moves = _taxonomy_on(connection, decisions, read_base).moves if len(state.taxonomy) else None
            proposed = taxonomy_changes.proposals(state.candidates, moves)
            if len(proposed):
                cursor.register("theme_proposals", proposed)
    return cursor


# The taxonomy in force for each (connection, store version) read lately; the connection is kept with it so that its
# id is not reused while the entry lives.
_taxonomies: dict[tuple[int, str], tuple[duckdb.DuckDBPyConnection, taxonomy_changes.Taxonomy]] = {}


def _taxonomy_on(
    connection: duckdb.DuckDBPyConnection, decisions: str, read_base: Callable[[], pd.DataFrame]
) -> taxonomy_changes.Taxonomy:
    """The taxonomy of a database (by its connection) with a store version's changes; `read_base` reads its themes."""
    key = (id(connection), decisions)
    found = _taxonomies.get(key)
    if found is None:
        found = (connection, taxonomy_changes.apply(read_base(), _snapshots[decisions].taxonomy))
        with _snapshots_lock:  # sessions run on threads of their own
            _taxonomies[key] = found
            while len(_taxonomies) > 8:
                _taxonomies.pop(next(iter(_taxonomies)), None)
    return found[1]


def _taxonomy_base(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cursor.execute(sql_text("taxonomy_base")).df()


def cursor() -> duckdb.DuckDBPyConnection:
    """A new cursor on the shared read-only connection to the current database file, with the current theme decisions."""
    return _cursor(_connect(*_file_identity(config.db_path())), current_decisions())


# The store's snapshot of each version read in this process (never mutated: DuckDB and pandas only read them).
_snapshots: dict[str, store.Snapshot] = {}
_snapshots_lock = threading.Lock()


@lru_cache(maxsize=4)
def _decisions_at(stamp: tuple) -> str:
    # Keeps twice as many snapshots as stamps, so any version this returns still has its snapshot.
    state = store.snapshot()
    with _snapshots_lock:
        _snapshots[state.version] = state
        while len(_snapshots) > 8:  # dicts keep insertion order: drop the oldest read
            _snapshots.pop(next(iter(_snapshots)))
    return state.version


def current_decisions() -> str:
    """The state of the team's theme decisions as they are now (see store.latest_decisions)."""
    # Keyed by the store file's stamp and this process's write count: a page run reads the store only after a write.
    return _decisions_at((store.file_stamp(), store.writes()))


def _file_identity(path: Path) -> tuple[str, tuple[int, int, int]]:
    try:
        status = path.stat()
    except FileNotFoundError:
        raise DatabaseMissing(
            f"No database at {path}. Build it with `make run` or `python -m dashboard.build`."
        ) from None
    return str(path), (status.st_ino, status.st_mtime_ns, status.st_size)


def current_database() -> Database:
    """The database file as it is now, with its data version."""
    path, stamp = _file_identity(config.db_path())
    return Database(path, stamp, _data_version(path, stamp))


def pin() -> Database:
    """Fix the database for this run of the page: every query until the next full run reads the same file.

    The entry script calls it at the start of each run. An import that swaps the file mid-run is then seen whole on
    the next run, never half (some figures old, some new); a fragment's rerun keeps its page's file.
    """
    st.session_state[PIN_KEY] = current_database()
    st.session_state[DECISIONS_PIN_KEY] = current_decisions()
    return st.session_state[PIN_KEY]


def run_database() -> Database:
    """The database this run reads: the one pinned for it, or (outside a page, or before a pin) the current file."""
    deferred = getattr(_deferred, "database", None)
    if deferred is not None:
        return deferred
    pinned = st.session_state.get(PIN_KEY) if st.runtime.exists() else None
    return pinned or current_database()


def run_decisions() -> str:
    """The theme decisions this run reads: those pinned for it, or (outside a page, or before a pin) the current ones."""
    deferred_decisions = getattr(_deferred, "decisions", None)
    if deferred_decisions is not None:
        pinned = deferred_decisions
    else:
        pinned = st.session_state.get(DECISIONS_PIN_KEY) if st.runtime.exists() else None
    version = current_decisions() if pinned is None else pinned
    if version not in _snapshots:  # pinned by a run before another session's newer reads pushed it out
        version = current_decisions()
    return version


def in_deferred() -> bool:
    """Whether this thread is running a deferred download (see deferred), where no Streamlit cache may be used."""
    return getattr(_deferred, "database", None) is not None


def cached_call(cached: Callable, *arguments):
    """Call an st.cache_data function, or the function it wraps in a deferred download, where no cache may be used."""
    return (cached.__wrapped__ if in_deferred() else cached)(*arguments)


def deferred(build: Callable[[], bytes]) -> Callable[[], bytes]:
    """Wrap a download's builder, made during a page run, so that a click runs it on this run's data without Streamlit.

    Streamlit calls a deferred download's function on a server thread with no script run, where each of its caches and
    the session state would log "missing ScriptRunContext" (about 110 lines for a board pack). The wrapped builder reads
    the database and theme decisions this run pinned, uncached, through a connection of its own that it closes when done.
    """
    database, decisions = run_database(), run_decisions()

    def run() -> bytes:
        _deferred.database, _deferred.decisions = database, decisions
        try:
            return build()
        finally:
            connection = getattr(_deferred, "connection", None)
            if connection is not None:
                connection.close()
            _deferred.__dict__.clear()

    return run


@lru_cache(maxsize=8)
def _data_version(path: str, stamp: tuple[int, int, int]) -> str:
    # Read once per file, not on every query: a page makes dozens of cached queries a run, and this read was most of
    # each one's cost. A file's identity pins its content, because builds and imports rename a new file into place.
    cursor = _cursor(_connect(path, stamp))
    try:
        return cursor.execute("select data_version from build_info").fetchone()[0]
    finally:
        cursor.close()


def _bindable(value):
    if isinstance(value, (tuple, frozenset, set)):
        return sorted(value) if isinstance(value, (frozenset, set)) else list(value)
    return value


def hashable(value):
    """A parameter value as a cache key part: lists and sets become tuples."""
    if isinstance(value, (list, set, frozenset)):
        return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else tuple(value)
    return value


def _execute(
    name: str, parameters: tuple[tuple[str, object], ...], database: Database, decisions: str | None
) -> pd.DataFrame:
    values = {key: _bindable(value) for key, value in parameters}
    cursor = _cursor(_connection(database), decisions)
    try:
        return cursor.execute(sql_text(name), values).df()
    finally:
        cursor.close()


def _connection(database: Database) -> duckdb.DuckDBPyConnection:
    """The connection a query reads `database` through: the shared one, or a deferred download's own."""
    if not in_deferred():
        return _connect(database.path, database.stamp)
    if getattr(_deferred, "connection", None) is None:
        _deferred.connection = _open(database.path, database.stamp)
    return _deferred.connection


_run = st.cache_data(max_entries=512, show_spinner=False)(_execute)
# Shared by every session: more threads than cores would only queue inside DuckDB.
_query_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="gse-query")


def query(name: str, **parameters) -> pd.DataFrame:
    """Run queries/NAME.sql with the named parameters it uses; extra parameters are ignored, missing ones are an error.

    An optional filter is passed as None. The result is cached per data version: treat it as read-only.
    """
    return query_in(run_database(), name, **parameters)


def query_in(database: Database, name: str, **parameters) -> pd.DataFrame:
    """`query` on a given version of the database: for cached functions, which must not read the session's pin
    (so not for a query that reads themes, whose review decisions are the session's)."""
    arguments = _arguments(database, name, parameters)
    return _execute(*arguments) if in_deferred() else _run(*arguments)


def queries(*calls: tuple[str, Mapping]) -> list[pd.DataFrame]:
    """Run independent queries at once, each as `query(name, **parameters)`, and return their results in order.

    DuckDB binds and runs a query outside Python's lock, so a page's queries overlap on the machine's cores: a filter
    change that misses the cache waits for the slowest query instead of the sum of them.
    """
    database = run_database()
    # Worked out here, on the script's thread: the session's pins are not readable from the pool's threads.
    arguments = [_arguments(database, name, parameters) for name, parameters in calls]
    if in_deferred():
        return [_execute(*each) for each in arguments]
    jobs = [_query_pool.submit(_run, *each) for each in arguments]
    return [job.result() for job in jobs]


def _arguments(database: Database, name: str, parameters: Mapping) -> tuple:
    needed = parameters_of(name)
    missing = [key for key in needed if key not in parameters]
    if missing:
        raise TypeError(f"query {name!r} needs parameters: {', '.join(missing)}")
    bound = tuple((key, hashable(parameters[key])) for key in needed)
    # Only queries that read suggestions' themes are keyed by the decisions: a review does not recompute the rest.
    decisions = run_decisions() if reads_themes(name) else None
    return name, bound, database, decisions


@cache
def reads_themes(name: str) -> bool:
    """Whether a query reads suggestions through the macros that apply the team's theme decisions."""
    return bool(READS_THEMES.search(strip_comments(sql_text(name))))


def protected(name: str, *, counts, rates=None, groups=None, margins=None, sums=None, **parameters) -> pd.DataFrame:
    """Run a query whose counts are of people, with disclosure control applied: the only way pages get such counts.

    counts, rates, groups, margins and sums are as in disclosure.suppress; the rest are the query's parameters.
    """
    frame = query(name, **parameters)
    return disclosure.suppress(frame, counts, rates=rates, groups=groups, margins=margins, sums=sums)


def protected_together(tables: Mapping[str, tuple[str, Mapping]], links: Callable, **parameters) -> dict:
    """Run the queries behind tables shown together and protect their counts as one system (disclosure.suppress_together).

    `tables` maps a table's name to its query and its `suppress` arguments; `links(frames, parameters)` gives the sums
    that tie the tables together.
    """
    # Independent queries, so run at once: the Leadership page's five took 42 ms one after another on a warm rerun.
    results = queries(*((query_name, parameters) for query_name, _ in tables.values()))
    frames = dict(zip(tables, results, strict=True))
    return disclosure.suppress_together(
        frames, {name: spec for name, (_, spec) in tables.items()}, links(frames, parameters)
    )


def decision_log(suggestion_id: str | None = None) -> pd.DataFrame:
    """The team's theme decisions, oldest first: one suggestion's, or (None) all of them, as this run reads the store."""
    log = _snapshots[run_decisions()].log
    return log if suggestion_id is None else log[log["suggestion_id"] == suggestion_id]


def taxonomy() -> taxonomy_changes.Taxonomy:
    """The theme taxonomy this run reads: the data's themes with the team's changes (dashboard/review/taxonomy.py)."""
    # Kept per database and store version with the queries' own (_taxonomy_on): every page's sidebar asks for it on
    # every run, and working it out again cost 4 to 6 ms a run.
    database = run_database()
    return _taxonomy_on(_connection(database), run_decisions(), lambda: query("taxonomy_base"))


def run_snapshot() -> store.Snapshot:
    """The team's store as this run reads it."""
    return _snapshots[run_decisions()]


def candidate_decisions() -> pd.DataFrame:
    """Every admin decision on an emerging theme (queries/store/candidate_decisions.sql), as this run reads the store."""
    return _snapshots[run_decisions()].candidates


def second_codes() -> pd.DataFrame:
    """Every blind second coding (queries/store/second_codes.sql), as this run reads the store."""
    return _snapshots[run_decisions()].second_codes


def query_one(name: str, **parameters) -> dict:
    """Run a query whose result is one row, and return that row with each column's own type."""
    return only_row(query(name, **parameters))


def only_row(frame: pd.DataFrame) -> dict:
    """The one row of a one-row result, with each column's own type."""
    return frame.to_dict("records")[0]


def build_info() -> dict:
    """The data version, data date and build time of the current database."""
    return query_one("build_info")


def as_date(value) -> date | None:
    """A pandas or DuckDB date value as a plain date."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
