"""Reading an uploaded extract (CSV or Excel) into a frame of text cells, headers untouched, with what
is wrong in the cells themselves (encoding, extra cells, control characters, over-long values)."""

from __future__ import annotations

import array
import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

import fastexcel
import polars as pl

from pipelines import upload_limits
from pipelines.report import ERROR, WARNING

ZIP_MAGIC = upload_limits.ZIP_MAGIC  # zips, so Excel workbooks and HMIS exports alike


def detect_format(data: bytes, file_name: str) -> str:
    """"hmis" for an HMIS CSV export (a zip holding Export.csv), "xlsx" for a workbook, else "csv"."""
    name = file_name.lower()
    if name.endswith(".zip") or (data[:4] == ZIP_MAGIC and _holds_export(data)):
        return "hmis"
    if name.endswith((".xlsx", ".xlsm", ".xls")) or data[:4] == ZIP_MAGIC:
        return "xlsx"
    return "csv"


def _holds_export(data: bytes) -> bool:
    # A workbook is a zip too; an HMIS export is the zip with Export.csv in it (the name list is
    # at the end of the file, so nothing is unpacked to tell).
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(Path(n).name.lower() == "export.csv" for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def header_key(header: str) -> str:
    """Headers are matched ignoring case, spaces and punctuation: 'Client ID' == 'client_id'."""
    return re.sub(r"[^0-9a-z]", "", str(header).lower())


class Problem(NamedTuple):
    """Something wrong in a cell, found while reading: the caller turns it into a finding."""
    severity: str
    rule: str
    message: str
    row: int | None = None
    column: int | None = None  # position of the column
    value: str | None = None


class Table(NamedTuple):
    headers: list[str]
    cells: pl.DataFrame
    problems: list[Problem]
    digest: str  # the rows' content, in any order and with any line endings (repeat detection)


# Characters no list, name or ID holds: control characters (tabs and line breaks within a quoted cell
# are allowed), and the invisible ones that make two different IDs or names look alike or read backwards
# (zero-width space, bidirectional overrides).
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\u200B\u202A-\u202E\u2066-\u2069]"
# Bytes of those characters in UTF-8: a file without any of them holds none.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 13) or b in (0x7F, 0xE2)))
PROBLEMS_PER_RULE = 50
ENCODING = "encoding_problem"


def read_table(data: bytes, file_name: str) -> Table:
    """The header row as written and the data rows as text, in columns c0, c1, ..., with what is wrong
    in its cells. Headers may repeat, so columns are addressed by position; every cell stays text so the
    validation can quote exactly what the data lead typed. Over the upload's limits it raises FileRefused."""
    limits = upload_limits.active()
    problems: list[Problem] = []
    if detect_format(data, file_name) == "xlsx":
        raw, controls = _read_workbook(data, limits), True
    else:
        text, encoding = _as_utf8(data)
        if encoding == "Windows-1252":
            problems.append(Problem(WARNING, "not_utf8", "the file is not UTF-8; it was read as Windows-1252: check "
                                    "that names with accents read right (save it as 'CSV UTF-8' to be sure)"))
        raw = _read_text(text, limits, problems)
        # Scanning the bytes is ten times cheaper than scanning every column: the columns are scanned
        # for control characters only when the bytes may hold one.
        controls = bool(text.translate(None, _NOT_CONTROL))
    if raw.height == 0:
        return Table([], pl.DataFrame(), problems, hashlib.sha256(b"").hexdigest())
    upload_limits.check_shape(raw.height - 1, raw.width, limits)
    headers = ["" if h is None else str(h).strip() for h in raw.row(0)]
    cells = raw.slice(1).rename({old: f"c{i}" for i, old in enumerate(raw.columns)})
    problems += _bad_cells(raw.rename({old: f"c{i}" for i, old in enumerate(raw.columns)}), limits, controls)
    return Table(headers, cells, problems, content_digest(headers, cells))


def _read_workbook(data: bytes, limits: upload_limits.Limits) -> pl.DataFrame:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            upload_limits.check_members(book.infolist(), limits)
    except zipfile.BadZipFile:
        pass  # an old .xls is no zip: the reader says what it makes of it
    # One row past the limit is enough to know the sheet is over it.
    sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string", n_rows=limits.rows + 2)
    return pl.from_arrow(sheet.to_arrow())


def _read_text(text: bytes, limits: upload_limits.Limits, problems: list[Problem]) -> pl.DataFrame:
    header = text[:text.find(b"\n")] if b"\n" in text else text
    if header.count(b",") + 1 > limits.columns:  # before parsing: a header of 100,000 columns costs minutes
        upload_limits.check_shape(0, header.count(b",") + 1, limits)
    try:
        return _read_csv(text, ragged=False)
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            raise
    problems.extend(_extra_cells(text))
    return _read_csv(text, ragged=True)


