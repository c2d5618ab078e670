"""Program definitions: what differs between a homelessness list and an Early Intervention list.

The engine reads these as data (they are written into the database as `event_kinds` and
`populations`), so the flow, list and triage code never branches on the program's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class EventKind:
    kind: str
    label: str
    # "entry" events put a record on the active list, "exit" events take it off; "milestone" events
    # (an Early Intervention evaluation, say) are kept and shown but do not move anyone on or off.
    role: str
    # When two events of the same role fall on one day, the higher rank is the one that counts.
    tie_rank: int
    # What the flow figures count the kind as, in Built for Zero's words: "identified" (a first
    # entry), "returned", "moved_in" (the exit that is the goal) or "inactive" (any other exit).
    counts_as: str | None = None


@dataclass(frozen=True)
class Population:
    name: str
    # None: any household type that is present; otherwise one of these normalised types.
    household_types: tuple[str, ...] | None = None
    veteran: bool | None = None
    chronic: bool | None = None

    def members(self) -> pl.Expr:
        """True for rows (with household_type, veteran, chronic) in this population."""
        rule = pl.col("household_type").is_not_null()
        if self.household_types is not None:
            rule &= pl.col("household_type").is_in(list(self.household_types))
        if self.veteran is not None:
            rule &= pl.col("veteran").fill_null(False) == self.veteran
        if self.chronic is not None:
            rule &= pl.col("chronic").fill_null(False) == self.chronic
        return rule


@dataclass(frozen=True)
class Program:
    name: str
    code: int  # a small number standing for the program in large derived tables
    label: str
    event_kinds: tuple[EventKind, ...]
    populations: tuple[Population, ...]
    settings: dict = field(default_factory=dict)
    # The words the pages use for the flow figures, where the program's own differ.
    words: dict = field(default_factory=dict)
    # The case conference agenda's sections, in order (pipelines/agenda.py defines them).
    agenda: tuple[str, ...] = ()
    # What the triage policy may sort on (pipelines/triage.py explains each).
    sort_keys: tuple[str, ...] = ()
    # The event kinds a case conference may record for someone (a return only for someone off the list).
    meeting_records: tuple[str, ...] = ()
    # A plan's choices: the barriers it may name, and the stages of a housing match (none: not asked).
    barriers: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()

    def population(self, name: str) -> Population:
        return next(p for p in self.populations if p.name == name)

    def word(self, figure: str) -> str:
        return self.words.get(figure, FIGURE_WORDS[figure])

    def kind(self, name: str) -> EventKind:
        return next(k for k in self.event_kinds if k.kind == name)

    def has_milestones(self) -> bool:
        return any(k.role == "milestone" for k in self.event_kinds)

    def movements(self) -> tuple[list[str], list[str]]:
        """The flow figures that can be other than 0 for this program: (onto the list, off it)."""
        inflow = ["newly_identified"]
        if any(k.counts_as == "returned" for k in self.event_kinds):
            inflow += ["returned_from_housing", "returned_from_inactive"]
        outflow = ["housing_placements", "moved_to_inactive"]
        if len(self.populations) > 1:
            outflow.append("no_longer_meets_population")
        return inflow, outflow


# The flow figures' names in Built for Zero's words; a program may say them its own way.
FIGURE_WORDS = {
    "actively_homeless": "Actively homeless",
    "newly_identified": "Newly identified",
    "returned_from_housing": "Returned from housing",
    "returned_from_inactive": "Returned from inactive",
    "housing_placements": "Housing placements",
    "moved_to_inactive": "Moved to inactive",
    "no_longer_meets_population": "No longer meets population criteria",
    "inflow": "Inflow",
    "outflow": "Outflow",
    "net_change": "Net change",
    "balance_gap": "Balance gap",
    "avg_days_to_housing": "Average days to housing",
    "reliability": "3-month reliability",
    "on_list": "actively homeless",  # as in "everyone actively homeless on ..."
    "person": "person",
    "days_on_list": "Days since identification",
    "exit_day": "Moved in",
    "id": "Client ID",
    "entered": "Identified",
    "active_list": "active list",
    "list": "by-name list",
    "contact": "Contact",
    "owner": "Owner (navigator or case manager)",
}


SINGLE_ADULT = "Single adult"
YOUTH = "Youth"
FAMILY = "Family"

HOMELESSNESS = Program(
    name="homelessness",
    code=1,
    label="Homelessness (Built for Zero)",
    event_kinds=(
        EventKind("identified", "Identified", "entry", 1, "identified"),
        # Built for Zero: a return on the same day as the identification is the entry that counts.
        EventKind("returned", "Returned to active", "entry", 2, "returned"),
        EventKind("inactive", "Moved to inactive", "exit", 1, "inactive"),
        # ...and a move-in on the same day as an inactive date is the exit that counts.
        EventKind("moved_in", "Moved into housing", "exit", 2, "moved_in"),
    ),
    populations=(
        Population("All"),
        Population("All Singles", household_types=(SINGLE_ADULT,)),
        Population("Veteran", household_types=(SINGLE_ADULT,), veteran=True),
        Population("Chronic", household_types=(SINGLE_ADULT,), chronic=True),
        Population("Chronic Veteran", household_types=(SINGLE_ADULT,), veteran=True, chronic=True),
        Population("Youth", household_types=(YOUTH,)),
        Population("Families", household_types=(FAMILY,)),
    ),
    settings={
        "inactivity_days": 90,
        "pit_count_individuals": None,
        "triage_policy": ["chronic desc", "assessment_score desc", "days_since_identification desc",
                          "identified asc"],
        "days_between_meetings": 7,
        "agenda_no_contact_days": 60,
        "agenda_stalled_days": 30,
        "agenda_matched_days": 30,
    },
    agenda=("new", "returned", "overdue", "no_contact", "stalled", "housed"),
    sort_keys=("chronic", "veteran", "prioritized", "assessment_score", "days_since_identification", "identified",
               "age"),
    meeting_records=("moved_in", "inactive", "returned"),
    barriers=("Missing ID", "Birth certificate", "Income verification", "Disability verification", "Other"),
    matches=("None", "Referred", "Matched", "Moving in"),
)

CHILD = "Child"  # every Early Intervention record's household type, so it counts in "All children"

EARLY_INTERVENTION = Program(
    name="early_intervention",
    code=2,
    label="Early Intervention (IDEA Part C)",
    event_kinds=(
        EventKind("referred", "Referred", "entry", 1, "identified"),
        # Exits for one of the three reasons that lose a child (eligibility not determined,
        # withdrawal, unable to contact) are told apart from the others.
        EventKind("exited_lost", "Exited before services were settled", "exit", 1, "inactive"),
        EventKind("exited", "Exited", "exit", 2, "moved_in"),
        EventKind("evaluated", "Evaluated", "milestone", 1),
        EventKind("eligibility_decided", "Eligibility decided", "milestone", 2),
        EventKind("ifsp", "Initial IFSP meeting", "milestone", 3),
        EventKind("service_start", "Services started", "milestone", 4),
        EventKind("transition_steps", "Transition steps", "milestone", 5),
        EventKind("lea_notified", "School district notified", "milestone", 6),
        EventKind("transition_conference", "Transition conference", "milestone", 7),
        EventKind("sea_notified", "State education agency notified", "milestone", 8),
    ),
    populations=(Population("All children"),),
    settings={
        "timely_services_days": 30,
        "child_count_date": "12-01",
        "triage_policy": ["days_left_45 asc", "transition_due asc", "identified asc"],
        "days_between_meetings": 7,
        "agenda_clock_days": 14,
        "agenda_transition_days": 30,
    },
    words={
        "actively_homeless": "Open referrals",
        "newly_identified": "Referrals",
        "housing_placements": "Exits",
        "moved_to_inactive": "Lost exits",
        "avg_days_to_housing": "Average days from referral to exit",
        "on_list": "with an open referral",
        "person": "child",
        "days_on_list": "Days since referral",
        "exit_day": "Exited",
        "id": "Child ID",
        "entered": "Referred",
        "returned_from_housing": "Returned",
        "section_new": "Referred since the last meeting",
        "section_housed": "Exited since the last meeting",
        "inflow": "Coming in",
        "outflow": "Leaving",
        "active_list": "list of open referrals",
        "list": "referral list",
        "contact": "Service coordinator",
        "owner": "Owner (service coordinator)",
    },
    agenda=("new", "clock", "transition", "overdue", "housed"),
    sort_keys=("days_left_45", "transition_due", "days_since_identification", "identified"),
    # What the team learns in the meeting before the next extract says it. A step's latest-recorded date
    # counts: the meeting's, until an extract brings the source system's.
    meeting_records=("ifsp", "service_start", "transition_conference", "exited", "exited_lost"),
    barriers=("Family not reached", "Interpreter needed", "Consent not given", "Evaluation not scheduled",
              "Other"),
)

PROGRAMS = {p.name: p for p in (HOMELESSNESS, EARLY_INTERVENTION)}
POPULATIONS = [p.name for p in HOMELESSNESS.populations]


def program(name: str) -> Program:
    try:
        return PROGRAMS[name]
    except KeyError:
        raise ValueError(f"unknown program {name!r}; known: {', '.join(PROGRAMS)}") from None
