"""An upload derives the states of the records it adds from its own rows instead of reading them back from
the store (pipelines/record_states.py): the states it leaves must be exactly those derived again from the
store alone, after every upload, on messy lists and on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

import queries
from pipelines import record_states, store, store_dialect
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS
from tests.conftest import figured, ingest
from tests.test_as_of import (
    BFZ_HEADER,
    EI_HEADER,
    PROPERTY,
    as_csv,
    bfz_row,
    latest,
    noted,
    referral,
    two_extracts,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_cases"
STATES = "SELECT * FROM record_states ORDER BY ALL"


def rebuilt(conn, program: str) -> list[tuple]:
    """Every record's states derived again from the store alone (undone afterwards)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        queries.run(conn, "touch_program", program=program)
        record_states.refresh(conn, program)
        return conn.execute(STATES).fetchall()
    finally:
        conn.execute("ROLLBACK")


def loads_as_rebuilt(conn, program: str, extracts: list[tuple[bytes, object]]) -> None:
    for data, as_of in extracts:
        result = ingest(conn, data, program=program, as_of=as_of)
        assert result.status in ("loaded", "skipped"), result.report.lines()
        assert conn.execute(STATES).fetchall() == rebuilt(conn, program)


@PROPERTY
@given(extracts=two_extracts(bfz_row))
def test_a_lists_states_after_each_upload_are_those_derived_from_the_store(blank, extracts):
    conn = blank()
    try:
        loads_as_rebuilt(conn, HOMELESSNESS.name, [(as_csv(BFZ_HEADER, rows), latest(rows)) for rows in extracts])
    finally:
        conn.close()


@PROPERTY
@given(extracts=two_extracts(referral()))
def test_referrals_states_after_each_upload_are_those_derived_from_the_store(blank, extracts):
    conn = blank()
    try:
        header = {**EI_HEADER, "Note": "note"}
        loads_as_rebuilt(conn, EARLY_INTERVENTION.name,
                         [(as_csv(header, noted(rows)), latest(rows)) for rows in extracts])
    finally:
        conn.close()


@pytest.mark.both_stores
def test_the_samples_states_after_each_upload_are_those_derived_from_the_store(conn):
    """On PostgreSQL the store keeps no states: a server's copy works them out, and after every upload they
    are those the embedded file keeps after the same uploads."""
    uploads = [(HOMELESSNESS.name, SAMPLE / f"bnl-2025-{month}.csv") for month in ("10", "11", "12")]
    uploads.append((EARLY_INTERVENTION.name, SAMPLE / "ei_referrals.csv"))
    if store_dialect.keeps_states(conn):
        for program, path in uploads:
            loads_as_rebuilt(conn, program, [(path.read_bytes(), None)])
        assert conn.execute("SELECT count(DISTINCT record_id) FROM record_states").fetchone()[0] > 3000
        return
    embedded = store.connect(":memory:")
    try:
        for program, path in uploads:
            for each in (conn, embedded):
                assert ingest(each, path.read_bytes(), program=program).status == "loaded"
            assert figured(conn).execute(STATES).fetchall() == embedded.execute(STATES).fetchall()
        assert conn.execute("SELECT count(*) FROM record_states").fetchone()[0] == 0
        assert figured(conn).execute("SELECT count(DISTINCT record_id) FROM record_states").fetchone()[0] > 3000
    finally:
        embedded.close()
