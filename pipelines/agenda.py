"""This week's agenda for the case conference: who to talk about, section by section.

Everyone is taken in triage order within a section; a person can be in more than one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

import queries
from pipelines import active_list, clocks, store, store_dialect, triage
from pipelines.programs import Program
from pipelines.programs import program as get_program


@dataclass(frozen=True)
class AgendaSettings:
    days_between_meetings: int = 7
    no_contact_days: int = 60  # before the usual 90 days of no contact make someone inactive
    stalled_days: int = 30
    matched_days: int = 30
    clock_days: int = 14  # days left on the 45-day clock that put a child on the agenda
    transition_days: int = 30  # likewise before the transition conference is due


SECTIONS = {
    "new": "New since the last meeting",
    "returned": "Back on the list since the last meeting",
    "overdue": "Next steps past their due date",
    "no_contact": "No contact for a while: about to go inactive",
    "stalled": "Stalled",
    "clock": "45-day clock about to run out, or run out",
    "transition": "Transition conference due soon, or late",
    "housed": "Housed since the last meeting: celebrate them",
}
SETTING_OF = {"days_between_meetings": "days_between_meetings", "no_contact_days": "agenda_no_contact_days",
              "stalled_days": "agenda_stalled_days", "matched_days": "agenda_matched_days",
              "clock_days": "agenda_clock_days", "transition_days": "agenda_transition_days"}


def titles(program: Program) -> dict[str, str]:
    """The program's sections in order, with their titles."""
    return {key: program.words.get(f"section_{key}", SECTIONS[key]) for key in program.agenda}


def settings_of(conn, program: str) -> AgendaSettings:
    defined = get_program(program).settings
    return AgendaSettings(**{field: store.setting(conn, program, key) for field, key in SETTING_OF.items()
                             if key in defined})


@dataclass(frozen=True)
class Meeting:
    day: dt.date
    list_date: dt.date
    settings: AgendaSettings
    policy: list[str]
    ranked: pl.DataFrame  # the active list in triage order, with each person's plan in force
    sections: dict[str, pl.DataFrame]
    titles: dict[str, str]  # each section's title, in the program's order


def list_date_of(conn, program: str) -> dt.date:
    return queries.one(conn, "freshness", program=program)["as_of"] or dt.date.today()


def ranked_list(conn, program: str, list_date: dt.date) -> tuple[pl.DataFrame, list[str]]:
    """The active list in triage order, without names (`active_list.named` adds them to the rows shown)."""
    policy = store.setting(conn, program, "triage_policy")
    active = queries.arrow(conn, "active_list", program=program)
    if get_program(program).has_milestones():
        active = active.join(queries.arrow(conn, "active_milestones", program=program), on="record_id", how="left")
    return triage.rank(active, policy, list_date), policy


def meeting(conn, program: str, day: dt.date, list_date: dt.date | None = None) -> Meeting:
    """Everything the meeting goes through: the ranked list with plans, and the agenda's sections."""
    list_date = list_date or list_date_of(conn, program)
    settings = settings_of(conn, program)
    ranked, policy = ranked_list(conn, program, list_date)
    plans = queries.arrow(conn, "plans_in_force", program=program)
    housed = housed_between(conn, program, last_meeting(day, settings), day)
    with_plans = ranked.join(plans, on="person_id", how="left", maintain_order="left")
    definition = get_program(program)
    every = sections(with_plans, housed, day, settings, definition)
    return Meeting(day, list_date, settings, policy, with_plans, {key: every[key] for key in definition.agenda},
                   titles(definition))


def housed_between(conn, program: str, after: dt.date, until: dt.date) -> pl.DataFrame:
    """People whose record's latest exit is a move-in dated in (after, until], with their names."""
    if not store_dialect.few_by_key(conn):
        return queries.arrow(conn, "housed_between", program=program, after=after, until=until)
    states = queries.arrow(conn, "housed_states", program=program, after=after, until=until)
    if states.height > active_list.FEW:
        return queries.arrow(conn, "housed_between", program=program, after=after, until=until)
    with queries.registered(conn, housed=states):
        return queries.arrow(conn, "housed_names_few", person_ids=states["person_id"].unique().sort().to_list(),
                             record_ids=states["record_id"].unique().sort().to_list())


