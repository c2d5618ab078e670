"""The child count date, OSEP's indicators 5 and 6 and IDEA's 618 tables on a hand-worked referral file:
each child's place in every count is worked out in the comments beside it."""

import csv
import datetime as dt
import io
import json
import os

import polars as pl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import queries
from pipelines import audit, cli, equity_report, intervals, loading, store
from pipelines import settings as declared
from pipelines.early_intervention import child_count, federal_tables
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import Period, period_of
from pipelines.programs import EARLY_INTERVENTION
from tests import test_as_of as as_of
from tests.conftest import app_as, figured, page_as

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

EI = EARLY_INTERVENTION.name
COUNT_DAY = dt.date(2025, 12, 1)  # the default count date (12-01) of 2025
HEADER = ("Child ID,First Name,Last Name,Date of Birth,Sex,Race,Hispanic,Neighborhood,Referral Date,IFSP Date,"
          "Exit Date,Exit Reason")
# On 1 December 2025: an IFSP meeting on or before it, no exit on or before it; age in completed years on it.
COUNTED = """\
A1,Ana,One,2025-03-10,Female,White,Yes,North,2025-06-01,2025-07-01,,
A2,Ben,Two,2024-12-01,Male,Black or African American; White,No,North,2025-05-01,2025-06-01,,
A3,Cy,Three,2024-12-02,F,Asian,,South,2025-02-01,2025-03-01,,
A4,Di,Four,2022-12-01,Male,White,No,South,2025-01-10,2025-02-10,,
A5,Ed,Five,2022-12-02,Male,Middle Eastern or North African,No,South,2025-01-15,2025-03-01,2025-12-02,2
A6,Flo,Six,2024-01-15,Female,Black or African American,No,North,2025-02-01,2025-03-01,2025-12-01,Withdrawal by parent
A7,Gil,Seven,2025-06-01,Male,White,No,North,2025-10-20,2025-12-02,,
A8,Hu,Eight,2024-06-15,Male,American Indian or Alaska Native,No,South,2025-10-20,2025-12-01,,
A9,Ida,Nine,2024-03-03,Female,White,No,North,2025-11-01,,,
A10,Jo,Ten,2023-09-09,Female,White,No,South,2025-01-20,2025-02-01,2025-08-15,8
A11,Kay,Eleven,2025-01-01,Male,White,No,North,2025-12-10,2026-01-05,,
A12,Lu,Twelve,2024-02-29,,Multiracial,,South,2025-01-05,2025-02-01,,
A12,Lu,Twelve,2024-02-29,,Multiracial,,South,2025-05-01,2025-06-01,,
A13,Mo,Thirteen,2023-05-20,M,Data not collected,,North,2025-04-01,2025-05-01,,
"""
# A1: under 1 (born 10 March 2025); Hispanic, of any race (White); female.
# A2: first birthday on the count date: 1, so "1 to 2" and not in indicator 5; Black and White: two or more races.
# A3: first birthday the day after: still under 1; Asian (no Hispanic answer); F is female.
# A4: third birthday on the count date: 3, left out of the count (Part C past 3); counted in aged_3_or_over.
# A5: 2 until the next day; exits the day after the count date, so still served on it; Middle Eastern or North
#     African is White in the federal categories.
# A6: exits on the count date itself: not served at its end.
# A7: IFSP meeting the day after: not yet served.   A8: IFSP meeting on the count date: served; 1; American Indian.
# A9: no IFSP meeting.   A10: exited in August.   A11: referred after the count date: not on the list yet.
# A12: two open referrals, each with an IFSP: one child, counted once; 1 (born 29 February 2024); "Multiracial"
#      names no race: two or more races; no sex given.
# A13: 2 (born May 2023); a race answer that names none: race not known; M is male.
COUNT_ROWS = [
    # Birth to 1: A1 (Hispanic, F), A3 (Asian, F)
    {"category": "Birth to 1", "Total": 2, "Hispanic/Latino": 1, "Asian": 1, "Female": 2},
    # 1 to 2: A2 (two or more, M), A8 (American Indian, M), A12 (two or more, sex not known)
    {"category": "1 to 2", "Total": 3, "American Indian or Alaska Native": 1, "Two or more races": 2, "Male": 2,
     "Sex not known": 1},
    # 2 to 3: A5 (White, M), A13 (race not known, M)
    {"category": "2 to 3", "Total": 2, "White": 1, "Race/ethnicity not known": 1, "Male": 2},
    {"category": "Total", "Total": 7, "Hispanic/Latino": 1, "American Indian or Alaska Native": 1, "Asian": 1,
     "White": 1, "Two or more races": 2, "Race/ethnicity not known": 1, "Male": 4, "Female": 2, "Sex not known": 1},
]
# Who left Part C in the year from 1 July 2025 to 30 June 2026; none of these is served on 1 December.
EXITED = """\
E1,Ali,Ex1,2024-04-01,Female,White,No,North,2025-05-01,2025-06-01,2025-07-01,1
E3,Bo,Ex3,2022-09-01,Male,Black or African American,No,South,2025-01-02,2025-02-01,2025-09-01,\
"Part B eligible, continuing in Part C"
E4,Cat,Ex4,2023-06-10,Female,Asian,No,North,2025-11-20,2025-12-20,2026-06-10,4
E5,Dan,Ex5,2023-03-15,Male,White,Yes,South,2025-06-01,2025-07-01,2025-11-30,5
E6,Eve,Ex6,2022-10-05,Female,Black or African American,No,South,2025-03-01,2025-04-01,2025-10-05,6
E7,Fin,Ex7,2025-01-05,Male,White,No,North,2025-02-01,2025-03-01,2025-09-20,Deceased
E10,Gia,Ex10,2024-08-08,Female,Asian,No,South,2026-01-10,2026-02-10,2026-06-30,10
X1,Hal,Late,2024-08-08,Male,White,No,North,2026-01-10,2026-02-01,2026-07-01,9
X2,Ina,Early,2023-02-02,Female,White,No,North,2025-01-10,2025-02-01,2025-06-30,1
X3,Jay,NoIfsp,2024-10-10,Male,Black or African American,No,South,2025-09-01,,2025-10-01,9
D1,Kim,Twice,2024-01-20,Male,White,No,North,2025-07-10,2025-08-01,2025-09-01,9
D1,Kim,Twice,2024-01-20,Male,White,No,North,2025-09-20,2025-10-15,2025-11-15,1
"""
# E1: the year's first day (1 July), reason 1.   E3, reason 3, by its federal name.   E4: reason 4 (IFSP after the
# count date).   E5: reason 5; Hispanic.   E6: reason 6.   E7: reason 7.   E10: the year's last day (30 June), 10.
# A5 (2, MENA: White, M), A6 (9, Black, F) and A10 (8, White, F) from above exit in the year too.
# X1: 1 July 2026, the next year.   X2: 30 June 2025, the year before.   X3: left before any IFSP: never served.
# D1: left twice in the year, each time after an IFSP: counted once, at the later exit (reason 1).
EXIT_ROWS = {
    federal_tables.EXIT_CATEGORIES[1]: {"Total": 2, "White": 2, "Male": 1, "Female": 1},  # E1 (F), D1 (M)
    federal_tables.EXIT_CATEGORIES[2]: {"Total": 1, "White": 1, "Male": 1},  # A5
    federal_tables.EXIT_CATEGORIES[3]: {"Total": 1, "Black or African American": 1, "Male": 1},  # E3
    federal_tables.EXIT_CATEGORIES[4]: {"Total": 1, "Asian": 1, "Female": 1},  # E4
    federal_tables.EXIT_CATEGORIES[5]: {"Total": 1, "Hispanic/Latino": 1, "Male": 1},  # E5
    federal_tables.EXIT_CATEGORIES[6]: {"Total": 1, "Black or African American": 1, "Female": 1},  # E6
    federal_tables.EXIT_CATEGORIES[7]: {"Total": 1, "White": 1, "Male": 1},  # E7
    federal_tables.EXIT_CATEGORIES[8]: {"Total": 1, "White": 1, "Female": 1},  # A10
    federal_tables.EXIT_CATEGORIES[9]: {"Total": 1, "Black or African American": 1, "Female": 1},  # A6
    federal_tables.EXIT_CATEGORIES[10]: {"Total": 1, "Asian": 1, "Female": 1},  # E10
    "Total": {"Total": 11, "Hispanic/Latino": 1, "Asian": 2, "Black or African American": 3, "White": 5, "Male": 5,
              "Female": 6},
}
# North: A1 (under 1), A2, A13 served; South: A3 (under 1), A5, A8, A12.
REFERENCE = b"""geography,group,population,poverty_population,children_under_3,children_under_1
Town,All,10000,,400,150
Town,North,4000,,160,60
Town,South,6000,,240,90
"""
INDICATORS = {
    "indicator_5": {"numerator": 2, "denominator": 150, "pct": 1.33, "exceptional": None},  # 200 / 150 = 1.333
    "indicator_6": {"numerator": 7, "denominator": 400, "pct": 1.75, "exceptional": None},  # 700 / 400
}


