"""Reading the CSV files of an HMIS export into typed tables, as forgivingly as HUD's spec allows.

Header case is ignored, byte-order marks, mixed quoting and trailing commas are tolerated, files and
columns outside the spec are kept aside with a warning, rows with a DateDeleted are dropped, every ID
stays text and 8/9/99 stay codes distinct from a blank. Dates are ISO or one of the common vendor
variants (02-07-2023, 2/7/2023, 7-Feb-2023), with or without a time.

Findings follow HUD's upload checker's three groups: "blocking" (nothing is loaded; severity ERROR),
"error" and "warning" (the rows at fault are set aside or read as not collected, the rest loads;
severity WARNING). The group leads the rule's name and the CSV file leads the column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.columns import FINDINGS_PER_RULE, column_name
from pipelines.extract_files import read_table
from pipelines.hmis import spec
from pipelines.report import ERROR, WARNING, ValidationReport
from pipelines.upload_limits import FileRefused

BLOCKING, ERROR_GROUP, WARNING_GROUP = "blocking", "error", "warning"
READ_FILES = tuple(spec.FILES)

_DATE_PART = r"^(\d{1,4}[-/][0-9A-Za-z]{1,3}[-/]\d{2,4})"
_DATE_FORMATS = (
    (r"^\d{4}-\d{1,2}-\d{1,2}$", "%Y-%m-%d"),
    (r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%m-%d-%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{4}$", "%d-%b-%Y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{2}$", "%d-%b-%y"),
)


@dataclass
class HmisExport:
    version: int
    export_id: str
    export_date: dt.date | None
    as_of: dt.date  # the day the statuses describe: the export's end, never after it was made or today
    tables: dict[str, pl.DataFrame]
    files: dict[str, str] = field(default_factory=dict)  # spec name -> the member's name in the zip


def add(report: ValidationReport, group: str, rule: str, message: str, file: str | None = None,
        row: int | None = None, column: str | None = None, value=None) -> None:
    """A finding in HUD's three groups; the CSV file leads the column so the data lead knows where to look."""
    where = f"{file}.csv: {column}" if file and column else (f"{file}.csv" if file else column)
    severity = ERROR if group == BLOCKING else WARNING
    report.add(severity, f"{group}_{rule}", message, row=row, column=where,
               value=None if value is None else str(value))


def add_rows(report: ValidationReport, rows: pl.DataFrame, group: str, rule: str, message, file: str,
             column: str | None, value_col: str | None = None) -> None:
    """One finding per row of `rows` (which carries `row`), up to FINDINGS_PER_RULE."""
    for r in rows.head(FINDINGS_PER_RULE).iter_rows(named=True):
        add(report, group, rule, message(r) if callable(message) else message, file, r["row"], column,
            r.get(value_col) if value_col else None)
    if rows.height > FINDINGS_PER_RULE:
        add(report, group, rule, f"{rows.height - FINDINGS_PER_RULE:,} more rows break this rule", file,
            column=column)


def read_export(files: dict[str, bytes | None], report: ValidationReport, today: dt.date) -> HmisExport | None:
    """The export's tables, typed, or None once `report` holds a blocking finding."""
    named = _spec_names(files, report)
    for name in spec.REQUIRED_FILES:
        if name not in named:
            add(report, BLOCKING, "missing_file", f"{name}.csv is missing: every HMIS export must have it", name)
    if not report.ok:
        return None
    raw, digests = {}, {}
    for name, member in named.items():
        cells = _cells(name, files[member], report, digests)
        if cells is not None:
            raw[name] = cells
    # The export's content is its files' rows: the same export zipped again, or with its rows in another
    # order, is a repeat.
    report.content = hashlib.sha256("".join(f"{n}:{d};" for n, d in sorted(digests.items())).encode()).hexdigest()
    if not report.ok:
        return None
    export_frame = _named_columns("Export", *raw.pop("Export"), spec.FY2026, report)
    export = None if export_frame is None else _export_row(export_frame, report, today)
    if export is None:
        return None
    export_id, export_date, as_of, cutoff, csv_version = export
    version = _version(csv_version, raw["Client"][0], report)
    if version is None:
        return None
    tables = {"Export": export_frame}
    for name in (n for n in READ_FILES if n != "Export"):
        if name not in raw:
            if name not in named:
                add(report, WARNING_GROUP, "missing_file",
                    f"{name}.csv is missing: read as if it had no rows", name)
            tables[name] = _empty(name, version)
            continue
        frame = _named_columns(name, *raw[name], version, report)
        if frame is not None:
            tables[name] = _typed(name, _live_rows(name, frame, report), cutoff, report)
    if not report.ok:
        return None
    return HmisExport(version, export_id, export_date, as_of, tables, dict(named))


