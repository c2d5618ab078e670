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


MARCH_INDICATORS = {
    # deadlines in March: C3 (1 March, meeting day 56, exceptional), C4 (6 March, day 59), C2 (18 March, day 37),
    # C6 (18 March, no meeting by R) and C8 (27 March, withdrawn on 15 March: left out)
    "indicator_7": {"numerator": 2, "denominator": 4, "pct": 50.0, "exceptional": 1},
    # services due in March: C1 only (IFSP 20 February + 30 = 22 March; started 5 March)
    "indicator_1": {"numerator": 1, "denominator": 1, "pct": 100.0, "exceptional": 0},
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
}


@pytest.fixture
def indicators_conn(conn):
    data = (INDICATOR_HEADER + "\n" + INDICATOR_ROWS).encode()
    result = loading.ingest(conn, data, "indicators.csv", program="early_intervention", who="test",
                            today=dt.date(2025, 6, 30))
    assert result.status == loading.LOADED, result.report.lines()
    return conn


def outcomes(children) -> dict:
    return dict(zip(children["client_id"], children["outcome"], strict=True))


def test_each_childs_place_in_indicators_7_and_1(indicators_conn):
    children = ei_figures.period_indicator_children(indicators_conn, period_of(dt.date(2025, 4, 1), "month"))
    assert outcomes(children["indicator_7"]) == APRIL_7
    assert outcomes(children["indicator_1"]) == APRIL_1
    seven = children["indicator_7"].filter(pl.col("client_id").is_in(["K2", "K9", "K5", "K8"]))
    # days: to the meeting; without one, to R (K2) or to the exit (K9); none for a child left out (K8)
    assert dict(zip(seven["client_id"], seven["days"], strict=True)) == {"K5": 50, "K8": None, "K9": 51, "K2": 45}


def test_indicators_7_and_1_equal_the_hand_worked_ones(indicators_conn):
    april = ei_figures.period_figures(indicators_conn, period_of(dt.date(2025, 4, 1), "month"))
    assert {k: april[k] for k in ei_figures.INDICATORS} == APRIL


def test_a_deadline_on_the_last_day_of_march_is_marchs(indicators_conn):
    march = period_of(dt.date(2025, 3, 1), "month")
    children = ei_figures.period_indicator_children(indicators_conn, march)
    # K3: referred 14 February, deadline 31 March, meeting 10 April: late, none by March's end.
    # S children: referred 20 January, deadline 6 March; S1 (day 41) and S3 (day 40) on time, the others late.
    # The extract has one Exceptional Family Circumstance column: S4's and S9's counts for both indicators.
    exceptional = "late, exceptional family circumstance"
    assert outcomes(children["indicator_7"]) == {
        "K3": "late, none by the period's end", "S1": "on time", "S2": "late", "S3": "on time", "S4": exceptional,
        "S5": "late", "S6": "late", "S7": "late", "S8": "late", "S9": exceptional}
    # S3: IFSP 1 March, due 31 March, services 20 April
    assert outcomes(children["indicator_1"]) == {"S3": "late, none by the period's end"}
    figures = ei_figures.period_figures(indicators_conn, march)
    assert figures["indicator_7"] == {"numerator": 4, "denominator": 10, "pct": 40.0, "exceptional": 2}
    assert figures["indicator_1"] == {"numerator": 0, "denominator": 1, "pct": 0.0, "exceptional": 0}


def test_a_month_the_list_does_not_reach_the_end_of_is_measured_to_its_last_day(indicators_conn):
    # The extract's last date is 5 May (K11's decision): a deadline from 6 May on has not come yet in the data.
    may = period_of(dt.date(2025, 5, 1), "month")
    children = ei_figures.period_indicator_children(indicators_conn, may)
    # K4: referred 17 March, deadline 1 May, no meeting: late; 5 May - 17 March = 49 days
    assert outcomes(children["indicator_7"]) == {"K4": "late, none by the period's end"}
    assert children["indicator_7"]["days"].to_list() == [49]
    # K1: IFSP 1 April, due 1 May, no services. Not yet due: K3 (10 May), K5 (20 May), K6 (25 May), K14 (30 May)
    assert outcomes(children["indicator_1"]) == {"K1": "late, none by the period's end"}
    figures = ei_figures.period_figures(indicators_conn, may)
    assert figures["indicator_7"] == figures["indicator_1"] == {"numerator": 0, "denominator": 1, "pct": 0.0,
                                                                "exceptional": 0}


def test_without_a_cohort_there_is_no_percentage(indicators_conn):
    december = ei_figures.period_figures(indicators_conn, period_of(dt.date(2024, 12, 1), "month"))
    assert december["indicator_7"] == december["indicator_1"] == {"numerator": 0, "denominator": 0, "pct": None,
                                                              "exceptional": 0}


# -- The same from the whole history as from the list cut at the month's end (DESIGN §2.1, tests/test_as_of.py) --

blank = as_of.blank  # the fixture: a database migrated once, copied for each example
# Births up to the day before the third birthday, so that some children are referred fewer than 45 days before it.
referral_near_3 = as_of.referral().flatmap(lambda row: st.integers(30, 1094).map(
    lambda age: {**row, "birth": row["referred"] - dt.timedelta(days=age)}))

# Referrals fall in the window's four months (January to April 2024): March's and April's cohorts are the full ones.
march_or_april = st.integers(60, as_of.WINDOW - 1).map(lambda n: as_of.FIRST + dt.timedelta(days=n))


def children_of(conn, period) -> list[tuple]:
    children = ei_figures.period_indicator_children(conn, period)
    return sorted(((name, *row) for name, frame in children.items()
                   for row in frame.drop("record_id", "person_id").rows()), key=repr)  # repr: blanks sort too


@settings(as_of.PROPERTY, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")))
@given(extracts=as_of.two_extracts(referral_near_3), day=march_or_april)
def test_indicators_of_a_month_are_those_of_the_list_cut_at_its_end(blank, extracts, day):
    month = period_of(day, "month")
    whole, cut = as_of.whole_and_cut(blank, "early_intervention", extracts, as_of.EI_HEADER, as_of.cut_ei,
                                     month.end)
    try:
        children = children_of(whole, month)
        assert children == children_of(cut, month)
        event(f"{len({c[-1] for c in children})} kinds of outcome")  # pytest --hypothesis-show-statistics
        figures = ei_figures.period_figures(whole, month)
        assert {k: figures[k] for k in ei_figures.INDICATORS} == {
            k: v for k, v in ei_figures.period_figures(cut, month).items() if k in ei_figures.INDICATORS}
    finally:
        whole.close()
        cut.close()
