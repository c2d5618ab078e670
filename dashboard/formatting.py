"""Numbers and dates written for people: 1,330 not 1330.0, "Mon 14 Sep" not 2020-09-14."""

from __future__ import annotations

import datetime as dt


def count(value) -> str:
    return "–" if value is None else f"{int(value):,}"


def day(value: dt.date | None) -> str:
    """'Mon 14 Sep', with the year only when it is not this year's."""
    if value is None:
        return "–"
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == dt.date.today().year else f"{text} {value.year}"


def ago(then: dt.datetime, now: dt.datetime) -> str:
    days = (now.date() - then.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def period(label: str, start: dt.date, end: dt.date, by: str) -> str:
    if by == "month":
        return f"{start:%B %Y}"
    if by == "week":
        return f"week of {day(start)}"
    return day(start)


def figure(key: str, value) -> str:
    """A submission figure as the tables show it."""
    if value is None:
        return "–"
    if key == "reliability":
        return f"{value:.1%}"
    if key == "avg_days_to_housing":
        return f"{value:,.1f}"
    if key == "pct_45_day_timeline":
        return f"{value:.1f}%"
    if key == "median_days_referral_to_ifsp":
        return f"{value:g}"
    return f"{int(value):,}"
