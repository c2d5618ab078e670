"""Loading an extract: validate first, then write every fact of it in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

import queries
from pipelines import audit, person_links, reading_process, record_states, store, store_dialect, upload_limits
from pipelines.extract_files import detect_format
from pipelines.matching import match
from pipelines.programs import HOMELESSNESS, Program
from pipelines.programs import program as get_program
from pipelines.readers import READERS, read, read_homelessness_list  # noqa: F401 - the readers, as before
from pipelines.reference_population import read_reference
from pipelines.report import ERROR, ValidationReport
from pipelines.settings import stored as stored_setting
from pipelines.upload_limits import FileRefused, Limits

LOADED, SKIPPED, REJECTED = "loaded", "skipped", "rejected"
WRITE_ATTEMPTS = 5


# Every attribute the store keeps for a record, with its type; a program's rows carry their own
# and the rest are stored empty.
ATTRIBUTES = {
    "household_type": pl.String, "veteran": pl.Boolean, "chronic": pl.Boolean, "race": pl.String,
    "ethnicity": pl.String, "gender": pl.String, "age": pl.Int32, "assessment_score": pl.Float64,
    "contact_worker": pl.String, "first_name": pl.String, "last_name": pl.String, "bnl_status": pl.String,
    "extra": pl.String, "birth_date": pl.Date, "hispanic": pl.Boolean, "zip": pl.String,
    "neighborhood": pl.String, "referral_source": pl.String, "eligible": pl.Boolean, "exceptional": pl.Boolean,
    "exit_reason": pl.Int8, "eligible_on": pl.Date, "exit_reason_on": pl.Date,
    "prioritized": pl.Boolean, "assessed_on": pl.Date, "referral": pl.String,
    "part_b_potential": pl.Boolean, "conference_declined": pl.Boolean,
}
# What changes over time within one extract (an HMIS export): pipelines/hmis/attributes.py
OVER_TIME = pl.Struct({"valid_from": pl.Date, "household_type": pl.String, "chronic": pl.Boolean})


@dataclass
class IngestResult:
    status: str
    message: str
    report: ValidationReport
    upload_id: int | None = None
    counts: dict = field(default_factory=dict)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def who_default() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


def previous_load(conn, program: str, digest: str, content: str | None = None) -> dict | None:
    """The upload that loaded these bytes, or a file whose rows say the same (`content`)."""
    return queries.one(conn, "previous_load", program=program, sha256=digest, content=content)


def digest_of(data: bytes, coc: str | None = None, hashed: str | None = None) -> str:
    """What tells one upload from another: the file's bytes, and the Continuum of Care chosen from
    it (one export loaded for each of its Continuums is a different list each time)."""
    hashed = hashed or sha256(data)
    return hashlib.sha256(f"{hashed} coc={coc}".encode()).hexdigest() if coc else hashed


def already_loaded(conn, program: str, data: bytes, file_name: str, coc: str | None = None,
                   content: str | None = None) -> str | None:
    """The message for a file loaded before, by its bytes or its rows' `content` (so the page can say so
    before anyone presses Load)."""
    earlier = previous_load(conn, program, digest_of(data, coc), content_of(content, coc))
    if not earlier:
        return None
    return (f"{file_name} is already loaded (upload {earlier['upload_id']}, {earlier['uploaded_at']:%Y-%m-%d %H:%M}): "
            "loading it again would change nothing")


def content_of(content: str | None, coc: str | None) -> str | None:
    """What tells one upload's rows from another's; as with the bytes, the Continuum chosen counts."""
    return None if content is None else hashlib.sha256(f"rows {content} coc={coc}".encode()).hexdigest()


def check(data: bytes, file_name: str, today: dt.date | None = None, program: str = HOMELESSNESS.name,
          inactivity_days: int = 90, coc: str | None = None, limits: Limits | None = None):
    """Read and validate without touching the database: the report a data lead sees first.
    `inactivity_days` (a setting) matters to exports that carry contacts rather than dates; `coc`
    chooses one Continuum of Care of an HMIS export. The file is read in a separate process under
    `limits` (upload_limits.py), after the checks that need no parsing."""
    get_program(program)
    limits = limits or Limits()
    if coc and program != HOMELESSNESS.name:
        report = ValidationReport(file_name)
        report.add(ERROR, "coc_without_hmis", "a Continuum of Care can be chosen for an HMIS export only", value=coc)
        return None, report
    return read_guarded(read, data, file_name, READERS[program], today, inactivity_days, coc, limits=limits)


def read_guarded(reader, data: bytes, file_name: str, *args, limits: Limits):
    """`reader(data, file_name, *args)` in the separate reading process, after the limits that need no
    parsing: (rows or None, ValidationReport)."""
    try:
        upload_limits.check_file(data, limits)
        return reading_process.run(reader, data, file_name, *args, limits=limits)
    except FileRefused as exc:
        report = ValidationReport(file_name)
        report.add(ERROR, "over_a_limit", str(exc))
        return None, report


def limits_of(conn) -> Limits:
    """The upload limits as set, all read in one query."""
    keys = [key for key, *_ in upload_limits.SETTINGS.values()]
    found = {row["key"]: row["value"] for row in queries.rows(conn, "settings_get", program="", keys=keys)}
    return upload_limits.from_settings(lambda key: stored_setting("", key, found.get(key)))


def reading_settings(conn, program: str) -> dict:
    """The settings `check` reads a file with."""
    return {"inactivity_days": store.setting(conn, program, "inactivity_days") or 90, "limits": limits_of(conn)}


def ingest_file(db, data: bytes, file_name: str, program: str = HOMELESSNESS.name, coc: str | None = None,
                today: dt.date | None = None, progress: Callable[[str], None] = lambda step: None,
                checked: tuple | None = None, **options) -> IngestResult:
    """`ingest` for callers that open the store themselves (the command line, the dashboard): the file is
    read and checked while the store is closed (unless `checked` says what `check` found already), so a
    long read keeps no other process's pages or uploads waiting; the store is opened again to write."""
    # Hashing a large file takes as long as a fair part of reading it, and runs beside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(sha256, data)
        if checked is None:
            reading_process.start()  # it starts while the store is opened and the settings read
            with store.opened(db) as conn:
                settings = reading_settings(conn, program)
            progress("reading and checking")
            checked = check(data, file_name, today, program, coc=coc, **settings)
        hashed = hashing.result()
    with store.opened(db) as conn:
        return ingest(conn, data, file_name, program, today=today, progress=progress, coc=coc, checked=checked,
                      hashed=hashed, **options)


