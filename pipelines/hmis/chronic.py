"""HUD's chronic homelessness (24 CFR 578.3, as the HMIS Data Standards compute it), at each enrollment
and on any day.

At entry (3.08, 4.05-4.10 and 3.917): a disability (3.08 answered yes, or a condition recorded at
entry that is expected to last indefinitely and impairs living on one's own: Disabilities.csv),
literal homelessness at entry, and either 12 months homeless since the approximate start of this
episode (DateToStreetESSH a year or more before entry), or four or more times in the past three years
adding up to 12 months or more. A "doesn't know", "prefers not to answer" or "not collected" answer
never makes anyone chronic, and is told apart in the reason.

On a day, from the enrollments open that day (a closed one says nothing about today), for someone
disabled at that enrollment's entry: chronic at its entry; or the history shows it, that is the nights
the export shows the person in shelter, a safe haven, on the street or in permanent housing before
move-in, plus the time before each entry that they reported, in the three years to that day (a break
of 7 or more nights ends an episode; the latest episode lasting 12 months, or 4 episodes adding up to
12 months, meets the definition; one documented outreach contact in a month counts that whole month);
or four or more times homeless with the months reported at entry and the months homeless since adding
up to 12. Every member of a household whose head or an adult member is chronic is chronic.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec

YEAR_DAYS = 365
LOOKBACK_DAYS = 3 * 365
BREAK_NIGHTS = 7
CHRONIC_REASONS = ("continuous_12_months", "four_episodes_12_months")


def disabled_at_entry(enrolled: pl.DataFrame, disabilities: pl.DataFrame) -> pl.DataFrame:
    """EnrollmentID -> disabled: yes from 3.08 or a disabling condition recorded at entry, no from
    3.08 answered no, null when not known."""
    kind, response = pl.col("DisabilityType"), pl.col("DisabilityResponse")
    substance = kind == 10
    has_it = pl.when(substance).then(response.is_in([1, 2, 3])).otherwise(response == 1)
    disabling = has_it & (kind.is_in(sorted(spec.ALWAYS_DISABLING)) | (pl.col("IndefiniteAndImpairs") == 1))
    recorded = (disabilities.filter((pl.col("DataCollectionStage") == spec.PROJECT_START) & disabling)
                .select("EnrollmentID").unique().with_columns(_recorded=pl.lit(True)))
    condition = pl.col("DisablingCondition")
    return enrolled.join(recorded, on="EnrollmentID", how="left").select(
        "EnrollmentID",
        disabled=pl.when((condition == 1) | pl.col("_recorded").fill_null(False)).then(True)
        .when(condition == 0).then(False),
    )


def at_entry(enrolled: pl.DataFrame, disabilities: pl.DataFrame) -> pl.DataFrame:
    """One row per enrollment: disabled (null when not known), chronic and the reason for the answer,
    and what the household and months rules need."""
    disability = pl.col("DisablingCondition")
    times, months = pl.col("TimesHomelessPastThreeYears"), pl.col("MonthsHomelessPastThreeYears")
    year_before = pl.col("EntryDate") - pl.duration(days=YEAR_DAYS)
    reason = (
        pl.when(pl.col("disabled") == False).then(pl.lit("not_disabled"))  # noqa: E712 - null is not known
        .when(pl.col("disabled").is_null() & disability.is_in([8, 9])).then(pl.lit("disability_doesnt_know_or_refused"))
        .when(pl.col("disabled").is_null()).then(pl.lit("disability_not_collected"))
        .when(~pl.col("homeless_at_entry")).then(pl.lit("not_homeless_at_entry"))
        .when(pl.col("DateToStreetESSH") <= year_before).then(pl.lit("continuous_12_months"))
        .when((times == spec.FOUR_OR_MORE_TIMES) & months.is_in(sorted(spec.TWELVE_MONTHS_OR_MORE)))
        .then(pl.lit("four_episodes_12_months"))
        .when(times.is_in([1, 2, 3]) | months.is_in(list(range(101, 112)))).then(pl.lit("under_12_months"))
        .when(times.is_in([8, 9]) | months.is_in([8, 9])).then(pl.lit("history_doesnt_know_or_refused"))
        .otherwise(pl.lit("history_not_collected"))
    )
    return enrolled.join(disabled_at_entry(enrolled, disabilities), on="EnrollmentID", how="left").select(
        "EnrollmentID", "PersonalID", "EntryDate", "ExitDate", "ProjectType", "HouseholdID", "RelationshipToHoH",
        "disabled", reason.alias("chronic_reason"),
        # Four or more times: the months reported at entry (101 = one ... 113 = more than 12), to which the
        # months homeless since are added.
        pl.when((times == spec.FOUR_OR_MORE_TIMES) & months.is_between(101, 113)).then(months - 100)
        .alias("months_before"),
    ).with_columns(chronic=pl.col("chronic_reason").is_in(CHRONIC_REASONS))


def history(spans: pl.DataFrame, entries: pl.DataFrame, on: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Chronic status at each evaluation in `on` (at: a key, PersonalID, day: the day the status
    describes, moment: the day the list is seen on). The day is the moment, or for someone who had
    left the list by then the day they left it, so a person housed keeps the status they were housed
    with; households are judged at one moment. One row per evaluation with chronic evidence: the
    homeless days and episodes of the three years to its day, the latest episode's length, and
    whether the person is chronic and why. `entries` is `at_entry` with each enrollment's
    age_at_entry; `as_of` is the export's last day."""
    outreach = entries.filter(pl.col("ProjectType") == spec.STREET_OUTREACH)["EnrollmentID"].implode()
    day = pl.col("day")
    window_start = day - pl.duration(days=LOOKBACK_DAYS - 1)
    on = on.select("at", "PersonalID", "day", "moment")
    nights = (_nights(spans.filter(pl.col("for_chronic")), as_of, outreach)
              .join(on.select("at", "PersonalID", "day"), on="PersonalID")
              .filter((pl.col("start") <= day) & (pl.col("known_from") <= day))
              .with_columns(pl.min_horizontal("end", day).alias("end")))
    episodes = (_merge(nights, BREAK_NIGHTS + 1).join(on.select("at", "day"), on="at")
                .filter(pl.col("end") >= window_start))
    days = _merge(nights.with_columns(pl.max_horizontal("start", window_start).alias("start"))
                  .filter(pl.col("start") <= pl.col("end")), 1)
    in_window = (days.group_by("at")
                 .agg(homeless_days_3y=(pl.col("end") - pl.col("start")).dt.total_days().add(1).sum()))
    by_evaluation = (
        episodes.sort("at", "end")
        .group_by("at", maintain_order=True)
        .agg(episodes_3y=pl.len(),
             latest_episode_days=(pl.col("end").last() - pl.col("start").last()).dt.total_days() + 1)
        .join(in_window, on="at", how="left")
        .with_columns(history_reason=pl.when(pl.col("latest_episode_days") >= YEAR_DAYS)
                      .then(pl.lit("continuous_12_months"))
                      .when((pl.col("episodes_3y") >= 4) & (pl.col("homeless_days_3y") >= YEAR_DAYS))
                      .then(pl.lit("four_episodes_12_months")))
    )
    # The enrollments open that day (one that ends on it was still open then).
    open_now = (entries.join(on, on="PersonalID")
                .filter((pl.col("EntryDate") <= day) & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= day))))
    since = _months_since(days, open_now.filter(pl.col("months_before").is_not_null()))
    chronic_now = (
        open_now.join(by_evaluation.select("at", "history_reason"), on="at", how="left")
        .join(since, on=["at", "EnrollmentID"], how="left")
        .with_columns(own=(pl.col("disabled") == True) & (  # noqa: E712 - null (not known) is not disabled
            pl.col("chronic") | pl.col("history_reason").is_not_null()
            | (pl.col("months_before") + pl.col("months_since").fill_null(0) >= 12)).fill_null(False))
    )
    # A household is chronic when its head or an adult in it is; then so is every member.
    leads = (pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD) | (pl.col("age_at_entry") >= spec.ADULT_AGE)
    households = (chronic_now.filter(pl.col("HouseholdID").is_not_null())
                  .group_by("HouseholdID", "moment").agg(household_chronic=(pl.col("own") & leads).any()))
    evaluations = (
        chronic_now.join(households, on=["HouseholdID", "moment"], how="left")
        .group_by("at")
        .agg(chronic=(pl.col("own") | pl.col("household_chronic").fill_null(False)).any())
    )
    return (
        on.join(evaluations.join(by_evaluation, on="at", how="full", coalesce=True), on="at")
        .with_columns(pl.col("chronic").fill_null(False))
        .sort("at")
    )


