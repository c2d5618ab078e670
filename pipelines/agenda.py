"""This week's agenda for the case conference: who to talk about, section by section.

Everyone is taken in triage order within a section; a person can be in more than one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class AgendaSettings:
    days_between_meetings: int = 7
    no_contact_days: int = 60  # before the usual 90 days of no contact make someone inactive
    stalled_days: int = 30
    matched_days: int = 30


SECTIONS = {
    "new": "New since the last meeting",
    "returned": "Back on the list since the last meeting",
    "no_contact": "No contact for a while: about to go inactive",
    "stalled": "Stalled",
    "housed": "Housed since the last meeting: celebrate them",
}


def last_meeting(meeting: dt.date, settings: AgendaSettings) -> dt.date:
    return meeting - dt.timedelta(days=settings.days_between_meetings)


def sections(ranked: pl.DataFrame, plans: pl.DataFrame, housed: pl.DataFrame, meeting: dt.date,
             settings: AgendaSettings) -> dict[str, pl.DataFrame]:
    """The agenda's sections. `ranked` is the active list in triage order (pipelines.triage.rank)."""
    since = last_meeting(meeting, settings)
    day = pl.lit(meeting)
    people = ranked.join(plans, on="person_id", how="left", maintain_order="left").with_columns(
        # the last sign of life: the latest dated fact, or the latest change to the plan
        pl.max_horizontal("last_event_date", pl.col("plan_changed_at").dt.date()).alias("last_activity"),
        pl.coalesce(pl.col("plan_changed_at").dt.date(), pl.col("entry_date")).alias("progress_since"),
    )
    entered = (pl.col("entry_date") > pl.lit(since)) & (pl.col("entry_date") <= day)
    matched_too_long = pl.col("matched_since").is_not_null() & (
        pl.col("matched_since").dt.date() <= day - pl.duration(days=settings.matched_days)
    )
    stalled = (pl.col("progress_since") <= day - pl.duration(days=settings.stalled_days)) | matched_too_long
    return {
        "new": people.filter(entered & (pl.col("entry_kind") == "identified")),
        "returned": people.filter(entered & (pl.col("entry_kind") != "identified")),
        "no_contact": people.filter(pl.col("last_activity") <= day - pl.duration(days=settings.no_contact_days)),
        "stalled": people.filter(stalled).with_columns(
            pl.when(matched_too_long).then(pl.lit("matched to housing, not moved in"))
            .otherwise(pl.lit("no recorded progress")).alias("why_stalled")
        ),
        "housed": housed,
    }
