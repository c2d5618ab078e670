"""What the pages read, opened briefly per run so that uploads from the CLI are never locked out."""

from __future__ import annotations

import datetime as dt

import queries
from pipelines import figures, store


def freshness(db=None, program: str = "homelessness") -> dict:
    with store.opened(db) as conn:
        return queries.one(conn, "freshness", program=program)


def submission(month: dt.date, db=None, program: str = "homelessness") -> dict:
    with store.opened(db) as conn:
        return figures.monthly_submission(conn, program, month)
