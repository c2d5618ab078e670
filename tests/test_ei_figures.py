"""`bynames report ei` on a hand-worked referral file: every figure for March 2025 worked out below."""

import csv
import datetime as dt
import io
import json
import os

import polars as pl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pipelines import cli, loading, store
from pipelines.early_intervention import child_count
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import period_of
from tests import test_as_of as as_of
from tests.conftest import figured

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


def load_referrals(conn, header: str, rows: str, name: str, today: dt.date) -> None:
    """A hand-built referral file, loaded whole."""
    result = loading.ingest(conn, (header + "\n" + rows).encode(), name, program="early_intervention", who="test",
                            today=today)
    assert result.status == loading.LOADED, result.report.lines()


@pytest.fixture
def ei_db(tmp_path):
    db = tmp_path / "ei.duckdb"
    with store.opened(db) as conn:
        load_referrals(conn, HEADER, ROWS, "referrals.csv", dt.date(2025, 4, 30))
    return db


def test_march_figures_equal_the_hand_worked_ones(ei_db):
    with store.opened(ei_db) as conn:
        figures = ei_figures.period_figures(figured(conn), period_of(dt.date(2025, 3, 1), "month"))
    assert {k: figures[k] for k in MARCH} == MARCH


def test_a_week_sees_only_what_was_dated_by_its_sunday(ei_db):
    # Mon 10 - Sun 16 March: meetings of C2 (37 days) and C3 (56, exceptional): 100%; C15's services (63 days
    # after its IFSP, not timely); C8's exit (lost).
    with store.opened(ei_db) as conn:
        week = ei_figures.period_figures(figured(conn), period_of(dt.date(2025, 3, 12), "week"))
    assert (week["initial_ifsp_meetings"], week["ifsp_within_45_days"], week["pct_45_day_timeline"]) == (2, 1, 100.0)
    assert (week["services_started"], week["services_timely"], week["exits"], week["lost_exits"]) == (1, 0, 1, 1)
    # Open on 16 March: everyone referred by then but C13 (exited 1 March) and C8 (15 March); C14 not yet referred
    assert week["open_referrals"] == 11


MARCH_INDICATORS = {
    # deadlines in March: C3 (1 March, meeting day 56, exceptional), C4 (6 March, day 59), C2 (18 March, day 37),
    # C6 (18 March, no meeting by R) and C8 (27 March, withdrawn on 15 March: left out)
    "indicator_7": {"numerator": 2, "denominator": 4, "pct": 50.0, "exceptional": 1},
    # services due in March: C1 only (IFSP 20 February + 30 = 22 March; started 5 March)
    "indicator_1": {"numerator": 1, "denominator": 1, "pct": 100.0, "exceptional": 0},
    # leaving Part C in March with an IFSP: C9 (exited 28 March; 3 on 1 April, so steps due by 1 January; IFSP
    # 1 December). The file has no transition columns: no steps, and not recorded whether potentially eligible
    "indicator_8a": {"numerator": 0, "denominator": 1, "pct": 0.0, "exceptional": 0},
    "indicator_8b": {"numerator": 0, "denominator": 0, "pct": None, "exceptional": 0},
    "indicator_8c": {"numerator": 0, "denominator": 0, "pct": None, "exceptional": 0},
}


