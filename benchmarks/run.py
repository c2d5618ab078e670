"""Time and peak memory of loading and of the figures, against the plain floor.

Each measurement runs in a fresh process so that its peak memory is its own. Run with `make bench`;
RECORDS=200000 make bench for a quicker look (HMIS_CLIENTS sets the HMIS export's size, RECORDS by default;
HMIS_CLIENTS=0 leaves it out).
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

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
RECORDS = int(os.environ.get("RECORDS", 1_000_000))
HMIS_CLIENTS = int(os.environ.get("HMIS_CLIENTS", RECORDS))
RUNS = 3

FLOOR = """
import duckdb, polars as pl, sys
frame = pl.read_csv(sys.argv[1], infer_schema=False)
conn = duckdb.connect(sys.argv[2])
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
with store.opened(sys.argv[1], read_only=True) as conn:
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

def best(step):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)

with store.opened(sys.argv[1], read_only=True) as conn:
    day = queries.one(conn, "freshness", program=program)["as_of"]
    weeks = series(day - dt.timedelta(weeks=25), day, "week")
    months = series(add_months(day.replace(day=1), -11), day, "month")
    timings = {
        "chrome: data version and freshness": best(lambda: (queries.one(conn, "data_version"),
                                                            queries.one(conn, "freshness", program=program))),
        "Flow, 26 weeks": best(lambda: figures.flow(conn, program, weeks)),
        "Flow, 12 months": best(lambda: figures.flow(conn, program, months)),
        "By-name list: active list in triage order, first 1,000 named": best(lambda: active_list.named(
            conn, agenda.ranked_list(conn, program, day)[0].head(1000))),
        "Case conference: agenda for the list's day, 5 named per section": best(
            lambda: (lambda m: agenda.first_named(conn, m, dict.fromkeys(m.sections, 5)))(
                agenda.meeting(conn, program, day, day))),
        "Monthly figures (with reliability and functional zero)": best(
            lambda: figures.monthly_submission(conn, program, day.replace(day=1))),
        "Uploads: history": best(lambda: queries.rows(conn, "uploads_list", program=None)),
        "Funders: every month and population, protected (once per data version)": best(
            lambda: release.for_funders(conn, HOMELESSNESS)),
    }
print(json.dumps(timings))
"""


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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    extract = OUT / f"bnl-{RECORDS}.csv"
    if not extract.exists():
        subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--records", str(RECORDS),
                        "--out", str(extract)], cwd=ROOT, check=True)
    size = extract.stat().st_size / 2**20
    figures_db = OUT / "figures.duckdb"
    results = {}
    floor_s, floor_mb = best_of(RUNS, lambda: measure(FLOOR, str(extract), fresh(OUT / "floor.duckdb")))
    results["floor"] = {"seconds": round(floor_s, 2), "peak_mib": round(floor_mb)}
    ingest_s, ingest_mb = best_of(RUNS, lambda: measure(INGEST, str(extract), fresh(figures_db)))
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
    print(f"Each page's data, best of 3, uncached (the pages cache it until the data changes); peak "
          f"{pages_mb:,.0f} MiB:")
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


def hmis(clients: int) -> dict:
    export = OUT / f"hmis-{clients}.zip"
    if not export.exists():
        subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--records", str(clients),
                        "--out", str(export)], cwd=ROOT, check=True)
    with zipfile.ZipFile(export) as archive:
        csv_bytes = sum(i.file_size for i in archive.infolist())
        enrollments = sum(1 for _ in archive.open("Enrollment.csv")) - 1
    floor_s, floor_mb = best_of(RUNS, lambda: measure(HMIS_FLOOR, str(export), fresh(OUT / "floor.duckdb")))
    ingest_s, ingest_mb = best_of(RUNS, lambda: measure(INGEST, str(export), fresh(OUT / "hmis.duckdb")))
    return {"clients": clients, "enrollments": enrollments, "zip_mib": round(export.stat().st_size / 2**20),
            "csv_mib": round(csv_bytes / 2**20),
            "floor": {"seconds": round(floor_s, 2), "peak_mib": round(floor_mb)},
            "ingest": {"seconds": round(ingest_s, 2), "peak_mib": round(ingest_mb),
                       "times_floor": round(ingest_s / floor_s, 2)}}


if __name__ == "__main__":
    main()
