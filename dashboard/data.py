"""What the pages read and write. Connections are opened per call and closed at once, so an upload
from the CLI (another process) is never locked out for long; results are cached per data version,
so a page re-reads only after the data changed. What is worked out from the list (figures, the list,
the agenda, what funders receive) is read through `store.reading`: on PostgreSQL, from this server's copy
of the data version."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st

import queries
from pipelines import (
    accounts,
    active_list,
    agenda,
    audit,
    case_conference,
    equity_report,
    figures,
    loading,
    person_links,
    sessions,
    store,
    submissions,
)
from pipelines import meeting_pack as pack
from pipelines import settings as settings_declared
from pipelines.disclosure import release
from pipelines.disclosure.release import FunderRelease
from pipelines.early_intervention import child_count, federal_tables, goal
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import Period, period_of, series
from pipelines.programs import HOMELESSNESS, PROGRAMS, Program
from pipelines.report import ValidationReport

PROGRAM = HOMELESSNESS.name


def program() -> Program:
    """The program the user is looking at, chosen in the sidebar."""
    return PROGRAMS.get(st.session_state.get("program"), HOMELESSNESS)


def version(wait: float | None = None) -> tuple:
    """Changes whenever an upload is loaded or rolled back. It leads every cached call's arguments,
    and names the database, so no cached result outlives its data or crosses to another file. Raises
    store.StillHeld if another process holds the database for longer than `wait` seconds."""
    with store.opened(wait=wait) as conn:
        return (store.store_name(), *queries.one(conn, "data_version").values())


@st.cache_data(show_spinner=False)
def freshness(version: tuple, program: str = PROGRAM) -> dict:
    with store.opened() as conn:
        fresh = queries.one(conn, "freshness", program=program)
        fresh["community"] = store.community_name(conn)
    return fresh


@st.cache_data(show_spinner=False)
def first_day(version: tuple, program: str = PROGRAM) -> dt.date | None:
    with store.reading() as conn:
        return queries.one(conn, "first_day", program=program)["first_day"]


@st.cache_data(show_spinner=False)
def flow(version: tuple, by: str, start: dt.date, end: dt.date, program: str = PROGRAM) -> pl.DataFrame:
    with store.reading() as conn:
        return pl.DataFrame(figures.flow(conn, program, series(start, end, by)), infer_schema_length=None)


@st.cache_data(show_spinner=False)
def submission(version: tuple, month: dt.date, program: str = PROGRAM) -> dict:
    with store.reading() as conn:
        return figures.monthly_submission(conn, program, month)


def submit(month: dt.date, program: str, who: str) -> dict:
    """Keep the month's figures as submitted to Built for Zero (data leads and admins only)."""
    with store.opened() as conn, store.writing(conn):
        return submissions.submit(conn, program, month, who)


@st.cache_data(show_spinner=False)
def submitted(version: tuple, program: str) -> tuple[list[dict], list[dict]]:
    """(every submission, newest first; each submitted month's drift since)."""
    with store.reading() as conn:
        return submissions.listed(conn, program), submissions.drift(conn, program)


@st.cache_data(show_spinner=False)
def submission_file(version: tuple, month: dt.date, program: str) -> list[dict]:
    with store.reading() as conn:
        return submissions.for_month(conn, program, month)


@st.cache_data(show_spinner=False)
def ei_month(version: tuple, month: dt.date, program: str) -> dict:
    """The month's Part C figures, with indicators 5 and 6 of the count date it reports."""
    with store.reading() as conn:
        return child_count.period_report(conn, period_of(month, "month"), program)


@st.cache_data(show_spinner=False)
def ei_children_served(version: tuple, day: dt.date, program: str) -> pl.DataFrame:
    """The children behind indicators 5 and 6 on a count date, with names: for roles that see people."""
    with store.reading() as conn:
        return child_count.children_on(conn, day, program)


@st.cache_data(show_spinner=False)
def ei_618(version: tuple, year: int, program: str) -> dict:
    """IDEA's 618 child count and exiting tables of a year: small counts, for roles that see people."""
    with store.reading() as conn:
        return federal_tables.year_tables(conn, year, program)


@st.cache_data(show_spinner=False)
def ei_indicator_children(version: tuple, month: dt.date, program: str) -> dict[str, pl.DataFrame]:
    """The children behind each of OSEP's indicators of a month, with names: for roles that see people."""
    with store.reading() as conn:
        return ei_figures.period_indicator_children(conn, period_of(month, "month"), program)


@st.cache_data(show_spinner=False)
def ei_goal(version: tuple, start: dt.date, end: dt.date, program: str) -> list[dict]:
    """The programme's goal for each month from `start`'s to `end`'s."""
    with store.reading() as conn:
        return goal.by_month(conn, PROGRAMS[program], series(start, end, "month"))