def full(row: dict) -> dict:
    """A table row with the columns not given as 0."""
    return {column: row.get(column, 0) for column in federal_tables.COLUMNS}


@pytest.fixture
def ei_conn(conn):
    data = (HEADER + "\n" + COUNTED + EXITED).encode()
    result = loading.ingest(conn, data, "referrals.csv", program=EI, who="test", today=dt.date(2026, 7, 31))
    assert result.status == loading.LOADED, result.report.lines()
    assert loading.load_reference(conn, REFERENCE, "town.csv", who="test").status == loading.LOADED
    return conn


def test_each_child_served_on_the_count_date(ei_conn):
    served = child_count.children_on(figured(ei_conn), COUNT_DAY)
    assert dict(zip(served["client_id"], served["age"], strict=True)) == {
        "A1": 0, "A12": 1, "A13": 2, "A2": 1, "A3": 0, "A4": 3, "A5": 2, "A8": 1}
    assert child_count.indicators(served, queries.arrow(ei_conn, "reference_get")) == INDICATORS


def test_the_child_count_table(ei_conn):
    tables = federal_tables.year_tables(figured(ei_conn), 2025)
    assert (tables["child_count_date"], tables["aged_3_or_over"]) == (COUNT_DAY, 1)  # A4
    assert tables["child_count"] == [full(row) for row in COUNT_ROWS]


