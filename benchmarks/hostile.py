"""What each hostile or malformed file of tests/hostile_files.py costs to refuse (or load): the time
the check takes and the peak memory of the reading process and of the process that asked for it.

Run with `make bench` (after the loading benchmark) or `python -m benchmarks.hostile`. Each case starts a
new reading process, so its peak is the case's own; the asking process's peak is the growth of its
resident memory over the whole run, as the dashboard's would be.
"""

from __future__ import annotations

import resource
import time

from pipelines import loading, reading_process, upload_limits
from tests import hostile_files


def measure() -> tuple[list[dict], float]:
    found = []
    start_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for case in hostile_files.cases():
        content = case.data()
        limits = upload_limits.from_settings(case.settings.get)
        reading_process.stop()
        reading_process.run(len, b"", limits=limits)  # started and warm: its start is no part of the check
        began = time.perf_counter()
        records, report = loading.check(content, case.file_name, program=case.program, limits=limits)
        seconds = time.perf_counter() - began
        peak = reading_process.peak_kib() or limits.memory_mb * 1024  # one that died had reached its cap
        found.append({"case": case.name, "mib": len(content) / 2**20,
                      "outcome": "loaded" if records is not None else f"refused ({report.errors[0].rule})",
                      "seconds": seconds, "reader_peak_mib": peak / 1024})
    reading_process.stop()
    asking_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_kib) / 1024
    return found, asking_mib


def main() -> None:
    found, asking_mib = measure()
    slowest = max(found, key=lambda f: f["seconds"])
    largest = max(found, key=lambda f: f["reader_peak_mib"])
    print(f"{len(found)} hostile and malformed files ({sum(f['outcome'] != 'loaded' for f in found)} refused): "
          f"the slowest check took {slowest['seconds']:.2f} s ({slowest['case']}); the reading process's largest "
          f"peak was {largest['reader_peak_mib']:,.0f} MiB ({largest['case']}); the asking process grew by "
          f"{asking_mib:,.0f} MiB over the whole run.")
    print()
    print("| file | size | outcome | check | reading process's peak |")
    print("|---|---|---|---|---|")
    for f in sorted(found, key=lambda f: -f["seconds"])[:12]:
        size = f"{f['mib']:,.1f} MiB" if f["mib"] >= 1 else f"{f['mib'] * 1024:,.0f} KiB"
        print(f"| {f['case']} | {size} | {f['outcome']} | {f['seconds']:.2f} s "
              f"| {f['reader_peak_mib']:,.0f} MiB |")


if __name__ == "__main__":
    main()
