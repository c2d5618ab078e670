"""The equity report on hand-worked lists: every share, index and ratio below is worked out by hand."""

import datetime as dt

import pytest

from pipelines import equity_report, intervals, loading, store
from pipelines.periods import Period
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS
from tests.conftest import TODAY, bfz_csv, ingest

BLACK = "Black, African American or African"
REFERENCE = b"""geography,group,population,poverty_population,children_under_3
Town,All,1000,200,1000
Town,White,600,80,600
Town,Black or African American,400,120,400
Town,North,400,,400
Town,South,600,,600
"""
QUARTER = Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31), "range")


@pytest.fixture
def conn():
    c = store.connect(":memory:")
    assert loading.load_reference(c, REFERENCE, "town.csv", who="test").status == loading.LOADED
    yield c
    c.close()


def rows(result, measure):
    return {r["group"]: r for r in result["measures"][measure]["rows"]}


def test_homelessness_shares_and_housing_rate(conn):
    header = ("Client ID,Date of Identification,Returned to Active Date,Housing Move-In Date,Inactive Date,"
              "Household Type,Chronic Status,Veteran Status,Race")
    assert ingest(conn, bfz_csv(
        "A,1/2/2024,,,,Single Adult,No,No,White",
        "B,1/3/2024,,,,Single Adult,No,No,Black or African American",
        "C,1/4/2024,,,,Family,No,No,Black or African American",
        "D,1/5/2024,,,,Single Adult,No,No,Black or African American",
        "E,1/10/2024,,3/10/2024,,Single Adult,No,No,White",
        "F,1/5/2024,,2/15/2024,,Single Adult,No,No,Black or African American",
        header=header), as_of=dt.date(2024, 3, 31)).status == "loaded"
    result = equity_report.report(conn, HOMELESSNESS, QUARTER, "race")
    active = rows(result, "active")
    # active on 31 March: A (White), B, C, D (Black). White 1 of 4 = 25% against 600 of 1000 = 60%
    assert (active["White"]["count"], active["White"]["share"], active["White"]["reference_share"]) == (1, 0.25, 0.6)
    assert active["White"]["index"] == pytest.approx(0.25 / 0.6)
    assert active[BLACK]["index"] == pytest.approx(0.75 / 0.4)
    assert active[BLACK]["difference_pp"] == pytest.approx(35.0)
    assert active[BLACK]["unreliable"]  # 3 people
    # housed in the quarter out of everyone on the list in it: White 1 of 2 (E of A, E), Black 1 of 4
    rate = rows(result, "housing_rate")
    assert (rate["White"]["events"], rate["White"]["base"], rate["White"]["other_rate"]) == (1, 2, 0.25)
    assert rate["White"]["ratio"] == pytest.approx(2.0)
    assert (rate["White"]["ratio_low"], rate["White"]["ratio_high"]) == pytest.approx(
        intervals.proportion_ratio(1, 2, 1, 4)[1:])
    # days to housing: E 60 days (10 Jan to 10 Mar), F 41 days; one placement each is no interval
    days = rows(result, "days_to_housing")
    assert (days["White"]["rate"], days["White"]["other_rate"], days["White"]["ratio"]) == (60.0, 41.0, None)
    poverty = equity_report.report(conn, HOMELESSNESS, QUARTER, "race", "poverty_population")
    assert rows(poverty, "active")[BLACK]["reference_share"] == 0.6  # 120 of 200 in poverty


def test_referral_rate_and_share_by_neighbourhood(conn):
    header = "Child ID,Date of Birth,Referral Date,Neighborhood,IFSP Date,Exit Date,Exit Reason"
    lines = [f"N{i},2023-01-01,2024-02-0{1 + i},North,,," for i in range(4)]
    lines += [f"S{i},2023-01-01,2024-02-{10 + i},South,,," for i in range(16)]
    lines[0] = "N0,2023-01-01,2024-01-05,North,,2024-03-01,Withdrawal by parent"
    data = ("\n".join([header, *lines]) + "\n").encode()
    result = loading.ingest(conn, data, "referrals.csv", program=EARLY_INTERVENTION.name, who="test", today=TODAY)
    assert result.status == "loaded", result.report.lines()
    report = equity_report.report(conn, EARLY_INTERVENTION, QUARTER, "neighborhood")
    # North: 4 referrals of 400 children under 3 (10 per 1,000); South 16 of 600 (26.7 per 1,000)
    rate = rows(report, "referral_rate")
    assert (rate["North"]["events"], rate["North"]["base"], rate["North"]["other_events"],
            rate["North"]["other_base"]) == (4, 400, 16, 600)
    assert rate["North"]["ratio"] == pytest.approx(0.01 / (16 / 600))
    assert (rate["North"]["ratio_low"], rate["North"]["ratio_high"]) == pytest.approx(
        intervals.rate_ratio(4, 400, 16, 600)[1:])
    share = rows(report, "referrals")
    # North: 4 of 20 referrals = 20% against 40% of children: index 0.5, 20 points below
    assert (share["North"]["share"], share["North"]["index"]) == pytest.approx((0.2, 0.5))
    assert share["North"]["difference_pp"] == pytest.approx(-20.0)
    lost = rows(report, "lost_exits")
    assert (lost["North"]["events"], lost["North"]["base"]) == (1, 1)  # N0 withdrew: one exit, lost
    assert "South" not in lost  # nobody in South left
