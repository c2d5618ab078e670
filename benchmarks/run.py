"""Time and peak memory of loading and of the figures, against the plain floor.

Each measurement runs in a fresh process so that its peak memory is its own. Run with `make bench`;
RECORDS=200000 make bench for a quicker look (HMIS_CLIENTS sets the HMIS export's size, RECORDS by default;
HMIS_CLIENTS=0 leaves it out).

With BYNAMES_DATABASE=postgresql://user@host:port/dbname (a user that may create databases), each step of
the list is also run on PostgreSQL, each load in a fresh database of that server (bench_<pid>_<n>,
dropped afterwards), and the two stores are printed side by side; then a page's data is read again and
again on PostgreSQL while `bynames ingest` loads another list of RECORDS records in another process.
The HMIS export is measured on the embedded file only.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
RECORDS = int(os.environ.get("RECORDS", 1_000_000))
HMIS_CLIENTS = int(os.environ.get("HMIS_CLIENTS", RECORDS))
RUNS = int(os.environ.get("RUNS", 3))
POSTGRES = next((url for url in (os.environ.get("BYNAMES_DATABASE"), os.environ.get("BYNAMES_DB"))
                 if url and url.startswith(("postgresql://", "postgres://"))), None)

FLOOR = """
import duckdb, polars as pl, sys
frame = pl.read_csv(sys.argv[1], infer_schema=False)
conn = duckdb.connect(sys.argv[2])
conn.execute("CREATE TABLE extract AS SELECT * FROM frame")
conn.close()
"""

# The same floor into PostgreSQL: DuckDB inserts the frame into the attached database.
POSTGRES_FLOOR = """
import polars as pl, sys
from pipelines import store_dialect
frame = pl.read_csv(sys.argv[1], infer_schema=False)
conn = store_dialect.connect_postgres(sys.argv[2])
conn.execute("CREATE TABLE extract AS SELECT * FROM frame")
conn.close()
"""

# The same floor for an HMIS CSV export: every CSV file of the zip read by Polars and inserted as a table.
HMIS_FLOOR = """
import duckdb, polars as pl, sys, zipfile
conn = duckdb.connect(sys.argv[2])
with zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        frame = pl.read_csv(archive.read(info), infer_schema=False)
        conn.execute(f'CREATE TABLE "{info.filename.removesuffix(".csv")}" AS SELECT * FROM frame')
conn.close()
"""

INGEST = """
import sys
from pathlib import Path
from pipelines import loading
path = Path(sys.argv[1])
result = loading.ingest_file(sys.argv[2], path.read_bytes(), path.name, who="bench")  # as `bynames ingest`
assert result.status == "loaded", result.message
"""

FIGURES = """
import datetime as dt, json, sys, time
from pipelines import figures, store
from pipelines.periods import series
months = series(dt.date(2022, 1, 1), dt.date(2025, 12, 31), "month")
times = []
# On PostgreSQL, from the server's copy of the data version (taken before the first run), as pages read them.
with store.opened(sys.argv[1], read_only=True) as opened, store.reading(opened) as conn:
    for _ in range(3):
        start = time.perf_counter()
        rows = figures.flow(conn, "homelessness", months)
        times.append(time.perf_counter() - start)
assert len(rows) == 48 * 7
print(json.dumps(times))
"""


# The process's own peak, plus the separate reading process's (pipelines/reading_process.py) where an
# upload was read: both can hold their share at once.
PEAK = ("\nimport resource\nfrom pipelines import reading_process\n"
        "print('peak_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + reading_process.peak_kib())\n")


PAGES = """
import datetime as dt, json, sys, time
import queries
from pipelines import active_list, agenda, figures, store
from pipelines.disclosure import release
from pipelines.periods import add_months, series
from pipelines.programs import HOMELESSNESS
program = "homelessness"
COPY = "a server's copy of the data version (the first page after an upload; PostgreSQL only)"

def best(step, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)

