"""Reading the reference population: golden rows, loose headers and group names, every rule."""

import polars as pl
import pytest

from pipelines.reference_population import read_reference

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

HEADER = "geography,group,population,poverty_population,children_under_3"


def ref_csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def findings(data: bytes):
    frame, report = read_reference(data, "reference.csv")
    return frame, [(f.severity, f.rule, f.row, f.column, f.value) for f in report.findings]


def test_golden_rows_with_loose_headers_and_group_spellings():
    header = "Geography,Group,Total Population,Population in Poverty,Children Under Three,Children Under One"
    frame, found = findings(ref_csv(
        'Harbor County,All,"360,000",62200,12000,"4,050"',
        "Harbor County,Black or African American,79200,20526.0,2880,960",
        "Harbor County, hispanic/latina/e/o ,64800,,,",
        "Harbor County,Eastgate,66000,17800,2500,",
        "Harbor County,Two or more races,10800,3110,480,160.0",
        header=header,
    ))
    assert found == []
    assert frame.schema == pl.Schema({"geography": pl.String, "group": pl.String, "population": pl.Int64,
                                      "poverty_population": pl.Int64, "children_under_3": pl.Int64,
                                      "children_under_1": pl.Int64})
    assert frame.rows() == [
        ("Harbor County", "All", 360000, 62200, 12000, 4050),
        ("Harbor County", "Black, African American or African", 79200, 20526, 2880, 960),
        ("Harbor County", "Hispanic/Latina/e/o", 64800, None, None, None),
        ("Harbor County", "Eastgate", 66000, 17800, 2500, None),
        ("Harbor County", "Multiracial", 10800, 3110, 480, 160),
    ]


def test_optional_counts_may_be_absent():
    frame, found = findings(ref_csv("Harbor County,All,100", header="Geography,Group,Population"))
    assert found == []
    assert frame.rows() == [("Harbor County", "All", 100, None, None, None)]


def test_children_under_1_without_children_under_3():
    # Indicator 5 needs only the children under 1; nothing to compare them with here.
    frame, found = findings(ref_csv("Harbor County,All,1000,40", header="Geography,Group,Population,Under 1"))
    assert found == []
    assert frame.rows() == [("Harbor County", "All", 1000, None, None, 40)]


def test_children_under_1_are_whole_and_no_more_than_the_children_under_3():
    frame, found = findings(ref_csv(
        "Harbor County,All,1000,,300,100",  # fine: 100 of 300 children under 3 are under 1
        "Harbor County,White,500,,90,91",  # 91 under 1 but only 90 under 3
        "Harbor County,Asian,20,,5,21",  # 21 outnumber the 20 people: that reason alone
        "Harbor County,Eastgate,400,,100,2.5",  # not a whole number
        "Harbor County,Millbrook,300,,100,100",  # fine: every child under 3 is under 1, however unlikely
        header=HEADER + ",children_under_1"))
    assert frame is None
    assert found == [
        ("error", "infants_above_children_under_3", 3, "children_under_1", "91"),
        ("error", "infants_above_population", 4, "children_under_1", "21"),
        ("error", "not_a_whole_number", 5, "children_under_1", "2.5"),
    ]


def test_missing_required_column():
    frame, found = findings(ref_csv("Harbor County,100", header="Geography,Population"))
    assert frame is None
    assert found == [("error", "missing_required_column", None, "Group", None)]


def test_counts_must_be_whole_numbers_of_zero_or_more():
    frame, found = findings(ref_csv("Harbor County,All,-3,12.5,x", "Harbor County,White,,0,0"))
    assert frame is None
    assert found == [
        ("error", "not_a_whole_number", 2, "population", "-3"),
        ("error", "not_a_whole_number", 2, "poverty_population", "12.5"),
        ("error", "not_a_whole_number", 2, "children_under_3", "x"),
        ("error", "missing_population", 3, "population", None),
    ]


def test_parts_cannot_outnumber_the_population():
    frame, found = findings(ref_csv("Harbor County,All,100,101,100", "Harbor County,White,10,10,11"))
    assert frame is None
    assert found == [
        ("error", "poverty_above_population", 2, "poverty_population", "101"),
        ("error", "children_above_population", 3, "children_under_3", "11"),
    ]


def test_a_group_twice_in_one_geography():
    frame, found = findings(ref_csv("Harbor County,All,100,,", "Harbor County,White,50,,",
                                    "harbor county,WHITE,40,,", "Elsewhere,All,10,,", "Elsewhere,White,5,,"))
    assert frame is None
    assert found == [("error", "duplicate_group", 4, "group", "WHITE")]


def test_blank_geography_or_group():
    frame, found = findings(ref_csv("Harbor County,All,100,,", ",White,50,,", "Harbor County, ,40,,"))
    assert frame is None
    assert found == [
        ("error", "blank_geography", 3, "geography", None),
        ("error", "blank_group", 4, "group", None),
    ]


def test_a_geography_without_an_all_row_is_a_warning():
    frame, found = findings(ref_csv("Harbor County,All,100,,", "Elsewhere,White,5,,"))
    assert found == [("warning", "no_all_row", 3, "group", "Elsewhere")]
    assert frame.height == 2


