"""The DuckDB file: where it is, opening it, and bringing its schema up to date."""

from __future__ import annotations

import contextvars
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

import queries
from pipelines import audit, record_states, settings, store_dialect
from pipelines.programs import PROGRAMS

DEFAULT_DB = Path("data/bynames.duckdb")
# Another process holding the file (an upload from the CLI) is waited for, not failed: an upload of a
# large export holds it for minutes, and nobody is helped by a page or a second upload giving up first.
# A day is only there so that a file held by a process that hangs shows up as an error somewhere.
LOCK_WAIT_SECONDS = 24 * 60 * 60
POLL_SECONDS = 0.2
# What the one waiting is told: called with the seconds waited so far, about every POLL_SECONDS, and
# with None once the wait is over. Set per thread of work (a dashboard session's run, the CLI), through
# `waiting_with`.
_on_wait: contextvars.ContextVar[Callable[[float], None] | None] = contextvars.ContextVar("on_wait", default=None)


class WrittenByNewerDuckDB(ValueError):
    """The file was written by a DuckDB newer than the one bynames runs, which cannot read it."""


# bynames runs DuckDB 1.5 until its postgres extension has a 2.0 build (pyproject.toml); a file the
# project wrote while it ran 2.0 must be copied into 1.5's format once, with 2.0.
CONVERT = ("python3 -m venv /tmp/duckdb2 && /tmp/duckdb2/bin/pip install duckdb==2.0.0 && "
           "/tmp/duckdb2/bin/python -c \"import duckdb; duckdb.connect().execute(\\\"ATTACH '{old}' AS old "
           "(READ_ONLY); ATTACH '{new}' AS new (STORAGE_VERSION 'v1.5.0'); COPY FROM DATABASE old TO new\\\")\"")


class StillHeld(TimeoutError):
    """The database stayed held by another process for longer than anyone should wait."""


def db_target(explicit: str | os.PathLike | None = None) -> str:
    """The store to open: a file path, ":memory:", or a postgresql:// connection string. BYNAMES_DATABASE
    names it; BYNAMES_DB is its older name, still read."""
    return str(explicit or os.environ.get("BYNAMES_DATABASE") or os.environ.get("BYNAMES_DB") or DEFAULT_DB)


def store_name(explicit: str | os.PathLike | None = None) -> str:
    """The store in words fit for a message or a cache key: the file's full path, or the PostgreSQL
    connection string without its password."""
    target = db_target(explicit)
    if store_dialect.is_postgres(target):
        return store_dialect.describe(target)
    return target if target == ":memory:" else str(Path(target).resolve())


def held_elsewhere(exc: BaseException) -> bool:
    """Whether opening the file failed only because someone else has it open right now, so that trying
    again later will do. DuckDB says so in two ways:
    - IOException "Could not set lock on file ...: Conflicting lock is held in ... (PID n)": another
      process has it (one writing process, and while it writes no other process may open it at all);
    - "Unique file handle conflict: Cannot attach ... already attached" (a BinderException in DuckDB 1.5,
      ResourceInUseException in 2.0): another thread of this process is opening it at the same instant
      (two pages loading at once).
    Not ConnectionException ("... with a different configuration"): that one is this process opening
    the file read-only and read-write at once, which waiting could turn into waiting on itself."""
    if "unique file handle conflict" in str(exc).lower():
        return True
    return isinstance(exc, duckdb.IOException) and "could not set lock" in str(exc).lower()


@contextmanager
def waiting_with(tell: Callable[[float], None] | None):
    """While in this block, `tell(seconds waited)` is called while the database is held elsewhere, and
    `tell(None)` when it is open at last."""
    token = _on_wait.set(tell)
    try:
        yield
    finally:
        _on_wait.reset(token)