def _spec_names(files: dict[str, bytes], report: ValidationReport) -> dict[str, str]:
    """Spec file name -> member name, matching case-insensitively; other members are kept aside."""
    known = {f.lower(): f for f in spec.SPEC_FILES}
    named, aside = {}, []
    for member in files:
        stem, dot, ext = member.rpartition(".")
        name = known.get(stem.lower()) if dot and ext.lower() == "csv" else None
        if name is None:
            aside.append(member)
        else:
            named[name] = member
    if aside:
        add(report, WARNING_GROUP, "files_outside_spec",
            f"not part of the HMIS CSV spec, kept aside unread: {', '.join(sorted(aside))}")
    return named


def _cells(name: str, data: bytes, report: ValidationReport, digests: dict[str, str]):
    """(headers, cells) of one CSV, or None when it is not read (a spec file bynames does not use)."""
    if name not in spec.FILES or data is None:
        return None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        group = BLOCKING if name in spec.REQUIRED_FILES else WARNING_GROUP
        add(report, group, "empty_file", f"{name}.csv is empty, without even its header row"
            + ("" if group == BLOCKING else "; read as if it had no rows"), name)
        return None
    try:
        table = read_table(data, f"{name}.csv")
    except FileRefused as exc:
        add(report, BLOCKING, exc.rule, f"{name}.csv: {exc}", name)
        return None
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with the CSV, it becomes a finding
        add(report, BLOCKING, "unreadable_file", f"the file could not be read as CSV: {exc}", name)
        return None
    headers = [h.removeprefix("\ufeff").strip() for h in table.headers]
    for problem in table.problems:
        add(report, BLOCKING if problem.severity == ERROR else WARNING_GROUP, problem.rule, problem.message, name,
            problem.row, column_name(headers, problem.column), problem.value)
    digests[name] = table.digest
    return headers, table.cells


def _export_row(frame: pl.DataFrame, report: ValidationReport, today: dt.date):
    """(export id, export date, as of, latest acceptable date, CSV version) from Export.csv."""
    frame = frame.filter(pl.col("ExportID").is_not_null())
    if frame.height == 0:
        add(report, BLOCKING, "empty_export", "Export.csv has no row describing the export", "Export")
        return None
    frame = frame.with_columns(**{c: parse_date(pl.col(c)) for c in ("ExportDate", "ExportEndDate")})
    if frame.height > 1:
        add(report, WARNING_GROUP, "several_export_rows",
            f"Export.csv has {frame.height} rows; the latest by ExportDate describes this export", "Export")
    latest = frame.sort("ExportDate", "row", nulls_last=False).row(-1, named=True)
    export_date, end = latest["ExportDate"], latest["ExportEndDate"] or latest["ExportDate"]
    if end is None:
        add(report, BLOCKING, "no_export_dates", "Export.csv has neither a readable ExportDate nor ExportEndDate",
            "Export", latest["row"], "ExportEndDate", latest.get("ExportEndDate"))
        return None
    if export_date is not None and export_date > today:
        add(report, BLOCKING, "date_in_future", f"the export is dated after today ({today:%Y-%m-%d}): the export's "
            "date decides which facts it holds, so nothing can be read from it",
            "Export", latest["row"], "ExportDate", export_date)
    cutoff = min(d for d in (export_date, today) if d is not None)
    return latest["ExportID"], export_date, min(end, cutoff), cutoff, latest.get("CSVVersion")


def _version(csv_version: str | None, client_headers: list[str], report: ValidationReport) -> int | None:
    headers = {h.lower() for h in client_headers}
    by_headers = next((v for v, marks in spec.VERSION_MARKERS.items() if any(m.lower() in headers for m in marks)),
                      None)
    year = re.search(r"20\d\d", csv_version or "")
    if year:
        version = int(year.group())
        if version not in spec.VERSIONS:
            add(report, BLOCKING, "unsupported_version",
                f"CSVVersion {csv_version!r} is not FY2024 or FY2026, the versions bynames reads", "Export",
                column="CSVVersion", value=csv_version)
            return None
        if by_headers and by_headers != version:
            add(report, WARNING_GROUP, "version_mismatch",
                f"CSVVersion says FY{version} but Client.csv's columns are FY{by_headers}'s; read as FY{version}",
                "Export", column="CSVVersion", value=csv_version)
        return version
    if by_headers is None:
        add(report, WARNING_GROUP, "unknown_version",
            "CSVVersion is blank and Client.csv has neither Sex nor the gender columns; read as FY2026",
            "Export", column="CSVVersion")
        return spec.FY2026
    add(report, WARNING_GROUP, "version_from_headers",
        f"CSVVersion is blank; Client.csv's columns are FY{by_headers}'s, so the export is read as FY{by_headers}",
        "Export", column="CSVVersion")
    return by_headers


