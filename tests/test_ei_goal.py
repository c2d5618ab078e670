"""Early Intervention's goal (the counterpart of functional zero) on the hand-worked referral file of
tests/test_ei_figures.py, each part worked out below, and the parity rule on groups made by hand."""

import datetime as dt

from pipelines import store
from pipelines.early_intervention import goal
from pipelines.periods import period_of, series
from pipelines.programs import EARLY_INTERVENTION
from tests.test_ei_figures import ei_db  # noqa: F401 - the fixture: that file, loaded


def test_the_goal_month_by_month(ei_db):  # noqa: F811
    months = series(dt.date(2024, 12, 1), dt.date(2025, 3, 31), "month")
    with store.opened(ei_db, read_only=True) as conn:
        rows = goal.by_month(conn, EARLY_INTERVENTION, months)
    assert [(r["month"], r["past_45_days"], r["lost_exits"], r["goal_met"]) for r in rows] == [
        # R = 31 December: C9 met on day 30, C15 is on day 30 of 45; nobody left
        (dt.date(2024, 12, 1), 0, 0, True),
        # R = 31 January: C1 (day 21), C3 (16), C4 (11), C7 (26), C11 (29) are within 45 days; C15 met on day 40
        (dt.date(2025, 1, 1), 0, 0, True),
        # R = 28 February: C3 (day 44) and C4 (39) are within 45 days; C11 (57 days) is past them
        (dt.date(2025, 2, 1), 1, 0, False),
        # R = 31 March: C6 (58 days) is past them; C8 withdrawn and C13 out of contact are lost exits
        (dt.date(2025, 3, 1), 1, 2, False),
    ]
    # No reference population: no referral rates; groups of a few children cannot show a reliable gap.
    assert all(r["referral_rate"] == [] and r["timeline_45"] == [] for r in rows)
    assert rows[3]["met"] == {"past_45_days": False, "lost_exits": False, "referral_rate": True, "timeline_45": True}
    assert goal.months_met(rows) == [dt.date(2024, 12, 1), dt.date(2025, 1, 1)]
    assert goal.months_met(rows, "lost_exits") == [dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    with store.opened(ei_db, read_only=True) as conn:
        assert goal.of_month(conn, EARLY_INTERVENTION, period_of(dt.date(2025, 3, 1), "month")) == rows[3]


def _rate(group: str, ratio: float, low: float | None, high: float | None, unreliable: bool = False) -> dict:
    return {"group": group, "ratio": ratio, "ratio_low": low, "ratio_high": high, "unreliable": unreliable}


def test_a_group_is_behind_only_when_reliably_below_everyone():
    result = {"measures": {"referral_rate": {"rows": [
        _rate("Eastgate", 0.5, 0.3, 0.8),  # behind: the whole interval below parity
        _rate("Harborview", 0.7, 0.4, 1.2),  # the interval holds parity: no reliable gap
        _rate("Millbrook", 1.8, 1.2, 2.6),  # referred more: child find reaching it, not a shortfall
        _rate("Northside", 0.2, 0.05, 0.9, unreliable=True),  # too few children to tell
        _rate("Unknown", 0.1, 0.05, 0.2),  # not a group
        _rate("Westfield", 0.5, None, None),  # no interval
    ]}}}
    assert goal.behind(result, "referral_rate") == ["Eastgate"]
    assert goal.behind(result, "timeline_45") == []  # a measure the report does not have
