"""Built for Zero by-name lists: read, normalise and validate, touching no database.

`read_bfz_list` turns an uploaded file into one row per record with typed dates and normalised
population fields, and a validation report. It never raises on bad data: every problem becomes a
finding naming the row, column, value and rule.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.dates import parse_dates
from pipelines.extract_files import header_key, read_cells
from pipelines.programs import FAMILY, SINGLE_ADULT, YOUTH
from pipelines.report import ERROR, WARNING, ValidationReport

# Canonical field -> header spellings (compared after header_key). The first four are the dates
# that decide a record's status; the next four complete Built for Zero's required columns.
REQUIRED = {
    "client_id": ("Client ID",),
    "identified": ("Date of Identification", "Identification Date"),
    "moved_in": ("Housing Move-In Date", "Move-In Date"),
    "inactive": ("Inactive Date",),
    "returned": ("Returned to Active Date",),
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
}
STATUS_DATES = ("identified", "returned", "moved_in", "inactive")
EARLIEST = dt.date(1971, 1, 1)
# Findings kept per rule; past this the report says how many more rows share the problem.
FINDINGS_PER_RULE = 2000

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
    "last_name", "bnl_status", "extra",
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


def _match_headers(headers: list[str]) -> tuple[dict[str, list[int]], list[int]]:
    aliases = {
        header_key(alias): field
        for field, names in (REQUIRED | OPTIONAL).items()
        for alias in names
    }
    positions: dict[str, list[int]] = {}
    unknown = []
    for i, header in enumerate(headers):
        field = aliases.get(header_key(header))
        if field is None:
            unknown.append(i)
        else:
            positions.setdefault(field, []).append(i)
    return positions, unknown


def _field(cells: pl.DataFrame, positions: dict[str, list[int]], field: str, padded: set[str]) -> pl.Expr:
    cols = positions.get(field)
    if not cols:
        return pl.lit(None, dtype=pl.String)
    # Stripping copies every cell, so only columns that have padded cells are stripped.
    cells_of = [pl.col(f"c{i}").str.strip_chars() if f"c{i}" in padded else pl.col(f"c{i}") for i in cols]
    blanks_as_null = [pl.when(c != "").then(c) for c in cells_of]
    # A repeated header: the first cell that is filled in wins.
    return pl.coalesce(blanks_as_null) if len(blanks_as_null) > 1 else blanks_as_null[0]


def read_bfz_list(data: bytes, file_name: str, today: dt.date | None = None):
    """Read a Built for Zero list. Returns (records frame or None, ValidationReport)."""
    today = today or dt.date.today()
    report = ValidationReport(file_name)
    try:
        headers, cells = read_cells(data, file_name)
    except Exception as exc:  # noqa: BLE001 - whatever the file is, the data lead gets a finding, not a crash
        report.add(ERROR, "unreadable_file", f"the file could not be read as CSV or Excel: {exc}")
        return None, report
    positions, unknown = _match_headers(headers)
    for field, names in REQUIRED.items():
        if field not in positions:
            report.add(ERROR, "missing_required_column", f"the required column '{names[0]}' is missing",
                       column=names[0])
    if not report.ok:
        return None, report
    if cells.height == 0:
        report.add(ERROR, "no_rows", "the file has a header but no rows")
        return None, report

    header_of = {field: headers[cols[0]] for field, cols in positions.items()}
    used = [f"c{i}" for cols in positions.values() for i in cols]
    edge = pl.col(used)
    edges = cells.select(
        (edge.str.starts_with(" ") | edge.str.ends_with(" ") | edge.str.starts_with("\t")
         | edge.str.ends_with("\t")).any()
    )
    padded = {c for c in used if edges[c][0]}
    text = cells.select(
        pl.int_range(2, cells.height + 2, dtype=pl.Int64).alias("row"),
        *[_field(cells, positions, f, padded).alias(f) for f in REQUIRED | OPTIONAL],
        _extra_columns(headers, unknown),
    )
    parsed = parse_dates(text, [*STATUS_DATES, "homeless_start"]).with_columns(
        (pl.col("client_id").is_not_null() & pl.col("client_id").is_duplicated()).alias("repeated")
    )
    _check_rows(parsed, header_of, report, today)
    _warn_duplicates(parsed, report)
    _warn_household_types(parsed, header_of, report)
    column_order = {h: i for i, h in reversed(list(enumerate(headers)))}
    report.findings.sort(key=lambda f: (f.severity != ERROR, f.row or 0, column_order.get(f.column, -1)))
    if not report.ok:
        return None, report
    return _records(parsed), report


def _extra_columns(headers: list[str], unknown: list[int]) -> pl.Expr:
    """Columns bynames does not use are kept as JSON, so nothing the data lead sent is lost."""
    if not unknown:
        return pl.lit(None, dtype=pl.String).alias("extra")
    seen: dict[str, int] = {}
    fields = []
    for i in unknown:
        name = headers[i] or f"Column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} ({seen[name]})"
        fields.append(pl.col(f"c{i}").alias(label))
    return pl.struct(fields).struct.json_encode().alias("extra")


def _add_findings(report, frame: pl.DataFrame, severity, rule, column, message, value_col=None):
    shown = frame.head(FINDINGS_PER_RULE)
    for row in shown.iter_rows(named=True):
        value = row.get(value_col) if value_col else None
        msg = message(row) if callable(message) else message
        report.add(severity, rule, msg, row=row["row"], column=column, value=value)
    if frame.height > FINDINGS_PER_RULE:
        report.add(severity, rule, f"{frame.height - FINDINGS_PER_RULE} more rows break this rule",
                   column=column)


def _check_rows(parsed: pl.DataFrame, header_of: dict, report: ValidationReport, today: dt.date) -> None:
    _add_findings(report, parsed.filter(pl.col("client_id").is_null()), ERROR, "blank_client_id",
                  header_of["client_id"], "every row needs a Client ID")
    _add_findings(report, parsed.filter(pl.col("identified").is_null()), ERROR,
                  "missing_identification_date", header_of["identified"],
                  "every row needs a date of identification")
    for field in (*STATUS_DATES, "homeless_start"):
        if field not in header_of:
            continue
        column = header_of[field]
        raw, date = pl.col(field), pl.col(f"{field}_date")
        _add_findings(report, parsed.filter(raw.is_not_null() & date.is_null()), ERROR, "unparseable_date",
                      column, "not a date; write it as 1/2/2018, 2018-01-02 or January 2, 2018", field)
        _add_findings(report, parsed.filter(date > today), ERROR, "date_in_future", column,
                      f"the date is after today ({today:%Y-%m-%d})", field)
        _add_findings(report, parsed.filter(date < EARLIEST), ERROR, "date_before_1971", column,
                      "the date is before 1971", field)
    for field in ("moved_in", "inactive"):
        _add_findings(
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
    _add_findings(report, odd, WARNING, "unknown_household_type", header_of["household_type"],
                  "not single adult, youth or family: the record counts in All only", "household_type")
    _add_findings(report, parsed.filter(pl.col("household_type").is_null()), WARNING, "blank_household_type",
                  header_of["household_type"], "no household type: the record is in no population")


def _ordinals(parsed: pl.DataFrame) -> pl.Series:
    """One Client ID on several rows is several records, numbered in identification order; the
    keys stay stable across extracts as long as the rows keep their identification dates."""
    index = parsed.select(pl.arg_where(pl.col("repeated"))).to_series()
    ordinal = pl.repeat(1, parsed.height, dtype=pl.Int64, eager=True)
    if index.len():
        shared = parsed[index].select(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("client_id", order_by=["identified_date", "row"])
        ).to_series()
        ordinal = ordinal.scatter(index, shared)
    return ordinal.cast(pl.Int32).alias("ordinal")


def _records(parsed: pl.DataFrame) -> pl.DataFrame:
    full_name = pl.col("full_name").str.split_exact(" ", 1)
    return (
        parsed.with_columns(
            _ordinals(parsed),
            _normalised(parsed, "household_type", lambda s, k: HOUSEHOLD_VALUES.get(k, s)).alias("household_type"),
            _normalised(parsed, "veteran_status", lambda s, k: k in VETERAN_VALUES).alias("veteran"),
            _normalised(parsed, "chronic_status", lambda s, k: k in CHRONIC_VALUES).alias("chronic"),
            pl.col("age").str.extract(r"^(\d{1,3})").cast(pl.Int32, strict=False).alias("age"),
            pl.col("assessment_score").cast(pl.Float64, strict=False).alias("assessment_score"),
            pl.coalesce(pl.col("first_name"), full_name.struct.field("field_0")).alias("first_name"),
            pl.coalesce(pl.col("last_name"), full_name.struct.field("field_1")).alias("last_name"),
            *[pl.col(f"{f}_date").alias(f) for f in STATUS_DATES],
        )
        .select(RECORD_COLUMNS)
    )
