"""Early Intervention figures for a week or a month (`bynames report ei`): the 45-day clock, exits,
timely services, from the referral list as it stood at the end of the period, and OSEP's Part C
indicators 1 (timely services), 7 (45-day timeline) and 8A-8C (transition at age 3) as its SPP/APR
measurement table defines them.

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
# OSEP's indicators, each {"numerator", "denominator", "pct", "exceptional"}, after KEYS in the report.
INDICATORS = ("indicator_1", "indicator_7", "indicator_8a", "indicator_8b", "indicator_8c")
INDICATOR_KEYS = ("numerator", "denominator", "pct", "exceptional")

# What each child of an indicator's cohort counts as (`indicator_children`'s `outcome`). On time and late
# ones are in the denominator; late ones with a documented exceptional family circumstance are in the
# numerator too and counted apart; a left-out child is in neither.
ON_TIME = "on time"
LATE_EXCEPTIONAL = "late, exceptional family circumstance"
LATE = "late"
# no meeting (7) or no service (1) by R: still waiting, or gone since without one
WAITING_EXCEPTIONAL = "late, none by the period's end, exceptional family circumstance"
WAITING = "late, none by the period's end"
NOT_ELIGIBLE = "left out: found not eligible"
EXITED_FIRST = "left out: exited before the deadline"
TURNED_3_FIRST = "left out: referred fewer than 45 days before the third birthday"
# Indicator 8's own. No family circumstance explains a step done before its window opened: never excused.
TOO_EARLY = "not on time: more than 9 months before the third birthday"
IFSP_TOO_LATE = "left out: IFSP fewer than 90 days before the third birthday"
EXITED_BEFORE_90 = "left out: exited more than 90 days before the third birthday"
NOT_PART_B = "left out: not potentially eligible for Part B"
PART_B_UNKNOWN = "left out: not recorded whether potentially eligible for Part B"
DECLINED = "left out: the family declined the conference"
OUTCOMES = {
    "indicator_7": (ON_TIME, LATE_EXCEPTIONAL, LATE, WAITING_EXCEPTIONAL, WAITING, NOT_ELIGIBLE, TURNED_3_FIRST,
                    EXITED_FIRST),
    "indicator_1": (ON_TIME, LATE_EXCEPTIONAL, LATE, WAITING_EXCEPTIONAL, WAITING, EXITED_FIRST),
    "indicator_8a": (ON_TIME, LATE_EXCEPTIONAL, LATE, WAITING_EXCEPTIONAL, WAITING, TOO_EARLY, TURNED_3_FIRST,
                     IFSP_TOO_LATE, EXITED_BEFORE_90),
    # OSEP allows no exceptional family circumstance for a notification
    "indicator_8b": (ON_TIME, LATE, WAITING, TURNED_3_FIRST, IFSP_TOO_LATE, EXITED_BEFORE_90, NOT_PART_B,
                     PART_B_UNKNOWN),
    "indicator_8c": (ON_TIME, LATE_EXCEPTIONAL, LATE, WAITING_EXCEPTIONAL, WAITING, TOO_EARLY, TURNED_3_FIRST,
                     IFSP_TOO_LATE, EXITED_BEFORE_90, NOT_PART_B, PART_B_UNKNOWN, DECLINED),
}
IN_NUMERATOR = (ON_TIME, LATE_EXCEPTIONAL, WAITING_EXCEPTIONAL)
EXCEPTIONAL = (LATE_EXCEPTIONAL, WAITING_EXCEPTIONAL)
LEFT_OUT = (NOT_ELIGIBLE, TURNED_3_FIRST, EXITED_FIRST, IFSP_TOO_LATE, EXITED_BEFORE_90, NOT_PART_B, PART_B_UNKNOWN,
            DECLINED)
CHILD_COLUMNS = ("record_id", "person_id", "client_id", "first_name", "last_name", "birth_date", "referred",
                 "deadline", "ifsp", "service_start", "exited", "days", "outcome")
# Indicator 8's children: `deadline` is 90 days before the third birthday, `days` how long before the
# birthday the step was done.
TRANSITION_COLUMNS = ("record_id", "person_id", "client_id", "first_name", "last_name", "birth_date", "referred",
                      "ifsp", "third_birthday", "deadline", "transition_steps", "lea_notified", "sea_notified",
                      "transition_conference", "exited", "days", "outcome")
TRANSITION_DAYS = 90
TRANSITION_MONTHS = 9


def referrals_as_of(conn, day: dt.date, program: str = EARLY_INTERVENTION.name) -> pl.DataFrame:
    return queries.arrow(conn, "list_as_of", program=program, day=day)


def period_figures(conn, period: Period, program: str = EARLY_INTERVENTION.name) -> dict:
    timely = store.setting(conn, program, "timely_services_days")
    return figures(referrals_as_of(conn, period.end, program), period, timely, listed_to(conn, program))


def period_indicator_children(conn, period: Period, program: str = EARLY_INTERVENTION.name) -> dict:
    """The children behind each indicator of a period: `indicator_children` of the list at its end."""
    timely = store.setting(conn, program, "timely_services_days")
    return indicator_children(referrals_as_of(conn, period.end, program), so_far(period, listed_to(conn, program)),
                              timely)


def listed_to(conn, program: str) -> dt.date | None:
    """The last day the loaded extracts describe."""
    return queries.one(conn, "freshness", program=program)["as_of"]


def so_far(period: Period, listed: dt.date | None) -> Period:
    """The part of a period the list reaches: a deadline after the list's last day has not come yet in
    the data, so a month not over is measured to that day (a month before it, as a whole)."""
    if listed is None or listed >= period.end:
        return period
    return Period(period.start, max(listed, period.start - dt.timedelta(days=1)), period.by)


def one_decimal(numerator: int, denominator: int) -> float | None:
    """100 × numerator ÷ denominator to one decimal, halves rounded up as people round them."""
    if not denominator:
        return None
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def figures(referrals: pl.DataFrame, period: Period, timely_days: int, listed: dt.date | None = None) -> dict:
    """The figures of one period from the referrals as they stood at its end (`referrals_as_of`);
    `listed`: the list's last day, that the indicators' cohorts stop at (`so_far`)."""
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
    children = indicator_children(referrals, so_far(period, listed), timely_days)
    return {"period": period.label, "period_start": period.start, "period_end": period.end,
            **{key: result[key] for key in KEYS}, **{key: indicator(children[key]) for key in INDICATORS}}


def indicator(children: pl.DataFrame) -> dict:
    """{"numerator", "denominator", "pct", "exceptional"} of one indicator's children (OSEP: late children
    with a documented exceptional family circumstance are in the numerator and the denominator, and
    their number is reported apart)."""
    outcome = pl.col("outcome")
    numerator, denominator, exceptional = children.select(
        outcome.is_in(IN_NUMERATOR).sum().alias("numerator"), (~outcome.is_in(LEFT_OUT)).sum().alias("denominator"),
        outcome.is_in(EXCEPTIONAL).sum().alias("exceptional"),
    ).row(0)
    return {"numerator": int(numerator), "denominator": int(denominator),
            "pct": one_decimal(int(numerator), int(denominator)), "exceptional": int(exceptional)}


def flat(result: dict) -> dict:
    """The report with each indicator's figures as columns of their own (indicator_7_pct...), for CSV."""
    out = {key: value for key, value in result.items() if key not in INDICATORS}
    for name in INDICATORS:
        if name in result:
            out.update({f"{name}_{key}": result[name][key] for key in INDICATOR_KEYS})
    return out


