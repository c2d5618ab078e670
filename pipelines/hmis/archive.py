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

from pipelines import upload_limits

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
    limits = upload_limits.active()
    if len(infos) > limits.files_in_zip:
        raise RefusedZip(f"the zip holds {len(infos):,} files; an HMIS export has about 24 (at most "
                         f"{limits.files_in_zip:,} are accepted)")
    try:
        upload_limits.check_members(infos, limits)
    except upload_limits.FileRefused as exc:
        raise RefusedZip(str(exc)) from exc
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
