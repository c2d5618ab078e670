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
    # "entry" events put a record on the active list, "exit" events take it off.
    role: str
    # When two events of the same role fall on one day, the higher rank is the one that counts.
    tie_rank: int


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

    def population(self, name: str) -> Population:
        return next(p for p in self.populations if p.name == name)


SINGLE_ADULT = "Single adult"
YOUTH = "Youth"
FAMILY = "Family"

HOMELESSNESS = Program(
    name="homelessness",
    code=1,
    label="Homelessness (Built for Zero)",
    event_kinds=(
        EventKind("identified", "Identified", "entry", 1),
        # Built for Zero: a return on the same day as the identification is the entry that counts.
        EventKind("returned", "Returned to active", "entry", 2),
        EventKind("inactive", "Moved to inactive", "exit", 1),
        # ...and a move-in on the same day as an inactive date is the exit that counts.
        EventKind("moved_in", "Moved into housing", "exit", 2),
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
)

PROGRAMS = {p.name: p for p in (HOMELESSNESS,)}
POPULATIONS = [p.name for p in HOMELESSNESS.populations]


def program(name: str) -> Program:
    try:
        return PROGRAMS[name]
    except KeyError:
        raise ValueError(f"unknown program {name!r}; known: {', '.join(PROGRAMS)}") from None