@st.cache_data(show_spinner="Preparing the figures a funder may see (once after each upload)…")
def for_funders(version: tuple, program: str) -> FunderRelease:
    """Everything a funder's pages show for a program: the server's one source for them."""
    with store.reading() as conn:
        return release.for_funders(conn, PROGRAMS[program])


@st.cache_data(show_spinner=False)
def funder_submission(version: tuple, month: dt.date, program: str = PROGRAM) -> dict:
    with store.reading() as conn:
        return release.submission(conn, for_funders(version, program), month)


@st.cache_data(show_spinner=False)
def equity(version: tuple, program: str, start: dt.date, end: dt.date, grouping: str, reference: str) -> dict:
    with store.reading() as conn:
        return equity_report.report(conn, PROGRAMS[program], Period(start, end, "range"), grouping, reference,
                                    child_find=True)


@st.cache_data(show_spinner=False)
def ranked_list(version: tuple, list_date: dt.date, program: str = PROGRAM) -> tuple[pl.DataFrame, list[str]]:
    with store.reading() as conn:
        return agenda.ranked_list(conn, program, list_date)


@st.cache_data(show_spinner=False)
def named(version: tuple, people: pl.DataFrame) -> pl.DataFrame:
    """Names for the rows a page shows (a few hundred at most, or a search's whole list)."""
    with store.reading() as conn:
        return active_list.named(conn, people)


@st.cache_data(show_spinner=False)
def meeting(version: tuple, day: dt.date, list_date: dt.date, program: str = PROGRAM) -> agenda.Meeting:
    with store.reading() as conn:
        return agenda.meeting(conn, program, day, list_date)


@st.cache_data(show_spinner=False)
def agenda_heads(version: tuple, day: dt.date, list_date: dt.date, sizes: tuple[tuple[str, int], ...],
                 program: str = PROGRAM) -> dict[str, pl.DataFrame]:
    """The first people of each agenda section (section, how many), with their names."""
    today = meeting(version, day, list_date, program)
    with store.reading() as conn:
        return agenda.first_named(conn, today, dict(sizes))


@st.cache_data(show_spinner=False)
def meeting_pack(version: tuple, day: dt.date, program: str = PROGRAM, everyone: bool = False) -> bytes:
    with store.reading() as conn:
        return pack.for_meeting(conn, program, day, everyone)


def plan(person_id: int) -> tuple[case_conference.Plan, list[dict], list[dict]]:
    """A person's plan in force, its history and their records, read fresh: plans change in the meeting (and
    with them the data version, whose copy holds the records' states on PostgreSQL)."""
    with store.opened() as conn:
        plan, history = case_conference.current_plan(conn, person_id), case_conference.plan_history(conn, person_id)
    with store.reading() as conn:
        return plan, history, queries.rows(conn, "record_of_person", person_id=person_id)


def sign_in(email: str, password: str, address: str | None = None) -> tuple[dict, str]:
    """The account, and the token of the session its browser keeps as a cookie; address is the client's."""
    with store.opened() as conn, store.recording(conn):
        account = accounts.sign_in(conn, email, password, address=address)
        return account, sessions.begin(conn, account["email"], dt.datetime.now())


def resumed(token: str) -> dict | None:
    """The account a browser's session cookie belongs to, as sessions.resume says (it may raise Idle)."""
    with store.opened() as conn, store.recording(conn):
        return sessions.resume(conn, token, dt.datetime.now(), dt.timedelta(minutes=idle_minutes()))


def session_in_use(token: str) -> dict | None:
    with store.opened() as conn, store.recording(conn):
        return sessions.current(conn, token, dt.datetime.now())


def signed_out(who: str, why: str | None = None, token: str | None = None) -> None:
    with store.opened() as conn, store.recording(conn):
        if token is not None:
            sessions.end(conn, token, dt.datetime.now())
        audit.record(conn, who, audit.SIGNED_OUT, who, why)


def users() -> pl.DataFrame:
    with store.opened() as conn:
        return queries.arrow(conn, "users_list")


def save_user(email: str, role: str, password: str | None, who: str) -> None:
    if "@" not in email:
        raise ValueError("an email address is needed")
    with store.opened() as conn, store.writing(conn):
        accounts.add_user(conn, email, role)
        if password:
            accounts.set_password(conn, email, password)
        audit.record(conn, who, audit.USER_SAVED, email.strip().lower(), role)


def remove_user(email: str, who: str) -> None:
    with store.opened() as conn, store.writing(conn):
        accounts.remove_user(conn, email)
        audit.record(conn, who, audit.USER_REMOVED, email.strip().lower())


