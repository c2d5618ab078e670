"""Built for Zero by-name lists: read, normalise and validate, touching no database.

`read_bfz_list` turns an uploaded file into one row per record with typed dates and normalised
population fields, and a validation report. It never raises on bad data: every problem becomes a
finding naming the row, column, value and rule.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.columns import (
    FINDINGS_PER_RULE,
    add_findings,
    by_value,
    ordinals,
    read_extract,
    sort_findings,
    text_frame,
)
from pipelines.dates import parse_dates
from pipelines.programs import FAMILY, SINGLE_ADULT, YOUTH
from pipelines.report import ERROR, WARNING, ValidationReport

# Canonical field -> header spellings (compared after header_key). The first four are the dates
# that decide a record's status; the next four complete Built for Zero's required columns.
REQUIRED = {
    "client_id": ("Client ID", "ID Number"),
    "identified": ("Date of Identification", "Identification Date"),
    "moved_in": ("Housing Move-In Date", "Move-In Date", "Date of Housing Move-In"),
    "inactive": ("Inactive Date",),
    "returned": ("Returned to Active Date", "Return to Active Date"),
    "household_type": ("Household Type",),
    "chronic_status": ("Chronic Status",),
    "veteran_status": ("Veteran Status",),
}
OPTIONAL = {
    "bnl_status": ("BNL Status",),
    "homeless_start": ("Homeless Start Date",),
    "race": ("Race",),
    "ethnicity": ("Ethnicity",),
    "gender": ("Gender",),
    "age": ("Age",),
    "assessment_score": ("Assessment Score", "VI-SPDAT Score", "VISPDAT Score", "Acuity Score"),
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "full_name": ("Name", "Client Name", "Full Name"),
    "contact_worker": ("Contact", "Contact Worker", "Case Manager", "Assigned Staff"),
    # identity, for linking people across sources; the SSN is never stored (pipelines/identities.py)
    "birth_date": ("Date of Birth", "DOB", "Birth Date"),
    "ssn": ("SSN", "Social Security Number"),
}
STATUS_DATES = ("identified", "returned", "moved_in", "inactive")
EARLIEST = dt.date(1971, 1, 1)
OLDEST_AGE = 120

VETERAN_VALUES = ("yes", "yesvalidated", "yesconfirmed")
CHRONIC_VALUES = ("yes", "chronicallyhomeless", "chronic")
HOUSEHOLD_VALUES = {
    "singleadult": SINGLE_ADULT,
    "singleadults": SINGLE_ADULT,
    "youth": YOUTH,
    "family": FAMILY,
    "families": FAMILY,
}

RECORD_COLUMNS = [
    "row", "client_id", "ordinal", *STATUS_DATES, "household_type", "veteran", "chronic",
    "race", "ethnicity", "gender", "age", "assessment_score", "contact_worker", "first_name",
    "last_name", "bnl_status", "extra", "birth_date", "ssn",
    # coordinated entry, which an HMIS export carries (pipelines/hmis/coordinated_entry.py)
    "prioritized", "assessed_on", "referral",
]


def value_key(expr: pl.Expr) -> pl.Expr:
    """Built for Zero compares loose spellings after dropping everything but letters and digits."""
    return expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")


def _normalised(frame: pl.DataFrame, column: str, normalise) -> pl.Expr:
    """Map a column through `normalise` once per distinct spelling, not once per row."""
    spellings = frame.select(pl.col(column).unique()).to_series()
    keys = spellings.to_frame().select(value_key(pl.col(column))).to_series()
    mapping = {s: normalise(s, k) for s, k in zip(spellings, keys) if s is not None}
    return pl.col(column).replace_strict(mapping, default=normalise(None, None))


def read_bfz_list(data: bytes, file_name: str, today: dt.date | None = None):
    """Read a Built for Zero list. Returns (records frame or None, ValidationReport)."""
    today = today or dt.date.today()
    report = ValidationReport(file_name)
    extract = read_extract(data, file_name, report, REQUIRED, OPTIONAL)
    if extract is None:
        return None, report
    text = text_frame(extract, REQUIRED | OPTIONAL)
    headers, header_of = extract.headers, extract.header_of
    parsed = parse_dates(text, [*STATUS_DATES, "homeless_start", "birth_date"]).with_columns(
        REPEATED, by_value(text, "age", AGE_READ), SCORE_READ,
    )
    _check_rows(parsed, header_of, report, today)
    _warn_duplicates(parsed, report)
    _warn_household_types(parsed, header_of, report)
    _warn_unreadable_numbers(parsed, header_of, report)
    sort_findings(report, headers)
    if not report.ok:
        return None, report
    return _records(parsed), report


def _check_rows(parsed: pl.DataFrame, header_of: dict, report: ValidationReport, today: dt.date) -> None:
    add_findings(report, parsed.filter(pl.col("client_id").is_null()), ERROR, "blank_client_id",
                 header_of["client_id"], "every row needs a Client ID")
    add_findings(report, parsed.filter(pl.col("identified").is_null()), ERROR,
                 "missing_identification_date", header_of["identified"],
                 "every row needs a date of identification")
    for field in (*STATUS_DATES, "homeless_start", "birth_date"):
        if field not in header_of:
            continue
        column = header_of[field]
        raw, date = pl.col(field), pl.col(f"{field}_date")
        add_findings(report, parsed.filter(raw.is_not_null() & date.is_null()), ERROR, "unparseable_date",
                     column, "not a date; write it as 1/2/2018, 2018-01-02, January 2, 2018 or January 2018", field)
        add_findings(report, parsed.filter(date > today), ERROR, "date_in_future", column,
                     f"the date is after today ({today:%Y-%m-%d})", field)
        if field != "birth_date":  # people were born before 1971; the list's own dates were not
            add_findings(report, parsed.filter(date < EARLIEST), ERROR, "date_before_1971", column,
                         "the date is before 1971", field)
        else:
            oldest = today.replace(year=today.year - OLDEST_AGE, day=min(today.day, 28))
            add_findings(report, parsed.filter(date < oldest), ERROR, "born_too_long_ago", column,
                         f"the date is before {oldest:%Y-%m-%d}: nobody on the list is over {OLDEST_AGE}", field)
    for field in ("moved_in", "inactive"):
        add_findings(
            report, parsed.filter(pl.col(f"{field}_date") < pl.col("identified_date")), WARNING,
            "exit_before_identification", header_of[field],
            lambda r: f"the date is before the date of identification ({r['identified']}); "
                      "the row is loaded and the record counts as active again from its identification",
            field,
        )


def _warn_duplicates(parsed: pl.DataFrame, report: ValidationReport) -> None:
    repeated = (
        parsed.filter(pl.col("repeated"))
        .group_by("client_id", maintain_order=True)
        .agg(pl.col("row"))
        .filter(pl.col("row").list.len() > 1)
    )
    for client_id, rows in repeated.head(FINDINGS_PER_RULE).iter_rows():
        report.add(
            WARNING, "repeated_client_id",
            f"Client ID {client_id} is on {len(rows)} rows ({', '.join(map(str, rows))}); each row is kept "
            "as a record of its own and the person is counted once in each figure",
            row=rows[0], column="Client ID", value=client_id,
        )


def _warn_household_types(parsed: pl.DataFrame, header_of: dict, report: ValidationReport) -> None:
    known = _normalised(parsed, "household_type", lambda s, k: k in HOUSEHOLD_VALUES)
    odd = parsed.filter(pl.col("household_type").is_not_null() & ~known)
    add_findings(report, odd, WARNING, "unknown_household_type", header_of["household_type"],
                 "not single adult, youth or family: the record counts in All only", "household_type")
    add_findings(report, parsed.filter(pl.col("household_type").is_null()), WARNING, "blank_household_type",
                 header_of["household_type"], "no household type: the record is in no population")


# The rows whose Client ID may be on another row too: those whose ID's hash is (comparing hashes costs half
# of comparing the IDs). Two IDs with one hash would be flagged wrongly, which is harmless: the rows are
# then grouped by the IDs themselves, to number them (`ordinals`) and to warn of a repeat.
REPEATED = (pl.col("client_id").is_not_null() & pl.col("client_id").hash().is_duplicated()).alias("repeated")
# An age as typed ("45", "45 years"), and a score: read once, for the warnings and the rows alike.
AGE = pl.col("age").str.strip_chars().str.extract(r"^(\d{1,3})(?:\s*(?:years?|yrs?|y))?$").cast(pl.Int32, strict=False)
SCORE = pl.col("assessment_score").cast(pl.Float64, strict=False)
AGE_READ = pl.when(AGE.is_between(0, OLDEST_AGE)).then(AGE).alias("age_read")
SCORE_READ = pl.when(SCORE.is_finite()).then(SCORE).alias("score_read")


def _warn_unreadable_numbers(parsed: pl.DataFrame, header_of: dict, report: ValidationReport) -> None:
    """An age or score that is not a number is left blank; the data lead is told which, so a "very high"
    typed for a score does not quietly drop the person down the triage order."""
    for field, readable, words in (
        ("age", pl.col("age_read").is_not_null(), f"an age in years from 0 to {OLDEST_AGE}"),
        ("assessment_score", pl.col("score_read").is_not_null(), "a number"),
    ):
        if field not in header_of:
            continue
        unreadable = parsed.filter(pl.col(field).is_not_null() & ~readable)
        add_findings(report, unreadable, WARNING, f"unreadable_{field}", header_of[field],
                     f"not {words}: the row is loaded with it blank", field)


def _records(parsed: pl.DataFrame) -> pl.DataFrame:
    full_name = pl.col("full_name").str.split_exact(" ", 1)
    return (
        parsed.with_columns(
            ordinals(parsed, "identified_date", "repeated"),
            _normalised(parsed, "household_type", lambda s, k: HOUSEHOLD_VALUES.get(k, s)).alias("household_type"),
            _normalised(parsed, "veteran_status", lambda s, k: k in VETERAN_VALUES).alias("veteran"),
            _normalised(parsed, "chronic_status", lambda s, k: k in CHRONIC_VALUES).alias("chronic"),
            pl.col("age_read").alias("age"),
            pl.col("score_read").alias("assessment_score"),
            pl.coalesce(pl.col("first_name"), full_name.struct.field("field_0")).alias("first_name"),
            pl.coalesce(pl.col("last_name"), full_name.struct.field("field_1")).alias("last_name"),
            *[pl.col(f"{f}_date").alias(f) for f in (*STATUS_DATES, "birth_date")],
            pl.lit(None, pl.Boolean).alias("prioritized"), pl.lit(None, pl.Date).alias("assessed_on"),
            pl.lit(None, pl.String).alias("referral"),
        )
        .select(RECORD_COLUMNS)
    )
