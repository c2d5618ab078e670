"""What the extract readers share: finding each field's columns by header, taking a field's cells as
text, keeping the columns nobody asked for, numbering rows that share an ID and reporting the rows
that break a rule.

Cells are addressed by position (c0, c1, ...), as `read_table` gives them, because headers repeat.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from pipelines.extract_files import header_key, read_table
from pipelines.report import ERROR, ValidationReport
from pipelines.upload_limits import FileRefused

# Findings kept per rule; past this the report says how many more rows share the problem.
FINDINGS_PER_RULE = 2000


class Extract(NamedTuple):
    headers: list[str]
    cells: pl.DataFrame
    positions: dict[str, list[int]]
    unknown: list[int]
    header_of: dict[str, str]


def read_extract(data: bytes, file_name: str, report: ValidationReport, required: dict, optional: dict):
    """The file's cells with its columns matched to `required` and `optional`, or None once `report`
    says why nothing can be read: the file is unreadable or over a limit, a required column is missing
    or there are no rows. Cells the report finds wrong (two columns of one field that disagree, control
    characters) leave the rows to be read on, so the report names every problem at once."""
    try:
        table = read_table(data, file_name)
    except FileRefused as exc:
        report.add(ERROR, exc.rule, str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - whatever the file is, the data lead gets a finding, not a crash
        report.add(ERROR, "unreadable_file", f"the file could not be read as CSV or Excel: {exc}")
        return None
    headers, cells = table.headers, table.cells
    report.content = table.digest
    for problem in table.problems:
        report.add(problem.severity, problem.rule, problem.message, problem.row, column_name(headers, problem.column),
                   problem.value)
    positions, unknown = match_headers(headers, required | optional)
    for field, names in required.items():
        if field not in positions:
            report.add(ERROR, "missing_required_column", f"the required column '{names[0]}' is missing",
                       column=names[0])
    if any(f not in positions for f in required):
        return None
    if cells.height == 0:
        report.add(ERROR, "no_rows", "the file has a header but no rows")
        return None
    # The rows are still read after these, so that one report lists every problem of the file.
    _check_repeated_headers(cells, headers, positions, report)
    header_of = {field: headers[cols[0]] for field, cols in positions.items()}
    return Extract(headers, cells, positions, unknown, header_of)


def column_name(headers: list[str], position: int | None) -> str | None:
    if position is None:
        return None
    return headers[position] if position < len(headers) and headers[position] else f"Column {position + 1}"


def _check_repeated_headers(cells: pl.DataFrame, headers: list[str], positions: dict, report: ValidationReport):
    """Two columns for one field (a 'Client ID' and a 'client_id') may both be filled only where they
    agree: which of two different values is right cannot be told."""
    for cols in positions.values():
        first = cols[0]
        for other in cols[1:]:
            a, b = pl.col(f"c{first}").str.strip_chars(), pl.col(f"c{other}").str.strip_chars()
            differ = cells.select(pl.int_range(2, cells.height + 2).alias("row"), a.alias("a"), b.alias("b")).filter(
                (pl.col("a") != "") & (pl.col("b") != "") & (pl.col("a") != pl.col("b")))
            names = f"'{column_name(headers, first)}' (column {first + 1}) and '{column_name(headers, other)}' " \
                    f"(column {other + 1})"
            add_findings(report, differ.with_columns(value=pl.col("a") + " / " + pl.col("b")), ERROR,
                         "conflicting_columns", column_name(headers, other),
                         f"the columns {names} are the same field and hold different values; keep one of them",
                         "value")


def text_frame(extract: Extract, fields, *also: pl.Expr) -> pl.DataFrame:
    """One row per data row with each of `fields` as text, the unused columns as JSON in `extra`, and
    `also`, which sees the raw cells."""
    cells, positions = extract.cells, extract.positions
    padded = padded_columns(cells, [f"c{i}" for cols in positions.values() for i in cols])
    return cells.select(
        # Numbered as the spreadsheet numbers them, under a header on row 1, so findings point at the row.
        pl.int_range(2, cells.height + 2, dtype=pl.Int64).alias("row"),
        *[field_expr(positions, f, padded).alias(f) for f in fields],
        extra_columns(extract.headers, extract.unknown),
        *also,
    )


def match_headers(headers: list[str], fields: dict[str, tuple[str, ...]]) -> tuple[dict[str, list[int]], list[int]]:
    """(field -> positions of its columns, positions of the columns no field claims), comparing each
    header with the field's spellings after `header_key`."""
    aliases = {header_key(alias): field for field, names in fields.items() for alias in names}
    positions: dict[str, list[int]] = {}
    unknown = []
    for i, header in enumerate(headers):
        field = aliases.get(header_key(header))
        if field is None:
            unknown.append(i)
        else:
            positions.setdefault(field, []).append(i)
    return positions, unknown