def _months_since(days: pl.DataFrame, open_now: pl.DataFrame) -> pl.DataFrame:
    """(at, EnrollmentID) -> the calendar months after its entry's month in which the person was homeless."""
    month = (pl.col("start").dt.year() * 12 + pl.col("start").dt.month() - 1)
    last = (pl.col("end").dt.year() * 12 + pl.col("end").dt.month() - 1)
    months = (days.join(open_now.select("at").unique(), on="at", how="semi")
              .select("at", month=pl.int_ranges(month, last + 1)).explode("month").unique())
    entry_month = pl.col("EntryDate").dt.year() * 12 + pl.col("EntryDate").dt.month() - 1
    return (open_now.select("at", "EnrollmentID", entry_month.alias("entry_month"))
            .join(months, on="at")
            .filter(pl.col("month") > pl.col("entry_month"))
            .group_by("at", "EnrollmentID").agg(months_since=pl.len()))


def _nights(spans: pl.DataFrame, as_of: dt.date, outreach: pl.Series) -> pl.DataFrame:
    """A stay that ended counts its nights, so its last day (the exit or move-in) is not one of them.
    A documented outreach contact counts its whole month (24 CFR 578.3), up to `as_of`."""
    closed = pl.col("source").is_in(["stay", "enrolled", "before_move_in"]) & ~pl.col("ongoing") & (
        pl.col("end") > pl.col("start"))
    in_outreach = pl.col("EnrollmentID").is_in(outreach) & pl.col("source").is_in(
        ["entry", "engagement", "living_situation"])
    # Time reported at an entry is known from that entry on, not before (a later enrollment's answer
    # says nothing about what was known on an earlier day).
    reported = pl.col("source") == "reported_before_entry"
    return spans.select(
        "PersonalID",
        pl.when(reported).then(pl.col("end") + pl.duration(days=1)).otherwise(pl.col("start")).alias("known_from"),
        pl.when(in_outreach).then(pl.col("start").dt.month_start()).otherwise(pl.col("start")).alias("start"),
        pl.when(in_outreach).then(pl.min_horizontal(pl.col("start").dt.month_end(), pl.lit(as_of)))
        .when(closed).then(pl.col("end") - pl.duration(days=1)).otherwise(pl.col("end")).alias("end"),
    )