# The pages read what is worked out from the list through store.reading: on PostgreSQL, the server's copy
# of the data version, taken by the first page after each upload.
start = time.perf_counter()
with store.reading(sys.argv[1]) as conn:
    copied = time.perf_counter() - start
    day = queries.one(conn, "freshness", program=program)["as_of"]
    weeks = series(day - dt.timedelta(weeks=25), day, "week")
    months = series(add_months(day.replace(day=1), -11), day, "month")
    timings = {
        COPY: copied,
        "Flow, 26 weeks": best(lambda: figures.flow(conn, program, weeks)),
        "Flow, 12 months": best(lambda: figures.flow(conn, program, months)),
        "By-name list: active list in triage order, first 1,000 named": best(lambda: active_list.named(
            conn, agenda.ranked_list(conn, program, day)[0].head(1000))),
        "Case conference: agenda for the list's day, 5 named per section": best(
            lambda: (lambda m: agenda.first_named(conn, m, dict.fromkeys(m.sections, 5)))(
                agenda.meeting(conn, program, day, day))),
        "Monthly figures (with reliability and functional zero)": best(
            lambda: figures.monthly_submission(conn, program, day.replace(day=1))),
        "Funders: every month and population, protected (once per data version)": best(
            lambda: release.for_funders(conn, HOMELESSNESS)),
    }
# The chrome and the upload history read the store itself, on every page.
with store.opened(sys.argv[1], read_only=True) as conn:
    # A few milliseconds each: best of 30, or one hiccup of the machine decides the ratio.
    timings["chrome: data version and freshness"] = best(lambda: (queries.one(conn, "data_version"),
                                                                   queries.one(conn, "freshness", program=program)), 30)
    timings["Uploads: history"] = best(lambda: queries.rows(conn, "uploads_list", program=None), 30)
print(json.dumps(timings))
"""

# A page's data (the chrome's data version, then the by-name list) read over and over while another
# process loads a list: how long the slowest read took and how many were answered meanwhile.
WHILE_WRITING = """
import json, statistics, subprocess, sys, time
import queries
from pipelines import active_list, agenda, store
program = "homelessness"
with store.opened(sys.argv[1], read_only=True) as conn:
    day = queries.one(conn, "freshness", program=program)["as_of"]
    writer = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", sys.argv[2], "--db", sys.argv[1],
                               "--who", "bench"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    times = []
    while writer.poll() is None:
        start = time.perf_counter()
        with store.reading(sys.argv[1]) as figured:  # as a page reads it: the server's copy on PostgreSQL
            active_list.named(figured, agenda.ranked_list(figured, program, day)[0].head(1000))
        times.append(time.perf_counter() - start)
    writing = time.perf_counter() - started
    assert writer.returncode == 0, writer.stderr.read()
    uploads = queries.one(conn, "data_version")["uploads"]
print(json.dumps({"ingest_seconds": round(writing, 2), "reads": len(times), "slowest_ms": round(max(times) * 1000),
                  "median_ms": round(statistics.median(times) * 1000), "uploads_after": uploads}))
"""


COPY = "a server's copy of the data version"


def measure(code: str, *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak resident MiB and other stdout of `code` run in a new interpreter."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code + PEAK, *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr)
    *lines, peak = proc.stdout.strip().splitlines()
    return seconds, int(peak.split()[1]) / 1024, "\n".join(lines)


def best_of(runs: int, step) -> tuple[float, float]:
    """The best time of `runs` fresh runs (the least disturbed by whatever else the machine does),
    and the largest peak memory among them."""
    results = [step() for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def fresh(path: Path) -> str:
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    return str(path)


_databases = iter(range(1, 1_000_000))


def _postgres_admin(sql: str) -> None:
    """One statement on the benchmark's server outside any transaction (CREATE/DROP DATABASE)."""
    sys.path.insert(0, str(ROOT))
    from pipelines import store_dialect

    conn = store_dialect.connect_postgres(POSTGRES)
    try:
        conn.execute(f"CALL postgres_execute('{store_dialect.CATALOG}', ?, use_transaction := false)", [sql])
    finally:
        conn.close()


