"""What the case conference records: each person's plan, and the status changes it decides.

A plan save is one transaction with its author and time, and names the revision it changes: if
someone else saved in between, the save is refused rather than overwriting theirs. A status change
(moved in, inactive, returned; for a child a step such as the IFSP meeting, or an exit) becomes an event
exactly like an uploaded one, so every figure moves with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

import queries
from pipelines import audit, record_states, store, store_dialect
from pipelines.programs import PROGRAMS

PLAN_FIELDS = ("next_step", "owner", "due_date", "barriers", "housing_match", "decision", "notes")
# A plan belongs to a person, whose program names their barriers; any program's are accepted.
BARRIERS = frozenset(b for p in PROGRAMS.values() for b in p.barriers)


class PlanConflict(Exception):
    """Someone else saved this person's plan after it was opened."""


@dataclass(frozen=True)
class Plan:
    person_id: int
    revision: int  # 0: nothing recorded yet
    next_step: str | None = None
    owner: str | None = None
    due_date: dt.date | None = None
    barriers: tuple[str, ...] = ()
    housing_match: str | None = None
    decision: str | None = None
    notes: str | None = None
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None


def current_plan(conn, person_id: int) -> Plan:
    row = queries.one(conn, "plan_current", person_id=person_id)
    if row is None:
        return Plan(person_id, 0)
    return Plan(**{**row, "barriers": tuple(row["barriers"] or ())})


def plan_history(conn, person_id: int) -> list[dict]:
    return queries.rows(conn, "plan_history", person_id=person_id)


def save_plan(conn, person_id: int, opened_revision: int, who: str, **fields) -> Plan:
    """Save a new revision of the plan opened at `opened_revision`; refuse if it has moved on."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not part of a plan: {', '.join(sorted(unknown))}")
    odd = set(fields.get("barriers") or ()) - set(BARRIERS)
    if odd:
        raise ValueError(f"unknown barriers: {', '.join(sorted(odd))}")
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            latest = current_plan(conn, person_id)
            if latest.revision != opened_revision:
                raise PlanConflict(
                    f"{latest.recorded_by} saved this plan at {latest.recorded_at:%H:%M} after you opened it; "
                    "your changes were not saved. Reopen the person to see theirs, then make yours again."
                )
            values = {f: fields.get(f) for f in PLAN_FIELDS}
            values["barriers"] = list(values["barriers"] or [])
            queries.run(conn, "plan_save", person_id=person_id, revision=opened_revision + 1,
                        recorded_by=who, recorded_at=dt.datetime.now(), **values)
            audit.record(conn, who, audit.PLAN_SAVED, client_id(conn, person_id), f"revision {opened_revision + 1}")
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            if not store_dialect.is_key_conflict(exc):
                raise
            raise PlanConflict("someone else saved this plan a moment ago; your changes were not saved. "
                               "Reopen the person to see theirs.") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current_plan(conn, person_id)


def record_status(conn, program: str, record_id: int, kind: str, day: dt.date, who: str,
                  note: str | None = None) -> str:
    """Record a status change or a step decided in the meeting as a fact with `who` as its source."""
    recordable = PROGRAMS[program].meeting_records
    if kind not in recordable:
        raise ValueError(f"a meeting records {', '.join(recordable)}, not {kind!r}")
    if day > dt.date.today():
        raise ValueError(f"{day:%Y-%m-%d} is in the future")
    label = PROGRAMS[program].kind(kind).label
    description = f"Case conference: {label[:1].lower()}{label[1:]} on {day:%Y-%m-%d}" + (f" ({note})" if note else "")
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            upload_id = store_dialect.nextval(conn, "upload_id_seq")
            queries.run(conn, "meeting_change_begin", upload_id=upload_id, description=description,
                        program=program, who=who, now=dt.datetime.now(), as_of=day, record_id=record_id,
                        kind=kind, event_date=day, note=note)
            record_states.refresh(conn, program)
            person = queries.one(conn, "person_of_record", record_id=record_id)
            audit.record(conn, who, audit.STATUS_RECORDED, person["client_id"], description)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return description


def client_id(conn, person_id: int) -> str:
    return queries.one(conn, "person", person_id=person_id)["client_id"]


def viewed(conn, person_id: int, who: str) -> None:
    """A look at a person's record leaves a trace."""
    audit.record(conn, who, audit.PERSON_VIEWED, client_id(conn, person_id))
