"""Coordinated entry from an HMIS export: each person's latest assessment (4.19: were they placed on
the prioritization list?) and latest referral with its result (4.20), as of the day their list
status describes, so the case conference can sort by prioritization and see where a referral stands.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec


def latest(tables: dict[str, pl.DataFrame], on: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """PersonalID -> prioritized, assessed_on, referral: from the rows dated on or before each
    person's day (`on`: PersonalID, day; `as_of` for everyone else)."""
    def up_to_day(frame: pl.DataFrame, date: str) -> pl.DataFrame:
        return (frame.join(on, on="PersonalID", how="left")
                .filter(pl.col(date) <= pl.col("day").fill_null(as_of))
                .sort("PersonalID", date, "row").group_by("PersonalID", maintain_order=True).last())

    assessed = up_to_day(tables["Assessment"].filter(pl.col("AssessmentDate").is_not_null()), "AssessmentDate").select(
        "PersonalID",
        prioritized=pl.col("PrioritizationStatus").replace_strict(
            {spec.PLACED_ON_PRIORITY_LIST: True, spec.NOT_PLACED: False}, default=None, return_dtype=pl.Boolean),
        assessed_on=pl.col("AssessmentDate"),
    )
    events = tables["Event"].filter(pl.col("EventDate").is_not_null())
    referred = up_to_day(events, "EventDate").with_columns(
        result=pl.when(pl.col("ResultDate") <= pl.col("day").fill_null(as_of)).then(
            pl.col("ReferralResult").replace_strict(spec.REFERRAL_RESULTS, default=None, return_dtype=pl.String)))
    referral = referred.select(
        "PersonalID",
        referral=pl.concat_str(
            pl.col("Event").replace_strict(spec.EVENTS, default="a referral", return_dtype=pl.String),
            pl.lit(", "), pl.col("EventDate").dt.strftime("%-d %b %Y"),
            pl.when(pl.col("result").is_not_null()).then(pl.lit(" (") + pl.col("result") + pl.lit(")"))
            .when(pl.col("Event").is_in(sorted(spec.HOUSING_REFERRALS))).then(pl.lit(" (no result yet)"))
            .otherwise(pl.lit("")),
        ),
    )
    return assessed.join(referral, on="PersonalID", how="full", coalesce=True)
