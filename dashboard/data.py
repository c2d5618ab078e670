"""What the pages read and write. Connections are opened per call and closed at once, so an upload
from the CLI (another process) is never locked out for long; results are cached per data version,
so a page re-reads only after the data changed."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

import queries
from pipelines import figures, loading, store, triage
from pipelines.periods import series
from pipelines.programs import HOMELESSNESS

PROGRAM = HOMELESSNESS.name


def version() -> tuple:
    """Changes whenever an upload is loaded or rolled back. It leads every cached call's arguments,
    and names the database, so no cached result outlives its data or crosses to another file."""
    with store.opened() as conn:
        return (str(store.db_path().resolve()), *queries.one(conn, "data_version").values())


@st.cache_data(show_spinner=False)
def freshness(version: tuple, program: str = PROGRAM) -> dict:
    with store.opened() as conn:
        fresh = queries.one(conn, "freshness", program=program)
        fresh["community"] = store.setting(conn, "", "community_name") or "Our community"
    return fresh


@st.cache_data(show_spinner=False)
def flow(version: tuple, by: str, start: dt.date, end: dt.date, program: str = PROGRAM) -> pl.DataFrame:
    with store.opened() as conn:
        return pl.DataFrame(figures.flow(conn, program, series(start, end, by)), infer_schema_length=None)


@st.cache_data(show_spinner=False)
def submission(version: tuple, month: dt.date, program: str = PROGRAM) -> dict:
    with store.opened() as conn:
        return figures.monthly_submission(conn, program, month)


@st.cache_data(show_spinner=False)
def ranked_list(version: tuple, list_date: dt.date, program: str = PROGRAM) -> tuple[pl.DataFrame, list[str]]:
    with store.opened() as conn:
        policy = store.setting(conn, program, "triage_policy")
        active = queries.arrow(conn, "active_list", program=program)
    return triage.rank(active, policy, list_date), policy


@st.cache_data(show_spinner=False)
def timeline(version: tuple, person_id: int) -> pl.DataFrame:
    with store.opened() as conn:
        return queries.arrow(conn, "person_timeline", person_id=person_id)


@st.cache_data(show_spinner=False)
def uploads(version: tuple) -> pl.DataFrame:
    with store.opened() as conn:
        return pl.DataFrame(queries.rows(conn, "uploads_list", program=None), infer_schema_length=None)


def check(data: bytes, file_name: str):
    return loading.check(data, file_name)


def ingest(data: bytes, file_name: str, who: str, progress) -> loading.IngestResult:
    with store.opened() as conn:
        return loading.ingest(conn, data, file_name, program=PROGRAM, who=who, progress=progress)


def rollback(upload_id: int, who: str) -> str:
    with store.opened() as conn:
        return loading.rollback(conn, upload_id, who=who)