def test_the_exiting_table(ei_conn):
    tables = federal_tables.year_tables(figured(ei_conn), 2025)
    assert (tables["exiting_from"], tables["exiting_to"], tables["exits_counted_to"]) == (
        dt.date(2025, 7, 1), dt.date(2026, 6, 30), dt.date(2026, 6, 30))  # the list runs to 1 July 2026 (X1)
    assert tables["exiting"] == [full({"category": category, **row}) for category, row in EXIT_ROWS.items()]
    assert federal_tables.missing(tables) == []
    # The year before: X2, on its last day, alone (A12's and D1's exits are all open or later).
    before = federal_tables.year_tables(figured(ei_conn), 2024)
    assert before["exiting"][0] == full({"category": federal_tables.EXIT_CATEGORIES[1], "Total": 1, "White": 1,
                                         "Female": 1})
    assert before["exiting"][-1]["Total"] == 1
    # 1 December 2024: nobody had an IFSP meeting yet
    assert before["child_count"][-1] == full({"category": "Total"})


def test_a_year_the_list_does_not_reach(ei_conn):
    tables = federal_tables.year_tables(figured(ei_conn), 2027)
    assert (tables["child_count"], tables["exiting"], tables["exits_counted_to"]) == (None, None, None)
    assert federal_tables.missing(tables) == [
        "no child count for 2027-12-01 yet: the list runs to 2026-07-01",
        "no exits for 2027-07-01 to 2028-06-30: the list does not reach that year"]
    assert federal_tables.csv_rows(tables) == []
    # 2026-27: the list reaches its first day, when X1 left; its count date is to come
    started = federal_tables.year_tables(figured(ei_conn), 2026)
    assert (started["child_count"], started["exits_counted_to"]) == (None, dt.date(2026, 7, 1))
    assert started["exiting"][8] == full({"category": federal_tables.EXIT_CATEGORIES[9], "Total": 1, "White": 1,
                                          "Male": 1})


