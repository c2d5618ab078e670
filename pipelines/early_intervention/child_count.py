"""Who Part C serves on the child count date, and OSEP's child find indicators 5 and 6.

The child count date is a day the state picks between October 1 and December 1 and keeps from year to
year (the `child_count_date` setting, 12-01 unless changed). A child counts on that day D who has an
active IFSP then: an initial IFSP meeting on or before D and no exit on or before D, on the referral
list as it stood at the end of D, so that nothing dated later changes a count. Ages are in completed
years on D, the birthday itself counting: a child whose first birthday is D is 1, not under 1.

Indicator 5 (OSEP C5): the children under 1 served on D per 100 children under 1 of the reference
population; indicator 6 (C6): the same for children under 3. Each is {"numerator", "denominator",
"pct", "exceptional"} like indicators 1 and 7, with `pct` to two decimals (the rates are near 1 and 3,
where one decimal would hide a year's change) and `exceptional` null: an exceptional family circumstance
excuses a late meeting or service, and nothing here is late.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

import queries
from pipelines import equity, store
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import Period
from pipelines.programs import EARLY_INTERVENTION

SETTING = "child_count_date"
INDICATORS = ("indicator_5", "indicator_6")
UNDER = {"indicator_5": 1, "indicator_6": 3}  # years of age on the count date
POPULATION = {"indicator_5": "children_under_1", "indicator_6": "children_under_3"}  # the reference column
# What `period_indicators` adds to the period's figures, in this order.
REPORT_KEYS = ("child_count_date", *INDICATORS)


def count_date_in(year: int, month_day: str) -> dt.date:
    """The count date of one year, from the setting's "MM-DD"."""
    month, day = month_day.split("-")
    return dt.date(year, int(month), int(day))


def count_date(month_day: str, on_or_before: dt.date) -> dt.date:
    """The latest count date on or before a day: this year's once it has come, else last year's."""
    this_year = count_date_in(on_or_before.year, month_day)
    return this_year if this_year <= on_or_before else count_date_in(on_or_before.year - 1, month_day)


def count_day(conn, last: dt.date, program: str = EARLY_INTERVENTION.name) -> dt.date:
    """The count date that a period ending on `last` reports: the latest one on or before it that the
    list reaches. A count date after the list's last day has not come yet in the data (its children
    cannot be known), so the year before's stands until an extract reaches it."""
    listed = ei_figures.listed_to(conn, program)
    return count_date(store.setting(conn, program, SETTING), last if listed is None else min(last, listed))


def served_on(referrals: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """One row per child with an active IFSP at the end of `day`, with `age` (completed years on it), from
    the referrals as they stood at the end of that day (`referrals_as_of`). A child on two open referrals
    with IFSPs is counted once, on the later referral. Children of 3 or more, whom a state may serve
    past their third birthday, are kept with their age: the counts under 1 and under 3 leave them out."""
    on_day = pl.lit(day)
    active = referrals.filter((pl.col("ifsp") <= on_day)
                              & (pl.col("exited").is_null() | (pl.col("exited") > on_day)))
    # The later referral, then the later IFSP, then the later birth date recorded: what the rows say, so that
    # the same rows give the same child's row whatever ids the store gave their records (ids follow the
    # order rows first arrived in); ties left after that are the same child, age and dates.
    return (active.sort("referred", "ifsp", "birth_date", "record_id", descending=True, nulls_last=True)
            .unique("person_id", keep="first", maintain_order=True)
            .with_columns(equity.age_in_years("birth_date", day).alias("age"))
            .sort("client_id", "record_id"))


def children_on(conn, day: dt.date, program: str = EARLY_INTERVENTION.name) -> pl.DataFrame:
    """`served_on` the list as it stood at the end of `day`."""
    return served_on(ei_figures.referrals_as_of(conn, day, program), day)


def reference_totals(reference: pl.DataFrame) -> dict[str, int | None]:
    """Children under 1 and under 3 of the reference population's "All" row; None where the table does not
    give them, or gives several geographies' (no one of which is known to be the programme's)."""
    everyone = reference.filter(pl.col("group") == equity.ALL)
    out = {}
    for column in POPULATION.values():
        value = everyone[column][0] if everyone.height == 1 and column in everyone.columns else None
        out[column] = None if value is None else int(value)
    return out


def per_100(numerator: int, denominator: int | None) -> float | None:
    """100 × numerator ÷ denominator to two decimals, halves rounded up; None without a denominator."""
    if not denominator:
        return None
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def indicators(served: pl.DataFrame, reference: pl.DataFrame) -> dict[str, dict]:
    """Indicators 5 and 6 from the children served on a count date (`served_on`) and the reference
    population (queries/reference_get.sql): a missing count of children gives a null denominator."""
    totals = reference_totals(reference)
    out = {}
    for name in INDICATORS:
        numerator = served.filter(pl.col("age") < UNDER[name]).height
        denominator = totals[POPULATION[name]]
        out[name] = {"numerator": numerator, "denominator": denominator, "pct": per_100(numerator, denominator),
                     "exceptional": None}
    return out


def period_indicators(conn, period: Period, program: str = EARLY_INTERVENTION.name) -> dict:
    """{"child_count_date", "indicator_5", "indicator_6"} of the count date a period reports (`count_day`)."""
    day = count_day(conn, period.end, program)
    served = children_on(conn, day, program)
    return {"child_count_date": day, **indicators(served, queries.arrow(conn, "reference_get"))}


def period_report(conn, period: Period, program: str = EARLY_INTERVENTION.name) -> dict:
    """`bynames report ei`: the period's figures (early_intervention.figures), then its count date's
    indicators 5 and 6."""
    return {**ei_figures.period_figures(conn, period, program), **period_indicators(conn, period, program)}


def flat(result: dict) -> dict:
    """`period_report` with each indicator's figures as columns of their own, for CSV."""
    out = ei_figures.flat({key: value for key, value in result.items() if key not in INDICATORS})
    for name in INDICATORS:
        if name in result:
            out.update({f"{name}_{key}": result[name][key] for key in ei_figures.INDICATOR_KEYS})
    return out


def without_denominator(result: dict) -> list[str]:
    """A sentence for each of indicators 5 and 6 that has no denominator, saying why."""
    return [f"{name} has no denominator: the reference population gives no {POPULATION[name]} for its All row"
            for name in INDICATORS if name in result and result[name]["denominator"] is None]