def _read_csv(text: bytes, ragged: bool) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(text), has_header=False, infer_schema=False, truncate_ragged_lines=ragged)


def _as_utf8(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 and the encoding it was read in: UTF-8, UTF-16 (with its byte order mark, or
    the zero bytes of mostly-English text without one), else Windows-1252, which Excel's "Save as CSV"
    writes on most desktops. A file that is none of these is refused as an encoding problem."""
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data):
        order = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}.get(data[:2]) or (
            "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
        try:
            return data.decode(order).removeprefix("\ufeff").encode(), "UTF-16"
        except UnicodeDecodeError as exc:
            raise upload_limits.FileRefused(f"the file looks like UTF-16 but is not ({exc.reason} at byte "
                                            f"{exc.start:,}); save it as 'CSV UTF-8'", ENCODING) from exc
    try:
        data.decode("utf-8")
        return data, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode(), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise upload_limits.FileRefused(
            f"the file is neither UTF-8 nor Windows-1252 (byte {data[exc.start]:#04x} at position {exc.start:,} "
            "cannot be read); save it as 'CSV UTF-8'", ENCODING) from exc


def _looks_utf16(data: bytes) -> bool:
    start = data[:400]
    return len(start) >= 8 and (start[1::2].count(0) > len(start) // 4 or start[0::2].count(0) > len(start) // 4)


def _extra_cells(text: bytes) -> list[Problem]:
    """Rows with more cells than the header has columns: the extra cells are left out, and said so.
    Only a file with such rows pays for reading it a second time, with Python's csv module."""
    lines = csv.reader(io.StringIO(text.decode()))
    width = len(next(lines))
    found = []
    for number, cells in enumerate(lines, start=2):
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                found.append(Problem(WARNING, "extra_cells", f"the row has {len(cells)} cells and the header "
                                     f"{width} columns; the cells past the last column are left out: "
                                     f"{', '.join(map(repr, extra[:5]))}", number, width, "; ".join(extra)[:200]))
            if len(found) >= PROBLEMS_PER_RULE:
                break
    return found


def _bad_cells(cells: pl.DataFrame, limits: upload_limits.Limits, controls: bool) -> list[Problem]:
    """Cells, the header's among them (row 1), over the length limit or (when `controls` says the file may
    hold any) holding control characters (a NUL byte, an escape): errors, since no one typed them and they
    would reach every page that shows the value."""
    found = cells.select(
        # bytes are never fewer than characters: only a column with that many bytes is counted in characters
        *[pl.col(c).str.len_bytes().max().alias(f"long{c}") for c in cells.columns],
        *([pl.col(c).str.contains(_CONTROL).any().alias(f"ctl{c}") for c in cells.columns] if controls else []),
    ).row(0, named=True)
    problems = []
    for position, column in enumerate(cells.columns):
        for rule, flagged, test in (
            ("value_too_long", (found[f"long{column}"] or 0) > limits.cell_characters,
             pl.col(column).str.len_chars() > limits.cell_characters),
            ("control_character", found.get(f"ctl{column}"), pl.col(column).str.contains(_CONTROL)),
        ):
            if not flagged:
                continue
            rows = cells.select(pl.int_range(1, cells.height + 1).alias("row"), pl.col(column)).filter(test)
            for number, value in rows.head(PROBLEMS_PER_RULE).iter_rows():
                shown = value[:60].encode("unicode_escape").decode() + ("…" if len(value) > 60 else "")
                message = (f"the value has {len(value):,} characters, over the limit of {limits.cell_characters:,}"
                           if rule == "value_too_long" else
                           "the value holds a control character (shown escaped, like \\x00); no one types those: "
                           "the file was damaged or made to harm")
                problems.append(Problem(ERROR, rule, message, number, position, shown))
            if rows.height > PROBLEMS_PER_RULE:
                problems.append(Problem(ERROR, rule, f"{rows.height - PROBLEMS_PER_RULE:,} more rows break this rule",
                                        None, position))
    return problems


def content_digest(headers: list[str], cells: pl.DataFrame) -> str:
    """What the rows say, whatever their order, line endings or quoting: the same list saved again, or
    sorted another way, is recognised as a repeat. SHA-256 over the header and the sorted hashes of the
    rows (Polars' row hash, a tenth of the cost of hashing every row here); that hash may change with
    Polars' version, which the digest therefore names: after an upgrade a copy of a file loaded before it
    is recognised by its bytes only."""
    digest = hashlib.sha256(f"polars {pl.__version__}\x1f{chr(31).join(headers)}\n".encode())
    # the sorted hashes' bytes as NumPy gives them (native order), without importing NumPy for them
    digest.update(array.array("Q", cells.hash_rows(seed=0).sort().to_list()).tobytes())
    return digest.hexdigest()