def _connect_waiting(path: str, read_only: bool, limit: float | None = None) -> duckdb.DuckDBPyConnection:
    started = time.monotonic()
    limit = LOCK_WAIT_SECONDS if limit is None else limit
    tell = _on_wait.get()
    told = False
    while True:
        try:
            conn = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            if "newer version of DuckDB" in str(exc):
                new = Path(path).with_name(Path(path).stem + "-1.5" + Path(path).suffix)
                raise WrittenByNewerDuckDB(
                    f"{path} was written by a newer DuckDB than the {duckdb.__version__} bynames runs now. Copy "
                    f"it once into a file this version reads, then use that file:\n"
                    f"  {CONVERT.format(old=path, new=new)}") from exc
            if not held_elsewhere(exc):
                raise
            waited = time.monotonic() - started
            if waited > limit:
                raise StillHeld(f"the database {path} has been in use by another process for {waited:.0f} "
                                "seconds; is an upload stuck? (its process holds the file)") from exc
            if tell is not None:
                tell(waited)
                told = True
            time.sleep(POLL_SECONDS)
            continue
        if told:
            tell(None)
        return conn


def connect(path: str | os.PathLike | None = None, read_only: bool = False,
            wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database (":memory:" for a scratch one, or a postgresql:// connection string for a shared
    PostgreSQL store), migrated and with the programs written. While another process holds the file,
    wait for it, up to `wait` seconds (a day unless told)."""
    target = db_target(path)
    if store_dialect.is_postgres(target):
        return _postgres(target)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    if read_only and target != ":memory:" and Path(target).exists():
        conn = _connect_waiting(target, read_only=True, limit=wait)
    else:
        conn = _connect_waiting(target, read_only=False, limit=wait)
        migrate(conn)
    # Progress bars belong to our own commands, not to every query.
    conn.execute("SET enable_progress_bar = false")
    return conn


_shared: dict[str, duckdb.DuckDBPyConnection] = {}
_sharing = threading.Lock()


def _postgres(url: str) -> duckdb.DuckDBPyConnection:
    """A connection of its own to the PostgreSQL store at `url`. Each process attaches it and migrates
    once; every call then gets a cursor of that attachment (its own transactions, over the attachment's
    pool of PostgreSQL connections) rather than paying for loading the extension and attaching again."""
    with _sharing:
        base = _shared.get(url)
        if base is None:
            base = store_dialect.connect_postgres(url)
            migrate(base)
            _shared[url] = base
    conn = base.cursor()
    conn.execute(f"USE {store_dialect.CATALOG}")
    conn.execute("SET enable_progress_bar = false")
    _url_of[conn] = url
    return conn


_url_of: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


def release(path=None) -> None:
    """Close this process's attachment to a PostgreSQL store (its pooled connections go with it)."""
    with _sharing:
        base = _shared.pop(db_target(path), None)
        with _copying:
            _copies.pop(db_target(path), None)
    if base is not None:
        base.close()


_writing = threading.Lock()
_turn = threading.local()


@contextmanager
def writing(conn):
    """Held around a write that changes the list or what is worked out from it (an upload, a rollback,
    a plan, a status, a decision on a pair, a submission, settings, accounts), entered before its
    transaction begins: such writes take turns, among the threads of this process and, on PostgreSQL,
    among every server and process using the store (an advisory lock)."""
    if getattr(_turn, "held", False):  # a write inside another's turn (the page's, then the pipeline's)
        yield
        return
    with _writing, store_dialect.exclusive(conn, store_dialect.WRITES):
        _turn.held = True
        try:
            yield
        finally:
            _turn.held = False


@contextmanager
def recording(conn):
    """Held around the small records of one person's use (a session, a sign-in, a line in the audit
    trail), which must not wait for an upload of a million rows. On PostgreSQL they need no turn (each
    touches its own rows); the embedded file allows one writer at a time within the process anyway."""
    if store_dialect.is_postgres_conn(conn):
        yield
        return
    with _writing:
        yield


@contextmanager
def opened(path=None, read_only: bool = False, wait: float | None = None):
    conn = connect(path, read_only=read_only, wait=wait)
    try:
        yield conn
    finally:
        conn.close()


# What a page's figures, lists and agenda never read: who may sign in, their sessions and the audit trail
# change without the data version changing and are always read from the store itself.
_NOT_COPIED = frozenset({"audit_log", "browser_sessions", "sign_in_failures", "users", "schema_migrations"})


class _Copy:
    """One data version of a PostgreSQL store's tables, held in this process's memory."""

    def __init__(self, name: str, version: tuple):
        self.name, self.version, self.users, self.current = name, version, 0, True


_copies: dict[str, _Copy] = {}
_copying = threading.Lock()
_copied = 0


@contextmanager
def reading(path=None):
    """A connection for reads whose results are kept per data version: the pages' figures, lists, agenda,
    a person's records' states and what funders receive. On the embedded file, the file itself. On
    PostgreSQL, this process's copy of the store's tables as of the current data version, taken in one
    snapshot the first time the version is asked for and kept until it changes, with the records' states
    worked out in it (the shared store keeps only the facts: pipelines/record_states.py). DuckDB cannot
    push a join or an aggregate into PostgreSQL, so every query would otherwise carry whole tables across
    (Flow, 12 months on 1,000,000 records: 3.6 s against 1.2 s in the file), once per query instead of
    once per upload. `path` may also be a connection the caller holds (the command line, a submission):
    the embedded file's is itself; a PostgreSQL store's gives a connection to the same store's copy."""
    if isinstance(path, duckdb.DuckDBPyConnection):
        if not store_dialect.is_postgres_conn(path):
            yield path
            return
        path = _url_of[path]
    target = db_target(path)
    if not store_dialect.is_postgres(target):
        with opened(path) as conn:
            yield conn
        return
    conn = _postgres(target)
    copy = None
    try:
        copy = _copy_of(target, conn)
        conn.execute(f"USE {copy.name}")
        yield conn
    finally:
        conn.close()
        if copy is not None:
            _done_with(target, copy)


def _copy_of(url: str, conn) -> _Copy:
    global _copied
    now = tuple(queries.one(conn, "data_version").values())
    with _copying:  # one thread copies a new version; the others wait for it rather than copy it again
        copy = _copies.get(url)
        if copy is None or copy.version != now:
            _copied += 1
            name = f"copy_{_copied}"
            conn.execute(f"ATTACH ':memory:' AS {name}")
            try:
                taken = _take_copy(conn, name)
            except BaseException:
                conn.execute(f"DETACH DATABASE IF EXISTS {name}")
                raise
            if copy is not None:
                copy.current = False
                _drop_if_unused(conn, copy)
            copy = _copies[url] = _Copy(name, taken)
        copy.users += 1
        return copy


def _take_copy(conn, name: str) -> tuple:
    """Copy the store's tables into the attached in-memory database `name`, all from one snapshot of the
    store, work out the records' states there, and say which data version that snapshot is."""
    tables = [row[0] for row in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'public'",
        [store_dialect.CATALOG]).fetchall() if row[0] not in _NOT_COPIED]
    conn.execute("BEGIN TRANSACTION")
    try:
        for table in tables:
            conn.execute(f'CREATE TABLE {name}.main."{table}" AS '
                         f'SELECT * FROM {store_dialect.CATALOG}.public."{table}"')
        taken = tuple(queries.one(conn, "data_version").values())
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    conn.execute(f"USE {name}")
    try:
        conn.execute("BEGIN TRANSACTION")
        for program in PROGRAMS:
            record_states.derive_all(conn, program)
        conn.execute("COMMIT")
    finally:
        conn.execute(f"USE {store_dialect.CATALOG}")
    return taken