def test_exits_of_a_year_not_over_are_counted_to_the_lists_last_day(conn):
    # The list runs to 15 January 2026: the 2025-26 exits so far; A6 left on the count date.
    data = (HEADER + "\n" + COUNTED.split("A7,")[0]).encode()
    assert loading.ingest(conn, data, "r.csv", program=EI, who="test", today=dt.date(2026, 1, 15),
                          as_of=dt.date(2026, 1, 15)).status == loading.LOADED
    tables = federal_tables.year_tables(figured(conn), 2025)
    assert tables["exits_counted_to"] == dt.date(2026, 1, 15)
    assert [(row["category"], row["Total"]) for row in tables["exiting"] if row["Total"]] == [
        (federal_tables.EXIT_CATEGORIES[2], 1), (federal_tables.EXIT_CATEGORIES[9], 1), ("Total", 2)]  # A5, A6
    assert federal_tables.missing(tables) == ["exits are counted to 2026-01-15, the list's last day, not to 2026-06-30"]
    assert {row["dates"] for row in federal_tables.csv_rows(tables) if row["table"] == "exiting"} == {
        "2025-07-01 to 2026-01-15 (so far)"}


@pytest.mark.parametrize("race, hispanic, category", [
    ("White", True, "Hispanic/Latino"),  # Hispanic of any race
    ("Black; White", "Hispanic or Latino", "Hispanic/Latino"),  # an ethnicity in words
    ("Hispanic", None, "Hispanic/Latino"),  # said in the race answer
    ("White", "Not Hispanic or Latino", "White"),
    ("Black or African American; White", False, "Two or more races"),
    ("Middle Eastern or North African", False, "White"),  # the 1997 standards have no such category
    ("Middle Eastern or North African; White", False, "White"),  # one federal race, not two
    ("Middle Eastern or North African; Asian", False, "Two or more races"),
    ("Native Hawaiian or Pacific Islander", None, "Native Hawaiian or Other Pacific Islander"),
    ("American Indian or Alaska Native", False, "American Indian or Alaska Native"),
    ("Multiple races", None, "Two or more races"),
    ("Client doesn't know", None, "Race/ethnicity not known"),
    (None, None, "Race/ethnicity not known"),
    (None, False, "Race/ethnicity not known"),
])
def test_federal_race_and_ethnicity(race, hispanic, category):
    assert federal_tables.federal_race(race, hispanic) == category


@pytest.mark.parametrize("sex, federal", [("Male", "Male"), ("m", "Male"), (" FEMALE ", "Female"), ("F", "Female"),
                                          ("Non-Binary", "Sex not known"), (None, "Sex not known")])
def test_federal_sex(sex, federal):
    assert federal_tables.federal_sex(sex) == federal


def test_every_exit_reason_is_its_federal_category():
    from pipelines.early_intervention.referrals import EXIT_REASON_NAMES, exit_reason_code

    assert list(federal_tables.EXIT_CATEGORIES) == list(range(1, 11))
    # each federal name reads back as its own code, so the extract's codes and OSEP's categories are one list
    assert {code: exit_reason_code(name) for code, name in federal_tables.EXIT_CATEGORIES.items()} == {
        code: code for code in EXIT_REASON_NAMES}


# -- indicators 5 and 6 in a period's report ----------------------------------------------------------------------