_created: list[str] = []


def fresh_postgres() -> str:
    """A new, empty database on the benchmark's server (the previous one made by this run is dropped)."""
    while _created:
        _postgres_admin(f"DROP DATABASE IF EXISTS {_created.pop()}")
    name = f"bench_{os.getpid()}_{next(_databases)}"
    _postgres_admin(f"CREATE DATABASE {name}")
    _created.append(name)
    return urlunsplit(urlsplit(POSTGRES)._replace(path=f"/{name}"))


def migrated(target: str) -> str:
    """`target` with the store's tables made, outside any measurement: an upload goes into a store that
    exists (making the tables takes about 1.5 s on PostgreSQL, once per database)."""
    subprocess.run([sys.executable, "-m", "pipelines.cli", "migrate", "--db", target], cwd=ROOT, check=True,
                   capture_output=True)
    return target


def generated(records: int, seed: int = 7) -> Path:
    extract = OUT / (f"bnl-{records}.csv" if seed == 7 else f"bnl-{records}-seed{seed}.csv")
    if not extract.exists():
        subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--records", str(records),
                        "--seed", str(seed), "--out", str(extract)], cwd=ROOT, check=True)
    return extract


def list_steps(extract: Path, floor_code: str, fresh_floor, fresh_store) -> tuple[dict, str]:
    """Floor, ingest, the figures and each page's data on one store; returns them and the loaded store."""
    results = {}
    floor_s, floor_mb = best_of(RUNS, lambda: measure(floor_code, str(extract), fresh_floor()))
    results["floor"] = {"seconds": round(floor_s, 2), "peak_mib": round(floor_mb)}
    loaded = []

    def ingest():
        loaded.append(migrated(fresh_store()))
        return measure(INGEST, str(extract), loaded[-1])

    ingest_s, ingest_mb = best_of(RUNS, ingest)
    results["ingest"] = {"seconds": round(ingest_s, 2), "peak_mib": round(ingest_mb),
                         "times_floor": round(ingest_s / floor_s, 2)}
    _, figures_mb, out = measure(FIGURES, loaded[-1])
    times = json.loads(out)
    results["figures_7x48"] = {"first_seconds": round(times[0], 2), "best_seconds": round(min(times), 2),
                               "peak_mib": round(figures_mb)}
    _, pages_mb, out = measure(PAGES, loaded[-1])
    results["pages"] = {name: round(seconds * 1000) for name, seconds in json.loads(out).items()}
    results["pages_peak_mib"] = round(pages_mb)
    return results, loaded[-1]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    extract = generated(RECORDS)
    size = extract.stat().st_size / 2**20
    if POSTGRES:
        compare(extract, size)
        return
    figures_db = OUT / "figures.duckdb"
    results = {}
    floor_s, floor_mb = best_of(RUNS, lambda: measure(FLOOR, str(extract), fresh(OUT / "floor.duckdb")))
    results["floor"] = {"seconds": round(floor_s, 2), "peak_mib": round(floor_mb)}
    ingest_s, ingest_mb = best_of(RUNS, lambda: measure(INGEST, str(extract), migrated(fresh(figures_db))))
    results["ingest"] = {"seconds": round(ingest_s, 2), "peak_mib": round(ingest_mb),
                         "times_floor": round(ingest_s / floor_s, 2)}
    _, figures_mb, out = measure(FIGURES, str(figures_db))
    times = json.loads(out)
    results["figures_7x48"] = {"first_seconds": round(times[0], 2), "best_seconds": round(min(times), 2),
                               "peak_mib": round(figures_mb)}
    _, pages_mb, out = measure(PAGES, str(figures_db))
    pages = json.loads(out)
    results["pages"] = {name: round(seconds * 1000) for name, seconds in pages.items()}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(), "records": RECORDS, "csv_mib": round(size)}
    if HMIS_CLIENTS:
        results["hmis"] = hmis(HMIS_CLIENTS)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"{RECORDS:,} records, {size:,.0f} MiB CSV, {os.cpu_count()} cores; "
          f"loading times are the best of {RUNS} runs")
    print("| step | time | peak memory | target |")
    print("|---|---|---|---|")
    print(f"| floor: Polars reads the CSV, DuckDB inserts it | {floor_s:.2f} s | {floor_mb:,.0f} MiB | |")
    print(f"| `bynames ingest` (read, validate, load) | {ingest_s:.2f} s ({ingest_s / floor_s:.2f}x floor) "
          f"| {ingest_mb:,.0f} MiB | <= 2x floor, <= 2 GB |")
    print(f"| 7 populations x 48 months of figures | {times[0]:.2f} s first, {min(times):.2f} s best of 3 "
          f"| {figures_mb:,.0f} MiB | <= 2 s |")
    print()
    print(f"Each page's data, best of 3 (the chrome and uploads best of 30), uncached (the pages cache it until "
          f"the data changes); peak {pages_mb:,.0f} MiB:")
    print()
    print("| page | time | target |")
    print("|---|---|---|")
    for name, seconds in pages.items():
        print(f"| {name} | {seconds * 1000:,.0f} ms | <= 300 ms |")
    if HMIS_CLIENTS:
        h = results["hmis"]
        print()
        print(f"An HMIS CSV export of {HMIS_CLIENTS:,} clients ({h['enrollments']:,} enrollments, "
              f"{h['zip_mib']:,} MiB zipped, {h['csv_mib']:,} MiB of CSV), best of {RUNS}:")
        print()
        print("| step | time | peak memory |")
        print("|---|---|---|")
        print(f"| floor: Polars reads each CSV file, DuckDB inserts it | {h['floor']['seconds']:.2f} s "
              f"| {h['floor']['peak_mib']:,} MiB |")
        print(f"| `bynames ingest` (open safely, check, derive statuses, household type and chronic status "
              f"over time, load) "
              f"| {h['ingest']['seconds']:.2f} s ({h['ingest']['times_floor']:.2f}x floor) "
              f"| {h['ingest']['peak_mib']:,} MiB |")