def _done_with(url: str, copy: _Copy) -> None:
    with _copying:
        copy.users -= 1
        base = _shared.get(url)
        if base is not None:
            _drop_if_unused(base, copy)


def _drop_if_unused(conn, copy: _Copy) -> None:
    if not copy.current and copy.users == 0:
        dropping = conn.cursor()  # a connection is one thread's; its cursors are each their own
        try:
            dropping.execute(f"DETACH DATABASE IF EXISTS {copy.name}")
        finally:
            dropping.close()


def migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("pipelines.migrations").iterdir():
        match = re.match(r"(\d+)_.*\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text()))
    return sorted(found)


def migrate(conn: duckdb.DuckDBPyConnection) -> None:
    """Apply the numbered migrations not yet applied, each in its own transaction."""
    with store_dialect.exclusive(conn, store_dialect.MIGRATIONS):  # servers starting together migrate once
        _migrate(conn)


def _migrate(conn: duckdb.DuckDBPyConnection) -> None:
    store_dialect.refresh_catalog(conn)  # what another server migrated while this one waited
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                 "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
    applied = {v for (v,) in conn.execute("SELECT version FROM schema_migrations").fetchall()}
    pending = [m for m in migrations() if m[0] not in applied]
    for version, name, sql in pending:
        conn.execute("BEGIN TRANSACTION")
        try:
            store_dialect.run_migration(conn, sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    if pending or not conn.execute("SELECT count(*) FROM event_kinds").fetchone()[0]:
        write_programs(conn)
    if pending:
        rebuild_states(conn)
        store_dialect.after_migrations(conn)


def rebuild_states(conn: duckdb.DuckDBPyConnection) -> None:
    """Derive every record's states again (a migration that changes how they are derived empties them)."""
    if not store_dialect.keeps_states(conn) or not queries.one(conn, "states_missing")["missing"]:
        return
    conn.execute("BEGIN TRANSACTION")
    try:
        for name in PROGRAMS:
            queries.run(conn, "touch_program", program=name)
            record_states.refresh(conn, name)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def write_programs(conn: duckdb.DuckDBPyConnection) -> None:
    programs = PROGRAMS.values()
    rows = {
        "program_rows": pl.DataFrame(
            [(p.name, p.code, p.label) for p in programs], schema=["program", "code", "label"], orient="row"),
        "kind_rows": pl.DataFrame(
            [(p.name, k.kind, k.label, k.role, k.tie_rank, k.counts_as) for p in programs for k in p.event_kinds],
            schema={"program": pl.String, "kind": pl.String, "label": pl.String, "role": pl.String,
                    "tie_rank": pl.Int32, "counts_as": pl.String}, orient="row"),
        "population_rows": pl.DataFrame(
            [(p.name, pop.name, i, list(pop.household_types) if pop.household_types else None, pop.veteran,
              pop.chronic) for p in programs for i, pop in enumerate(p.populations)],
            schema={"program": pl.String, "population": pl.String, "sort_order": pl.Int32,
                    "household_types": pl.List(pl.String), "veteran": pl.Boolean, "chronic": pl.Boolean},
            orient="row"),
        "setting_rows": pl.DataFrame(
            [(p.name, key, json.dumps(value)) for p in programs for key, value in p.settings.items()],
            schema=["program", "key", "value"], orient="row"),
    }
    conn.execute("BEGIN TRANSACTION")
    try:
        with queries.registered(conn, **rows):
            queries.run(conn, "programs_write")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


# Settings of the whole installation rather than of one program.
GLOBAL_SETTINGS = settings.GLOBAL


def _scope(program: str, key: str) -> str:
    return "" if key in GLOBAL_SETTINGS else program


def setting(conn, program: str, key: str):
    row = queries.one(conn, "setting_get", program=_scope(program, key), key=key)
    value = None if row is None or row["value"] is None else json.loads(row["value"])
    if key not in settings.SETTINGS:
        return value
    # A value stored before settings were checked would crash whatever reads it: the default stands in.
    try:
        return settings.check(program, key, value)
    except settings.SettingRefused:
        return settings.default(program, key)


def set_setting(conn, program: str, key: str, value) -> None:
    """Store a value its declaration (pipelines/settings.py) accepts; SettingRefused otherwise."""
    value = settings.check(program, key, value)
    queries.run(conn, "setting_set", program=_scope(program, key), key=key, value=json.dumps(value, allow_nan=False))


def change_setting(conn, program: str, key: str, value, who: str) -> tuple:
    """A person's change: refused for the settings bynames keeps itself, and recorded in the audit
    trail (old and new value) inside the caller's transaction. Returns (old, new)."""
    new = settings.check(program, key, value, internal=False)
    old = setting(conn, program, key)
    if old != new:
        set_setting(conn, program, key, new)
        scope = "" if key in GLOBAL_SETTINGS else f"{PROGRAMS[program].label}: "
        audit.record(conn, who, audit.SETTING_CHANGED, key,
                     f"{scope}{json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}")
    return old, new


def community_name(conn) -> str:
    return setting(conn, "", "community_name") or "Our community"