def test_a_month_reports_the_count_date_in_it_or_the_last_before_it(ei_conn):
    december = child_count.period_report(figured(ei_conn), period_of(COUNT_DAY, "month"))
    assert december["child_count_date"] == COUNT_DAY
    assert {k: december[k] for k in child_count.INDICATORS} == INDICATORS
    # November 2025 reports 1 December 2024, when nobody was served yet; the week of 1 December reports it
    november = child_count.period_indicators(figured(ei_conn), period_of(dt.date(2025, 11, 1), "month"))
    assert november == {"child_count_date": dt.date(2024, 12, 1),
                        "indicator_5": {"numerator": 0, "denominator": 150, "pct": 0.0, "exceptional": None},
                        "indicator_6": {"numerator": 0, "denominator": 400, "pct": 0.0, "exceptional": None}}
    week = period_of(COUNT_DAY, "week")
    assert child_count.period_indicators(figured(ei_conn), week)["child_count_date"] == COUNT_DAY


def test_the_count_date_is_a_setting(ei_conn):
    store.set_setting(ei_conn, EI, "child_count_date", "11-15")
    # 15 November 2025: A7, A8 not yet (IFSPs in December); A6 still served (exits 1 December); E5 too (exits
    # 30 November); D1 not (left on the 15th itself). A2 is still under 1 (1 on 1 December), A4 still 2.
    found = child_count.period_indicators(figured(ei_conn), period_of(COUNT_DAY, "month"))
    assert found["child_count_date"] == dt.date(2025, 11, 15)
    assert found["indicator_5"]["numerator"] == 3  # A1, A2, A3
    assert found["indicator_6"]["numerator"] == 9  # A1, A2, A3, A4, A5, A6, A12, A13, E5


def test_without_children_under_1_indicator_5_has_no_denominator_and_says_so(conn):
    data = (HEADER + "\n" + COUNTED).encode()
    assert loading.ingest(conn, data, "r.csv", program=EI, who="test", today=dt.date(2026, 1, 15)).status == "loaded"
    older = b"geography,group,population,children_under_3\nTown,All,10000,400\n"
    assert loading.load_reference(conn, older, "older.csv", who="test").status == loading.LOADED
    found = child_count.period_indicators(figured(conn), period_of(COUNT_DAY, "month"))
    assert found["indicator_5"] == {"numerator": 2, "denominator": None, "pct": None, "exceptional": None}
    assert found["indicator_6"] == INDICATORS["indicator_6"]
    assert child_count.without_denominator(found) == [
        "indicator_5 has no denominator: the reference population gives no children_under_1 for its All row"]


def test_the_reference_population_keeps_children_under_1(conn):
    assert loading.load_reference(conn, REFERENCE, "town.csv", who="test").status == loading.LOADED
    rows = queries.rows(conn, "reference_get")
    assert [(r["group"], r["children_under_3"], r["children_under_1"]) for r in rows] == [
        ("All", 400, 150), ("North", 160, 60), ("South", 240, 90)]
    # a table without the column still loads, and gives no children under 1
    assert loading.load_reference(conn, b"geography,group,population\nTown,All,10\n", "old.csv",
                                  who="test").status == loading.LOADED
    assert [r["children_under_1"] for r in queries.rows(conn, "reference_get")] == [None]


@pytest.mark.parametrize("day, expected", [
    (dt.date(2025, 12, 1), dt.date(2025, 12, 1)), (dt.date(2025, 11, 30), dt.date(2024, 12, 1)),
    (dt.date(2026, 2, 28), dt.date(2025, 12, 1))])
def test_the_latest_count_date_on_or_before_a_day(day, expected):
    assert child_count.count_date("12-01", day) == expected


# -- by group, on the Equity page --------------------------------------------------------------------------------