def compare(extract: Path, size: float) -> None:
    """The list's steps on the embedded file and on PostgreSQL, side by side, then reads during a load."""
    embedded, _ = list_steps(extract, FLOOR, lambda: fresh(OUT / "floor.duckdb"),
                             lambda: fresh(OUT / "figures.duckdb"))
    try:
        postgres, loaded = list_steps(extract, POSTGRES_FLOOR, fresh_postgres, fresh_postgres)
        _, _, out = measure(WHILE_WRITING, loaded, str(generated(RECORDS, seed=8)))
        postgres["while_writing"] = json.loads(out)
    finally:
        while _created:
            _postgres_admin(f"DROP DATABASE IF EXISTS {_created.pop()}")
    server = _server_settings()
    results = {"embedded": embedded, "postgres": postgres, "postgres_server": server,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform(), "records": RECORDS, "csv_mib": round(size)}}
    if HMIS_CLIENTS:
        results["hmis"] = hmis(HMIS_CLIENTS)
    (OUT / "results-postgres.json").write_text(json.dumps(results, indent=2))
    e, p = embedded, postgres
    print(f"{RECORDS:,} records, {size:,.0f} MiB CSV, {os.cpu_count()} cores; PostgreSQL {server['version']} "
          f"(fsync {server['fsync']}, synchronous_commit {server['synchronous_commit']}); loading times are the "
          f"best of {RUNS} runs, each load into a fresh store whose tables were made first")
    print()
    print("| step | embedded | PostgreSQL | PostgreSQL / embedded | target |")
    print("|---|---|---|---|---|")
    print(f"| floor: Polars reads the CSV, DuckDB inserts it | {e['floor']['seconds']:.2f} s | "
          f"{p['floor']['seconds']:.2f} s | {p['floor']['seconds'] / e['floor']['seconds']:.2f}x | |")
    print(f"| `bynames ingest` (read, validate, load) | {e['ingest']['seconds']:.2f} s "
          f"({e['ingest']['times_floor']:.2f}x floor), {e['ingest']['peak_mib']:,} MiB | "
          f"{p['ingest']['seconds']:.2f} s ({p['ingest']['times_floor']:.2f}x its floor, "
          f"{p['ingest']['seconds'] / e['floor']['seconds']:.2f}x the embedded floor), {p['ingest']['peak_mib']:,} MiB "
          f"| {p['ingest']['seconds'] / e['ingest']['seconds']:.2f}x | <= 3x floor |")
    print(f"| 7 populations x 48 months of figures, best of 3 | {e['figures_7x48']['best_seconds']:.2f} s | "
          f"{p['figures_7x48']['best_seconds']:.2f} s | "
          f"{p['figures_7x48']['best_seconds'] / e['figures_7x48']['best_seconds']:.2f}x | |")
    print()
    print(f"Each page's data, best of 3 (the chrome and uploads best of 30), uncached; peak "
          f"{e['pages_peak_mib']:,} MiB embedded, {p['pages_peak_mib']:,} MiB PostgreSQL:")
    print()
    print("| page | embedded | PostgreSQL | PostgreSQL / embedded | target |")
    print("|---|---|---|---|---|")
    for name, ms in e["pages"].items():
        other = p["pages"][name]
        target = "once per upload and server" if name.startswith(COPY) else "<= 2x"
        print(f"| {name} | {ms:,} ms | {other:,} ms | {other / max(ms, 1):.1f}x | {target} |")
    w = p["while_writing"]
    print()
    print(f"On PostgreSQL, while another process ran `bynames ingest` of {RECORDS:,} more records "
          f"({w['ingest_seconds']:.1f} s): {w['reads']:,} reads of the data version and the by-name list, "
          f"median {w['median_ms']:,} ms, slowest {w['slowest_ms']:,} ms.")