def indicator_children(referrals: pl.DataFrame, period: Period, timely_days: int) -> dict[str, pl.DataFrame]:
    """Each child in the cohort of indicators 7 and 1 of a period (and of 8A-8C: `transition_children`), from
    the referrals as they stood at its end (`referrals_as_of`), with `deadline` (the day the meeting or
    services were due), `days` (from referral to meeting, or from IFSP to services; to R for a child still
    waiting) and `outcome`.

    Indicator 7: the children whose 45-day deadline (referral + 45 days) falls in the period. On time:
    an initial IFSP meeting on or before it. Left out: found not eligible by R; referred fewer than 45 days
    before the third birthday (Part C need not evaluate them); exited before the deadline without a
    meeting. Everyone else is late — with or without a meeting by R.

    Indicator 1: the children whose services were due in the period (IFSP date + `timely_days`). On
    time: services started on or before it. Left out: exited before it without services. Everyone else
    is late, started by R or not.
    """
    start, end = period.start, period.end
    flag = pl.col("exceptional").fill_null(False)
    frame = referrals.with_columns(
        pl.col("birth_date").dt.offset_by("3y").alias("third_birthday"),
        (pl.col("referred") + pl.duration(days=CLOCK_DAYS)).alias("deadline_7"),
        (pl.col("ifsp") + pl.duration(days=timely_days)).alias("deadline_1"),
    )

    def outcome(done: str, deadline: str, exclusions: list[tuple[pl.Expr, str]]) -> pl.Expr:
        on_time = pl.col(done) <= pl.col(deadline)
        late = pl.when(flag).then(pl.lit(LATE_EXCEPTIONAL)).otherwise(pl.lit(LATE))
        waiting = pl.when(flag).then(pl.lit(WAITING_EXCEPTIONAL)).otherwise(pl.lit(WAITING))
        chain = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
        for condition, label in exclusions:
            chain = chain.when(condition.fill_null(False)).then(pl.lit(label))
        exited_first = pl.col("exited") < pl.col(deadline)
        return (chain.when(on_time.fill_null(False)).then(pl.lit(ON_TIME))
                .when(exited_first.fill_null(False)).then(pl.lit(EXITED_FIRST))
                .when(pl.col(done).is_not_null()).then(late)
                .otherwise(waiting))

    def cohort(deadline: str, done: str, since: str, exclusions) -> pl.DataFrame:
        # to the meeting or the first service; without one, to the exit or R; none for a child left out
        days = (pl.coalesce(pl.col(done), pl.min_horizontal(pl.col("exited"), pl.lit(end))) - pl.col(since))
        return (frame.filter(pl.col(deadline).is_between(pl.lit(start), pl.lit(end)))
                .with_columns(pl.col(deadline).alias("deadline"), outcome(done, deadline, exclusions).alias("outcome"))
                .with_columns(pl.when(pl.col("outcome").is_in(LEFT_OUT)).then(None).otherwise(days.dt.total_days())
                              .alias("days"))
                .select(CHILD_COLUMNS).sort("deadline", "client_id", "record_id"))

    not_eligible = pl.col("eligible") == False  # noqa: E712 - null (undecided) is not "not eligible"
    turned_3_first = pl.col("third_birthday") < pl.col("deadline_7")
    return {
        "indicator_7": cohort("deadline_7", "ifsp", "referred",
                              [(not_eligible, NOT_ELIGIBLE), (turned_3_first, TURNED_3_FIRST)]),
        "indicator_1": cohort("deadline_1", "service_start", "ifsp", []),
        **transition_children(referrals, period),
    }