def test_indicators_5_and_6_by_neighbourhood(ei_conn):
    year = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "range")
    report = equity_report.report(figured(ei_conn), EARLY_INTERVENTION, year, "neighborhood", child_find=True)
    six = {r["group"]: r for r in report["measures"]["indicator_6"]["rows"]}
    # North: A1, A2, A13 of 160 children under 3; South: A3, A5, A8, A12 of 240
    assert (six["North"]["events"], six["North"]["base"], six["North"]["other_events"],
            six["North"]["other_base"]) == (3, 160, 4, 240)
    assert six["North"]["ratio"] == pytest.approx((3 / 160) / (4 / 240))  # 1.125
    assert (six["North"]["ratio_low"], six["North"]["ratio_high"]) == pytest.approx(
        intervals.rate_ratio(3, 160, 4, 240)[1:])
    five = {r["group"]: r for r in report["measures"]["indicator_5"]["rows"]}
    assert (five["North"]["events"], five["North"]["base"], five["South"]["events"], five["South"]["base"]) == (
        1, 60, 1, 90)  # A1; A3
    assert report["measures"]["indicator_5"]["per"] == 100
    assert report["measures"]["indicator_5"]["count_date"] == COUNT_DAY
    # the reference population has no race rows: no rates by race; and none unless asked for (funders)
    assert "indicator_6" not in equity_report.report(figured(ei_conn), EARLY_INTERVENTION, year, "race",
                                                     child_find=True)["measures"]
    assert "indicator_6" not in equity_report.report(figured(ei_conn), EARLY_INTERVENTION, year,
                                                     "neighborhood")["measures"]


# -- the command line ---------------------------------------------------------------------------------------------

@pytest.fixture
def ei_db(tmp_path):
    db = tmp_path / "ei.duckdb"
    with store.opened(db) as conn:
        result = loading.ingest(conn, (HEADER + "\n" + COUNTED + EXITED).encode(), "referrals.csv", program=EI,
                                who="test", today=dt.date(2026, 7, 31))
        assert result.status == loading.LOADED, result.report.lines()
        assert loading.load_reference(conn, REFERENCE, "town.csv", who="test").status == loading.LOADED
    return db


