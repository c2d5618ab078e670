"""Every figure on hand-worked records (DESIGN §2.1), with the expected rows worked out below."""

import datetime as dt

import pytest

from pipelines import figures, submissions
from pipelines.periods import Period, series
from tests.conftest import bfz_csv, figured, ingest

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

FIELDS = ("actively_homeless", "housing_placements", "moved_to_inactive", "newly_identified",
          "returned_from_housing", "returned_from_inactive", "avg_days_to_housing", "active_at_start",
          "inflow", "outflow", "net_change", "balance_gap")

# All single adults. ID, identified, returned, moved in, inactive.
WORKED = bfz_csv(
    "A,3/5/2024,,,,Single Adult,No,No",            # identified in March
    "B,1/10/2024,,3/10/2024,,Single Adult,No,No",  # housed in March after 60 days
    "C,1/10/2024,3/15/2024,,3/15/2024,Single Adult,No,No",  # inactive and returned one day: not active
    "D,2/1/2024,3/20/2024,3/3/2024,,Single Adult,No,No",    # housed and returned in one month
    "E,3/2/2024,,3/2/2024,3/2/2024,Single Adult,No,No",     # move-in and inactive tie: move-in counts
    "F,2/15/2024,,2/1/2024,,Single Adult,No,No",    # moved in before identification: exit before entry
    "G,12/1/2023,3/25/2024,,1/5/2024,Single Adult,No,No",   # returned from inactive in March
    "H,4/2/2024,,,,Single Adult,No,No",             # not on the March list yet
    "I,3/30/2024,,4/2/2024,,Single Adult,No,No",    # the April move-in is not seen at the end of March
    "J,2/27/2024,,,3/1/2024,Single Adult,No,No",    # identified and inactive in the week of Feb 26
)


def values(row):
    return tuple(row[f] for f in FIELDS)


@pytest.fixture
def worked(conn):
    assert ingest(conn, WORKED).status == "loaded"
    return conn


def flow(conn, period, population="All Singles"):
    (row,) = figures.flow(figured(conn), "homelessness", [period], population)
    return row


def test_march(worked):
    # Active at the end of March: A, D, F, G, I. Placements: B, D, E. Inactive: C, J.
    # Newly identified: A, E (exit in the same month), I. Returned from housing: D; from inactive: G.
    # Days to housing: B only (60; D's exit is before its entry, E's is on it). At the start: B C D F J.
    march = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")
    assert values(flow(worked, march)) == (5, 3, 2, 3, 1, 1, 60.0, 5, 5, 5, 0, 0)


def test_february(worked):
    # F moved in on Feb 1 and was identified on Feb 15: a placement, newly identified (the exit is in
    # the same month) and returned from housing, and active at the end of the month.
    february = Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    assert values(flow(worked, february)) == (5, 1, 0, 3, 1, 0, None, 2, 4, 1, 3, 0)


def test_week_that_spans_two_months(worked):
    # Mon 26 Feb - Sun 3 Mar 2024. Active: B, C, F. Placed: D (31 days), E. Inactive: J. New: E, J.
    week = series(dt.date(2024, 2, 28), dt.date(2024, 2, 28), "week")[0]
    assert (week.start, week.end) == (dt.date(2024, 2, 26), dt.date(2024, 3, 3))
    assert values(flow(worked, week)) == (3, 2, 1, 2, 0, 0, 31.0, 4, 2, 3, -1, 0)


def test_single_days(worked):
    day = Period(dt.date(2024, 3, 15), dt.date(2024, 3, 15), "day")
    # On 15 March C goes inactive and returns the same day: counted as moved to inactive, not active.
    # Active that evening: A and F (B and D are housed; G and I come later). The evening before: A, C, F.
    assert values(flow(worked, day)) == (2, 0, 1, 0, 0, 0, None, 3, 0, 1, -1, 0)


def test_all_equals_singles_here_and_other_populations_are_zero(worked):
    march = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")
    rows = {r["population"]: values(r) for r in figures.flow(figured(worked), "homelessness", [march])}
    assert rows["All"] == rows["All Singles"]
    for name in ("Veteran", "Chronic", "Chronic Veteran", "Youth", "Families"):
        assert rows[name] == (0, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, 0)


def test_populations(conn):
    ingest(conn, bfz_csv(
        "P1,1/5/2024,,,,Single Adult,Yes,Yes",
        "P2,1/5/2024,,,,Single Adults,No,Yes Confirmed",
        "P3,1/5/2024,,,,Family,Yes,Yes",
        "P4,1/5/2024,,,,Youth,No,No",
        "P5,1/5/2024,,,,Couple,No,No",
        "P6,1/5/2024,,,,,No,No",
    ))
    january = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "month")
    active = {r["population"]: r["actively_homeless"] for r in figures.flow(figured(conn), "homelessness", [january])}
    assert active == {"All": 5, "All Singles": 2, "Veteran": 2, "Chronic": 1, "Chronic Veteran": 1,
                      "Youth": 1, "Families": 1}


