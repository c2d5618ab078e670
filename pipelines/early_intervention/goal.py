"""The programme's goal, Early Intervention's counterpart of functional zero (DESIGN §2.2): no child past
the 45-day clock without a meeting, no lost exits, and referral and service rates at parity across
groups and neighbourhoods. Worked out month by month from the referral list as it stood at each
month's end, with whether each part was met.

Parity is met when no group or neighbourhood is reliably behind: its rate's 95% interval lies wholly
below the rate of all children (a group referred or served *more* than the rest is no shortfall of
child find). Groups too small to tell (fewer than 30 children, or no interval) and children whose
group is unknown do not decide it.
"""

from __future__ import annotations

import datetime as dt

from pipelines import equity_report
from pipelines.early_intervention import figures as ei_figures
from pipelines.equity import UNKNOWN
from pipelines.periods import Period
from pipelines.programs import Program

GROUPINGS = ("race", "neighborhood")
# The rates that should be at parity: referrals per child under 3, and initial IFSP meetings within 45 days.
RATES = {"referral_rate": "referred less", "timeline_45": "met the 45-day timeline less"}
PARTS = ("past_45_days", "lost_exits", "referral_rate", "timeline_45")


def behind(result: dict, measure: str) -> list[str]:
    """The groups of one equity report whose rate is reliably below everyone's."""
    found = result["measures"].get(measure)
    if not found:
        return []
    return [row["group"] for row in found["rows"]
            if row["group"] != UNKNOWN and not row["unreliable"] and row.get("ratio_high") is not None
            and row["ratio_high"] < 1]


def of_month(conn, program: Program, month: Period) -> dict:
    """The goal's parts for one month: each a count or the groups behind, and whether it was met."""
    figures = ei_figures.period_figures(conn, month, program.name)
    people = equity_report.people(conn, program, month)
    groups_behind: dict[str, list[str]] = {measure: [] for measure in RATES}
    for grouping in GROUPINGS:
        result = equity_report.report(conn, program, month, grouping, rows=people)
        for measure in RATES:
            groups_behind[measure] += behind(result, measure)
    parts = {"past_45_days": figures["overdue_without_ifsp"], "lost_exits": figures["lost_exits"], **groups_behind}
    met = {part: not value for part, value in parts.items()}
    return {"month": month.start, **parts, "met": met, "goal_met": all(met.values())}


def by_month(conn, program: Program, months: list[Period]) -> list[dict]:
    return [of_month(conn, program, month) for month in months]


def months_met(rows: list[dict], part: str | None = None) -> list[dt.date]:
    """The months in which the goal (or one part of it) was met."""
    return [row["month"] for row in rows if (row["met"][part] if part else row["goal_met"])]
