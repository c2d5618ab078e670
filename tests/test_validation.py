"""Each validation rule on a tiny file, with the exact finding it must produce."""

from pipelines.bfz_list import read_bfz_list
from tests.conftest import BFZ_HEADER, TODAY, bfz_csv


def findings(data: bytes):
    frame, report = read_bfz_list(data, "list.csv", today=TODAY)
    return frame, [(f.severity, f.rule, f.row, f.column, f.value) for f in report.findings]


def test_missing_required_column_is_an_error_naming_the_column():
    header = BFZ_HEADER.replace(",Veteran Status", "")
    frame, found = findings(bfz_csv("A1,1/2/2018,,,,Single Adult,No", header=header))
    assert frame is None
    assert found == [("error", "missing_required_column", None, "Veteran Status", None)]


def test_blank_client_id():
    frame, found = findings(bfz_csv("A1,1/2/2018,,,,Youth,No,No", " ,1/3/2018,,,,Youth,No,No"))
    assert frame is None
    assert found == [("error", "blank_client_id", 3, "Client ID", None)]


def test_missing_identification_date():
    frame, found = findings(bfz_csv("A1,,,,,Youth,No,No"))
    assert frame is None
    assert found == [("error", "missing_identification_date", 2, "Date of Identification", None)]


def test_unparseable_date_names_row_column_and_value():
    frame, found = findings(bfz_csv("A1,1/2/2018,,soon,,Youth,No,No"))
    assert frame is None
    assert found == [("error", "unparseable_date", 2, "Housing Move-In Date", "soon")]


def test_dates_in_the_future_or_before_1971():
    frame, found = findings(bfz_csv("A1,1/2/2018,,,2/1/2026,Youth,No,No", "B2,12/31/1970,,,,Youth,No,No"))
    assert frame is None
    assert found == [
        ("error", "date_in_future", 2, "Inactive Date", "2/1/2026"),
        ("error", "date_before_1971", 3, "Date of Identification", "12/31/1970"),
    ]


def test_exit_before_identification_is_a_warning_and_the_row_loads():
    frame, found = findings(bfz_csv("A1,2/15/2018,,2/1/2018,2/10/2018,Youth,No,No"))
    assert frame is not None and frame.height == 1
    assert found == [
        ("warning", "exit_before_identification", 2, "Housing Move-In Date", "2/1/2018"),
        ("warning", "exit_before_identification", 2, "Inactive Date", "2/10/2018"),
    ]


def test_repeated_client_id_is_a_warning_that_says_how_it_is_counted():
    frame, report = read_bfz_list(
        bfz_csv("A1,1/2/2018,,,,Youth,No,No", "B2,1/2/2018,,,,Youth,No,No", "A1,2/2/2018,,,,Family,No,No"),
        "list.csv", today=TODAY,
    )
    assert frame is not None
    assert [(f.rule, f.row, f.value) for f in report.findings] == [("repeated_client_id", 2, "A1")]
    assert "on 2 rows (2, 4)" in report.findings[0].message
    assert "counted once" in report.findings[0].message


def test_household_type_outside_the_populations_is_a_warning():
    _, found = findings(bfz_csv("A1,1/2/2018,,,,Couple,No,No", "B2,1/2/2018,,,,,No,No"))
    assert found == [
        ("warning", "unknown_household_type", 2, "Household Type", "Couple"),
        ("warning", "blank_household_type", 3, "Household Type", None),
    ]


def test_report_lines_name_file_row_column_value_and_rule():
    _, report = read_bfz_list(bfz_csv("A1,1/2/2018,,soon,,Youth,No,No"), "march.csv", today=TODAY)
    assert report.lines() == [
        "ERROR march.csv, row 2, column 'Housing Move-In Date': value 'soon': not a date; write it as "
        "1/2/2018, 2018-01-02, January 2, 2018 or January 2018 [unparseable_date]"
    ]


def test_a_file_that_is_not_a_table():
    frame, found = findings(b"\x00\x01\x02PK not really")
    assert frame is None
    assert found[0][0] == "error"


def test_cells_padded_with_spaces_or_tabs_are_stripped_and_only_those_columns():
    import polars as pl

    from pipelines.columns import padded_columns

    cells = pl.DataFrame({"c0": ["a", "b\t"], "c1": ["\tx", "y"], "c2": [" z", "w"], "c3": ["\nq", "\x01r"],
                          "c4": ["", None], "c5": ["!", "v "]})
    assert padded_columns(cells, cells.columns) == {"c0", "c1", "c2", "c5"}
    frame, found = findings(bfz_csv("A1 ,1/2/2018,,,,Youth\t,No,No", "A2,\t1/3/2018,,,,Youth,No,No"))
    assert found == []
    assert frame["client_id"].to_list() == ["A1", "A2"] and frame["household_type"].to_list() == ["Youth"] * 2
