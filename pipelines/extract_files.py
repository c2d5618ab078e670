"""Reading an uploaded extract (CSV or Excel) into a frame of text cells, headers untouched."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl

ZIP_MAGIC = b"PK\x03\x04"  # zips, so Excel workbooks and HMIS exports alike


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


def _read_csv(data: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(data), has_header=False, infer_schema=False, truncate_ragged_lines=True)


def header_key(header: str) -> str:
    """Headers are matched ignoring case, spaces and punctuation: 'Client ID' == 'client_id'."""
    return re.sub(r"[^0-9a-z]", "", str(header).lower())


def read_cells(data: bytes, file_name: str) -> tuple[list[str], pl.DataFrame]:
    """Return the header row as written and the data rows as text, in columns c0, c1, ...

    Headers may repeat, so columns are addressed by position; every cell stays text so that the
    validation can quote exactly what the data lead typed.
    """
    if detect_format(data, file_name) == "xlsx":
        sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string")
        raw = pl.from_arrow(sheet.to_arrow())
    else:
        text = data.removeprefix(b"\xef\xbb\xbf")
        try:
            raw = _read_csv(text)
        except pl.exceptions.ComputeError:
            # Not UTF-8: Excel's "Save as CSV" writes Windows-1252 on most desktops.
            raw = _read_csv(text.decode("cp1252", errors="replace").encode())
    if raw.height == 0:
        return [], pl.DataFrame()
    headers = ["" if h is None else str(h).strip() for h in raw.row(0)]
    cells = raw.slice(1).rename({old: f"c{i}" for i, old in enumerate(raw.columns)})
    return headers, cells
