"""A person's household type and chronic status over time, as an export cut at each day would give them.

A month's figures count each person in the populations they belonged to at the month's end, so those
two attributes must be known as they stood then, not as the export's last day has them (someone
chronic since May was not chronic in March). Each is evaluated on the days it can change for the
list's figures: the days the person was identified, returned, moved in or went inactive, the days they
or a member of their household began an enrollment, every month's end while they are on the list and
could be chronic (and whenever a member of their household is evaluated), and the export's last day.
Between those days the last evaluation holds, so nothing is ever seen before it happened; a month's
end always has its own, and someone off the list keeps the attributes of the day they left.

On a day the attributes describe the person's day: that day, or for someone who had left the list by
then the day they left (a person housed keeps the household and status they were housed with).
Household type comes from the person's latest enrollment begun by their day, from the ages at entry of
the members who had joined it by then; chronic status from chronic.history.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.equity import age_in_years
from pipelines.hmis import chronic, spec
from pipelines.programs import FAMILY, SINGLE_ADULT, YOUTH

YOUTH_UNTIL = 25


def over_time(walked: pl.DataFrame, entries: pl.DataFrame, spans: pl.DataFrame, as_of: dt.date) -> tuple:
    """(versions, current, history). versions: PersonalID -> over_time, the list of loading.OVER_TIME
    from the day the person was identified, one per change. current: PersonalID, household_type, chronic on
    `as_of`. history: chronic.history's row per person on `as_of`, for those with chronic evidence.
    `entries` is chronic.at_entry with household and age_at_entry."""
    on = _evaluations(walked, entries, as_of)
    # Everyone on the export's last day (the history explains the status), and on other days those who
    # could be chronic then.
    evaluated = chronic.history(spans, entries, pl.concat([_could_be_chronic_on(on, entries),
                                                           on.filter(pl.col("moment") == as_of)]).unique("at"), as_of)
    both = (on.join(household_types(entries, on), on="at", how="left")
            .join(evaluated.select("at", "chronic"), on="at", how="left")
            .with_columns(pl.col("chronic").fill_null(False)))
    first_seen = walked.select("PersonalID", first=pl.col("identified").list.min())
    listed = both.join(first_seen, on="PersonalID").filter(pl.col("moment") >= pl.col("first"))
    changed = pl.struct("household_type", "chronic").ne_missing(
        pl.struct("household_type", "chronic").shift(1).over("PersonalID"))
    versions = (listed.sort("PersonalID", "moment")
                .filter(changed | (pl.col("moment") == pl.col("moment").min().over("PersonalID")))
                .group_by("PersonalID", maintain_order=True)
                .agg(over_time=pl.struct(pl.col("moment").alias("valid_from"), "household_type", "chronic")))
    current = listed.filter(pl.col("moment") == as_of).select("PersonalID", "household_type", "chronic")
    history = evaluated.filter(pl.col("moment") == as_of).drop("at", "moment", "day")
    return versions, current, history


def ages_at_entry(enrolled: pl.DataFrame, clients: pl.DataFrame) -> pl.DataFrame:
    """EnrollmentID -> age_at_entry."""
    return enrolled.join(clients.select("PersonalID", "DOB"), on="PersonalID", how="left").select(
        "EnrollmentID", age_in_years("DOB", "EntryDate").cast(pl.Int32).alias("age_at_entry"))


def household_types(entries: pl.DataFrame, on: pl.DataFrame) -> pl.DataFrame:
    """at -> household_type on the evaluation's day, from the person's latest enrollment begun by then."""
    latest = (on.select("at", "PersonalID", "day")
              .join(_members(entries).select("PersonalID", "EntryDate", "EnrollmentID", "household"), on="PersonalID")
              .filter(pl.col("EntryDate") <= pl.col("day"))
              .sort("at", "EntryDate", "EnrollmentID")
              .group_by("at", maintain_order=True).agg(pl.col("household").last(), pl.col("day").first()))
    return household_type_of(latest, entries)


def household_type_of(households: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """at, household (HouseholdID, or EnrollmentID for someone alone), day -> at, household_type on that
    day, from the ages at entry of the members who had joined by then: a child with an adult is a
    family; everyone under 25 (unaccompanied youth 18-24, or minors alone) is youth; other adult-only
    households are single adults. A member of unknown age leaves the type unknown unless it is a family."""
    age = pl.col("age_at_entry")
    kinds = (households.join(_members(entries).select("household", "EntryDate", "age_at_entry"), on="household")
             .filter(pl.col("EntryDate") <= pl.col("day"))
             .group_by("at").agg(child=(age < spec.ADULT_AGE).any(), adult=(age >= spec.ADULT_AGE).any(),
                                 unknown=age.is_null().any(), youth=(age < YOUTH_UNTIL).all()))
    kind = (pl.when(pl.col("child") & pl.col("adult")).then(pl.lit(FAMILY))
            .when(pl.col("unknown")).then(pl.lit(None, pl.String))
            .when(pl.col("youth")).then(pl.lit(YOUTH))
            .otherwise(pl.lit(SINGLE_ADULT)))
    return kinds.select("at", kind.alias("household_type"))


def _members(entries: pl.DataFrame) -> pl.DataFrame:
    return entries.select("EnrollmentID", "PersonalID", "EntryDate", "age_at_entry",
                          household=pl.coalesce("HouseholdID", "EnrollmentID"))


def _could_be_chronic_on(on: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """The evaluations whose person has an enrollment open on the day that was disabled at entry or
    whose household has one that was. No one else is chronic that day, nor makes anyone else so."""
    disabled = pl.col("disabled") == True  # noqa: E712 - null (not known) is not disabled
    household = pl.coalesce("HouseholdID", "EnrollmentID")
    flagged = entries.select("PersonalID", "EntryDate", "ExitDate", household.alias("household"),
                             disabled.fill_null(False).any().over(household).alias("may"))
    day = pl.col("day")
    hits = (on.select("at", "PersonalID", "day").join(flagged.filter("may"), on="PersonalID")
            .filter((pl.col("EntryDate") <= day) & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= day))))
    return on.join(hits.select("at").unique(), on="at", how="semi")


def _could_be_chronic(entries: pl.DataFrame) -> pl.DataFrame:
    """The people who could be chronic on some day: disabled at an enrollment's entry, or sharing a
    household with someone who was. Everyone else never is, and is not evaluated."""
    disabled = entries.filter(pl.col("disabled") == True)  # noqa: E712 - null (not known) is not disabled
    households = disabled.filter(pl.col("HouseholdID").is_not_null()).select("HouseholdID").unique()
    return pl.concat([
        disabled.select("PersonalID"),
        entries.join(households, on="HouseholdID", how="semi").select("PersonalID"),
    ]).unique()


def _evaluations(walked: pl.DataFrame, entries: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """at (a key), PersonalID, moment (the day the list is seen on), day (the day the attributes
    describe). A person off the list is evaluated on the day they left it (a leave date is one of the
    moments), and again only when a member of their household is: a household is chronic as a whole."""
    first = walked.select("PersonalID", pl.col("identified").list.min().alias("first"))
    dates = walked.select("PersonalID", moment=pl.concat_list("identified", "returned", "moved_in", "inactive"))
    month_ends = _month_ends_on_list(walked.join(_could_be_chronic(entries), on="PersonalID", how="semi"), as_of)
    members = _members(entries)
    member_entries = (members.select("PersonalID", "household")
                      .join(members.select("household", moment="EntryDate"), on="household")
                      .select("PersonalID", "moment"))
    moments = (pl.concat([dates.explode("moment"), month_ends, member_entries])
               .drop_nulls().join(first, on="PersonalID").filter(pl.col("moment").is_between("first", as_of))
               .select("PersonalID", "moment"))
    moments = pl.concat([moments, walked.select("PersonalID", moment=pl.lit(as_of))]).unique()
    on_list = _person_days(moments, walked).filter(
        (pl.col("day") == pl.col("moment")) | (pl.col("moment") == as_of))
    households = (entries.filter(pl.col("HouseholdID").is_not_null())
                  .select("PersonalID", "HouseholdID").unique())
    shared = (households.join(on_list.select("PersonalID", "moment"), on="PersonalID")
              .join(households, on="HouseholdID", suffix="_member")
              .select(pl.col("PersonalID_member").alias("PersonalID"), "moment")
              .join(on_list.select("PersonalID", "moment"), on=["PersonalID", "moment"], how="anti").unique())
    return (pl.concat([on_list, _person_days(shared, walked)]).sort("PersonalID", "moment")
            .with_row_index("at"))


def _month_ends_on_list(walked: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """PersonalID, moment: each month's end while the person is on the list. Their entries and exits
    alternate (statuses.py), so the n-th exit closes the n-th stretch; the last may still be open."""
    starts = pl.concat_list("identified", "returned").list.sort()
    ends = pl.concat_list("moved_in", "inactive").list.sort()
    open_end = ends.list.concat(pl.lit([as_of + dt.timedelta(days=1)], dtype=pl.List(pl.Date)))
    stretches = walked.select("PersonalID", start=starts,
                              end=pl.when(ends.list.len() < starts.list.len()).then(open_end).otherwise(ends))
    month = pl.col("start").dt.year().cast(pl.Int32) * 12 + pl.col("start").dt.month().cast(pl.Int32) - 1
    last = pl.col("end").dt.year().cast(pl.Int32) * 12 + pl.col("end").dt.month().cast(pl.Int32) - 1
    month_end = pl.date(pl.col("month") // 12, pl.col("month") % 12 + 1, 1).dt.month_end()
    return (stretches.explode("start", "end")
            .select("PersonalID", "end", month=pl.int_ranges(month, last + 1)).explode("month")
            .select("PersonalID", "end", moment=month_end)
            .filter(pl.col("moment") < pl.col("end")).select("PersonalID", "moment"))


def _person_days(moments: pl.DataFrame, walked: pl.DataFrame) -> pl.DataFrame:
    """The day each moment describes: the moment, or the day the person left the list if they were
    off it then (Built for Zero's rule: the latest move-in or inactive date on or after the latest
    identification or return)."""
    def latest(columns: tuple[str, str], name: str) -> pl.DataFrame:
        return (walked.select("PersonalID", pl.concat_list(columns).alias(name)).explode(name).drop_nulls(name)
                .unique().sort(name))

    seen = (moments.sort("moment")
            .join_asof(latest(("identified", "returned"), "entry"), left_on="moment", right_on="entry",
                       by="PersonalID", strategy="backward", check_sortedness=False)
            .join_asof(latest(("moved_in", "inactive"), "exit"), left_on="moment", right_on="exit",
                       by="PersonalID", strategy="backward", check_sortedness=False))
    off = pl.col("entry").is_not_null() & pl.col("exit").is_not_null() & (pl.col("exit") >= pl.col("entry"))
    return seen.select("PersonalID", "moment", day=pl.when(off).then(pl.col("exit")).otherwise(pl.col("moment")))
