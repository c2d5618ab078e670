"""A throwaway PostgreSQL for the tests: a cluster in a temporary folder, on a free port, run by a user
that is not root (initdb refuses root), stopped and removed afterwards. BYNAMES_TEST_POSTGRES, when set to
a postgresql:// URL of a server whose user may create databases, is used instead of starting one."""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BIN_CANDIDATES = [Path(p) for p in ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
                                    "/usr/lib/postgresql/15/bin")]
RUN_AS = "postgres"
_names = itertools.count(1)


def _bin() -> Path:
    for candidate in BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(args: list[str], user: str | None) -> list[str]:
    if user is None:
        return args
    return ["runuser", "-u", user, "--", *args]


@contextlib.contextmanager
def cluster(durable: bool = False, settings: dict[str, str] | None = None):
    """Yields the URL of a fresh server's `postgres` database (user postgres, no password, Unix socket).
    `durable` keeps PostgreSQL's normal durability (fsync, synchronous commit, full page writes), for
    benchmarks whose figures must be honest; `settings` are further server settings (-c name=value)."""
    if os.environ.get("BYNAMES_TEST_POSTGRES") and not durable:
        yield os.environ["BYNAMES_TEST_POSTGRES"]
        return
    user = RUN_AS if os.geteuid() == 0 else None
    bindir = _bin()
    root = Path(tempfile.mkdtemp(prefix="bynames-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if user:
        entry = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    try:
        subprocess.run(_as_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--no-sync", "-E", "UTF8", "--locale=C"], user),
                       check=True, capture_output=True)
        options = f"-p {port} -k {sockets} -c listen_addresses= -c max_connections=200"
        if not durable:  # tests need none: no fsync makes CREATE DATABASE and commits much cheaper
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for name, value in (settings or {}).items():
            options += f" -c {name}={value}"
        subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                                 "-w", "start"], user), check=True, capture_output=True)
        yield f"postgresql://postgres@/postgres?host={sockets}&port={port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user),
                           capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin(url: str, sql: str) -> None:
    """One statement on the server, outside any transaction (CREATE/DROP DATABASE), through DuckDB."""
    from pipelines import store_dialect

    conn = store_dialect.connect_postgres(url)
    try:
        conn.execute(f"CALL postgres_execute('{store_dialect.CATALOG}', ?, use_transaction := false)", [sql])
    finally:
        conn.close()


def new_database(server_url: str, template: str | None = None) -> str:
    name = f"t_{os.getpid()}_{next(_names)}_{int(time.time() * 1000) % 100000}"
    admin(server_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return with_database(server_url, name)


def available() -> bool:
    if os.environ.get("BYNAMES_TEST_POSTGRES"):
        return True
    try:
        _bin()
    except RuntimeError:
        return False
    return os.geteuid() != 0 or _user_exists(RUN_AS)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


if __name__ == "__main__":
    # A server for benchmarks, durable, until interrupted: python -m tests.pg_cluster [name=value ...]
    import signal
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped and removed on kill as on Ctrl-C
    extra = dict(arg.split("=", 1) for arg in sys.argv[1:])
    with cluster(durable=True, settings=extra) as url:
        print(url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
