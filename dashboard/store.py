"""The team's writable store: review decisions and the rest of the team's work, the only code that writes it.

It is a DuckDB file of its own (config.store_path()), apart from the analytic database, which builds and imports
replace and which the pages read through a hardened read-only connection. Rows are only ever appended: the current
state is a query over the events (queries/store/). docs/STORE.md says how it moves to PostgreSQL.
"""

import atexit
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config

SCHEMA_VERSION = 1
STORE_QUERIES = config.QUERIES_DIR / "store"
# How long an operation waits for another process (an import from the command line, a second server) to let go of
# the file before it says the store is busy.
BUSY_WAIT_SECONDS = 10.0
# The store's connection reads nothing but its own file.
CONNECTION_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# One operation at a time in this process: sessions share one connection to the file, and a check (has anyone decided
# since?) followed by an insert must not interleave with another session's.
_LOCK = threading.Lock()
# The store's files this process has open, and when each was last used (see connection).
_OPEN: dict[str, duckdb.DuckDBPyConnection] = {}
_LAST_USED: dict[str, float] = {}
_closer: threading.Thread | None = None
IDLE_SECONDS = 2.0
_WRITES = [0]  # writes this process has made: with the file's stamp, tells readers the decisions may have changed


class StoreBusy(RuntimeError):
    """Another process held the store for longer than BUSY_WAIT_SECONDS."""


@dataclass(frozen=True)
class Head:
    """The latest decision on a suggestion, as a writer who raced us left it."""

    suggestion_id: str
    decision_id: int
    theme_after: str | None
    decided_by: str
    decided_at: datetime


class Conflict(Exception):
    """Someone decided on these suggestions after the writer looked: nothing was written."""

    def __init__(self, heads: Sequence[Head]):
        super().__init__(f"{len(heads)} suggestion(s) changed since you looked")
        self.heads = tuple(heads)


@dataclass(frozen=True)
class NewDecision:
    """One theme decision to append; the columns of theme_decisions (queries/store/schema.sql) but the id."""

    request_id: str
    suggestion_id: str
    supersedes: int
    theme_before: str | None
    theme_after: str | None
    action: str
    source: str
    decided_by: str
    decided_at: datetime
    note: str
    text_hash: str
    base_theme: str | None
    base_source: str | None


@dataclass(frozen=True)
class NewSecondCode:
    """One blind second coding to append; the columns of second_codes (queries/store/schema.sql) but the id."""

    request_id: str
    suggestion_id: str
    theme_id: str | None
    coded_by: str
    coded_at: datetime
    text_hash: str
    first_theme: str | None
    first_source: str
    first_coded_by: str


@cache
def sql(name: str) -> str:
    """The text of queries/store/NAME.sql."""
    return (STORE_QUERIES / f"{name}.sql").read_text()