def test_report_ei_prints_the_same_as_json(ei_db, capsys):
    assert cli.main(["report", "ei", "--db", str(ei_db), "--month", "2025-03"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {k: printed[k] for k in MARCH} == MARCH
    assert {k: printed[k] for k in ei_figures.INDICATORS} == MARCH_INDICATORS
    assert list(printed)[3:] == [*ei_figures.KEYS, *ei_figures.INDICATORS, *child_count.REPORT_KEYS]


def test_report_ei_as_csv_gives_each_indicator_figure_a_column(ei_db, capsys):
    assert cli.main(["report", "ei", "--db", str(ei_db), "--month", "2025-03", "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert {k: row[f"indicator_7_{k}"] for k in ei_figures.INDICATOR_KEYS} == {
        "numerator": "2", "denominator": "4", "pct": "50.0", "exceptional": "1"}
    assert row["indicator_1_pct"] == "100.0" and "indicator_7" not in row


def test_no_meetings_means_no_percentage(ei_db):
    with store.opened(ei_db) as conn:
        october = ei_figures.period_figures(figured(conn), period_of(dt.date(2024, 10, 1), "month"))
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
        march = ei_figures.period_figures(figured(conn), period_of(dt.date(2025, 3, 1), "month"))
        lost = conn.execute("SELECT r.ordinal, p.client_id FROM events e JOIN records r USING (record_id) "
                            "JOIN people p USING (person_id) WHERE e.kind = 'exited_lost' ORDER BY 2").fetchall()
    assert (march["exits"], march["lost_exits"], march["open_referrals"]) == (10, 3, 0)
    assert [client for _, client in lost] == ["E10", "E6", "E9"]


# -- OSEP's indicators 7 (45-day timeline) and 1 (timely services), worked out by hand ---------------------
#
# April 2025: S = 1 April, R = 30 April. Indicator 7's cohort: deadline (referral + 45 days) in April, so
# referred 15 February (+45 = 1 April) to 16 March (+45 = 30 April). Indicator 1's cohort: services due (IFSP +
# 30 days, the default `timely_services_days`) in April, so IFSP 2 March (+30 = 1 April) to 31 March (+30 = 30
# April). Everyone is born 2023-06-01 but K12. Extract dated 30 June: later dates (May) are in it and must not
# change April's figures (the list as it stood at the end of April).
INDICATOR_HEADER = ("Child ID,First Name,Last Name,Date of Birth,Referral Date,Evaluation Date,Eligibility,"
                    "Eligibility Date,IFSP Date,Exceptional Family Circumstance,Service Start Date,Exit Date,"
                    "Exit Reason")
INDICATOR_ROWS = """\
K1,Ann,Kay,2023-06-01,2025-02-15,2025-03-10,Eligible,2025-03-12,2025-04-01,,,,
K2,Ben,Kay,2023-06-01,2025-03-16,2025-04-20,Eligible,2025-04-22,2025-05-02,,,,
K3,Cy,Kay,2023-06-01,2025-02-14,2025-03-10,Eligible,2025-03-12,2025-04-10,,,,
K4,Di,Kay,2023-06-01,2025-03-17,,,,,,,,
K5,Ed,Kay,2023-06-01,2025-03-01,2025-04-01,Eligible,2025-04-05,2025-04-20,Yes,,,
K6,Flo,Kay,2023-06-01,2025-03-01,2025-04-01,Eligible,2025-04-05,2025-04-25,No,,,
K7,Gil,Kay,2023-06-01,2025-03-01,2025-03-20,Not eligible,2025-03-25,,,,,
K8,Hu,Kay,2023-06-01,2025-03-05,,,,,,,2025-04-02,9
K9,Io,Kay,2023-06-01,2025-03-05,,,,,,,2025-04-25,10
K10,Jem,Kay,2023-06-01,2025-03-10,,Pending,,,Yes,,,
K11,Kai,Kay,2023-06-01,2025-03-10,2025-05-01,Not eligible,2025-05-05,,,,,
K12,Lu,Kay,2022-04-15,2025-03-10,,,,,,,,
K13,Mo,Kay,2023-06-01,2025-02-20,2025-03-10,Eligible,2025-03-12,2025-03-25,,,2025-03-30,9
K14,Nia,Kay,2023-06-01,2025-03-16,2025-04-10,Eligible,2025-04-12,2025-04-30,,,,
K15,Oz,Kay,2023-06-01,2025-03-02,,,,,,,2025-04-16,8
S1,Pia,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-02,,2025-04-01,,
S2,Quin,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-31,,2025-05-03,,
S3,Ray,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-01,,2025-04-20,,
S4,Sol,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-10,Yes,2025-04-20,,
S5,Tam,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-10,No,2025-04-15,,
S6,Uma,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-10,,,2025-04-05,9
S7,Vic,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-10,,,,
S8,Wyn,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-15,,2025-03-20,,
S9,Xan,Ess,2023-06-01,2025-01-20,2025-02-10,Eligible,2025-02-12,2025-03-20,Yes,,,
"""
APRIL_7 = {
    "K1": "on time",  # deadline 1 April, the period's first day; meeting that day (day 45)
    "K2": "late, none by the period's end",  # deadline 30 April, the last day; its meeting (2 May) comes after R
    # K3: deadline 31 March, March's; K4: deadline 1 May, May's
    "K5": "late, exceptional family circumstance",  # meeting on day 50, circumstance documented
    "K6": "late",  # meeting on day 55, none documented
    "K7": "left out: found not eligible",  # decided 25 March
    "K8": "left out: exited before the deadline",  # withdrawn 2 April, deadline 19 April, no meeting
    "K9": "late, none by the period's end",  # deadline 19 April passed with no meeting; unable to contact 25 April
    "K10": "late, none by the period's end, exceptional family circumstance",  # still waiting (eligibility pending)
    "K11": "late, none by the period's end",  # found not eligible on 5 May: on 30 April still waiting, past day 45
    "K12": "left out: referred fewer than 45 days before the third birthday",  # 36 days (3 on 15 April)
    "K13": "on time",  # meeting on day 33, then exited on 30 March, before the deadline (6 April): on time
    "K14": "on time",  # deadline 30 April, the last day; meeting that day
    "K15": "late, none by the period's end",  # deadline 16 April; moved out of state that day without a meeting
}
APRIL_1 = {
    "S1": "on time",  # due 1 April, the first day; started that day (day 30)
    "S2": "late, none by the period's end",  # due 30 April, the last day; services start 3 May, after R
    # S3: due 31 March, March's; the K children's IFSPs (1-30 April) are due in May
    "S4": "late, exceptional family circumstance",  # due 9 April, started 20 April (41 days), documented
    "S5": "late",  # due 9 April, started 15 April (36 days)
    "S6": "left out: exited before the deadline",  # withdrawn 5 April, due 9 April, no services
    "S7": "late, none by the period's end",  # due 9 April, never started
    "S8": "on time",  # started 5 days after the IFSP
    "S9": "late, none by the period's end, exceptional family circumstance",  # due 19 April, not started
    "K13": "left out: exited before the deadline",  # IFSP 25 March, due 24 April; exited 30 March
}
APRIL = {
    # on time K1, K13, K14 (3) + exceptional K5, K10 (2) = 5; late K2, K6, K9, K11, K15 (5); 10 counted
    "indicator_7": {"numerator": 5, "denominator": 10, "pct": 50.0, "exceptional": 2},
    # on time S1, S8 (2) + exceptional S4, S9 (2) = 4; late S2, S5, S7 (3); 7 counted; 400 / 7 = 57.14
    "indicator_1": {"numerator": 4, "denominator": 7, "pct": 57.1, "exceptional": 2},
    # turning 3 in April: K12 only (15 April), referred 36 days before: left out of all three
    **dict.fromkeys(("indicator_8a", "indicator_8b", "indicator_8c"),
                    {"numerator": 0, "denominator": 0, "pct": None, "exceptional": 0}),
}


@pytest.fixture
def indicators_conn(conn):
    load_referrals(conn, INDICATOR_HEADER, INDICATOR_ROWS, "indicators.csv", dt.date(2025, 6, 30))
    return conn


def outcomes(children) -> dict:
    return dict(zip(children["client_id"], children["outcome"], strict=True))


def test_each_childs_place_in_indicators_7_and_1(indicators_conn):
    children = ei_figures.period_indicator_children(figured(indicators_conn), period_of(dt.date(2025, 4, 1), "month"))
    assert outcomes(children["indicator_7"]) == APRIL_7
    assert outcomes(children["indicator_1"]) == APRIL_1
    seven = children["indicator_7"].filter(pl.col("client_id").is_in(["K2", "K9", "K5", "K8"]))
    # days: to the meeting; without one, to R (K2) or to the exit (K9); none for a child left out (K8)
    assert dict(zip(seven["client_id"], seven["days"], strict=True)) == {"K5": 50, "K8": None, "K9": 51, "K2": 45}


def test_indicators_7_and_1_equal_the_hand_worked_ones(indicators_conn):
    april = ei_figures.period_figures(figured(indicators_conn), period_of(dt.date(2025, 4, 1), "month"))
    assert {k: april[k] for k in ei_figures.INDICATORS} == APRIL


def test_a_deadline_on_the_last_day_of_march_is_marchs(indicators_conn):
    march = period_of(dt.date(2025, 3, 1), "month")
    children = ei_figures.period_indicator_children(figured(indicators_conn), march)
    # K3: referred 14 February, deadline 31 March, meeting 10 April: late, none by March's end.
    # S children: referred 20 January, deadline 6 March; S1 (day 41) and S3 (day 40) on time, the others late.
    # The extract has one Exceptional Family Circumstance column: S4's and S9's counts for both indicators.
    exceptional = "late, exceptional family circumstance"
    assert outcomes(children["indicator_7"]) == {
        "K3": "late, none by the period's end", "S1": "on time", "S2": "late", "S3": "on time", "S4": exceptional,
        "S5": "late", "S6": "late", "S7": "late", "S8": "late", "S9": exceptional}
    # S3: IFSP 1 March, due 31 March, services 20 April
    assert outcomes(children["indicator_1"]) == {"S3": "late, none by the period's end"}
    figures = ei_figures.period_figures(figured(indicators_conn), march)
    assert figures["indicator_7"] == {"numerator": 4, "denominator": 10, "pct": 40.0, "exceptional": 2}
    assert figures["indicator_1"] == {"numerator": 0, "denominator": 1, "pct": 0.0, "exceptional": 0}


def test_a_month_the_list_does_not_reach_the_end_of_is_measured_to_its_last_day(indicators_conn):
    # The extract's last date is 5 May (K11's decision): a deadline from 6 May on has not come yet in the data.
    may = period_of(dt.date(2025, 5, 1), "month")
    children = ei_figures.period_indicator_children(figured(indicators_conn), may)
    # K4: referred 17 March, deadline 1 May, no meeting: late; 5 May - 17 March = 49 days
    assert outcomes(children["indicator_7"]) == {"K4": "late, none by the period's end"}
    assert children["indicator_7"]["days"].to_list() == [49]
    # K1: IFSP 1 April, due 1 May, no services. Not yet due: K3 (10 May), K5 (20 May), K6 (25 May), K14 (30 May)
    assert outcomes(children["indicator_1"]) == {"K1": "late, none by the period's end"}
    figures = ei_figures.period_figures(figured(indicators_conn), may)
    assert figures["indicator_7"] == figures["indicator_1"] == {"numerator": 0, "denominator": 1, "pct": 0.0,
                                                                "exceptional": 0}


def test_without_a_cohort_there_is_no_percentage(indicators_conn):
    december = ei_figures.period_figures(figured(indicators_conn), period_of(dt.date(2024, 12, 1), "month"))
    assert december["indicator_7"] == december["indicator_1"] == {"numerator": 0, "denominator": 0, "pct": None,
                                                              "exceptional": 0}


# -- OSEP's indicators 8A-8C (transition at age 3), worked out by hand -------------------------------------
#
# June 2025: S = 1 June, R = 30 June. Who is counted: a child with an IFSP who left Part C in June, by an exit or
# by turning 3 still enrolled, whichever came first. Most are born 2022-06-15: 3 on 15 June 2025, so the steps,
# the notifications and the conference are due by 17 March 2025 (90 days before: 14 days of March + 30 of April
# + 31 of May + 15 of June) and, for the steps and the conference, not before 15 September 2024 (9 months). T12
# is 3 on 20 July (due by 21 April, not before 20 October), T13 on 20 June (due by 22 March), T15 on 30 June
# (due by 1 April, not before 30 September 2024), T10 on 1 December (due by 2 September). Extract dated 31
# August: T13's conference (1 July) and exit (5 July) come after R.
TRANSITION_HEADER = ("Child ID,First Name,Last Name,Date of Birth,Referral Date,Eligibility,IFSP Date,"
                     "Exceptional Family Circumstance,Transition Steps Date,Potentially Eligible for Part B,"
                     "LEA Notification Date,SEA Notification Date,Transition Conference Date,"
                     "Transition Conference Declined,Exit Date,Exit Reason")
TRANSITION_ROWS = """\
T1,Ann,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2024-12-01,Yes,2025-02-01,2025-02-03,2025-03-01,,2025-06-14,2
T2,Ben,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2025-04-01,Yes,2025-04-01,2025-03-01,2025-04-10,,2025-06-14,2
T3,Cy,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,Yes,2025-04-01,Yes,2025-04-01,2025-04-01,2025-04-20,,2025-06-14,3
T4,Di,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,,Yes,2025-02-01,,,,,
T5,Ed,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2024-08-01,Yes,2024-08-01,2024-08-01,2024-09-14,,2025-06-14,2
T6,Flo,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2024-12-01,No,,,,,2025-06-14,4
T7,Gil,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2024-12-01,Yes,2025-02-01,2025-02-01,,Yes,2025-06-14,6
T8,Hu,Tee,2022-06-15,2025-02-15,Eligible,2025-04-01,,2025-04-15,Yes,2025-04-15,2025-04-15,2025-05-01,,2025-06-14,2
T9,Io,Tee,2022-06-15,2025-05-10,,,,,,,,,,2025-06-05,6
T10,Jem,Tee,2022-12-01,2024-02-01,Eligible,2024-03-01,,,,,,,,2025-06-10,1
T11,Kai,Tee,2022-06-15,2024-05-01,Eligible,2024-06-01,,2024-12-01,,2025-02-01,2025-02-01,2025-03-01,,2025-06-14,2
T12,Lu,Tee,2022-07-20,2024-05-01,Eligible,2024-06-01,,2024-11-01,Yes,2025-04-25,2025-04-01,,,2025-06-20,8
T13,Mo,Tee,2022-06-20,2024-05-01,Eligible,2024-06-01,Yes,2024-12-01,Yes,2025-02-01,2025-02-01,2025-07-01,,2025-07-05,2
T14,Nia,Tee,2022-05-31,2024-05-01,Eligible,2024-06-01,,2024-12-01,Yes,,,,,,
T15,Oz,Tee,2022-06-30,2024-05-01,Eligible,2024-07-01,,2024-09-30,Yes,2025-04-02,2025-04-01,2025-04-01,,,
T16,Pia,Tee,2022-06-10,2025-01-10,Not eligible,,,,,,,,,2025-06-03,1
T17,Quin,Tee,2022-07-01,2024-05-01,Eligible,2024-06-01,,2024-12-01,Yes,2025-02-01,2025-02-01,2025-03-01,,2025-08-15,2
"""
# Not in June's cohorts: T14 (3 on 31 May, May's), T16 (exited in June, but never had an IFSP), T17 (3 on 1 July).
LEFT_OUT_OF_ALL = {
    "T8": "left out: IFSP fewer than 90 days before the third birthday",  # IFSP 1 April, after 17 March
    "T9": "left out: referred fewer than 45 days before the third birthday",  # 36 days; no IFSP, listed anyway
    "T10": "left out: exited more than 90 days before the third birthday",  # exited 10 June, steps due 2 September
}
JUNE_8A = {
    "T1": "on time",  # steps 1 December 2024: 196 days before
    "T2": "late",  # steps 1 April: 75 days before
    "T3": "late, exceptional family circumstance",  # 75 days before, circumstance documented
    "T4": "late, none by the period's end",  # no steps; still enrolled on the third birthday
    "T5": "not on time: more than 9 months before the third birthday",  # 1 August 2024, before 15 September
    "T6": "on time",  # not potentially eligible for Part B: that leaves a child out of 8B and 8C only
    "T7": "on time",
    "T11": "on time",
    "T12": "on time",  # 1 November 2024, 261 days before 20 July; left Part C on 20 June, moving out of state
    "T13": "on time",  # 3 on 20 June, still enrolled then: June's, even though it exits on 5 July
    "T15": "on time",  # 30 September 2024: 9 months before to the day
    **LEFT_OUT_OF_ALL,
}
JUNE_8B = {  # both notified at least 90 days before; no upper bound, no exceptional family circumstance
    "T1": "on time",  # LEA 1 February, SEA 3 February: the later counts
    "T2": "late",  # SEA 1 March, on time, but LEA 1 April, 75 days before
    "T3": "late",  # 75 days before: a circumstance does not excuse a notification
    "T4": "late, none by the period's end",  # LEA on time, SEA never
    "T5": "on time",  # 1 August 2024, more than 9 months before: still at least 90 days
    "T6": "left out: not potentially eligible for Part B",
    "T7": "on time",
    "T11": "left out: not recorded whether potentially eligible for Part B",
    "T12": "late",  # LEA 25 April: 86 days before 20 July
    "T13": "on time",
    "T15": "late",  # SEA 1 April (90 days), LEA 2 April: 89 days
    **LEFT_OUT_OF_ALL,
}
JUNE_8C = {
    "T1": "on time",  # 1 March: 106 days before
    "T2": "late",  # 10 April: 66 days before
    "T3": "late, exceptional family circumstance",  # 20 April: 56 days before
    "T4": "late, none by the period's end",
    "T5": "not on time: more than 9 months before the third birthday",  # 14 September 2024: a day too early
    "T6": "left out: not potentially eligible for Part B",
    "T7": "left out: the family declined the conference",
    "T11": "left out: not recorded whether potentially eligible for Part B",
    "T12": "late, none by the period's end",  # exited 20 June without a conference
    "T13": "late, none by the period's end, exceptional family circumstance",  # its conference (1 July) is after R
    "T15": "on time",  # 1 April: 90 days before to the day
    **LEFT_OUT_OF_ALL,
}
JUNE_8 = {
    # on time T1, T6, T7, T11, T12, T13, T15 (7) + exceptional T3 (1) = 8; late T2, T4, T5 (3); 800 / 11 = 72.73
    "indicator_8a": {"numerator": 8, "denominator": 11, "pct": 72.7, "exceptional": 1},
    # on time T1, T5, T7, T13 (4); late T2, T3, T4, T12, T15 (5); 400 / 9 = 44.44
    "indicator_8b": {"numerator": 4, "denominator": 9, "pct": 44.4, "exceptional": 0},
    # on time T1, T15 (2) + exceptional T3, T13 (2) = 4; late T2, T4, T5, T12 (4)
    "indicator_8c": {"numerator": 4, "denominator": 8, "pct": 50.0, "exceptional": 2},
}
TRANSITION = ("indicator_8a", "indicator_8b", "indicator_8c")


@pytest.fixture
def transition_conn(conn):
    load_referrals(conn, TRANSITION_HEADER, TRANSITION_ROWS, "transition.csv", dt.date(2025, 8, 31))
    return conn


def test_each_childs_place_in_indicators_8a_8b_and_8c(transition_conn):
    children = ei_figures.period_indicator_children(figured(transition_conn), period_of(dt.date(2025, 6, 1), "month"))
    assert outcomes(children["indicator_8a"]) == JUNE_8A
    assert outcomes(children["indicator_8b"]) == JUNE_8B
    assert outcomes(children["indicator_8c"]) == JUNE_8C

    def days(name: str) -> dict:
        chosen = children[name].filter(pl.col("client_id").is_in(["T1", "T4", "T5", "T8", "T15"]))
        return dict(zip(chosen["client_id"], chosen["days"], strict=True))
    # days before the third birthday: none without the step, none for a child left out
    assert days("indicator_8a") == {"T1": 196, "T4": None, "T5": 318, "T8": None, "T15": 273}
    assert days("indicator_8b") == {"T1": 132, "T4": None, "T5": 318, "T8": None, "T15": 89}
    assert days("indicator_8c") == {"T1": 106, "T4": None, "T5": 274, "T8": None, "T15": 90}
    (t12,) = children["indicator_8b"].filter(pl.col("client_id") == "T12").select(
        "third_birthday", "deadline", "exited").rows()
    assert t12 == (dt.date(2025, 7, 20), dt.date(2025, 4, 21), dt.date(2025, 6, 20))


def test_indicators_8a_8b_and_8c_equal_the_hand_worked_ones(transition_conn):
    june = ei_figures.period_figures(figured(transition_conn), period_of(dt.date(2025, 6, 1), "month"))
    assert {k: june[k] for k in TRANSITION} == JUNE_8
    row = ei_figures.flat(june)
    assert {k: row[f"indicator_8c_{k}"] for k in ei_figures.INDICATOR_KEYS} == JUNE_8["indicator_8c"]
    assert "indicator_8a" not in row


def test_a_child_is_in_the_month_of_the_exit_or_the_third_birthday_whichever_is_first(transition_conn):
    # May: T14, 3 on 31 May and still enrolled (steps on time; neither notification nor a conference).
    # July: T17, 3 on 1 July (exits 15 August). T13, exiting on 5 July, was June's (3 on 20 June) and is not
    # counted again; T12, 3 on 20 July, left on 20 June.
    may, july = (period_of(dt.date(2025, m, 1), "month") for m in (5, 7))
    may_children = ei_figures.period_indicator_children(figured(transition_conn), may)
    assert {name: outcomes(may_children[name]) for name in TRANSITION} == {
        "indicator_8a": {"T14": "on time"}, "indicator_8b": {"T14": "late, none by the period's end"},
        "indicator_8c": {"T14": "late, none by the period's end"}}
    july_children = ei_figures.period_indicator_children(figured(transition_conn), july)
    assert {name: outcomes(july_children[name]) for name in TRANSITION} == dict.fromkeys(TRANSITION, {"T17": "on time"})


# -- The same from the whole history as from the list cut at the month's end (DESIGN §2.1, tests/test_as_of.py) --

# Births up to the day before the third birthday, so that some children are referred fewer than 45 days before it.
referral_near_3 = as_of.referral().flatmap(lambda row: st.integers(30, 1094).map(
    lambda age: {**row, "birth": row["referred"] - dt.timedelta(days=age)}))

# Referrals fall in the window's four months (January to April 2024): March's and April's cohorts are the full ones.
march_or_april = st.integers(60, as_of.WINDOW - 1).map(lambda n: as_of.FIRST + dt.timedelta(days=n))
# ...and, for indicator 8, two rows in three are children turning 3 in March or April, referred 30 to 600 days
# before, mostly with an IFSP, exiting in the four months before the third birthday or not at all, with
# transition dates drawn around the 9-month and 90-day marks so that they fall on both sides of each.
EI_8_HEADER = {**as_of.EI_HEADER, "Transition Steps Date": "steps", "Potentially Eligible for Part B": "part_b",
               "LEA Notification Date": "lea", "SEA Notification Date": "sea",
               "Transition Conference Declined": "declined"}


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@st.composite
def referral_at_3(draw):
    row = draw(referral_near_3)
    yes_no = st.sampled_from(["Yes", "No", ""])
    row |= {"steps": None, "lea": None, "sea": None, "part_b": draw(yes_no), "declined": draw(yes_no)}
    if draw(st.integers(1, 3)) == 1:
        return row
    third = as_of.FIRST + dt.timedelta(days=draw(st.integers(60, as_of.WINDOW - 1)))
    referred = third - dt.timedelta(days=draw(st.integers(30, 600)))

    def days_from(day: dt.date, low: int, high: int, blank_one_in: int = 2) -> dt.date | None:
        if draw(st.integers(1, blank_one_in)) == 1:
            return None
        return day + dt.timedelta(days=draw(st.integers(low, high)))

    exited = days_from(third, -120, 10)
    exited = exited and max(exited, referred)
    return row | {
        "birth": years_before(third, 3), "referred": referred, "evaluated": None, "decided": None,
        "ifsp": days_from(referred, 0, 80, blank_one_in=5), "service": None, "exited": exited,
        "reason": str(draw(st.integers(1, 10))) if exited else "",
        **{key: days_from(third, -300, 20, blank_one_in=4) for key in ("steps", "lea", "sea", "conference")},
    }


def children_of(conn, period) -> list[tuple]:
    children = ei_figures.period_indicator_children(figured(conn), period)
    return sorted(((name, *row) for name, frame in children.items()
                   for row in frame.drop("record_id", "person_id").rows()), key=repr)  # repr: blanks sort too


@settings(as_of.PROPERTY, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")))
@given(extracts=as_of.two_extracts(referral_at_3()), day=march_or_april)
def test_indicators_of_a_month_are_those_of_the_list_cut_at_its_end(blank, extracts, day):
    month = period_of(day, "month")
    whole, cut = as_of.whole_and_cut(blank, "early_intervention", extracts, EI_8_HEADER, as_of.cut_ei, month.end)
    try:
        children = children_of(whole, month)
        assert children == children_of(cut, month)
        event(f"{len({c[-1] for c in children})} kinds of outcome")  # pytest --hypothesis-show-statistics
        event(f"{len({c[-1] for c in children if c[0] in TRANSITION})} kinds of indicator 8's outcome")
        figures = ei_figures.period_figures(figured(whole), month)
        assert {k: figures[k] for k in ei_figures.INDICATORS} == {
            k: v for k, v in ei_figures.period_figures(figured(cut), month).items() if k in ei_figures.INDICATORS}
    finally:
        whole.close()
        cut.close()