def with_names(conn, meeting: Meeting) -> Meeting:
    """The whole meeting with everyone's name, for the pack (the pages name only the rows they show)."""
    ranked = active_list.named(conn, meeting.ranked)
    return replace(meeting, ranked=ranked, sections=_named_sections(meeting.sections, ranked))


def not_discussed(meeting: Meeting) -> int:
    """People on the list with nothing recorded for them in a meeting yet."""
    return meeting.ranked["plan_changed_at"].null_count()


def first_named(conn, meeting: Meeting, sizes: dict[str, int]) -> dict[str, pl.DataFrame]:
    """The first `sizes[key]` people of each section with their names, fetched in one query."""
    heads = {key: people.head(sizes[key]) for key, people in meeting.sections.items()}
    wanted = pl.concat([people.select("record_id", "person_id", "attributes_upload", "attributes_from")
                        for key, people in heads.items() if key != "housed"]).unique()
    return _named_sections(heads, active_list.named(conn, wanted))


def _named_sections(sections: dict[str, pl.DataFrame], named: pl.DataFrame) -> dict[str, pl.DataFrame]:
    # The housed section comes with its names: its people are no longer on the active list.
    names = named.select("record_id", *active_list.NAME_COLUMNS)
    return {key: people if key == "housed" else people.join(names, on="record_id", how="left", maintain_order="left")
            for key, people in sections.items()}


def last_meeting(meeting: dt.date, settings: AgendaSettings) -> dt.date:
    return meeting - dt.timedelta(days=settings.days_between_meetings)


def sections(ranked: pl.DataFrame, housed: pl.DataFrame, meeting: dt.date,
             settings: AgendaSettings, program: Program) -> dict[str, pl.DataFrame]:
    """The agenda's sections, from the active list in triage order with each person's plan. Each is
    a filter of the list; the program's `agenda` says which it uses.

    Only what the data shows: a list carries no contact dates, so "no contact" and "stalled" are about
    people whose plan says when they were last worked on (someone never discussed is neither: the page
    says how many such people there are, once). A next step past its due date with nothing recorded
    since is overdue."""
    first_entry = next(k.kind for k in program.event_kinds if k.counts_as == "identified")
    since = last_meeting(meeting, settings)
    day = pl.lit(meeting)
    people = ranked.with_columns(
        # the last sign of life: the latest dated fact, or the latest change to the plan
        pl.max_horizontal("last_event_date", pl.col("plan_changed_at").dt.date()).alias("last_activity"),
        pl.coalesce(pl.col("plan_changed_at").dt.date(), pl.col("entry_date")).alias("progress_since"),
    )
    entered = (pl.col("entry_date") > pl.lit(since)) & (pl.col("entry_date") <= day)
    matched_too_long = pl.col("matched_since").is_not_null() & (
        pl.col("matched_since").dt.date() <= day - pl.duration(days=settings.matched_days)
    )
    planned = pl.col("plan_changed_at").is_not_null()
    stalled = planned & ((pl.col("progress_since") <= day - pl.duration(days=settings.stalled_days))
                         | matched_too_long)
    overdue = planned & (pl.col("due_date") < day) & (pl.col("plan_changed_at").dt.date() <= pl.col("due_date"))
    found = {
        "new": people.filter(entered & (pl.col("entry_kind") == first_entry)),
        "returned": people.filter(entered & (pl.col("entry_kind") != first_entry)),
        "overdue": people.filter(overdue),
        "no_contact": people.filter(planned & (pl.col("last_activity")
                                               <= day - pl.duration(days=settings.no_contact_days))),
        "stalled": people.filter(stalled).with_columns(
            pl.when(matched_too_long).then(pl.lit("matched to housing, not moved in"))
            .otherwise(pl.lit("no recorded progress")).alias("why_stalled")
        ),
        "housed": housed,
    }
    if "days_left_45" in people.columns:
        found["clock"] = people.filter(pl.col("days_left_45") <= settings.clock_days)
        found["transition"] = people.filter(clocks.transition_open(meeting)
                                            & (pl.col("transition_due") <= settings.transition_days))
    return found
