"""Reading an upload in a separate process whose memory and time are capped.

A hostile file (a workbook that inflates to gigabytes, a CSV built to blow up a parser) must not take
the dashboard down for everyone, so uploads are parsed and checked in a worker process with an address
space limit: past it the worker dies alone and the data lead reads why. The worker is started once
(Python, Polars and the readers take a few tenths of a second to import; `start` begins that before
the file is at hand) and started again after it dies or its memory limit changes.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import re
import resource
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.upload_limits import MB, FileRefused, Limits, applied

log = logging.getLogger(__name__)
# Threads of the dashboard are running; forking would copy Polars' locked thread pool, so the worker
# starts from a fresh interpreter.
_context = multiprocessing.get_context("spawn")
_lock = threading.Lock()  # one upload is read at a time; the next waits its turn


@dataclass
class _Worker:
    process: multiprocessing.Process
    pipe: object
    limits: Limits | None  # None until it is sent its memory cap, with its first file


_worker: _Worker | None = None


@dataclass(frozen=True)
class _Spilled:
    """A large file or frame handed between the processes as a file in a scratch folder: written and read
    once, where pickling it through the pipe would copy it four times."""
    path: str
    frame: bool


SPILL_BYTES = 1 << 20


def _spill_bytes(value, scratch: str):
    if isinstance(value, bytes) and len(value) > SPILL_BYTES:
        path = Path(scratch, f"in-{id(value)}")
        path.write_bytes(value)
        return _Spilled(str(path), frame=False)
    return value


def _spill_frames(value, scratch: str):
    if isinstance(value, tuple):
        return tuple(_spill_frames(v, scratch) for v in value)
    if isinstance(value, pl.DataFrame) and value.height * value.width > SPILL_BYTES // 64:
        path = Path(scratch, f"out-{id(value)}.arrow")
        value.write_ipc(path, compression="uncompressed")
        return _Spilled(str(path), frame=True)
    return value


def _unspilled(value):
    if isinstance(value, tuple):
        return tuple(_unspilled(v) for v in value)
    if isinstance(value, _Spilled):
        return pl.read_ipc(value.path) if value.frame else Path(value.path).read_bytes()
    return value


def _serve(pipe) -> None:
    import pipelines.readers  # noqa: F401 - the readers (not the store), imported while the asking process is busy
    try:
        memory_mb = pipe.recv()  # the cap comes before the first file; another cap takes another worker
    except EOFError:
        return
    cap = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            job = pipe.recv()
        except EOFError:
            return
        fn, args, kwargs, limits, scratch = job
        try:
            with applied(limits):
                outcome = (True, _spill_frames(fn(*_unspilled(args), **kwargs), scratch))
        except MemoryError:
            pipe.send((False, "memory"))
            return  # a worker that ran out of memory is not trusted with the next file
        except BaseException as exc:  # noqa: BLE001 - the caller raises it again in its own process
            outcome = (False, exc)
        try:
            pipe.send(outcome)
        except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled still gets its words across
            pipe.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}" if not outcome[0] else exc)))


def _start() -> _Worker:
    ours, theirs = _context.Pipe()
    process = _context.Process(target=_serve, args=(theirs,), daemon=True, name="bynames-upload-reader")
    with _no_main_module():
        process.start()
    theirs.close()
    return _Worker(process, ours, None)


@contextlib.contextmanager
def _no_main_module():
    """`spawn` runs the starting program's main module again in the new process (the command line with
    all it imports, or Streamlit's), which the worker has no use for: while it starts, the main module
    names no file, as under `python -c`. The worker's functions come from modules it imports by name."""
    main = sys.modules["__main__"]
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.update(saved)


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join(5)
    worker.pipe.close()


def peak_kib() -> int:
    """The reading process's peak resident memory, in KiB (0 when none runs): what `make bench` adds to
    its own process's peak."""
    if _worker is None or not _worker.process.is_alive():
        return 0
    try:
        status = Path(f"/proc/{_worker.process.pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0


def stop() -> None:
    """Stop the reading process (the next file starts a new one)."""
    global _worker
    with _lock:
        if _worker is not None:
            _stop(_worker)
            _worker = None


def start() -> None:
    """Start the reading process now, so that its start (a new interpreter importing Polars and the
    readers) runs beside what the asking process does before it has a file to read: opening the store,
    reading the limits. Its memory cap is set with the first file it is given, before a byte of it is read."""
    global _worker
    with _lock:
        if _worker is None or not _worker.process.is_alive():
            _worker = _start()


def _serves(worker: _Worker, limits: Limits) -> bool:
    """Alive, and capped at `limits`' memory (or not capped yet)."""
    return worker.process.is_alive() and (worker.limits is None or worker.limits.memory_mb == limits.memory_mb)


def run(fn, *args, limits: Limits, **kwargs):
    """`fn(*args, **kwargs)` in the worker, under `limits`. Raises FileRefused when the worker ran out
    of memory or time; any other exception of `fn` is raised here as it was there."""
    global _worker
    with _lock:
        if _worker is not None and not _serves(_worker, limits):
            _stop(_worker)
            _worker = None
        if _worker is None:
            _worker = _start()
        if _worker.limits is None:
            _worker.pipe.send(limits.memory_mb)  # its cap, before any of the file
        _worker.limits = limits
        worker = _worker
        with tempfile.TemporaryDirectory(prefix="bynames-upload-") as scratch:
            worker.pipe.send((fn, tuple(_spill_bytes(a, scratch) for a in args), kwargs, limits, scratch))
            ok, value = _answer(worker, limits)
            if ok:
                return _unspilled(value)
        raise value


def _answer(worker: _Worker, limits: Limits):
    global _worker
    try:
        if not worker.pipe.poll(limits.seconds):
            _stop(worker)
            _worker = None
            raise FileRefused(f"reading and checking the file took longer than {limits.seconds:,} seconds, the "
                              "limit (an administrator can raise it with the setting upload_max_seconds)")
        ok, value = worker.pipe.recv()
    except (EOFError, ConnectionError):
        ok, value = False, "memory"
    if not ok and value == "memory":
        _stop(worker)
        _worker = None
        log.warning("an upload's reader ran out of its %s MB", limits.memory_mb)
        raise FileRefused(f"reading the file needed more than {limits.memory_mb:,} MB of memory, the limit (an "
                          "administrator can raise it with the setting upload_memory_mb)")
    return ok, value
