"""Each record's states over time (record_states), rebuilt inside the caller's transaction for the records
listed in the temporary table `touched` (queries/refresh_states.sql).

The embedded file keeps them beside the facts they come from. A PostgreSQL store keeps only the facts:
each server works the states out in its copy of the data version (pipelines/store.py, `reading`), which
is where everything that reads them looks. Writing them to the shared store too cost an upload of
1,000,000 records about as long as writing its attributes (1.8 million rows), and nothing read them there."""

from __future__ import annotations

import queries
from pipelines import store_dialect

_NOTHING_NEW = 2**31 - 1  # above every id: every fact is read from the store


def refresh(conn, program: str) -> None:
    """From the facts in the store."""
    if store_dialect.keeps_states(conn):
        _from_store(conn, program)


def touch_upload(conn, upload_id: int, first_new_record_id: int, first_new_person_id: int) -> None:
    """Inside an upload, once its facts are written: list in `touched` the records whose states it changes
    (linking people across sources adds to them). Where the store keeps no states, the list starts empty."""
    if store_dialect.keeps_states(conn):
        queries.run(conn, "touched_by_upload", upload_id=upload_id, first_new_record_id=first_new_record_id,
                    first_new_person_id=first_new_person_id)
    else:
        conn.execute("CREATE OR REPLACE TEMPORARY TABLE touched (record_id INTEGER)")


def refresh_upload(conn, program: str, upload_id: int, first_new_record_id: int, first_new_person_id: int) -> None:
    """Inside an upload, after `touch_upload` and while its rows are registered (pipelines/loading.py): the
    facts of its new records and people (ids from `first_new_record_id` and `first_new_person_id` on) are
    read from its rows, not back from the store."""
    if not store_dialect.keeps_states(conn):
        return
    queries.run(conn, "states_from_upload", program=program)
    queries.run(conn, "refresh_states", program=program, first_new_record_id=first_new_record_id,
                first_new_person_id=first_new_person_id, upload_id=upload_id)


def derive_all(conn, program: str) -> None:
    """Every record's states of `program`, in the database `conn` uses (a server's copy of a PostgreSQL store)."""
    queries.run(conn, "touch_program", program=program)
    _from_store(conn, program)


def _from_store(conn, program: str) -> None:
    queries.run(conn, "states_from_store")
    queries.run(conn, "refresh_states", program=program, first_new_record_id=_NOTHING_NEW,
                first_new_person_id=_NOTHING_NEW, upload_id=None)
