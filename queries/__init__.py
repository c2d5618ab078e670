"""The SQL behind every figure, list and load: one .sql file each, parameters always bound."""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from importlib import resources

import duckdb
import polars as pl

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# `IN ($name)` with a list bound to name: one parameter per value (`IN ($name_0, $name_1, ...)`), so that
# DuckDB hands the values to a PostgreSQL table's scan as a filter (it cannot push a list parameter, nor a
# join, into one). For lists of a few thousand values at most.
_IN_LIST = re.compile(r"\bIN\s*\(\s*\$([a-z_][a-z0-9_]*)\s*\)", re.IGNORECASE)


@cache
def text(name: str) -> str:
    return resources.files("queries").joinpath(f"{name}.sql").read_text()


def statements(name: str) -> list[str]:
    """A file may hold several statements, each ending with ';' at the end of a line (not in a comment)."""
    parts = re.split(r"^((?:(?!--)[^\n])*);\s*$", text(name), flags=re.MULTILINE)
    # re.split keeps the captured line before each ';': join it back to the statement it ends
    merged = [parts[0]]
    for line, rest in zip(parts[1::2], parts[2::2]):
        merged[-1] += line
        merged.append(rest)
    return [p.strip() for p in merged if re.sub(r"--[^\n]*", "", p).strip()]


def _bound(name: str, statement: str, params: dict) -> dict:
    wanted = set(_PARAM.findall(re.sub(r"--[^\n]*", "", statement)))
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"{name}.sql needs parameters {sorted(missing)}")
    return {k: params[k] for k in wanted}


def _expanded(statement: str, params: dict) -> tuple[str, dict]:
    """The statement with each `IN ($list)` written out value by value (see _IN_LIST), and its parameters."""
    counts = {m.group(1): len(params[m.group(1)]) for m in _IN_LIST.finditer(statement)
              if isinstance(params.get(m.group(1)), (list, tuple))}
    if not counts:
        return statement, params
    params = dict(params)
    for key in counts:
        params.update({f"{key}_{i}": value for i, value in enumerate(params.pop(key))})

    def spelt(match: re.Match) -> str:
        key = match.group(1)
        if key not in counts:
            return match.group(0)
        return "IN (" + (", ".join(f"${key}_{i}" for i in range(counts[key])) or "NULL") + ")"

    return _IN_LIST.sub(spelt, statement), params


def _prepared(name: str, statement: str, params: dict) -> tuple[str, dict]:
    return _expanded(statement, _bound(name, statement, params))


def run(conn: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyConnection:
    """Execute the statements of queries/NAME.sql in order, binding $name parameters by name."""
    cursor = conn
    for statement in statements(name):
        cursor = conn.execute(*_prepared(name, statement, params))
    return cursor


def inserted(conn: duckdb.DuckDBPyConnection, name: str, **params) -> dict[str, int]:
    """`run`, saying how many rows its INSERT statements added to each table: counted as they are
    written, rather than counted again afterwards (on PostgreSQL, reading every new row back)."""
    added: dict[str, int] = {}
    for statement in statements(name):
        cursor = conn.execute(*_prepared(name, statement, params))
        table = re.match(r"(?:--[^\n]*\n|\s)*INSERT INTO (\w+)", statement)
        if table:
            added[table.group(1)] = added.get(table.group(1), 0) + cursor.fetchone()[0]
    return added


def rows(conn, name: str, **params) -> list[dict]:
    cursor = run(conn, name, **params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def arrow(conn, name: str, **params) -> pl.DataFrame:
    """A single-statement query's result as a Polars frame, typed as DuckDB typed it."""
    (statement,) = statements(name)
    # One chunk: DuckDB hands over its result in batches, and reordering or filtering a frame in
    # pieces costs several times more than joining the pieces once.
    statement, bound = _prepared(name, statement, params)
    return conn.sql(statement, params=bound).pl().rechunk()


@contextmanager
def registered(conn, **frames):
    """Frames visible to SQL as views, by these names, for the length of the block."""
    for name, frame in frames.items():
        conn.register(name, frame)
    try:
        yield
    finally:
        for name in frames:
            conn.unregister(name)


def one(conn, name: str, **params) -> dict | None:
    """The first row of a query as a dict, or None; the result is read to the end."""
    found = rows(conn, name, **params)
    return found[0] if found else None