def _named_columns(name: str, headers: list[str], cells: pl.DataFrame, version: int, report: ValidationReport):
    """The file's cells under the spec's column names (missing optional ones empty), stripped, blank as
    null, with the spreadsheet row number; None when a column it cannot do without is missing."""
    columns = spec.columns_of(name, version)
    lookup = {c.lower(): c for c in columns} | {
        k: v for k, v in spec.COLUMN_ALIASES.items() if v in columns}
    chosen, aside = {}, []
    for i, header in enumerate(headers):
        column = lookup.get(header.lower())
        if column is None or column in chosen:
            if header or cells[f"c{i}"].drop_nulls().str.strip_chars().ne("").any():
                aside.append(header or f"column {i + 1}")
            continue
        chosen[column] = f"c{i}"
    missing = [c for c in spec.FILES[name].required if c not in chosen]
    for column in missing:
        add(report, BLOCKING, "missing_column", f"the column {column} is missing from {name}.csv", name,
            column=column)
    if missing:
        return None
    if aside:
        add(report, WARNING_GROUP, "columns_outside_spec",
            f"not in the FY{version} spec for {name}.csv (or repeated), kept aside unread: {', '.join(aside)}", name)
    text = [pl.col(chosen[c]).str.strip_chars() if c in chosen else pl.lit(None, pl.String) for c in columns]
    return cells.select(
        pl.int_range(2, cells.height + 2, dtype=pl.Int64).alias("row"),
        *[pl.when(t != "").then(t).alias(c) for t, c in zip(text, columns)],
    )


def _live_rows(name: str, frame: pl.DataFrame, report: ValidationReport) -> pl.DataFrame:
    deleted = frame.filter(pl.col("DateDeleted").is_not_null()) if "DateDeleted" in frame.columns else frame.head(0)
    if deleted.height:
        add(report, WARNING_GROUP, "deleted_rows",
            f"{deleted.height:,} rows have a DateDeleted and are left out (the first is row {deleted['row'][0]})",
            name, column="DateDeleted")
        return frame.filter(pl.col("DateDeleted").is_null())
    return frame


def _empty(name: str, version: int) -> pl.DataFrame:
    dates, codes = spec.FILES[name].dates, spec.FILES[name].codes
    schema = {"row": pl.Int64} | {c: pl.String for c in spec.columns_of(name, version)}
    schema |= {c: pl.Date for c in dates} | {c: pl.Int32 for c in codes if c in schema}
    return pl.DataFrame(schema=schema)


def parse_date(text: pl.Expr) -> pl.Expr:
    """ISO dates and the vendor variants, with any time of day dropped; null when unreadable."""
    part = text.str.extract(_DATE_PART)
    parsed = [pl.when(part.str.contains(p)).then(part.str.strptime(pl.Date, f, strict=False))
              for p, f in _DATE_FORMATS]
    return pl.coalesce(parsed)


def _typed(name: str, frame: pl.DataFrame, cutoff: dt.date, report: ValidationReport) -> pl.DataFrame:
    """Dates as Date and codes as Int32; unreadable or future dates and unknown codes reported and blanked
    (living situations outside the list keep their code: its hundreds digit still says its category)."""
    dates, codes = spec.FILES[name].dates, spec.FILES[name].codes
    typed = frame.with_columns(
        **{f"{c}__d": parse_date(pl.col(c)) for c in dates},
        **{f"{c}__n": pl.col(c).cast(pl.Int32, strict=False) for c in codes if c in frame.columns},
    )
    for c in dates:
        bad = typed.filter(pl.col(c).is_not_null() & pl.col(f"{c}__d").is_null())
        add_rows(report, bad, ERROR_GROUP, "unreadable_date",
                 "not a date (write 2023-02-07, 02-07-2023 or 7-Feb-2023); read as blank", name, c, c)
        future = typed.filter(pl.col(f"{c}__d") > cutoff)
        add_rows(report, future, ERROR_GROUP, "date_in_future",
                 f"the date is after the export was made ({cutoff:%Y-%m-%d}); read as blank", name, c, c)
    keeps_code = {"LivingSituation", "Destination", "CurrentLivingSituation"}
    for c, allowed in codes.items():
        if c not in frame.columns:
            continue
        number = pl.col(f"{c}__n")
        outside = typed.filter(pl.col(c).is_not_null() & (number.is_null() | ~number.is_in(sorted(allowed))))
        how = ("read by its first digit as a category" if c in keeps_code else "read as not collected")
        add_rows(report, outside, ERROR_GROUP, "code_outside_list",
                 f"not a code of the spec's list for {c}; {how}", name, c, c)
    return typed.with_columns(
        **{c: pl.when(pl.col(f"{c}__d") <= cutoff).then(pl.col(f"{c}__d")) for c in dates},
        **{c: (pl.col(f"{c}__n") if c in keeps_code else
               pl.when(pl.col(f"{c}__n").is_in(sorted(allowed))).then(pl.col(f"{c}__n")))
           for c, allowed in codes.items() if c in frame.columns},
    ).drop([f"{c}__d" for c in dates] + [f"{c}__n" for c in codes if c in frame.columns])
