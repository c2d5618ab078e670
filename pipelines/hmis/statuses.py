"""A person's by-name list dates from the HMIS evidence (DESIGN §2.1), in the order things happened.

Walking each person's evidence day by day, with contacts before exits on the same day:
- the first homeless contact is the identification;
- a contact after the person left the list (housed or inactive) is a return, except while they hold a
  permanent home they moved in to: housed means housed, whatever other projects record, until that
  stay ends;
- a permanent-housing move-in, or an exit to a permanent destination (4xx), while on the list is a move-in;
- an exit to a temporary place other than transitional housing (3xx but 302), or death (24), while on
  the list makes the person inactive on the exit date;
- an exit to an institution (2xx) makes them inactive after INSTITUTION_DAYS there with no homeless
  contact, dated on that day; a contact before then is no return, since they never left the list;
- no contact for the inactivity period makes them inactive on the day it runs out: last seen on
  10 January with 90 days, they are active through 9 April and inactive on 10 April.
An exit says nothing while another stay of the person runs past it (a transfer between shelters, an
exit from outreach while still in a shelter); an exit with an unknown destination (8, 9, 17, 30, 37,
99) says nothing either, and the inactivity period decides. So the dates alternate, entry then exit,
and Built for Zero's rule (entry = the later of identification and return, exit = the later of move-in
and inactive) gives back the same state on every day. Nothing is ever dated before the evidence for it,
so an export cut at any day gives the same dates up to that day as the whole export.
"""

from __future__ import annotations

import datetime as dt
import gc

import polars as pl

from pipelines.hmis import spec
from pipelines.hmis.contacts import situation_category

CONTACT, MOVE_IN, EXIT_PERMANENT, EXIT_INSTITUTION, EXIT_ELSEWHERE = 0, 1, 2, 3, 4
INSTITUTION_DAYS = 90  # DESIGN §2.1: in an institution for more than 90 days
OFF, ACTIVE, HOUSED, INACTIVE = "not yet identified", "active", "housed", "inactive"
DATE_LIST = pl.List(pl.Date)
STATUS_SCHEMA = {"PersonalID": pl.String, "identified": DATE_LIST, "returned": DATE_LIST, "moved_in": DATE_LIST,
                 "inactive": DATE_LIST, "last_contact": pl.Date, "state": pl.String}


def events(enrolled: pl.DataFrame, spans: pl.DataFrame, as_of: dt.date, inactivity_days: int) -> pl.DataFrame:
    """(PersonalID, date, kind, until, lapse) sorted as they are to be walked: `until` is the last day
    a contact lasts, or a home is held (the day after `as_of` for one still going on then); `lapse` the
    day a person goes inactive if nothing else is seen (worked out here, where it is cheap)."""
    going_on = pl.lit(as_of + dt.timedelta(days=1))
    contacts = spans.filter(pl.col("for_status")).select(
        "PersonalID", date=pl.col("start"), kind=pl.lit(CONTACT),
        until=pl.when(pl.col("ongoing")).then(going_on).otherwise(pl.col("end")),
    ).with_columns(lapse=pl.col("until") + pl.duration(days=inactivity_days))
    move_ins = enrolled.filter(pl.col("ProjectType").is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS))
                               & pl.col("MoveInDate").is_not_null()).select(
        "PersonalID", date=pl.col("MoveInDate"), kind=pl.lit(MOVE_IN),
        until=pl.when(pl.col("ExitDate") <= as_of).then(pl.col("ExitDate")).otherwise(going_on),
        lapse=pl.lit(None, pl.Date))
    destination = situation_category("Destination")
    elsewhere = (destination == spec.TEMPORARY) & (pl.col("Destination") != spec.TRANSITIONAL_HOUSING_SITUATION) | (
        pl.col("Destination") == spec.DECEASED)
    exits = enrolled.filter(pl.col("ExitDate").is_not_null()).select(
        "PersonalID", date=pl.col("ExitDate"),
        kind=pl.when(destination == spec.PERMANENT).then(pl.lit(EXIT_PERMANENT))
        .when(destination == spec.INSTITUTIONAL).then(pl.lit(EXIT_INSTITUTION))
        .when(elsewhere).then(pl.lit(EXIT_ELSEWHERE)),
        until=pl.lit(None, pl.Date),
        lapse=pl.when(destination == spec.INSTITUTIONAL).then(pl.col("ExitDate") + pl.duration(days=INSTITUTION_DAYS)),
    ).drop_nulls("kind")
    schema = {"PersonalID": pl.String, "date": pl.Date, "kind": pl.Int8, "until": pl.Date, "lapse": pl.Date}
    return (pl.concat([f.cast(schema) for f in (contacts, move_ins, exits)])
            .filter(pl.col("date") <= as_of)
            .sort("PersonalID", "date", "kind", "until"))


