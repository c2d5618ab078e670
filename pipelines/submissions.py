"""Built for Zero's monthly figures as submitted: kept exactly as handed in, with who and when.

Built for Zero's 3-month reliability compares a month with what the community submitted for the
months before, not with those months recomputed today, so that figures which drift (records entered
late, dates corrected) show up. A month submitted twice keeps both; the latest counts.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

import queries
from pipelines import audit, figures, store, store_dialect
from pipelines.periods import Period, month_end

# What a submission keeps of each population's figures.
KEPT = ("actively_homeless", "housing_placements", "moved_to_inactive", "newly_identified",
        "returned_from_housing", "returned_from_inactive", "no_longer_meets_population", "inflow", "outflow",
        "net_change", "avg_days_to_housing")

# Built for Zero's own field names, in its submission file's order (`report bfz --format bfz`).
BFZ_FIELDS = {
    "actively_homeless": "ACTIVELY HOMELESS NUMBER",
    "housing_placements": "HOUSING PLACEMENTS",
    "moved_to_inactive": "MOVED TO INACTIVE NUMBER",
    "newly_identified": "NEWLY IDENTIFIED NUMBER",
    "returned_from_housing": "RETURNED TO ACTIVE LIST FROM HOUSING NUMBER",
    "returned_from_inactive": "RETURNED TO ACTIVE LIST FROM INACTIVE NUMBER",
    "no_longer_meets_population": "NO LONGER MEETS POPULATION CRITERIA",
    "avg_days_to_housing": "AVERAGE LENGTH OF TIME FROM IDENTIFICATION TO HOUSING PLACEMENT",
}


def submit(conn, program: str, month: dt.date, who: str) -> dict:
    """Keep `month`'s figures for every population as they are now; returns what was kept."""
    month = month.replace(day=1)
    with store.reading(conn) as figured:
        populations = figures.monthly_submission(figured, program, month)["populations"]
    kept = {name: {k: values[k] for k in KEPT} for name, values in populations.items()}
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            submission_id = store_dialect.nextval(conn, "submission_id_seq")
            queries.run(conn, "submission_add", submission_id=submission_id, program=program, month=month,
                        figures=json.dumps(kept), who=who, now=dt.datetime.now())
            audit.record(conn, who, audit.SUBMITTED, f"{month:%Y-%m}",
                         f"Built for Zero figures: {kept['All']['actively_homeless']:,} actively homeless")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return {"submission_id": submission_id, "month": f"{month:%Y-%m}", "populations": kept}


def listed(conn, program: str) -> list[dict]:
    return [{**r, "figures": json.loads(r["figures"])} for r in queries.rows(conn, "submissions_list", program=program)]


def drift(conn, program: str, population: str = "All") -> list[dict]:
    """For each submitted month (its latest submission), the actively homeless count then and now,
    and how many records have facts for it that were loaded after it was submitted."""
    counting = [r for r in listed(conn, program) if r["counts"]]
    months = [Period(r["month"], month_end(r["month"]), "month") for r in counting]
    active_now = {row["period_start"]: row["actively_homeless"]
                  for row in (figures.flow(conn, program, months, population) if months else [])}
    out = []
    for r in counting:
        month = r["month"]
        then, now = r["figures"][population]["actively_homeless"], active_now[month]
        late = queries.one(conn, "entered_late", program=program, month_end=month_end(month),
                           submitted_at=r["submitted_at"])["records"]
        out.append({"month": f"{month:%Y-%m}", "submitted": then, "now": now, "difference": now - then,
                    "records_entered_late": int(late), "submitted_by": r["submitted_by"],
                    "submitted_at": r["submitted_at"]})
    return out


def drift_sentence(row: dict) -> str:
    """"2025-11: submitted 1,043, now 1,051: 8 records entered or corrected after it was submitted"."""
    head = f"{row['month']}: submitted {row['submitted']:,}, now {row['now']:,}"
    late = row["records_entered_late"]
    if late == 0:
        return head + ("" if row["difference"] == 0 else ": dates corrected since")
    return head + f": {late:,} record{'s' if late != 1 else ''} entered or corrected after it was submitted"


def for_month(conn, program: str, month: dt.date) -> list[dict]:
    """One row per population in Built for Zero's field names: the submission file."""
    populations = figures.monthly_submission(conn, program, month)["populations"]
    return [{"MONTH": f"{month:%Y-%m}", "POPULATION": name,
             **{field: values[key] for key, field in BFZ_FIELDS.items()}}
            for name, values in populations.items()]


def bfz_list(conn) -> pl.DataFrame:
    """The de-identified by-name list Built for Zero takes (`bynames export bfz-list`): one row per
    record, the Client ID and the seven required columns, safe to share."""
    rows = queries.arrow(conn, "bfz_list_export")
    yes_no = {True: "Yes", False: "No"}
    return rows.select(
        pl.col("client_id").alias("Client ID"),
        *[pl.col(c).dt.strftime("%m/%d/%Y").alias(name) for c, name in (
            ("identified", "Date of Identification"), ("moved_in", "Housing Move-In Date"),
            ("inactive", "Inactive Date"), ("returned", "Returned to Active Date"))],
        pl.col("household_type").alias("Household Type"),
        pl.col("chronic").replace_strict(yes_no, default=None).alias("Chronic Status"),
        pl.col("veteran").replace_strict(yes_no, default=None).alias("Veteran Status"),
    )
