"""The figures a community submits and watches: flow per period, reliability and functional zero.

Counts come from queries/list_flow.sql; this module only picks periods and derives what Built for
Zero defines on top of those counts.
"""

from __future__ import annotations

import datetime as dt
import json

import queries
from pipelines.periods import Period, add_months, month_end, series
from pipelines.store import setting

COUNTS = (
    "actively_homeless", "housing_placements", "moved_to_inactive", "newly_identified",
    "returned_from_housing", "returned_from_inactive", "no_longer_meets_population",
    "inflow", "outflow", "net_change", "active_at_start", "balance_gap",
)
BRIEF_DAYS = 45
FLOOR = 3


def flow(conn, program: str, periods: list[Period], population: str | None = None) -> list[dict]:
    """One row per period and population, in period order. Periods must not overlap."""
    periods = sorted(periods, key=lambda p: p.start)
    for earlier, later in zip(periods, periods[1:]):
        if later.start <= earlier.end:
            raise ValueError(f"periods {earlier.label} and {later.label} overlap")
    rows = queries.rows(
        conn, "list_flow", program=program,
        starts=[p.start for p in periods], ends=[p.end for p in periods],
    )
    by_start = {p.start: p for p in periods}
    out = []
    for row in rows:
        if population and row["population"] != population:
            continue
        period = by_start[row["period_start"]]
        days = row["avg_days_to_housing"]
        out.append({
            "period": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "population": row["population"],
            **{k: int(row[k]) for k in COUNTS},
            "avg_days_to_housing": None if days is None else round(float(days), 1),
        })
    return out


def flow_series(conn, program: str, by: str, start: dt.date, end: dt.date, population: str | None = None):
    return flow(conn, program, series(start, end, by), population)


def monthly_submission(conn, program: str, month: dt.date) -> dict:
    """Built for Zero's monthly figures for every population, with reliability and functional zero."""
    first = add_months(month, -8)
    months = series(first, month_end(month), "month")
    rows = flow(conn, program, months)
    by = {(r["period_start"], r["population"]): r for r in rows}
    before = [add_months(month, o) for o in (-3, -2, -1)]
    submitted = {r["month"]: json.loads(r["figures"])
                 for r in queries.rows(conn, "submitted_months", program=program, first=before[0], last=before[-1])}
    pit = setting(conn, program, "pit_count_individuals")
    populations = {}
    for row in (r for r in rows if r["period_start"] == month):
        name = row["population"]
        months_back = {o: by[(add_months(month, o), name)] for o in range(-7, 1)}
        figures = {k: row[k] for k in COUNTS if k != "active_at_start"}
        figures["avg_days_to_housing"] = row["avg_days_to_housing"]
        figures["reliability"], figures["reliability_note"] = reliability(
            row, {m: submitted.get(m, {}).get(name) for m in before})
        days = row["avg_days_to_housing"]
        figures["brief"] = None if days is None else days <= BRIEF_DAYS
        if name == "Veteran":
            figures["functional_zero"] = veteran_functional_zero([months_back[o] for o in range(-7, 1)])
        elif name == "Chronic":
            figures["functional_zero"] = chronic_functional_zero(row["actively_homeless"], pit)
        populations[name] = figures
    return {"month": f"{month:%Y-%m}", "populations": populations}


def reliability(now: dict, submitted: dict[dt.date, dict | None]) -> tuple[float | None, str | None]:
    """(active now - active 3 months ago - net change over the 3 months) / active now, with the three
    months before taken as they were submitted (Built for Zero's 3-month data reliability); and, when
    it cannot be worked out, why.

    `submitted` holds the three months before this one, oldest first: their submitted figures or None.
    """
    missing = [f"{m:%Y-%m}" for m, figures in submitted.items() if figures is None]
    if missing:
        return None, f"needs the figures submitted for {', '.join(missing)}"
    if now["actively_homeless"] == 0:
        return None, "nobody is actively homeless this month"
    oldest, *later = submitted.values()
    net = sum(f["net_change"] for f in later) + now["net_change"]
    return round((now["actively_homeless"] - oldest["actively_homeless"] - net) / now["actively_homeless"], 4), None


def veteran_threshold(placements_last_six: list[int]) -> tuple[float, float]:
    average = sum(placements_last_six) / len(placements_last_six)
    return average, max(average, FLOOR)


def veteran_functional_zero(last_eight: list[dict]) -> dict:
    """Veterans: fewer active than the average monthly placements of the last 6 months, or no more
    than the floor of 3 — and that sustained for 3 consecutive months."""
    met_by_month = []
    for end in range(5, 8):
        window = last_eight[end - 5 : end + 1]
        average, _ = veteran_threshold([r["housing_placements"] for r in window])
        active = window[-1]["actively_homeless"]
        met_by_month.append(active < average or active <= FLOOR)
    average, threshold = veteran_threshold([r["housing_placements"] for r in last_eight[2:]])
    return {
        "threshold": round(threshold, 2),
        "average_monthly_placements_6m": round(average, 2),
        "actively_homeless": last_eight[-1]["actively_homeless"],
        "met_this_month": met_by_month[-1],
        "met": all(met_by_month),
        "rule": "active below the 6-month average of monthly placements, or 3 or fewer; for 3 months running",
    }


def chronic_threshold(pit_count_individuals: int | None) -> float:
    if not pit_count_individuals:
        return FLOOR
    return max(FLOOR, 0.001 * pit_count_individuals)


def chronic_functional_zero(active: int, pit_count_individuals: int | None) -> dict:
    threshold = chronic_threshold(pit_count_individuals)
    return {
        "threshold": round(threshold, 2),
        "pit_count_individuals": pit_count_individuals,
        "actively_homeless": active,
        "met": active <= threshold,
        "rule": "active at most max(3, 0.1% of the individuals in the latest point-in-time count)",
    }

