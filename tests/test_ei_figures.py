"""`bynames report ei` on a hand-worked referral file: every figure for March 2025 worked out below."""

import datetime as dt
import json

import pytest

from pipelines import cli, ei_figures, loading, store
from pipelines.periods import period_of

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

HEADER = ("Child ID,First Name,Last Name,Date of Birth,Referral Date,Evaluation Date,Eligibility,Eligibility Date,"
          "IFSP Date,Exceptional Family Circumstance,Service Start Date,Exit Date,Exit Reason,Service Coordinator")
# R = 2025-03-31. Days from referral to IFSP are in the comments.
ROWS = """\
C1,Ada,One,2023-06-01,2025-01-10,2025-01-20,Eligible,2025-01-25,2025-02-20,,2025-03-05,,,Kim
C2,Bea,Two,2023-06-01,2025-02-01,2025-02-10,Eligible,2025-02-12,2025-03-10,,2025-04-20,,,Kim
C3,Cal,Three,2023-06-01,2025-01-15,2025-02-01,Eligible,2025-02-05,2025-03-12,Yes,2025-03-25,,,Kim
C4,Dov,Four,2023-06-01,2025-01-20,2025-02-01,Eligible,2025-02-05,2025-03-20,No,,,,Lou
C5,Eli,Five,2023-06-01,2025-03-03,,,,,,,,,Lou
C6,Fay,Six,2023-06-01,2025-02-01,,,,,,,,,Lou
C7,Gus,Seven,2023-06-01,2025-01-05,2025-01-25,Not eligible,2025-01-28,,,,,,Lou
C8,Hal,Eight,2023-06-01,2025-02-10,,,,,,,2025-03-15,Withdrawal by parent (or guardian),Kim
C9,Ivy,Nine,2022-04-01,2024-11-01,2024-11-10,Eligible,2024-11-12,2024-12-01,,2024-12-20,2025-03-28,2,Kim
C10,Jo,Ten,2023-06-01,2025-03-05,2025-03-20,Eligible,2025-03-25,2025-04-10,,,,,Kim
C11,Kit,Eleven,2023-06-01,2025-01-02,2025-02-20,Eligible,2025-03-01,2025-03-31,,2025-03-31,,,Lou
C12,Lee,Twelve,2023-06-01,2025-04-02,,,,,,,,,Lou
C13,Max,Thirteen,2023-06-01,2025-02-15,,,,,,,2025-03-01,10,Lou
C14,Ned,Fourteen,2023-06-01,2025-03-20,,,,,,,2025-03-25,Moved out of state,Kim
C15,Oli,Fifteen,2023-06-01,2024-12-01,2024-12-20,Eligible,2024-12-22,2025-01-10,,2025-03-14,,,Kim
"""
MARCH = {
    "referrals": 3,  # C5, C10, C14 (C12 comes in April: not on the list yet)
    "open_referrals": 10,  # C1-C7, C10, C11, C15
    "exits": 4,  # C8, C9, C13, C14
    "lost_exits": 2,  # C8 (withdrawal, 9), C13 (unable to contact, 10)
    "initial_ifsp_meetings": 4,  # C2 (37 days), C3 (56), C4 (59), C11 (88); C10's is in April
    "ifsp_within_45_days": 1,  # C2
    "ifsp_late_exceptional": 1,  # C3
    "pct_45_day_timeline": 50.0,  # 100 x (1 + 1) / 4
    "overdue_without_ifsp": 1,  # C6 (58 days); C5 and C10 are within 45 days, C7 was found not eligible
    "services_started": 4,  # C1 (13 days after IFSP), C3 (13), C11 (0), C15 (63); C2's is in April
    "services_timely": 3,  # all but C15
    "median_days_referral_to_ifsp": 57.5,  # (56 + 59) / 2
}


@pytest.fixture
def ei_db(tmp_path):
    db = tmp_path / "ei.duckdb"
    data = (HEADER + "\n" + ROWS).encode()
    with store.opened(db) as conn:
        result = loading.ingest(conn, data, "referrals.csv", program="early_intervention", who="test",
                                today=dt.date(2025, 4, 30))
    assert result.status == loading.LOADED, result.report.lines()
    return db


def test_march_figures_equal_the_hand_worked_ones(ei_db):
    with store.opened(ei_db) as conn:
        figures = ei_figures.period_figures(conn, period_of(dt.date(2025, 3, 1), "month"))
    assert {k: figures[k] for k in MARCH} == MARCH


def test_a_week_sees_only_what_was_dated_by_its_sunday(ei_db):
    # Mon 10 - Sun 16 March: meetings of C2 (37 days) and C3 (56, exceptional): 100%; C15's services (63 days
    # after its IFSP, not timely); C8's exit (lost).
    with store.opened(ei_db) as conn:
        week = ei_figures.period_figures(conn, period_of(dt.date(2025, 3, 12), "week"))
    assert (week["initial_ifsp_meetings"], week["ifsp_within_45_days"], week["pct_45_day_timeline"]) == (2, 1, 100.0)
    assert (week["services_started"], week["services_timely"], week["exits"], week["lost_exits"]) == (1, 0, 1, 1)
    # Open on 16 March: everyone referred by then but C13 (exited 1 March) and C8 (15 March); C14 not yet referred
    assert week["open_referrals"] == 11


def test_report_ei_prints_the_same_as_json(ei_db, capsys):
    assert cli.main(["report", "ei", "--db", str(ei_db), "--month", "2025-03"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {k: printed[k] for k in MARCH} == MARCH
    assert list(printed)[3:] == list(ei_figures.KEYS)


def test_no_meetings_means_no_percentage(ei_db):
    with store.opened(ei_db) as conn:
        october = ei_figures.period_figures(conn, period_of(dt.date(2024, 10, 1), "month"))
    assert (october["initial_ifsp_meetings"], october["pct_45_day_timeline"],
            october["median_days_referral_to_ifsp"]) == (0, None, None)


def test_every_exit_category_counts_as_an_exit_and_three_as_lost(tmp_path):
    # One child for each of the 10 federal categories, all leaving in March: 6, 9 and 10 are lost.
    rows = [f"E{code},Kid,{code},2023-06-01,2025-02-01,,,,,,,2025-03-{10 + code},{code},Kim" for code in range(1, 11)]
    db = tmp_path / "exits.duckdb"
    with store.opened(db) as conn:
        result = loading.ingest(conn, ("\n".join([HEADER, *rows]) + "\n").encode(), "exits.csv",
                                program="early_intervention", who="test", today=dt.date(2025, 4, 30))
        assert result.status == loading.LOADED, result.report.lines()
        march = ei_figures.period_figures(conn, period_of(dt.date(2025, 3, 1), "month"))
        lost = conn.execute("SELECT r.ordinal, p.client_id FROM events e JOIN records r USING (record_id) "
                            "JOIN people p USING (person_id) WHERE e.kind = 'exited_lost' ORDER BY 2").fetchall()
    assert (march["exits"], march["lost_exits"], march["open_referrals"]) == (10, 3, 0)
    assert [client for _, client in lost] == ["E10", "E6", "E9"]
