"""HUD's chronic homelessness (24 CFR 578.3, as the HMIS Data Standards compute it), at each enrollment
and over a person's last three years.

At entry (3.08 and 3.917): a disabling condition, literal homelessness at entry, and either 12 months
homeless since the approximate start of this episode (DateToStreetESSH a year or more before entry),
or four or more times in the past three years adding up to 12 months or more. A "doesn't know",
"prefers not to answer" or "not collected" answer never makes anyone chronic, and is told apart in the
reason.

Over the history: the nights the export shows the person in shelter, a safe haven, on the street or in
permanent housing before move-in, plus the time before each entry that they reported, in the three
years before the export's end. A break of 7 or more nights ends an episode; the latest episode lasting
12 months, or 4 episodes adding up to 12 months, meets the definition when a disabling condition was
recorded at an enrollment in those years.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec

YEAR_DAYS = 365
LOOKBACK_DAYS = 3 * 365
BREAK_NIGHTS = 7
CHRONIC_REASONS = ("continuous_12_months", "four_episodes_12_months")


def at_entry(enrolled: pl.DataFrame) -> pl.DataFrame:
    """One row per enrollment: disabled (null when not known), chronic and the reason for the answer."""
    disability = pl.col("DisablingCondition")
    times, months = pl.col("TimesHomelessPastThreeYears"), pl.col("MonthsHomelessPastThreeYears")
    year_before = pl.col("EntryDate") - pl.duration(days=YEAR_DAYS)
    reason = (
        pl.when(disability == 0).then(pl.lit("not_disabled"))
        .when(disability.is_in([8, 9])).then(pl.lit("disability_doesnt_know_or_refused"))
        .when(disability != 1).then(pl.lit("disability_not_collected"))
        .when(disability.is_null()).then(pl.lit("disability_not_collected"))
        .when(~pl.col("homeless_at_entry")).then(pl.lit("not_homeless_at_entry"))
        .when(pl.col("DateToStreetESSH") <= year_before).then(pl.lit("continuous_12_months"))
        .when((times == spec.FOUR_OR_MORE_TIMES) & months.is_in(sorted(spec.TWELVE_MONTHS_OR_MORE)))
        .then(pl.lit("four_episodes_12_months"))
        .when(times.is_in([1, 2, 3]) | months.is_in(list(range(101, 112)))).then(pl.lit("under_12_months"))
        .when(times.is_in([8, 9]) | months.is_in([8, 9])).then(pl.lit("history_doesnt_know_or_refused"))
        .otherwise(pl.lit("history_not_collected"))
    )
    return enrolled.select(
        "EnrollmentID", "PersonalID", "EntryDate", "ExitDate",
        pl.when(disability.is_in([0, 1])).then(disability == 1).alias("disabled"),
        reason.alias("chronic_reason"),
    ).with_columns(chronic=pl.col("chronic_reason").is_in(CHRONIC_REASONS))


def history(spans: pl.DataFrame, entries: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """One row per person with chronic evidence: the homeless days and episodes of the three years to
    `as_of`, the latest episode's length, and whether the person is chronic and why."""
    start_of_window = as_of - dt.timedelta(days=LOOKBACK_DAYS - 1)
    nights = _nights(spans.filter(pl.col("for_chronic")), as_of)
    episodes = _merge(nights, BREAK_NIGHTS + 1).filter(pl.col("end") >= start_of_window)
    days = _merge(nights.with_columns(pl.max_horizontal("start", pl.lit(start_of_window)).alias("start"))
                  .filter(pl.col("start") <= pl.col("end")), 1)
    in_window = (days.group_by("PersonalID")
                 .agg(homeless_days_3y=(pl.col("end") - pl.col("start")).dt.total_days().add(1).sum()))
    by_person = (
        episodes.sort("PersonalID", "end")
        .group_by("PersonalID", maintain_order=True)
        .agg(episodes_3y=pl.len(),
             latest_episode_days=(pl.col("end").last() - pl.col("start").last()).dt.total_days() + 1)
        .join(in_window, on="PersonalID", how="left")
    )
    entries_in_window = entries.filter(
        (pl.col("EntryDate") <= as_of) & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= start_of_window)))
    people = entries_in_window.group_by("PersonalID").agg(
        disabled_3y=(pl.col("disabled") == True).any(),  # noqa: E712 - null (not known) is not disabled
        chronic_at_entry_3y=pl.col("chronic").any(),
    )
    history_reason = (
        pl.when(pl.col("latest_episode_days") >= YEAR_DAYS).then(pl.lit("continuous_12_months"))
        .when((pl.col("episodes_3y") >= 4) & (pl.col("homeless_days_3y") >= YEAR_DAYS))
        .then(pl.lit("four_episodes_12_months"))
    )
    return (
        people.join(by_person, on="PersonalID", how="full", coalesce=True)
        .with_columns(history_reason.alias("history_reason"))
        .with_columns(
            chronic=(pl.col("disabled_3y").fill_null(False)
                     & (pl.col("chronic_at_entry_3y").fill_null(False) | pl.col("history_reason").is_not_null())),
        )
        .sort("PersonalID")
    )


def _nights(spans: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """A stay that ended counts its nights, so its last day (the exit or move-in) is not one of them."""
    closed = pl.col("source").is_in(["stay", "enrolled", "before_move_in"]) & ~pl.col("ongoing") & (
        pl.col("end") > pl.col("start"))
    return spans.select("PersonalID", "start",
                        pl.when(closed).then(pl.col("end") - pl.duration(days=1)).otherwise(pl.col("end")).alias("end"))


def _merge(spans: pl.DataFrame, gap_days: int) -> pl.DataFrame:
    """Per person, spans joined when the next starts fewer than `gap_days` days after the end so far."""
    if spans.height == 0:
        return spans.select("PersonalID", "start", "end")
    ordered = spans.sort("PersonalID", "start", "end")
    reach = pl.col("end").cum_max().shift(1).over("PersonalID")
    grouped = ordered.with_columns(
        ((pl.col("start") - reach).dt.total_days() >= gap_days).fill_null(True).cum_sum().alias("_group")
    )
    return grouped.group_by("PersonalID", "_group", maintain_order=True).agg(
        pl.col("start").min(), pl.col("end").max()).drop("_group")
