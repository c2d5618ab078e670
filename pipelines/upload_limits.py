"""How big an upload may be, checked before a byte of it is parsed.

Every limit is a setting of the installation (`bynames setting upload_max_rows 8000000`), so a
Continuum of Care with a larger export raises it instead of working around it. The defaults hold the
largest lists the project is measured on (a 1,000,000-record list is 158 MiB of CSV; an HMIS export of
1,000,000 clients unpacks to 643 MiB) and refuse what no list needs: a workbook that inflates a
thousand times, 100,000 columns, a name of 10 MB.
"""

from __future__ import annotations

import contextlib
import contextvars
import struct
from dataclasses import dataclass, fields

MB = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
_END_OF_ZIP = b"PK\x05\x06"  # the record at the end of every zip, which says how many files it holds
_ZIP64_COUNT = 0xFFFF


class FileRefused(Exception):
    """An upload over a limit (the message names the limit and the setting that raises it), or one that
    cannot be decoded; `rule` is the report's code for it."""

    def __init__(self, message: str, rule: str = "over_a_limit"):
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class Limits:
    file_mb: int = 500
    unpacked_mb: int = 1000
    ratio: int = 100
    files_in_zip: int = 200
    rows: int = 5_000_000
    columns: int = 1_000
    cell_characters: int = 2_000
    memory_mb: int = 6_144
    seconds: int = 900


# The setting that holds each limit, what it means to a data lead, and the range it may be set in.
SETTINGS = {
    "file_mb": ("upload_max_file_mb", "Largest file accepted, in MB (the Uploads page also stops at Streamlit's "
                "server.maxUploadSize).", 1, 10_000),
    "unpacked_mb": ("upload_max_unpacked_mb", "Largest size a zip or workbook may unpack to, in MB.", 1, 50_000),
    "ratio": ("upload_max_ratio", "Most times a file inside a zip or workbook may inflate (a zip bomb inflates "
              "thousands of times).", 2, 10_000),
    "files_in_zip": ("upload_max_files_in_zip", "Most files a zip or workbook may hold.", 1, 10_000),
    "rows": ("upload_max_rows", "Most rows a file may have.", 1, 100_000_000),
    "columns": ("upload_max_columns", "Most columns a file may have.", 1, 100_000),
    "cell_characters": ("upload_max_cell_characters", "Longest value a cell may hold, in characters.", 10,
                        1_000_000),
    "memory_mb": ("upload_memory_mb", "Memory the separate process that reads an upload may use, in MB.", 1024,
                  1_048_576),
    "seconds": ("upload_max_seconds", "Longest time reading and checking an upload may take, in seconds.", 10,
                86_400),
}
DEFAULTS = {SETTINGS[f.name][0]: f.default for f in fields(Limits)}

_active: contextvars.ContextVar[Limits] = contextvars.ContextVar("upload_limits", default=Limits())  # noqa: B039 - frozen


def from_settings(read) -> Limits:
    """The limits as set, `read(key)` giving a setting's value or None where it keeps its default."""
    chosen = {name: read(key) for name, (key, *_) in SETTINGS.items()}
    return Limits(**{name: int(value) for name, value in chosen.items() if value is not None})


def active() -> Limits:
    """The limits of the upload being read (set by `applied`), for the readers deep inside it."""
    return _active.get()


@contextlib.contextmanager
def applied(limits: Limits):
    token = _active.set(limits)
    try:
        yield limits
    finally:
        _active.reset(token)


def _refuse(what: str, limit_name: str) -> FileRefused:
    key = SETTINGS[limit_name][0]
    return FileRefused(f"{what} (an administrator can raise the limit with the setting {key})")


def check_file(data: bytes, limits: Limits) -> None:
    """Refuse a file over the size limits before anything parses it: its size, and for a zip (an HMIS
    export or a workbook) how many files it holds, from the record at its end."""
    check_size(len(data), limits)
    if data[:4] == ZIP_MAGIC:
        count = zip_file_count(data)
        # A zip without its end record is damaged: the reader says so.
        if count is not None and count > limits.files_in_zip:
            held = "65,535 files or more" if count == _ZIP64_COUNT else f"{count:,} files"
            raise _refuse(f"the zip holds {held}, over the limit of {limits.files_in_zip:,}", "files_in_zip")


def check_size(size: int, limits: Limits) -> None:
    if size > limits.file_mb * MB:
        raise _refuse(f"the file is {size / MB:,.0f} MB, over the limit of {limits.file_mb:,} MB", "file_mb")


def zip_file_count(data: bytes) -> int | None:
    """How many files a zip says it holds (None when it has no end record), read without listing them: a
    zip of millions of empty files would cost gigabytes to list. 65,535 stands for "that many or more"."""
    tail = data[-(1 << 16) - 22:]
    at = tail.rfind(_END_OF_ZIP)
    if at < 0 or len(tail) < at + 22:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def check_members(infos, limits: Limits) -> None:
    """Refuse a zip (or workbook) whose files, as its directory declares them, would unpack past the
    limits. Readers stop at the declared size (Python's zipfile checks it with the CRC; a workbook is
    read in the separate process whose memory is capped), so a file that lies about it gains nothing."""
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked_mb * MB:
        raise _refuse(f"the file would unpack to {total / MB:,.0f} MB, over the limit of {limits.unpacked_mb:,} MB",
                      "unpacked_mb")
    for info in infos:
        inflates = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and inflates > limits.ratio:
            raise _refuse(f"{info.filename} would inflate {inflates:,.0f} times ({info.compress_size:,} to "
                          f"{info.file_size:,} bytes), over the limit of {limits.ratio:,}: refused as a possible "
                          "zip bomb", "ratio")


def check_shape(rows: int, columns: int, limits: Limits, what: str = "the file") -> None:
    if columns > limits.columns:
        raise _refuse(f"{what} has {columns:,} columns, over the limit of {limits.columns:,}", "columns")
    if rows > limits.rows:
        raise _refuse(f"{what} has {rows:,} rows, over the limit of {limits.rows:,}", "rows")
