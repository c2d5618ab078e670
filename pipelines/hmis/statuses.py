"""A person's by-name list dates from the HMIS evidence (DESIGN §2.1), in the order things happened.

Walking each person's evidence day by day, with contacts before exits on the same day:
- the first homeless contact is the identification;
- a contact after the person left the list (housed or inactive) is a return;
- a permanent-housing move-in, or an exit to a permanent destination (4xx), while on the list is a move-in;
- an exit to an institution, a temporary place other than transitional housing, or death (2xx, 3xx
  but 302, 24) while on the list makes the person inactive on the exit date;
- so does no contact for more than the inactivity period, dated at the last contact.
An exit says nothing while another stay of the person runs past it (a transfer between shelters, an
exit from outreach while still in a shelter); an exit with an unknown destination (8, 9, 17, 30, 37,
99) says nothing either, and the inactivity period decides. So the dates alternate, entry then exit,
and Built for Zero's rule (entry = the later of identification and return, exit = the later of move-in
and inactive) gives back the same state on every day.
"""

from __future__ import annotations

import datetime as dt
import gc

import polars as pl

from pipelines.hmis import spec
from pipelines.hmis.contacts import situation_category

CONTACT, MOVE_IN, EXIT_PERMANENT, EXIT_ELSEWHERE = 0, 1, 2, 3
OFF, ACTIVE, HOUSED, INACTIVE = "not yet identified", "active", "housed", "inactive"
DATE_LIST = pl.List(pl.Date)
STATUS_SCHEMA = {"PersonalID": pl.String, "identified": DATE_LIST, "returned": DATE_LIST, "moved_in": DATE_LIST,
                 "inactive": DATE_LIST, "last_contact": pl.Date, "state": pl.String}


def events(enrolled: pl.DataFrame, spans: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """(PersonalID, date, kind, until) sorted as they are to be walked; `until` is how long a contact lasts."""
    contacts = spans.filter(pl.col("for_status")).select(
        "PersonalID", date=pl.col("start"), kind=pl.lit(CONTACT), until=pl.col("end"))
    move_ins = enrolled.filter(pl.col("ProjectType").is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS))
                               & pl.col("MoveInDate").is_not_null()).select(
        "PersonalID", date=pl.col("MoveInDate"), kind=pl.lit(MOVE_IN), until=pl.lit(None, pl.Date))
    destination = situation_category("Destination")
    elsewhere = destination.is_in([spec.INSTITUTIONAL, spec.TEMPORARY]) & (
        pl.col("Destination") != spec.TRANSITIONAL_HOUSING_SITUATION) | (pl.col("Destination") == spec.DECEASED)
    exits = enrolled.filter(pl.col("ExitDate").is_not_null()).select(
        "PersonalID", date=pl.col("ExitDate"),
        kind=pl.when(destination == spec.PERMANENT).then(pl.lit(EXIT_PERMANENT))
        .when(elsewhere).then(pl.lit(EXIT_ELSEWHERE)),
        until=pl.lit(None, pl.Date),
    ).drop_nulls("kind")
    schema = {"PersonalID": pl.String, "date": pl.Date, "kind": pl.Int8, "until": pl.Date}
    return (pl.concat([f.cast(schema) for f in (contacts, move_ins, exits)])
            .filter(pl.col("date") <= as_of)
            .sort("PersonalID", "date", "kind", "until"))


def walk(timeline: pl.DataFrame, as_of: dt.date, inactivity_days: int) -> pl.DataFrame:
    """Each person's identified, returned, moved-in and inactive dates, last contact and state at `as_of`."""
    rows = []
    person, status = None, None
    # The walk makes millions of small lists that live until it ends; the cyclic collector would
    # scan them again and again (a third of the walk's time) and find nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for pid, day, kind, until in timeline.iter_rows():
            if pid != person:
                if status is not None:
                    rows.append(status.finish(as_of, inactivity_days))
                person, status = pid, _Person(pid)
            status.see(day, kind, until, inactivity_days)
        if status is not None:
            rows.append(status.finish(as_of, inactivity_days))
    finally:
        if collecting:
            gc.enable()
    return pl.DataFrame(rows, schema=STATUS_SCHEMA, orient="row").filter(pl.col("identified").list.len() > 0)


class _Person:
    __slots__ = ("pid", "state", "identified", "returned", "moved_in", "inactive", "reach", "left_on")

    def __init__(self, pid: str):
        self.pid, self.state = pid, OFF
        self.identified, self.returned, self.moved_in, self.inactive = [], [], [], []
        self.reach = self.left_on = None  # the last day contact is known to last; the day the person left

    def _lapse(self, day: dt.date, inactivity_days: int) -> None:
        if self.state == ACTIVE and (day - self.reach).days > inactivity_days:
            self._leave(self.inactive, self.reach, INACTIVE)

    def _leave(self, dates: list, day: dt.date, state: str) -> None:
        dates.append(day)
        self.state, self.left_on = state, day

    def see(self, day: dt.date, kind: int, until: dt.date | None, inactivity_days: int) -> None:
        self._lapse(day, inactivity_days)
        if kind == CONTACT:
            if self.state == OFF:
                self.identified.append(day)
            elif self.state == ACTIVE:
                self.reach = max(self.reach, until)
                return
            elif day > self.left_on:
                self.returned.append(day)
            else:
                return
            self.state, self.reach = ACTIVE, until
        elif self.state != ACTIVE:
            return
        elif kind == MOVE_IN:
            self._leave(self.moved_in, day, HOUSED)
        elif self.reach > day:
            return  # another stay runs on past this exit
        elif kind == EXIT_PERMANENT:
            self._leave(self.moved_in, day, HOUSED)
        else:
            self._leave(self.inactive, day, INACTIVE)

    def finish(self, as_of: dt.date, inactivity_days: int) -> tuple:
        self._lapse(as_of, inactivity_days)
        return (self.pid, self.identified, self.returned, self.moved_in, self.inactive, self.reach, self.state)


def actively_homeless(people: pl.DataFrame, on: dt.date) -> pl.Series:
    """Built for Zero's rule on the four date lists, seeing only the dates up to `on`."""
    def latest(column: str) -> pl.Expr:
        return pl.col(column).list.eval(pl.element().filter(pl.element() <= on)).list.max()

    entry_identified, entry_returned = latest("identified"), latest("returned")
    exit_moved, exit_inactive = latest("moved_in"), latest("inactive")
    entry = pl.max_horizontal(entry_identified, entry_returned)
    exit_ = pl.max_horizontal(exit_moved, exit_inactive)
    return people.select(
        (entry.is_not_null() & (exit_.is_null() | (exit_ < entry))).alias("active")
    ).to_series()