def _server_settings() -> dict:
    sys.path.insert(0, str(ROOT))
    from pipelines import store_dialect

    conn = store_dialect.connect_postgres(POSTGRES)
    try:
        query = ("SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, "
                 "current_setting('synchronous_commit') AS synchronous_commit, "
                 "current_setting('full_page_writes') AS full_page_writes")
        row = conn.execute(f"SELECT * FROM postgres_query('{store_dialect.CATALOG}', ?)", [query]).fetchone()
    finally:
        conn.close()
    return dict(zip(("version", "fsync", "synchronous_commit", "full_page_writes"), row))


def hmis(clients: int) -> dict:
    export = OUT / f"hmis-{clients}.zip"
    if not export.exists():
        subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--records", str(clients),
                        "--out", str(export)], cwd=ROOT, check=True)
    with zipfile.ZipFile(export) as archive:
        csv_bytes = sum(i.file_size for i in archive.infolist())
        enrollments = sum(1 for _ in archive.open("Enrollment.csv")) - 1
    floor_s, floor_mb = best_of(RUNS, lambda: measure(HMIS_FLOOR, str(export), fresh(OUT / "floor.duckdb")))
    ingest_s, ingest_mb = best_of(RUNS, lambda: measure(INGEST, str(export), migrated(fresh(OUT / "hmis.duckdb"))))
    return {"clients": clients, "enrollments": enrollments, "zip_mib": round(export.stat().st_size / 2**20),
            "csv_mib": round(csv_bytes / 2**20),
            "floor": {"seconds": round(floor_s, 2), "peak_mib": round(floor_mb)},
            "ingest": {"seconds": round(ingest_s, 2), "peak_mib": round(ingest_mb),
                       "times_floor": round(ingest_s / floor_s, 2)}}


if __name__ == "__main__":
    main()