def walk(timeline: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each person's identified, returned, moved-in and inactive dates, last contact and state at `as_of`."""
    rows = []
    person, status = None, None
    # The walk makes millions of small lists that live until it ends; the cyclic collector would
    # scan them again and again (a third of the walk's time) and find nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for pid, day, kind, until, lapse in timeline.iter_rows():
            if pid != person:
                if status is not None:
                    rows.append(status.finish(as_of))
                person, status = pid, _Person(pid)
            status.see(day, kind, until, lapse)
        if status is not None:
            rows.append(status.finish(as_of))
    finally:
        if collecting:
            gc.enable()
    return pl.DataFrame(rows, schema=STATUS_SCHEMA, orient="row").filter(pl.col("identified").list.len() > 0)


class _Person:
    __slots__ = ("pid", "state", "identified", "returned", "moved_in", "inactive", "reach", "lapse_on",
                 "left_on", "housed_until")

    def __init__(self, pid: str):
        self.pid, self.state = pid, OFF
        self.identified, self.returned, self.moved_in, self.inactive = [], [], [], []
        # The last day contact is known to last, the day the person goes inactive without another,
        # the day they left the list, the day the home they moved in to ends.
        self.reach = self.lapse_on = self.left_on = self.housed_until = None

    def _leave(self, dates: list, day: dt.date, state: str) -> None:
        dates.append(day)
        self.state, self.left_on = state, day

    def _seen(self, until: dt.date, lapse: dt.date) -> None:
        if self.reach is None or until > self.reach:
            self.reach = until
        if self.lapse_on is None or lapse > self.lapse_on:
            self.lapse_on = lapse

    def see(self, day: dt.date, kind: int, until: dt.date | None, lapse: dt.date | None) -> None:
        if self.state == ACTIVE and day > self.lapse_on:
            self._leave(self.inactive, self.lapse_on, INACTIVE)
        if kind == CONTACT:
            if self.housed_until is not None and day < self.housed_until:
                return  # housed means housed
            if self.state == OFF:
                self.identified.append(day)
            elif self.state == ACTIVE:
                self._seen(until, lapse)
                return
            elif day > self.left_on:
                self.returned.append(day)
            else:
                return
            self.state, self.reach, self.lapse_on = ACTIVE, None, None
            self._seen(until, lapse)
            return
        if kind == MOVE_IN:
            if self.housed_until is None or until > self.housed_until:
                self.housed_until = until
        if self.state != ACTIVE:
            return
        if kind == MOVE_IN:
            self._leave(self.moved_in, day, HOUSED)
        elif self.reach > day:
            return  # another stay runs on past this exit
        elif kind == EXIT_PERMANENT:
            self._leave(self.moved_in, day, HOUSED)
        elif kind == EXIT_INSTITUTION:
            self.lapse_on = lapse
        else:
            self._leave(self.inactive, day, INACTIVE)

    def finish(self, as_of: dt.date) -> tuple:
        if self.state == ACTIVE and as_of >= self.lapse_on:
            self._leave(self.inactive, self.lapse_on, INACTIVE)
        last_contact = None if self.reach is None else min(self.reach, as_of)
        return (self.pid, self.identified, self.returned, self.moved_in, self.inactive, last_contact, self.state)


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