def _merge(spans: pl.DataFrame, gap_days: int) -> pl.DataFrame:
    """Per evaluation, spans joined when the next starts fewer than `gap_days` days after the end so far."""
    if spans.height == 0:
        return spans.select("at", "start", "end")
    ordered = spans.select("at", "start", "end").sort("at", "start", "end")
    # The running latest end within each person, without a window per person (five times slower on
    # a million people): evaluations come in order, so a key of (evaluation, end) only grows from one
    # to the next.
    at = pl.col("at").cast(pl.Int64)
    end_key = at * _DAY_SPAN + pl.col("end").cast(pl.Int32).cast(pl.Int64) + _DAY_OFFSET
    reach_days = end_key.cum_max().shift(1) - at * _DAY_SPAN - _DAY_OFFSET
    same_evaluation = (at == at.shift(1)).fill_null(False)
    starts_episode = ~same_evaluation | ((pl.col("start").cast(pl.Int32).cast(pl.Int64) - reach_days) >= gap_days)
    return (ordered.with_columns(starts_episode.cum_sum().alias("_group"))
            .group_by("_group", maintain_order=True)
            .agg(pl.col("at").first(), pl.col("start").min(), pl.col("end").max())
            .drop("_group"))


# Days since 1970 fit in +-2**21 for any year from about -3700 to 7700.
_DAY_OFFSET, _DAY_SPAN = 1 << 21, 1 << 22