def file_stamp(path: Path | None = None) -> tuple:
    """What changes whenever a write lands (the file and its write-ahead log), read without opening the store."""
    path = path or config.store_path()
    stamps = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            status = file.stat()
            stamps.append((status.st_mtime_ns, status.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return (str(path), *stamps)


@contextlib.contextmanager
def connection(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store, for one operation at a time in this process.

    The file stays open between operations (opening it costs more than a decision's whole write) and is closed once
    it has been idle for IDLE_SECONDS, so that another process (the import or retrain command) can take its turn.
    """
    key = str(path or config.store_path())
    with _LOCK:
        connection = _OPEN.get(key)
        if connection is None:
            connection = _OPEN[key] = _open(Path(key))
            _start_closer()
            # Every open, not once per process: another process may have made the file anew since.
            connection.execute(sql("schema"))
            if not connection.execute("select count(*) from store_info").fetchone()[0]:
                connection.execute(
                    "insert into store_info values ($version, $store_id)",
                    {"version": SCHEMA_VERSION, "store_id": uuid.uuid4().hex},
                )
        try:
            yield connection
        finally:
            _LAST_USED[key] = time.monotonic()


def _start_closer() -> None:
    global _closer
    if _closer is None or not _closer.is_alive():
        _closer = threading.Thread(target=_close_idle, name="team-store-closer", daemon=True)
        _closer.start()


def _close_idle() -> None:
    while True:
        time.sleep(IDLE_SECONDS / 4)
        with _LOCK:
            for key in [key for key, used in _LAST_USED.items() if time.monotonic() - used > IDLE_SECONDS]:
                _LAST_USED.pop(key)
                with contextlib.suppress(duckdb.Error):
                    _OPEN.pop(key).close()


@atexit.register
def close_all() -> None:
    """Close the store's open files now: at exit, and for a test that hands a file to another process."""
    with _LOCK:
        for key in list(_OPEN):
            _LAST_USED.pop(key, None)
            with contextlib.suppress(duckdb.Error):
                _OPEN.pop(key).close()


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), config=CONNECTION_CONFIG)
        except duckdb.IOException as error:
            # DuckDB lets one process at a time open a file for writing; another one's hold is brief.
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                if "lock" in str(error).lower():
                    raise StoreBusy(f"The team's store {path} is in use by another program; try again.") from None
                raise
            time.sleep(0.05)


def read(name: str, parameters: dict | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run a read query from queries/store/ and return its rows."""
    with connection(path) as store:
        return store.execute(sql(name), parameters or {}).df()


def writes() -> int:
    """How many writes this process has committed (a file's stamp alone can miss two writes in one clock tick)."""
    return _WRITES[0]


@dataclass(frozen=True)
class Snapshot:
    """One state of the store, read in one transaction: its version, the latest decision per suggestion, and the log."""

    version: str  # "store id:newest decision id:newest coding id:…": it names one state of one store file
    latest: pd.DataFrame  # queries/store/latest_decisions.sql
    log: pd.DataFrame  # queries/store/decision_log.sql, every decision
    second_codes: pd.DataFrame  # queries/store/second_codes.sql, every blind second coding
    taxonomy: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # queries/store/taxonomy_events.sql, every change to the taxonomy
    candidates: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # queries/store/candidate_decisions.sql, every decision on an emerging theme


def snapshot(path: Path | None = None) -> Snapshot:
    """The store as it is now, read once: a page run needs the latest decisions and the log, and an open costs more
    than both reads."""
    with connection(path) as store:
        store.execute("begin transaction")
        store_id, _, latest, latest_code, latest_event, latest_candidate = store.execute(
            sql("store_version")
        ).fetchone()
        latest_frame = store.execute(sql("latest_decisions")).df()
        log = store.execute(sql("decision_log"), {"suggestion_id": None}).df()
        codes = store.execute(sql("second_codes")).df()
        events = store.execute(sql("taxonomy_events")).df()
        candidates = store.execute(sql("candidate_decisions")).df()
        store.execute("commit")
    version = f"{store_id}:{latest}:{latest_code}:{latest_event}:{latest_candidate}"
    return Snapshot(version, latest_frame, log, codes, events, candidates)


def latest_decisions(path: Path | None = None) -> tuple[str, pd.DataFrame]:
    """The store's version and the latest decision on each suggestion (see snapshot)."""
    state = snapshot(path)
    return state.version, state.latest


def version(path: Path | None = None) -> int:
    """The newest decision's id (0 when there is none): it grows with every write, since rows are only appended."""
    return int(read("store_version", path=path).at[0, "latest_decision_id"])


def append_decisions(
    decisions: Sequence[NewDecision],
    path: Path | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> list[int]:
    """Append decisions in one transaction; returns their ids.

    A request already written (a double click sends the same request ids) is not written again: its ids come back.
    Each decision names the latest decision its writer saw (`supersedes`); if anyone has decided on one of the
    suggestions since, nothing is written and Conflict says who and what. on_stage("inserted") is called before the
    commit, so a test can stop the process mid-write.
    """
    if not decisions:
        raise ValueError("no decisions to write")
    suggestion_ids = [decision.suggestion_id for decision in decisions]
    if len(set(suggestion_ids)) != len(suggestion_ids):
        raise ValueError("a suggestion appears twice in one write")
    with connection(path) as store:
        store.execute("begin transaction")
        try:
            written = _append(store, decisions, on_stage)
        except duckdb.ConstraintException as refused:
            store.execute("rollback")
            if "supersedes" not in str(refused):
                raise ValueError(f"The team's store refused the decision: {refused}") from None
            # The unique (suggestion_id, supersedes) key caught a writer the check in _append could not see (another
            # process between its check and its insert): the same answer as the check's.
            raise _conflict(_heads(store, suggestion_ids)) from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                store.execute("rollback")
            raise
    return written


def _append(store: duckdb.DuckDBPyConnection, decisions: Sequence[NewDecision], on_stage) -> list[int]:
    request_ids = [decision.request_id for decision in decisions]
    seen = store.execute(sql("requests_seen"), {"request_ids": request_ids}).df()
    if len(seen):  # a double submit: the first one's decisions stand
        store.execute("commit")
        return sorted(int(decision_id) for decision_id in seen["decision_id"])
    heads = _heads(store, [decision.suggestion_id for decision in decisions])
    latest = {head["suggestion_id"]: head["decision_id"] for head in heads}
    moved = {
        decision.suggestion_id for decision in decisions if latest.get(decision.suggestion_id, 0) != decision.supersedes
    }
    if moved:
        raise _conflict([head for head in heads if head["suggestion_id"] in moved])
    store.execute(sql("insert_decisions"), {"decisions": [asdict(decision) for decision in decisions]})
    if on_stage:
        on_stage("inserted")
    written = store.execute(sql("requests_seen"), {"request_ids": request_ids}).df()
    store.execute("commit")
    _WRITES[0] += 1
    return sorted(int(decision_id) for decision_id in written["decision_id"])


def append_second_codes(codes: Sequence[NewSecondCode], path: Path | None = None) -> list[int]:
    """Append blind second codings in one transaction; returns their ids.

    The same request sent twice (a double click) writes nothing new and returns the first write's ids. A person who has
    already coded a suggestion blind, or who made the theme that was hidden, gets a ValueError and nothing is written.
    """
    if not codes:
        raise ValueError("no codings to write")
    request_ids = [code.request_id for code in codes]
    with connection(path) as store:
        store.execute("begin transaction")
        try:
            seen = store.execute(sql("codes_seen"), {"request_ids": request_ids}).df()
            wrote = seen.empty  # a double submit: the first one's codings stand
            if wrote:
                store.execute(sql("insert_second_codes"), {"codes": [asdict(code) for code in codes]})
                seen = store.execute(sql("codes_seen"), {"request_ids": request_ids}).df()
            store.execute("commit")
            if wrote:
                _WRITES[0] += 1
        except duckdb.ConstraintException as refused:
            store.execute("rollback")
            if "coded_by" in str(refused) or "unique" in str(refused).lower() or "duplicate" in str(refused).lower():
                raise ValueError(
                    "You have already coded this suggestion blind, or the hidden theme was your own: "
                    "a second coding must come from someone else, once."
                ) from None
            raise ValueError(f"The team's store refused the coding: {refused}") from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                store.execute("rollback")
            raise
    return sorted(int(code_id) for code_id in seen["code_id"])


def append_model(row: dict, path: Path | None = None) -> None:
    """Keep one retrained classifier model (the columns of classifier_models, the model pickled as bytes)."""
    with connection(path) as store:
        store.execute(sql("insert_classifier_model"), row)
    _WRITES[0] += 1


def append_run(row: dict, path: Path | None = None) -> None:
    """Record one retrain or restore of the classifier (the columns of classifier_runs but the id)."""
    with connection(path) as store:
        store.execute(sql("insert_classifier_run"), row)
    _WRITES[0] += 1


class TaxonomyConflict(Exception):
    """Another admin changed the taxonomy after the writer looked: nothing was written."""


def append_taxonomy(event: dict | None, candidate: dict | None = None, path: Path | None = None) -> int | None:
    """Append a change to the taxonomy and/or a decision on an emerging theme, in one transaction.

    event holds the columns of taxonomy_events but the id, and names the newest event its writer saw (supersedes): if
    another change has landed since, nothing is written and TaxonomyConflict is raised. A request id already written (a
    double click) writes nothing again. Returns the new event's id (None for a candidate decision alone).
    """
    if event is None and candidate is None:
        raise ValueError("nothing to write")
    with connection(path) as store:
        store.execute("begin transaction")
        try:
            request_id = (event or candidate)["request_id"]
            if store.execute(sql("taxonomy_requests_seen"), {"request_id": request_id}).fetchone()[0]:
                store.execute("commit")
                return None
            event_id = None
            if event is not None:
                newest = store.execute("select coalesce(max(event_id), 0) from taxonomy_events").fetchone()[0]
                if newest != event["supersedes"]:
                    raise TaxonomyConflict(
                        "Someone changed the taxonomy after you looked at it; nothing was changed. Look again and retry."
                    )
                store.execute(sql("insert_taxonomy_event"), event)
                event_id = store.execute("select max(event_id) from taxonomy_events").fetchone()[0]
            if candidate is not None:
                store.execute(sql("insert_candidate_decision"), candidate)
            store.execute("commit")
            _WRITES[0] += 1
            return event_id
        except duckdb.ConstraintException as refused:
            store.execute("rollback")
            if "supersedes" in str(refused):
                raise TaxonomyConflict(
                    "Someone changed the taxonomy after you looked at it; nothing was changed. Look again and retry."
                ) from None
            raise ValueError(f"The team's store refused the change: {refused}") from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                store.execute("rollback")
            raise


def _heads(store: duckdb.DuckDBPyConnection, suggestion_ids: Sequence[str]) -> list[dict]:
    return store.execute(sql("decision_heads"), {"suggestion_ids": list(suggestion_ids)}).df().to_dict("records")


def _conflict(heads: Sequence[dict]) -> Conflict:
    return Conflict([Head(**{key: _plain(value) for key, value in head.items()}) for head in heads])


def _plain(value):
    """A pandas scalar as the plain Python value it stands for."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True)
class NewStoryVersion:
    """One version of a board story to append; the columns of story_versions (queries/store/schema.sql) but the id."""

    request_id: str
    story_id: str
    version: int
    action: str
    meeting: str
    meeting_date: date | None
    summary: str
    slides: str  # JSON
    saved_by: str
    saved_at: datetime
    duplicated_from: str | None = None
    snapshot: str | None = None  # JSON, on an approval only
    data_date: date | None = None
    data_version: str | None = None


class StoryConflict(Exception):
    """Someone saved the story after the editor opened it: nothing was written, and the message says who and when."""

    def __init__(self, version: int, saved_by: str, saved_at: datetime, action: str):
        what = "approved" if action == "approve" else "saved"
        super().__init__(
            f"Not saved: {saved_by} {what} version {version} of this story at {saved_at:%H:%M} UTC on "
            f"{saved_at:%-d %B %Y}, after you opened it. Your changes are still in the form: reload the story to see "
            "theirs, then make yours again."
        )
        self.version, self.saved_by, self.saved_at, self.action = version, saved_by, saved_at, action


def append_story_version(row: NewStoryVersion, path: Path | None = None) -> int:
    """Append one version of a board story in one transaction; returns its version number.

    `row.version` is the version the editor saw plus one (1 for a new story). If the story has moved on since (another
    editor saved), nothing is written and StoryConflict names who saved and when. The same request sent twice (a
    double click) writes once and returns the first write's version.
    """
    with connection(path) as store:
        store.execute("begin transaction")
        try:
            seen = store.execute(sql("story_request_seen"), {"request_id": row.request_id}).fetchone()
            if seen:
                store.execute("commit")
                return int(seen[2])
            _check_story_head(store, row)
            store.execute(sql("insert_story_version"), asdict(row))
            store.execute("commit")
        except duckdb.ConstraintException as refused:
            store.execute("rollback")
            if "story_id" not in str(refused) and "unique" not in str(refused).lower():
                raise ValueError(f"The team's store refused the story: {refused}") from None
            # The unique (story_id, version) key caught an editor the check could not see (another process).
            _check_story_head(store, row)
            raise ValueError(f"The team's store refused the story: {refused}") from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                store.execute("rollback")
            raise
    _WRITES[0] += 1
    return row.version


def _check_story_head(store: duckdb.DuckDBPyConnection, row: NewStoryVersion) -> None:
    head = store.execute(sql("story_head"), {"story_id": row.story_id}).fetchone()
    latest = int(head[1]) if head else 0
    if latest != row.version - 1:
        if head is None:
            raise ValueError("That story is not in the team's store (it may be in another store). Reload the page.")
        raise StoryConflict(latest, head[3], head[4], head[2])
