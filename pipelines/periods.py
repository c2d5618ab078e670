"""Reporting periods: a day, an ISO week (Monday to Sunday) or a calendar month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    by: str

    @property
    def label(self) -> str:
        if self.by == "month":
            return f"{self.start:%Y-%m}"
        if self.by == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m-%d}"


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_of(day: dt.date, by: str) -> Period:
    if by == "day":
        return Period(day, day, by)
    if by == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=6), by)
    if by == "month":
        return Period(day.replace(day=1), month_end(day), by)
    raise ValueError(f"unknown granularity {by!r}; use one of {', '.join(GRANULARITIES)}")


def following(period: Period) -> Period:
    return period_of(period.end + dt.timedelta(days=1), period.by)


def series(start: dt.date, end: dt.date, by: str) -> list[Period]:
    """Every period from the one holding `start` to the one holding `end`."""
    if end < start:
        raise ValueError(f"the end ({end}) is before the start ({start})")
    out = [period_of(start, by)]
    while out[-1].end < end:
        out.append(following(out[-1]))
    return out


def parse_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month {text!r} is not written as YYYY-MM") from None