def ingest(
    conn: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    program: str = "homelessness",
    who: str | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda step: None,
    as_of: dt.date | None = None,
    source: str = "",
    coc: str | None = None,
    checked: tuple | None = None,
    hashed: str | None = None,
) -> IngestResult:
    """Validate and load one extract. `as_of` is the day the extract describes (by default its
    latest date); its household type, veteran and chronic values count from that day on. `source`
    names the system the extract comes from: a Client ID is one person within its source, and people
    of different sources are linked by pipelines/identities.py's rules. `checked` is what `check`
    said of the file, when the caller read it before opening the store (`ingest_file`), and `hashed` the
    SHA-256 of its bytes."""
    definition = get_program(program)
    who = who or who_default()
    progress("reading and checking")
    # Hashing a large file takes as long as a fair part of reading it, and runs beside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(lambda: hashed or sha256(data))
        records, report = checked or check(data, file_name, today, program, **reading_settings(conn, program),
                                           coc=coc)
        digest = digest_of(data, coc, hashing.result())
    content = content_of(report.content, coc)
    earlier = previous_load(conn, program, digest, content)
    if earlier:
        return IngestResult(SKIPPED, _repeat_message(file_name, earlier), ValidationReport(file_name),
                            upload_id=earlier["upload_id"])
    if records is None:
        return IngestResult(REJECTED, f"{file_name} was not loaded: {len(report.errors)} error(s) to fix",
                            report)
    progress("writing")
    as_of = as_of or _as_of(records, definition)
    if coc:  # the uploads' history says which Continuum of Care was loaded
        file_name = f"{Path(file_name).name} (CoC {coc})"
    with store.writing(conn):
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return _write(conn, data, file_name, definition, who, as_of, records, report, (digest, content),
                              source)
            except duckdb.Error as exc:
                if not store_dialect.is_write_conflict(exc):
                    raise
                # A write through another connection committed first: start again on top of it.
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
    raise AssertionError("unreachable")


