"""Each record's states over time (record_states), rebuilt inside the caller's transaction for the records
listed in the temporary table `touched` (queries/refresh_states.sql)."""

from __future__ import annotations

import queries

_NOTHING_NEW = 2**31 - 1  # above every id: every fact is read from the store


def refresh(conn, program: str) -> None:
    """From the facts in the store."""
    queries.run(conn, "states_from_store")
    queries.run(conn, "refresh_states", program=program, first_new_record_id=_NOTHING_NEW,
                first_new_person_id=_NOTHING_NEW, upload_id=None)


def refresh_upload(conn, program: str, upload_id: int, first_new_record_id: int, first_new_person_id: int) -> None:
    """Inside an upload, once its facts are written and while its rows are registered (pipelines/loading.py):
    the facts of its new records and people (ids from `first_new_record_id` and `first_new_person_id` on)
    are read from its rows, not back from the store."""
    queries.run(conn, "states_from_upload", program=program)
    queries.run(conn, "refresh_states", program=program, first_new_record_id=first_new_record_id,
                first_new_person_id=first_new_person_id, upload_id=upload_id)