def padded_columns(cells: pl.DataFrame, used: list[str]) -> set[str]:
    """The columns among `used` with a cell that starts or ends with a space or tab."""
    if not used:
        return set()
    # First a cheaper test that no padded cell escapes: a cell starting with a space or a tab sorts before
    # "!" (so do an empty cell and one starting with a control character); only the columns it flags are
    # looked at closely.
    edge = pl.col(used)
    maybe = cells.select(((edge < "!") | edge.str.ends_with(" ") | edge.str.ends_with("\t")).any())
    flagged = [c for c in used if maybe[c][0]]
    if not flagged:
        return set()
    edge = pl.col(flagged)
    edges = cells.select(
        (edge.str.starts_with(" ") | edge.str.ends_with(" ") | edge.str.starts_with("\t")
         | edge.str.ends_with("\t")).any()
    )
    return {c for c in flagged if edges[c][0]}


def field_expr(positions: dict[str, list[int]], field: str, padded: set[str]) -> pl.Expr:
    """A field's cells as text, blank as null."""
    cols = positions.get(field)
    if not cols:
        return pl.lit(None, dtype=pl.String)
    # Stripping copies every cell, so only columns that have padded cells are stripped.
    cells_of = [pl.col(f"c{i}").str.strip_chars() if f"c{i}" in padded else pl.col(f"c{i}") for i in cols]
    blanks_as_null = [pl.when(c != "").then(c) for c in cells_of]
    # A repeated header: the first cell that is filled in wins (read_extract refuses cells that disagree).
    return pl.coalesce(blanks_as_null) if len(blanks_as_null) > 1 else blanks_as_null[0]


def extra_columns(headers: list[str], unknown: list[int]) -> pl.Expr:
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


def by_value(frame: pl.DataFrame, column: str, expr: pl.Expr) -> pl.Expr:
    """`expr`, a function of `column` alone that keeps a blank blank, worked out once for each distinct
    value rather than once for each row: an age or a code comes in a few hundred spellings over a million
    rows. A column of mostly distinct values is worked out row by row, as looking them up would cost more."""
    values = frame.get_column(column).unique().drop_nulls()
    if values.len() * 4 > frame.height:
        return expr
    answers = values.to_frame().select(expr).to_series()
    return pl.col(column).replace_strict(values, answers, default=None, return_dtype=answers.dtype).alias(
        answers.name)


def ordinals(parsed: pl.DataFrame, order_by: str, repeated_column: str | None = None) -> pl.Series:
    """One Client ID on several rows is several records, numbered by `order_by` and then by row; the
    keys stay stable across extracts as long as the rows keep those dates."""
    client_id = pl.col("client_id")
    # A reader that has already found the repeated IDs passes that column: hashing a million IDs again
    # costs a tenth of a second.
    repeated = pl.col(repeated_column) if repeated_column else client_id.is_not_null() & client_id.is_duplicated()
    index = parsed.select(pl.arg_where(repeated)).to_series()
    ordinal = pl.repeat(1, parsed.height, dtype=pl.Int64, eager=True)
    if index.len():
        # Most IDs are on one row, so only the repeated ones pay for the window.
        shared = parsed[index].select(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("client_id", order_by=[order_by, "row"])
        ).to_series()
        ordinal = ordinal.scatter(index, shared)
    return ordinal.cast(pl.Int32).alias("ordinal")


def add_findings(report: ValidationReport, frame: pl.DataFrame, severity, rule, column, message, value_col=None):
    """One finding per row of `frame`, up to FINDINGS_PER_RULE; `message` may be a function of the row."""
    shown = frame.head(FINDINGS_PER_RULE)
    for row in shown.iter_rows(named=True):
        value = row.get(value_col) if value_col else None
        msg = message(row) if callable(message) else message
        report.add(severity, rule, msg, row=row["row"], column=column, value=value)
    if frame.height > FINDINGS_PER_RULE:
        report.add(severity, rule, f"{frame.height - FINDINGS_PER_RULE} more rows break this rule",
                   column=column)


def sort_findings(report: ValidationReport, headers: list[str]) -> None:
    """Errors first, then in the order of the file: by row, then by column."""
    column_order = {h: i for i, h in reversed(list(enumerate(headers)))}
    report.findings.sort(key=lambda f: (f.severity != ERROR, f.row or 0, column_order.get(f.column, -1)))