def _write(conn, data, file_name, definition: Program, who, as_of, records, report, digests: tuple[str, str | None],
           source) -> IngestResult:
    program = definition.name
    digest, content = digests
    now = dt.datetime.now()
    conn.execute("BEGIN TRANSACTION")
    try:
        ids = queries.one(conn, "next_ids")
        upload_id = store_dialect.nextval(conn, "upload_id_seq")
        next_person_id, next_record_id = ids["next_person_id"], ids["next_record_id"]
        queries.run(conn, "upload_begin", upload_id=upload_id, file_name=Path(file_name).name, sha256=digest,
                    content=content, format=detect_format(data, file_name), program=program, who=who, now=now,
                    as_of=as_of, rows_read=records.height, report=json.dumps(report.to_dict()), source=source)
        with queries.registered(conn, incoming_people=records.select("client_id")):
            known = queries.arrow(conn, "known_records", program=program, source=source)
        matched = match(
            records,
            known.select("client_id", "person_id").unique(),
            known.select("client_id", "ordinal", "record_id").drop_nulls(),
            next_person_id,
            next_record_id,
        )
        incoming = _attributes(matched, definition, as_of)
        with queries.registered(conn, incoming=incoming, incoming_events=_events(matched, definition),
                                incoming_new=incoming.filter("new_record").select(
                                    "record_id", "person_id", "new_person", "valid_from", "seen_from",
                                    "household_type", "veteran", "chronic")):
            added = queries.inserted(conn, "load_extract", program=program, upload_id=upload_id,
                                     recorded_at=now, source=source)
            record_states.touch_upload(conn, upload_id, next_record_id, next_person_id)
            if person_links.link_upload(conn, program, upload_id, matched):
                record_states.refresh(conn, program)  # the new people may count as others now
            else:
                record_states.refresh_upload(conn, program, upload_id, next_record_id, next_person_id)
        counts = queries.one(conn, "upload_finish", upload_id=upload_id, records=added["records"],
                             events=added["events"], attributes=added["record_attributes"])
        audit.record(conn, who, audit.UPLOAD, f"upload {upload_id}",
                     f"{Path(file_name).name}: {records.height:,} rows, {len(report.warnings)} warnings")
        conn.execute("COMMIT")
    except duckdb.Error as exc:
        conn.execute("ROLLBACK")
        if not store_dialect.is_key_conflict(exc):
            raise
        earlier = previous_load(conn, program, digest, content)
        if earlier is None:
            raise duckdb.TransactionException(str(exc)) from exc
        # The same file, loaded by someone else a moment ago.
        return IngestResult(SKIPPED, _repeat_message(file_name, earlier), report, upload_id=earlier["upload_id"])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    message = (f"{file_name} loaded as upload {upload_id}: {records.height:,} rows, "
               f"{counts['records']:,} new records, {counts['events']:,} new dates, "
               f"{len(report.warnings)} warning(s)")
    return IngestResult(LOADED, message, report, upload_id=upload_id, counts=counts)


def _dates(column: str, records: pl.DataFrame) -> pl.Expr:
    # A list's column holds one date per row; an HMIS export's, every date of that kind in the history.
    return pl.col(column).list.max() if records.schema[column] == pl.List(pl.Date) else pl.col(column)


def _as_of(records: pl.DataFrame, definition: Program) -> dt.date:
    kinds = [k.kind for k in definition.event_kinds]
    return records.select(pl.max_horizontal([_dates(k, records).max() for k in kinds])).item()


def _identified_kind(definition: Program) -> str:
    return next(k.kind for k in definition.event_kinds if k.counts_as == "identified")


def _seen_from(matched: pl.DataFrame, definition: Program) -> pl.Expr:
    """The day a row's facts are first on the list: its identification (the earliest, for an export
    that carries several). A fact dated before it is seen from then on, never earlier (DESIGN §2.1)."""
    kind = _identified_kind(definition)
    first = pl.col(kind).list.min() if matched.schema[kind] == pl.List(pl.Date) else pl.col(kind)
    return first.alias("seen_from")


def _events(matched: pl.DataFrame, definition: Program) -> pl.DataFrame:
    """One row per dated fact: record_id, new_record, kind, event_date, seen_from."""
    long = matched.select("record_id", "new_record", _seen_from(matched, definition),
                          *[k.kind for k in definition.event_kinds]).unpivot(
        index=["record_id", "new_record", "seen_from"], variable_name="kind", value_name="event_date")
    if long.schema["event_date"] == pl.List(pl.Date):
        # the same fact twice (two enrollments starting the same day) is stored once
        long = long.explode("event_date").drop_nulls("event_date").unique(maintain_order=True)
    else:
        long = long.drop_nulls("event_date")
    return long.with_columns(pl.max_horizontal("event_date", "seen_from").alias("seen_from"))