def idle_minutes() -> int:
    """How long a session may sit unused before it must sign in again (setting idle_minutes)."""
    # Every run asks; cached per data version (a setting changed changes it), so that a page open while
    # an upload holds the database still shows what it has.
    return _idle_minutes(st.session_state.get("data_version") or version())


@st.cache_data(show_spinner=False)
def _idle_minutes(version: tuple) -> int:
    with store.opened() as conn:
        return store.setting(conn, "", "idle_minutes") or 30


def demo_mode() -> bool:
    with store.opened() as conn:
        return accounts.is_demo(conn)


def person_viewed(person_id: int, who: str) -> None:
    with store.opened() as conn, store.recording(conn):
        case_conference.viewed(conn, person_id, who)


def exported(who: str, what: str, file_name: str) -> None:
    with store.opened() as conn, store.recording(conn):
        audit.record(conn, who, audit.EXPORT, file_name, what)


def audit_lines(version: tuple, who: str | None, subject: str | None) -> pl.DataFrame:
    with store.opened() as conn:
        return audit.lines(conn, who=who, subject=subject)


def save_plan(person_id: int, opened_revision: int, who: str, **fields) -> case_conference.Plan:
    with store.opened() as conn:
        return case_conference.save_plan(conn, person_id, opened_revision, who, **fields)


def record_status(record_id: int, kind: str, day: dt.date, who: str, note: str | None) -> str:
    with store.opened() as conn:
        return case_conference.record_status(conn, program().name, record_id, kind, day, who, note)


@st.cache_data(show_spinner=False)
def timeline(version: tuple, person_id: int) -> pl.DataFrame:
    with store.reading() as conn:
        return queries.arrow(conn, "person_timeline", person_id=person_id)


@st.cache_data(show_spinner=False)
def uploads(version: tuple) -> pl.DataFrame:
    """The files loaded, newest first (decisions recorded in meetings are in each person's history)."""
    with store.opened() as conn:
        rows = [r for r in queries.rows(conn, "uploads_list", program=None) if r["format"] != "case conference"]
    return pl.DataFrame(rows, infer_schema_length=None)


@st.cache_data(show_spinner=False)
def settings(version: tuple, program: str = PROGRAM) -> dict:
    """The program's settings, and the installation's (the community's name, the limits on uploads)."""
    with store.opened() as conn:
        return {s.key: store.setting(conn, program, s.key) for s in settings_declared.known(program)}


def save_settings(program: str, who: str, **values) -> None:
    """All or nothing: a value its setting refuses (SettingRefused, naming the rule) stores none of them."""
    with store.opened() as conn, store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            for name, value in values.items():
                store.change_setting(conn, program, name, value, who)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def check(data: bytes, file_name: str, program: str = PROGRAM, coc: str | None = None):
    with store.opened() as conn:
        settings = loading.reading_settings(conn, program)
    return loading.check(data, file_name, program=program, coc=coc, **settings)


def already_loaded(data: bytes, file_name: str, program: str = PROGRAM, coc: str | None = None,
                   content: str | None = None) -> str | None:
    with store.opened() as conn:
        return loading.already_loaded(conn, program, data, file_name, coc, content)


def ingest(data: bytes, file_name: str, who: str, progress, program: str = PROGRAM,
           source: str = "", coc: str | None = None, checked: tuple | None = None) -> loading.IngestResult:
    """Load a file; `checked` is what `check` said of it on the page, so it is not read a second time."""
    return loading.ingest_file(None, data, file_name, program=program, who=who, progress=progress, source=source,
                               coc=coc, checked=checked)


@st.cache_data(show_spinner=False)
def pairs(version: tuple, program: str, status: str | None) -> pl.DataFrame:
    with store.opened() as conn:
        return person_links.listed(conn, program, status)


def decide_pair(link_id: int, decision: str, who: str) -> str:
    with store.opened() as conn:
        return person_links.decide(conn, link_id, decision, who)


@st.cache_data(show_spinner=False)
def reference(version: tuple) -> pl.DataFrame:
    with store.opened() as conn:
        return queries.arrow(conn, "reference_get")


def load_reference(content: bytes, file_name: str, who: str) -> loading.IngestResult:
    with store.opened() as conn:
        return loading.load_reference(conn, content, file_name, who=who)


def upload_report(upload_id: int) -> ValidationReport | None:
    with store.opened() as conn:
        row = queries.one(conn, "upload_report", upload_id=upload_id)
    return ValidationReport.from_dict(json.loads(row["report"])) if row and row["report"] else None


def meeting_decisions(person_id: int) -> list[dict]:
    """Read fresh: a decision is recorded or undone in the meeting itself."""
    with store.opened() as conn:
        return queries.rows(conn, "meeting_decisions", person_id=person_id)


def rollback(upload_id: int, who: str) -> str:
    with store.opened() as conn:
        return loading.rollback(conn, upload_id, who=who)