def test_report_ei_618_as_json_and_csv(ei_db, capsys):
    assert cli.main(["report", "ei-618", "--db", str(ei_db), "--year", "2025"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["reporting_year"], printed["child_count_date"], printed["exits_counted_to"]) == (
        "2025-26", "2025-12-01", "2026-06-30")
    assert printed["child_count"] == [full(row) for row in COUNT_ROWS]
    assert printed["exiting"][-1] == full({"category": "Total", **EXIT_ROWS["Total"]})
    assert cli.main(["report", "ei-618", "--db", str(ei_db), "--year", "2025", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == federal_tables.CSV_COLUMNS
    assert [(r["table"], r["dates"], r["category"], r["Total"]) for r in rows if r["category"] == "Total"] == [
        ("child count", "2025-12-01", "Total", "7"), ("exiting", "2025-07-01 to 2026-06-30", "Total", "11")]
    assert len(rows) == 4 + 11
    with store.opened(ei_db) as conn:
        printed_reports = audit.lines(conn).filter(pl.col("action") == audit.EXPORT)["detail"].to_list()
    assert sorted(printed_reports) == ["report ei-618 --format csv --year 2025",
                                       "report ei-618 --format json --year 2025"]


def test_report_ei_618_refuses_a_year_before_part_c(ei_db, capsys):
    assert cli.main(["report", "ei-618", "--db", str(ei_db), "--year", "25"]) == 2
    assert "the year must be from 1986" in capsys.readouterr().err


def test_report_ei_carries_indicators_5_and_6(ei_db, capsys):
    assert cli.main(["report", "ei", "--db", str(ei_db), "--month", "2025-12"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["child_count_date"] == "2025-12-01"
    assert {k: printed[k] for k in child_count.INDICATORS} == INDICATORS
    assert list(printed)[-3:] == list(child_count.REPORT_KEYS)
    assert cli.main(["report", "ei", "--db", str(ei_db), "--month", "2025-12", "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert {k: row[f"indicator_5_{k}"] for k in ei_figures.INDICATOR_KEYS} == {
        "numerator": "2", "denominator": "150", "pct": "1.33", "exceptional": ""}
    assert row["child_count_date"] == "2025-12-01" and "indicator_5" not in row


def test_report_ei_says_when_indicator_5_has_no_denominator(tmp_path, capsys):
    db = tmp_path / "ei.duckdb"
    with store.opened(db) as conn:
        assert loading.ingest(conn, (HEADER + "\n" + COUNTED).encode(), "r.csv", program=EI, who="test",
                              today=dt.date(2026, 1, 15)).status == loading.LOADED
    assert cli.main(["report", "ei", "--db", str(db), "--month", "2025-12"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["indicator_6"]["denominator"] is None  # no reference population at all
    assert "indicator_5 has no denominator" in out.err and "indicator_6 has no denominator" in out.err


# -- the setting --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, why", [
    ("09-30", "from 10-01 to 12-01"), ("12-02", "from 10-01 to 12-01"), ("11-31", "there is no such day"),
    ("1201", "a month and day written MM-DD"), ("December 1", "a month and day written MM-DD"),
    ("null", "a month and day written MM-DD"), ("[]", "a month and day written MM-DD"),
])
def test_bynames_setting_refuses_a_count_date_with_the_rule(tmp_path, capsys, text, why):
    db = str(tmp_path / "s.duckdb")
    assert cli.main(["setting", "--db", db, "--program", EI, "--", "child_count_date", text]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("bynames: child_count_date ") and why in err, err
    with store.opened(db) as conn:
        assert store.setting(conn, EI, "child_count_date") == "12-01"
        assert audit.lines(conn).is_empty()


def test_a_count_date_is_kept_as_mm_dd(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert cli.main(["setting", "--db", db, "--program", EI, "child_count_date", "10-1"]) == 0
    assert capsys.readouterr().out == 'child_count_date = "10-01" (was "12-01")\n'
    assert declared.check(EI, "child_count_date", " 11-15 ") == "11-15"
    with pytest.raises(declared.SettingRefused, match="there is no setting 'child_count_date'"):
        declared.check("homelessness", "child_count_date", "12-01")


def test_the_settings_page_sets_the_count_date(tmp_path, monkeypatch):
    db = tmp_path / "page.duckdb"
    with store.opened(db) as conn:
        assert loading.ingest(conn, (HEADER + "\n" + COUNTED).encode(), "r.csv", program=EI, who="test",
                              today=dt.date(2026, 1, 15)).status == loading.LOADED
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    app = app_as("data lead", "lead@example.org")
    app.query_params["program"] = EI
    app.run()
    app.switch_page("views/settings.py").run()
    picker = app.selectbox(key="setting_child_count_date")
    assert (picker.value, len(picker.options), picker.options[0], picker.options[-1]) == (
        "12-01", 62, "October 1", "December 1")
    picker.set_value("11-01").run()
    app.button(key="save_settings").click().run()
    assert not app.exception, app.exception
    with store.opened(db) as conn:
        assert store.setting(conn, EI, "child_count_date") == "11-01"
        lines = audit.lines(conn).filter(pl.col("action") == audit.SETTING_CHANGED)
        assert lines.select("subject", "detail").rows() == [
            ("child_count_date", 'Early Intervention (IDEA Part C): "12-01" → "11-01"')]


# -- the Monthly figures page -------------------------------------------------------------------------------------

def test_monthly_figures_show_indicators_5_and_6_and_the_618_tables(ei_db, monkeypatch):
    app = page_as(monkeypatch, ei_db, "data lead", "monthly_figures", EI, month="2025-12")
    assert [h.value for h in app.subheader][-2:] == ["Indicators 5 and 6: children served", "IDEA 618 tables"]
    child_find = next(t.value for t in app.dataframe if "Per 100" in t.value)
    assert child_find.values.tolist() == [["Indicator 5: children under 1", "2", "150", "1.33"],
                                          ["Indicator 6: children under 3", "7", "400", "1.75"]]
    # the children behind them: 7 under 3, of whom 2 under 1 count in both
    served = next(t.value for t in app.dataframe if "Counted in" in t.value)
    assert sorted(served["Counted in"]) == ["5 and 6"] * 2 + ["6"] * 5
    assert served["Name"].notna().all()
    assert app.selectbox(key="federal_year").value == 2026  # the list runs to July 2026: 2026-27 first
    app.selectbox(key="federal_year").set_value(2025).run()
    count = next(t for t in app.dataframe if "Age" in t.value).value
    assert count["Total"].tolist() == [2, 3, 2, 7]
    exits = next(t for t in app.dataframe if "Reason" in t.value).value
    assert exits["Total"].tolist()[-1] == 11
    (download,) = [b for b in app.get("download_button") if b.proto.label == "Download the 618 tables (CSV)"]
    assert not download.proto.disabled


def test_funders_see_neither_indicators_5_and_6_nor_the_618_tables(ei_db, monkeypatch):
    app = page_as(monkeypatch, ei_db, "funder", "monthly_figures", EI)
    # only OSEP's indicators as funders get them (tests/test_early_intervention.py): not 5 and 6, not the tables
    assert [h.value for h in app.subheader] == ["OSEP's Part C indicators"] and not app.get("download_button")
    assert all("Per 100" not in t.value and "Counted in" not in t.value for t in app.dataframe)


# -- the same from the whole history as from the list cut at the count date (tests/test_as_of.py) ------------------

# The window's January to April moved to August to November: the count dates (1 October to 1 December) fall in
# its second half or just after it, with many referrals before them.
AUTUMN = dt.timedelta(days=213)


def autumn(row: dict, still_open: bool) -> dict:
    """A referral moved to the autumn; a still open one has its exit date taken away (so that more children
    are served on the count date), its reason left as a reason without an exit date."""
    moved = {k: v + AUTUMN if isinstance(v, dt.date) else v for k, v in row.items()}
    return {**moved, "exited": None} if still_open else moved


autumn_referral = st.builds(autumn, as_of.referral(), st.booleans())
count_dates = st.sampled_from(declared.month_days(declared.SETTINGS["child_count_date"]))


def served_rows(conn, day: dt.date) -> list[tuple]:
    """Each child served, as the dates that count them: a child on two open referrals that agree on them
    is one child either way, whichever referral stands for them (other fields may differ between the two)."""
    served = child_count.children_on(figured(conn), day).select("client_id", "referred", "ifsp", "birth_date", "age")
    return sorted(served.rows(), key=repr)  # repr: blanks sort too


@settings(as_of.PROPERTY, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")))
@given(extracts=as_of.two_extracts(autumn_referral), month_day=count_dates)
def test_indicators_5_and_6_are_those_of_the_list_cut_at_the_count_date(blank, extracts, month_day):
    day = child_count.count_date_in(2024, month_day)
    whole, cut = as_of.whole_and_cut(blank, EI, extracts, as_of.EI_HEADER, as_of.cut_ei, day)
    try:
        for conn in (whole, cut):
            store.set_setting(conn, EI, "child_count_date", month_day)
            assert loading.load_reference(conn, REFERENCE, "town.csv", who="test").status == loading.LOADED
        served = served_rows(whole, day)
        assert served == served_rows(cut, day)
        event(f"{len(served)} served on the count date")  # pytest --hypothesis-show-statistics
        # a period that reports the count date (or the one before, where the list does not reach it): its week
        week = period_of(day, "week")
        assert child_count.period_indicators(figured(whole), week) == child_count.period_indicators(figured(cut), week)
    finally:
        whole.close()
        cut.close()


def test_the_equity_page_shows_indicators_5_and_6_by_neighbourhood(ei_db, monkeypatch):
    app = page_as(monkeypatch, ei_db, "data lead", "equity", EI)
    app.selectbox(key="equity_by").set_value("neighborhood").run()
    assert not app.exception, app.exception
    titles = [m.value for m in app.markdown]
    assert "**Indicator 5: children under 1 served**" in titles and "**Indicator 6: children under 3 served**" in titles
    # the list runs to 1 July 2026: the last 12 whole months end on 30 June 2026, and report 1 December 2025
    six = next(t.value for t in app.dataframe if "Per 100" in t.value and t.value["Events"].tolist() == [3, 4])
    assert six["Group"].tolist() == ["North", "South"] and six["Out of"].tolist() == [160, 240]
    assert six["Per 100"].tolist() == [1.88, 1.67]  # 3 of 160 = 1.875, 4 of 240 = 1.667
    assert any("The count date:" in c.value and "1 Dec" in c.value for c in app.caption)
