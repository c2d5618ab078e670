"""What the pages read, opened briefly per run so that uploads from the CLI are never locked out."""

from __future__ import annotations

import datetime as dt

from pipelines import figures, store


def freshness(db=None, program: str = "homelessness") -> dict:
    with store.opened(db) as conn:
        last = conn.execute(
            "SELECT max(uploaded_at), max(as_of) FROM uploads WHERE program = ? AND status = 'loaded'", [program]
        ).fetchone()
        records = conn.execute("SELECT count(*) FROM records WHERE program = ?", [program]).fetchone()[0]
    return {"last_upload": last[0], "as_of": last[1], "records": records}


def submission(month: dt.date, db=None, program: str = "homelessness") -> dict:
    with store.opened(db) as conn:
        return figures.monthly_submission(conn, program, month)
