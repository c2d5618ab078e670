"""Opening an uploaded HMIS export zip without trusting it.

An upload can be anything: not a zip, a zip bomb that inflates to fill the disk, or a zip whose member
names climb out of the archive. Members are only ever read into memory, never written, but the names
are still checked: a zip that carries such names was not made by an HMIS and is refused whole.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import PurePosixPath

MAX_MEMBERS = 200  # the spec has 24 files; vendors add a few of their own
MAX_TOTAL_BYTES = 1 << 30  # a large CoC's ten-year export is a few hundred MB of CSV
MAX_RATIO = 100  # CSV compresses 5-25 times; bombs compress thousands of times
RATIO_FLOOR_BYTES = 1 << 20  # tiny members can compress well without harm
_JUNK = ("__MACOSX/",)
_JUNK_NAMES = (".DS_Store", "Thumbs.db")


class RefusedZip(Exception):
    """The upload is not a zip this reader will open; the message says why, for the data lead."""


def members(data: bytes, wanted: Callable[[str], bool] = lambda name: True) -> dict[str, bytes | None]:
    """Each member's base name -> its bytes (None for those not `wanted`, which are never inflated), after
    every guard has passed."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RefusedZip("the file is not a zip archive; an HMIS CSV export is a .zip of CSV files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
        raise RefusedZip(f"the zip archive is damaged and cannot be opened ({exc})") from exc
    if len(infos) > MAX_MEMBERS:
        raise RefusedZip(f"the zip holds {len(infos):,} files; an HMIS export has about 24 (at most "
                         f"{MAX_MEMBERS} are accepted)")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise RefusedZip(f"the zip would unpack to {total:,} bytes, over the limit of {MAX_TOTAL_BYTES:,}")
    out: dict[str, bytes] = {}
    for info in infos:
        name = _safe_name(info.filename)
        if name is None:
            continue
        _check_member(info)
        if name.lower() in {k.lower() for k in out}:
            raise RefusedZip(f"the zip holds two files named {name}; which one is the export cannot be told")
        if not wanted(name):
            out[name] = None
            continue
        try:
            with archive.open(info) as member:
                # zipfile stops at the declared size and checks the CRC, so a member that lies about its
                # size fails here instead of inflating past the cap on the declared sizes.
                content = member.read()
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise RefusedZip(f"{info.filename} cannot be unpacked ({exc})") from exc
        out[name] = content
    return out


def _safe_name(raw: str) -> str | None:
    """The member's base name, None for operating-system clutter; refused when it leaves the archive."""
    if "\\" in raw or raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise RefusedZip(f"the zip holds a file with an absolute or Windows path ({raw!r}); refused as unsafe")
    path = PurePosixPath(raw)
    if ".." in path.parts:
        raise RefusedZip(f"the zip holds a file whose path leads outside the archive ({raw!r}); refused as unsafe")
    if raw.startswith(_JUNK) or path.name in _JUNK_NAMES or path.name.startswith("._"):
        return None
    return path.name


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise RefusedZip(f"{info.filename} is encrypted; export the data without a password")
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise RefusedZip(
            f"{info.filename} would inflate {info.file_size // max(info.compress_size, 1):,} times "
            f"({info.compress_size:,} to {info.file_size:,} bytes): refused as a possible zip bomb"
        )
