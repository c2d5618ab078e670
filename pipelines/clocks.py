"""Early Intervention's clocks: 45 days from referral to the initial IFSP meeting, and the transition
steps and conference due between 9 months and 90 days before the third birthday (DESIGN §2.2)."""

from __future__ import annotations

import datetime as dt

import polars as pl

CLOCK_DAYS = 45
TRANSITION_OPENS_MONTHS = 9  # before the third birthday
TRANSITION_CLOSES_DAYS = 90


def third_birthday() -> pl.Expr:
    # A child born on 29 February turns 3 on 28 February.
    return pl.col("birth_date").dt.offset_by("3y")


def found_not_eligible() -> pl.Expr:
    return (pl.col("eligible") == False).fill_null(False)  # noqa: E712 - null is "not decided yet"


def days_left_45(on: dt.date) -> pl.Expr:
    """Days left on the 45-day clock (negative: overdue); empty once the IFSP meeting is held or the
    child is found not eligible, which stops the clock."""
    left = CLOCK_DAYS - (pl.lit(on) - pl.col("identified")).dt.total_days()
    return pl.when(pl.col("ifsp").is_null() & ~found_not_eligible()).then(left).alias("days_left_45")


def transition_due(on: dt.date) -> pl.Expr:
    """For a child in services (an IFSP meeting held), days until the transition steps and conference
    are due (90 days before the third birthday; negative: late); empty once both are done."""
    due = (third_birthday().dt.offset_by(f"-{TRANSITION_CLOSES_DAYS}d") - pl.lit(on)).dt.total_days()
    pending = pl.col("transition_conference").is_null() | pl.col("transition_steps").is_null()
    return pl.when(pl.col("ifsp").is_not_null() & pending).then(due).alias("transition_due")


def transition_open(on: dt.date) -> pl.Expr:
    """The child is inside the transition window or past its deadline."""
    return pl.lit(on) >= third_birthday().dt.offset_by(f"-{TRANSITION_OPENS_MONTHS}mo")


def in_words(column: str, done: str | None, deadline: str) -> pl.Expr:
    """A clock column as people say it: "12 days left", "3 days past the deadline", or `done`."""
    days = pl.col(column)
    return (pl.when(days.is_null()).then(pl.lit(done, dtype=pl.String))
            .when(days < 0).then(days.abs().cast(pl.String) + f" days past {deadline}")
            .otherwise(days.cast(pl.String) + " days left"))


def described() -> list[pl.Expr]:
    """Both clocks in words, for a list's columns."""
    stopped = pl.when(pl.col("ifsp").is_not_null()).then(pl.lit("IFSP meeting held")).otherwise(
        pl.lit("found not eligible"))
    done = pl.when(pl.col("ifsp").is_null()).then(pl.lit("–")).otherwise(pl.lit("steps and conference held"))
    return [
        pl.coalesce(in_words("days_left_45", None, "the 45-day clock"), stopped).alias("45-day clock"),
        pl.coalesce(in_words("transition_due", None, "the deadline"), done).alias("Transition"),
    ]
