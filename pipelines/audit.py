"""The audit trail: who changed what, who looked at whose record, and what left the system."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

import queries

UPLOAD, ROLLBACK, PLAN_SAVED, STATUS_RECORDED = "upload", "rollback", "plan saved", "status recorded"
PERSON_VIEWED, EXPORT = "person viewed", "export"
REFERENCE = "reference population loaded"
SUBMITTED = "figures submitted"
MATCH_DECIDED = "match decided"
SIGNED_IN, SIGN_IN_FAILED, SIGNED_OUT = "signed in", "sign-in failed", "signed out"
USER_SAVED, USER_REMOVED, PASSWORD_SET = "user saved", "user removed", "password set"
SETTING_CHANGED = "setting changed"

# Set for the length of one command-line command that was given `--who`.
_on_behalf_of: ContextVar[str | None] = ContextVar("on_behalf_of", default=None)


@contextmanager
def on_behalf_of(name: str | None, who: str):
    """Every line recorded inside the block says it was done for `name` as well as by `who` (a
    command's `--who` never stands in for the login name that ran it)."""
    name = (name or "").strip()
    token = _on_behalf_of.set(name if name and name != who else None)
    try:
        yield
    finally:
        _on_behalf_of.reset(token)


def record(conn, who: str, action: str, subject: str | None = None, detail: str | None = None) -> None:
    """Add one line, inside whatever transaction the caller has open (so a write and its trace land
    together, or neither does)."""
    queries.run(conn, "audit_add", happened_at=dt.datetime.now(), who=who, action=action, subject=subject,
                detail=detail, on_behalf_of=_on_behalf_of.get())


def lines(conn, who: str | None = None, subject: str | None = None, since: dt.datetime | None = None,
          until: dt.datetime | None = None) -> pl.DataFrame:
    return queries.arrow(conn, "audit_list", who=who, subject=subject, since=since, until=until)
