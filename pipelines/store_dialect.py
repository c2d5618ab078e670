"""Where the embedded DuckDB file and a shared PostgreSQL store differ, and nowhere else.

Every query runs in DuckDB either way: on PostgreSQL, DuckDB attaches the database (its `postgres`
extension) as the default catalog, reads its tables and writes to them, and the SQL in queries/ runs
unchanged. What does not pass through the attached catalog lives here:

- migrations run in PostgreSQL itself (`postgres_execute`), with DuckDB's type names spelt as
  PostgreSQL spells them; the attached catalog cannot create sequences and passes `ALTER TABLE`'s
  type names through untranslated (`TINYINT`);
- sequences are PostgreSQL's, read with `postgres_query` (DuckDB's `nextval` looks only in its own
  catalog);
- a broken key comes back as a plain `duckdb.Error` naming PostgreSQL's message, not as
  `duckdb.ConstraintException`;
- a migration beginning `-- PostgreSQL only` runs on PostgreSQL alone.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import duckdb

CATALOG = "store"  # the attached PostgreSQL database's name inside DuckDB
_SCHEMES = ("postgresql://", "postgres://")


class Unreachable(ValueError):
    """The PostgreSQL store refused the connection or could not be reached; the message has no password."""


def is_postgres(target) -> bool:
    return str(target).startswith(_SCHEMES)


def is_postgres_conn(conn) -> bool:
    return conn.execute("SELECT current_database()").fetchone()[0] == CATALOG and bool(
        conn.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ? AND type = 'postgres'",
                     [CATALOG]).fetchone()[0])


def describe(url: str) -> str:
    """The connection string without its password, for messages and the dashboard's cache keys. The
    server may be named in the query (`?host=/run/postgresql&port=5433`, a Unix socket): it is kept, or
    two databases of one name on two servers would read as one."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"],
                      safe="/")
    return f"{parts.scheme}://{user + '@' if user else ''}{netloc}{parts.path}{'?' + query if query else ''}"


def _extension_path() -> Path:
    """The postgres extension as the package duckdb-extension-postgres ships it, under the name DuckDB
    loads it by (`postgres_scanner`): DuckDB cannot download it on these machines."""
    import duckdb_extension_postgres

    version = duckdb.__version__
    package = Path(duckdb_extension_postgres.__file__).parent
    shipped = package / "extensions" / f"v{version}" / "postgres.duckdb_extension"
    if not shipped.exists():
        raise RuntimeError(f"duckdb-extension-postgres has no build for DuckDB {version}")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bynames" / f"v{version}"
    cache.mkdir(parents=True, exist_ok=True)
    named = cache / "postgres_scanner.duckdb_extension"
    if not named.exists():
        tmp = cache / f".postgres_scanner.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(shipped)
        tmp.replace(named)
    return named


