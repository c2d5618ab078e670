"""Numbers and dates written for people: 1,330 not 1330.0, "Mon 14 Sep" not 2020-09-14."""

from __future__ import annotations

import datetime as dt
import re

# Characters Markdown acts on: text from files and forms is escaped so it shows as typed, never as
# a link, an image (a tracking pixel in a name), HTML, maths or formatting. Brackets are enough to
# break links and images, so the punctuation of ordinary sentences stays as it is.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]#!|~$&])")
# Angle brackets as entities, not backslash escapes: a bare address before one ("<img src=http://…>")
# is made a link by the renderer, which would take a backslash after it into the address and show it.
_ANGLES = {"<": "&lt;", ">": "&gt;"}
_LIST_START = re.compile(r"^(\s*)(?:([-+])|(\d+)\.)")


def plain(text) -> str:
    """`text` to put inside Markdown (st.markdown, headers, captions, labels), shown exactly as typed."""
    escaped = _MARKDOWN.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))
    escaped = re.sub("[<>]", lambda m: _ANGLES[m.group()], escaped)
    # ...and a start that would make a list
    return _LIST_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\."),
                           escaped, count=1)


def about(person: dict, program) -> str:
    """Who the person is, in one line: household, veteran, chronic, age, score and worker (those known)."""
    parts = [person.get("household_type"),
             "veteran" if person.get("veteran") else None,
             "chronically homeless" if person.get("chronic") else None,
             f"age {person['age']}" if person.get("age") is not None else None,
             f"assessment score {person['assessment_score']:g}" if person.get("assessment_score") is not None else None,
             f"{program.word('contact').lower()}: {person['contact_worker']}" if person.get("contact_worker") else None]
    return plain(" · ".join(p for p in parts if p))


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