def test_a_person_on_two_rows_is_counted_once(conn):
    ingest(conn, bfz_csv(
        "Q,1/5/2024,,,,Youth,No,No",
        "Q,1/9/2024,,2/19/2024,,Youth,No,No",
        "Q,2/1/2024,,2/11/2024,,Youth,No,No",
        "S,2/1/2024,,2/4/2024,,Youth,No,No",
    ))
    january = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "month")
    row = flow(conn, january, "Youth")
    assert (row["actively_homeless"], row["newly_identified"]) == (1, 1)
    # In February Q's second and third records are housed and the first stays active: Q is still
    # active, one placement and one newly identified person; the days average over records
    # (41, 10 and S's 3).
    february = Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    row = flow(conn, february, "Youth")
    assert (row["actively_homeless"], row["housing_placements"], row["newly_identified"],
            row["avg_days_to_housing"], row["active_at_start"]) == (1, 2, 2, 18.0, 1)


def test_average_days_rounds_up_per_record_and_shows_one_decimal(conn):
    # 10 and 21 days: the mean is 15.5. A third placement of 1 day gives 32/3 = 10.666... -> 10.7.
    ingest(conn, bfz_csv(
        "R1,1/1/2024,,1/11/2024,,Youth,No,No",
        "R2,1/1/2024,,1/22/2024,,Youth,No,No",
        "R3,1/20/2024,,1/21/2024,,Youth,No,No",
    ))
    january = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "month")
    assert flow(conn, january, "Youth")["avg_days_to_housing"] == 10.7


def test_reliability_and_functional_zero(conn):
    # Three veterans housed in each of Jan, Feb and Mar; two more identified in March stay active.
    rows = []
    for month in (1, 2, 3):
        rows += [f"V{month}{i},{month}/1/2024,,{month}/20/2024,,Single Adult,No,Yes" for i in range(3)]
    rows += ["W1,3/5/2024,,,,Single Adult,Yes,Yes", "W2,3/6/2024,,,,Single Adult,Yes,Yes"]
    # Y went inactive and came back within February: one in, one out, yet one more active.
    rows += ["Y,2/2/2024,2/13/2024,,2/3/2024,Single Adult,No,Yes"]
    ingest(conn, bfz_csv(*rows))
    march = figures.monthly_submission(figured(conn), "homelessness", dt.date(2024, 3, 1))
    veteran = march["populations"]["Veteran"]
    assert veteran["actively_homeless"] == 3
    # No list before January, so the 3-month reliability is not available in March...
    assert veteran["reliability"] is None
    fz = veteran["functional_zero"]
    # 9 placements over the 6 months Oct-Mar: 1.5 a month, below the floor of 3; 3 active is not above it.
    assert (fz["average_monthly_placements_6m"], fz["threshold"], fz["met_this_month"]) == (1.5, 3, True)
    chronic = march["populations"]["Chronic"]["functional_zero"]
    assert (chronic["threshold"], chronic["met"]) == (3, True)

    # ...and once January to March are submitted, April's is: active 3, none at the end of January,
    # net change Feb-Apr: February (3 new + Y back) - (3 placed + Y inactive) = 0, March 5 - 3 = 2, April 0.
    for month in (1, 2, 3):
        submissions.submit(conn, "homelessness", dt.date(2024, month, 1), "tester")
    april = figures.monthly_submission(figured(conn), "homelessness", dt.date(2024, 4, 1))
    assert april["populations"]["Veteran"]["reliability"] == round((3 - 0 - 2) / 3, 4)


def test_chronic_threshold_follows_the_point_in_time_count():
    assert figures.chronic_threshold(None) == 3
    assert figures.chronic_threshold(2000) == 3
    assert figures.chronic_threshold(12000) == 12
    assert figures.chronic_functional_zero(13, 12000)["met"] is False


def test_point_in_time_count_setting_sets_the_chronic_threshold(conn):
    from pipelines import store

    ingest(conn, bfz_csv(*[f"C{i},1/5/2024,,,,Single Adult,Yes,No" for i in range(5)]))
    january = dt.date(2024, 1, 1)
    assert figures.monthly_submission(figured(conn), "homelessness", january)["populations"]["Chronic"][
        "functional_zero"]["met"] is False
    store.set_setting(conn, "homelessness", "pit_count_individuals", 6000)
    fz = figures.monthly_submission(figured(conn), "homelessness", january)["populations"]["Chronic"]["functional_zero"]
    assert (fz["threshold"], fz["pit_count_individuals"], fz["actively_homeless"], fz["met"]) == (6, 6000, 5, True)


def test_a_list_in_built_for_zeros_own_header_names_and_date_forms(conn):
    header = ("ID Number,Date of Identification,Return to Active Date,Date of Housing Move-In,Inactive Date,"
              "Household Type,Chronic Status,Veteran Status")
    data = bfz_csv(
        '1,"Friday, May 01, 2020",,,,Single Adult,No,No',        # identified 1 May
        '2,4/2/2020 10:00:00,,May 2020,,Single Adult,No,No',      # housed 31 May, 59 days after 2 April
        '3,2020-04,,,"Friday May 08, 2020",Single Adult,No,No',   # 1 April; inactive 8 May
        '4,Apr 15 2020,2020-05-10 10:00:00,,4/20/20,Single Adult,No,No',  # inactive 20 April, back 10 May
        '5,6/1/2020,,,,Single Adult,No,No',                       # not on the May list
        header=header,
    )
    assert ingest(conn, data).status == "loaded"
    may = Period(dt.date(2020, 5, 1), dt.date(2020, 5, 31), "month")
    # Active at the end of May: 1 and 4. Placed: 2 (59 days). Inactive: 3. New: 1. Back from
    # inactive: 4. At the start: 2 and 3.
    assert values(flow(conn, may)) == (2, 1, 1, 1, 0, 1, 59.0, 2, 2, 2, 0, 0)