def _attributes(matched: pl.DataFrame, definition: Program, as_of: dt.date) -> pl.DataFrame:
    """The rows with every attribute the store keeps, those the program has no use for empty, and the
    day they describe (valid_from: the extract's date `as_of`, or the day an export says a row describes).
    An export that carries its people's household type and chronic status over time (`over_time`) gives
    a row per change."""
    rows = matched.select(
        "record_id", "person_id", "client_id", "ordinal", "new_person", "new_record",
        _seen_from(matched, definition),
        *[pl.col(name) if name in matched.columns else pl.lit(None, dtype).alias(name)
          for name, dtype in ATTRIBUTES.items()],
        pl.col("over_time") if "over_time" in matched.columns else pl.lit(None, pl.List(OVER_TIME)).alias("over_time"),
    )
    once = rows.filter(pl.col("over_time").list.len().fill_null(0) == 0).with_columns(
        valid_from=pl.lit(None, pl.Date)).drop("over_time")
    changes = rows.filter(pl.col("over_time").list.len() > 0).explode("over_time")
    if changes.is_empty():
        return once.with_columns(valid_from=pl.lit(as_of, pl.Date))
    version = pl.col("over_time").struct.field
    # relaxed: a column a list leaves blank throughout comes without a type
    both = pl.concat([once, changes.with_columns(household_type=version("household_type"), chronic=version("chronic"),
                                                 valid_from=version("valid_from")).drop("over_time")],
                     how="vertical_relaxed")
    return both.with_columns(pl.col("valid_from").fill_null(as_of))


def _repeat_message(file_name: str, earlier) -> str:
    if not earlier:
        return f"{file_name} is already loaded"
    return (f"{file_name} is already loaded (upload {earlier['upload_id']}, "
            f"{earlier['uploaded_at']:%Y-%m-%d %H:%M}); nothing was changed")


class RollbackRefused(Exception):
    pass


def rollback(conn: duckdb.DuckDBPyConnection, upload_id: int, who: str | None = None) -> str:
    """Remove exactly the facts an upload added.

    Facts are stored once, by the first upload that brought them, so an upload can be rolled back
    only while no later upload of its program is loaded: otherwise facts the later one repeated
    would go with it.
    """
    upload = queries.one(conn, "upload_get", upload_id=upload_id)
    if upload is None:
        raise RollbackRefused(f"there is no upload {upload_id}")
    program, status, file_name = upload["program"], upload["status"], upload["file_name"]
    if status != LOADED:
        raise RollbackRefused(f"upload {upload_id} ({file_name}) is already {status}")
    later = [r["upload_id"] for r in queries.rows(conn, "later_uploads", program=program, upload_id=upload_id)]
    if later:
        raise RollbackRefused(
            f"upload {upload_id} has later uploads loaded ({', '.join(map(str, later))}); roll those back first"
        )
    with store.writing(conn):
        _rollback(conn, upload_id, program, who)
    return f"upload {upload_id} ({file_name}) rolled back: its facts are removed"


def _rollback(conn, upload_id: int, program: str, who: str | None) -> None:
    conn.execute("BEGIN TRANSACTION")
    try:
        queries.run(conn, "rollback_upload", upload_id=upload_id, now=dt.datetime.now(), who=who or who_default())
        person_links.regroup(conn, program)
        record_states.refresh(conn, program)
        audit.record(conn, who or who_default(), audit.ROLLBACK, f"upload {upload_id}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def load_reference(conn, data: bytes, file_name: str, who: str | None = None) -> IngestResult:
    """Check a reference population table and, if it has no errors, put it in place of the last one."""
    who = who or who_default()
    rows, report = read_guarded(read_reference, data, file_name, limits=limits_of(conn))
    if rows is None:
        return IngestResult(REJECTED, f"{file_name} was not loaded: {len(report.errors)} error(s) to fix", report)
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            with queries.registered(conn, reference_rows=rows):
                queries.run(conn, "reference_replace", file_name=Path(file_name).name, who=who,
                            now=dt.datetime.now())
            audit.record(conn, who, audit.REFERENCE, Path(file_name).name, f"{rows.height:,} rows")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return IngestResult(LOADED, f"{file_name} is the reference population now: {rows.height:,} rows", report)