def transition_children(referrals: pl.DataFrame, period: Period) -> dict[str, pl.DataFrame]:
    """Each child in the cohort of indicators 8A, 8B and 8C of a period (`indicator_children`), with
    `third_birthday`, `deadline` (90 days before it), `days` (how long before the birthday the step was
    done; none for a child left out or without it) and `outcome`.

    Who is counted: a child with an IFSP who left Part C in the period — exited, or turned 3 still
    enrolled, whichever came first. Left out of all three: a child referred fewer than 45 days before
    the third birthday (listed even without an IFSP: Part C refers them on); an IFSP fewer than 90 days
    before it (Part C then does the steps as soon as it can, not by a date it was never given); an exit
    more than 90 days before it (nothing was due yet).

    8A: the transition steps on time when at least 90 days and at most 9 months before the third
    birthday. 8B: the school district (LEA) and the State education agency (SEA) both notified at least 90
    days before it; no exceptional family circumstance. 8C: the transition conference, as 8A. 8B and 8C
    leave out a child not potentially eligible for Part B, or not recorded as either; 8C a conference the
    family declined. Otherwise not on time: done too late, too early (never excused), or not at all by R.
    """
    start, end = period.start, period.end
    third = pl.col("third_birthday")
    frame = referrals.with_columns(pl.col("birth_date").dt.offset_by("3y").alias("third_birthday")).with_columns(
        (third - pl.duration(days=TRANSITION_DAYS)).alias("deadline"),
        third.dt.offset_by(f"-{TRANSITION_MONTHS}mo").alias("window_opens"),
    )
    referred_late = (third - pl.col("referred")).dt.total_days() < CLOCK_DAYS
    left = pl.min_horizontal("exited", "third_birthday")
    frame = frame.filter(left.is_between(pl.lit(start), pl.lit(end))
                         & (pl.col("ifsp").is_not_null() | referred_late))
    everyone = [(referred_late, TURNED_3_FIRST), (pl.col("ifsp") > pl.col("deadline"), IFSP_TOO_LATE),
                (pl.col("exited") < pl.col("deadline"), EXITED_BEFORE_90)]
    part_b = [(pl.col("part_b_potential") == False, NOT_PART_B),  # noqa: E712 - null is "not recorded"
              (pl.col("part_b_potential").is_null(), PART_B_UNKNOWN)]

    def children(done: pl.Expr, exclusions, bounded: bool, excusable: bool) -> pl.DataFrame:
        flag = pl.col("exceptional").fill_null(False) if excusable else pl.lit(False)
        chain = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
        for condition, label in exclusions:
            chain = chain.when(condition.fill_null(False)).then(pl.lit(label))
        in_window = done <= pl.col("deadline")
        if bounded:
            in_window &= done >= pl.col("window_opens")
            chain = chain.when(in_window.fill_null(False)).then(pl.lit(ON_TIME)).when(
                (done < pl.col("window_opens")).fill_null(False)).then(pl.lit(TOO_EARLY))
        else:
            chain = chain.when(in_window.fill_null(False)).then(pl.lit(ON_TIME))
        outcome = (chain.when(done.is_not_null())
                   .then(pl.when(flag).then(pl.lit(LATE_EXCEPTIONAL)).otherwise(pl.lit(LATE)))
                   .otherwise(pl.when(flag).then(pl.lit(WAITING_EXCEPTIONAL)).otherwise(pl.lit(WAITING))))
        return (frame.with_columns(outcome.alias("outcome"))
                .with_columns(pl.when(pl.col("outcome").is_in(LEFT_OUT)).then(None)
                              .otherwise((third - done).dt.total_days()).alias("days"))
                .select(TRANSITION_COLUMNS).sort("third_birthday", "client_id", "record_id"))

    lea, sea = pl.col("lea_notified"), pl.col("sea_notified")
    both_notified = pl.when(lea.is_not_null() & sea.is_not_null()).then(pl.max_horizontal(lea, sea))
    return {
        "indicator_8a": children(pl.col("transition_steps"), everyone, bounded=True, excusable=True),
        "indicator_8b": children(both_notified, everyone + part_b, bounded=False, excusable=False),
        "indicator_8c": children(pl.col("transition_conference"),
                                 everyone + part_b + [(pl.col("conference_declined"), DECLINED)],
                                 bounded=True, excusable=True),
    }