def connect_postgres(url: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose default catalog is the PostgreSQL database at `url`."""
    conn = duckdb.connect(":memory:")
    conn.execute("SET autoinstall_known_extensions = false")
    conn.execute(f"LOAD '{_extension_path()}'")
    try:
        conn.execute(f"ATTACH {_quote(url)} AS {CATALOG} (TYPE postgres)")
    except duckdb.Error as exc:
        conn.close()
        # The extension's message quotes the connection string, password and all.
        reason = str(exc).replace(url, describe(url)).split(": ", 1)[-1]
        raise Unreachable(f"cannot open the PostgreSQL store {describe(url)}: {reason}") from None
    conn.execute(f"USE {CATALOG}")
    return conn


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# DuckDB's spelling -> PostgreSQL's, for migrations run in PostgreSQL itself.
_TYPES = [
    (re.compile(r"\bTINYINT\b", re.I), "SMALLINT"),
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.I), "DOUBLE PRECISION"),
    # DuckDB writes a JSON value to PostgreSQL as text, which a json column refuses on UPDATE (and
    # ON CONFLICT DO UPDATE): kept as text there; DuckDB's JSON functions read text alike.
    (re.compile(r"\bJSON\b", re.I), "TEXT"),
]


def postgres_ddl(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", "", sql)
    for pattern, replacement in _TYPES:
        sql = pattern.sub(replacement, sql)
    return sql


# Keys of PostgreSQL advisory locks: what must not interleave across servers.
MIGRATIONS = 16016
WRITES = 16017


@contextmanager
def exclusive(conn, key: int):
    """For the length of the block, no other server or process holds `key`; enter it BEFORE the
    transaction it guards begins.

    On PostgreSQL, DuckDB runs each transaction as REPEATABLE READ, whose snapshot is taken by its first
    statement: a lock taken inside the writer's own transaction comes too late (measured: two writers
    taking max(id) + 1 under pg_advisory_xact_lock in their own transaction wrote 80 rows with 40
    distinct ids). So the lock is held by a transaction of its own, on a second cursor, and the
    writer's transaction begins once it is held. In the embedded file, one process writes at a time
    anyway (its lock on the file), and threads take turns on loading.writing()."""
    if not is_postgres_conn(conn):
        yield
        return
    holder = conn.cursor()
    holder.execute("BEGIN TRANSACTION")
    try:
        holder.execute(f"CALL postgres_execute('{CATALOG}', 'SELECT pg_advisory_xact_lock({int(key)})')")
        yield
    finally:
        holder.execute("ROLLBACK")  # ends the lock's transaction, and with it the lock
        holder.close()


def few_by_key(conn) -> bool:
    """Whether a few rows are better fetched by their keys (`IN ($list)`, a filter PostgreSQL applies as it
    reads) than by joining whole tables: on PostgreSQL, where a join reads the whole table into DuckDB;
    not in the embedded file, where DuckDB joins its own columns faster than it binds a thousand parameters."""
    return is_postgres_conn(conn)


def keeps_states(conn) -> bool:
    """Whether the store keeps the records' derived states (record_states) beside their facts: the embedded
    file does; on PostgreSQL each server works them out in its copy (pipelines/record_states.py)."""
    return not is_postgres_conn(conn)


def refresh_catalog(conn) -> None:
    """Forget the attached catalog's cached tables and columns (DuckDB caches them per connection)."""
    if is_postgres_conn(conn):
        conn.execute("CALL pg_clear_cache()")


# A migration whose text begins so is for PostgreSQL alone (as 013's indexes were); the
# embedded file records it as applied and runs nothing.
POSTGRES_ONLY = "-- PostgreSQL only"


def run_migration(conn, sql: str) -> None:
    if not is_postgres_conn(conn):
        if not sql.startswith(POSTGRES_ONLY):
            conn.execute(sql)
        return
    conn.execute(f"CALL postgres_execute('{CATALOG}', {_quote(postgres_ddl(sql))})")
    conn.execute("CALL pg_clear_cache()")  # the attached catalog must see the new tables and columns


def after_migrations(conn) -> None:
    """The embedded file is checkpointed: DuckDB 1.5 can fail to replay a WAL holding an ALTER TABLE of a
    table with a sequence default (upstream issues 18259, 20543). PostgreSQL needs nothing."""
    if not is_postgres_conn(conn) and conn.execute("SELECT current_database()").fetchone()[0] != "memory":
        conn.execute("CHECKPOINT")


def nextval(conn, sequence: str) -> int:
    if is_postgres_conn(conn):
        query = _quote(f"SELECT nextval('{sequence}')")
        return conn.execute(f"SELECT * FROM postgres_query('{CATALOG}', {query})").fetchone()[0]
    return conn.execute("SELECT nextval(?)", [sequence]).fetchone()[0]


def is_key_conflict(exc: BaseException) -> bool:
    """A write refused for a duplicate key, by either store."""
    return isinstance(exc, duckdb.ConstraintException) or (
        isinstance(exc, duckdb.Error) and "duplicate key value violates unique constraint" in str(exc))


def is_write_conflict(exc: BaseException) -> bool:
    """A write that lost to another writer and may be tried again."""
    return isinstance(exc, duckdb.TransactionException) or (
        isinstance(exc, duckdb.Error)
        and ("could not serialize access" in str(exc) or "deadlock detected" in str(exc)))
