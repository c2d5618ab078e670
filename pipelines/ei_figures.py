"""Early Intervention figures for a week or a month (`bynames report ei`): the 45-day clock, exits,
timely services, from the referral list as it stood at the end of the period.

All days are calendar-day differences; R is the period's last day.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

import queries
from pipelines import store
from pipelines.periods import Period
from pipelines.programs import EARLY_INTERVENTION

CLOCK_DAYS = 45
LOST_KIND = "exited_lost"

KEYS = ("referrals", "open_referrals", "exits", "lost_exits", "initial_ifsp_meetings", "ifsp_within_45_days",
        "ifsp_late_exceptional", "pct_45_day_timeline", "overdue_without_ifsp", "services_started",
        "services_timely", "median_days_referral_to_ifsp")


def referrals_as_of(conn, day: dt.date, program: str = EARLY_INTERVENTION.name) -> pl.DataFrame:
    return queries.arrow(conn, "list_as_of", program=program, day=day)


def period_figures(conn, period: Period, program: str = EARLY_INTERVENTION.name) -> dict:
    timely = store.setting(conn, program, "timely_services_days")
    return figures(referrals_as_of(conn, period.end, program), period, timely)


def one_decimal(numerator: int, denominator: int) -> float | None:
    """100 × numerator ÷ denominator to one decimal, halves rounded up as people round them."""
    if not denominator:
        return None
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def figures(referrals: pl.DataFrame, period: Period, timely_days: int) -> dict:
    """The figures of one period from the referrals as they stood at its end (`referrals_as_of`)."""
    start, end = pl.lit(period.start), pl.lit(period.end)

    def within(column: str) -> pl.Expr:
        return pl.col(column).is_between(start, end)

    days_to_ifsp = (pl.col("ifsp") - pl.col("referred")).dt.total_days()
    found_not_eligible = (pl.col("eligible") == False) & (  # noqa: E712 - null (undecided) is not "not eligible"
        pl.coalesce("eligibility_decided", "evaluated") <= end)
    meetings = referrals.filter(within("ifsp"))
    late = days_to_ifsp > CLOCK_DAYS
    counts = referrals.select(
        within("referred").sum().alias("referrals"),
        pl.col("exited").is_null().sum().alias("open_referrals"),
        within("exited").sum().alias("exits"),
        (within("exited") & (pl.col("exit_kind") == LOST_KIND)).sum().alias("lost_exits"),
        within("ifsp").sum().alias("initial_ifsp_meetings"),
        (within("ifsp") & ~late).sum().alias("ifsp_within_45_days"),
        (within("ifsp") & late & pl.col("exceptional").fill_null(False)).sum().alias("ifsp_late_exceptional"),
        (pl.col("exited").is_null() & pl.col("ifsp").is_null() & ~found_not_eligible.fill_null(False)
         & ((end - pl.col("referred")).dt.total_days() > CLOCK_DAYS)).sum().alias("overdue_without_ifsp"),
        within("service_start").sum().alias("services_started"),
        (within("service_start")
         & ((pl.col("service_start") - pl.col("ifsp")).dt.total_days() <= timely_days).fill_null(False))
        .sum().alias("services_timely"),
    ).row(0, named=True)
    result = {key: int(value) for key, value in counts.items()}
    result["pct_45_day_timeline"] = one_decimal(
        result["ifsp_within_45_days"] + result["ifsp_late_exceptional"], result["initial_ifsp_meetings"])
    median = meetings.select(days_to_ifsp.median()).item() if meetings.height else None
    result["median_days_referral_to_ifsp"] = None if median is None else float(median)
    return {"period": period.label, "period_start": period.start, "period_end": period.end,
            **{key: result[key] for key in KEYS}}
