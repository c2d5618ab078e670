"""Reading Built for Zero lists: header matching, repeated headers, normalised values, Excel."""

import datetime as dt
import io
import json

import pytest
import xlsxwriter

from pipelines.bfz_list import read_bfz_list
from tests.conftest import BFZ_HEADER, TODAY, bfz_csv


def read(data: bytes, name="list.csv"):
    frame, report = read_bfz_list(data, name, today=TODAY)
    assert report.ok, report.lines()
    return frame


def test_headers_match_ignoring_case_spaces_and_punctuation():
    header = ("client_id,DATE OF IDENTIFICATION,returned-to-active date,Housing Move In Date,inactive_date,"
              "household type,CHRONIC STATUS,veteran  status")
    frame = read(bfz_csv("A1,1/2/2018,,,,Single Adult,Yes,No", header=header))
    assert frame.select("client_id", "identified", "household_type", "chronic", "veteran").rows() == [
        ("A1", dt.date(2018, 1, 2), "Single adult", True, False)
    ]


def test_repeated_headers_are_tolerated_and_the_first_filled_cell_wins():
    header = ("Client ID,Date of Identification,Returned to Active Date,Housing Move-In Date,Inactive Date,"
              "Household Type,Chronic Status,Veteran Status,Inactive Date,DA Abuse,DA Abuse")
    frame = read(bfz_csv("A1,1/2/2018,,,,Family,No,No,3/4/2018,1,0", header=header))
    assert frame["inactive"].to_list() == [dt.date(2018, 3, 4)]
    assert json.loads(frame["extra"][0]) == {"DA Abuse": "1", "DA Abuse (2)": "0"}


def test_population_values_are_normalised_the_built_for_zero_way():
    frame = read(bfz_csv(
        "1,1/2/2018,,,,Single Adult,Chronically Homeless,Yes Validated",
        "2,1/2/2018,,,,single adults,Chronic,yes-confirmed",
        "3,1/2/2018,,,,SINGLE ADULT,Not Chronically Homeless,No",
        "4,1/2/2018,,,,Families,Yes,Yes",
        "5,1/2/2018,,,,Youth,,",
        "6,1/2/2018,,,,Couple,YES,YES",
    ))
    assert frame.select("client_id", "household_type", "veteran", "chronic").rows() == [
        ("1", "Single adult", True, True),
        ("2", "Single adult", True, True),
        ("3", "Single adult", False, False),
        ("4", "Family", True, True),
        ("5", "Youth", False, False),
        ("6", "Couple", True, True),
    ]


def test_optional_columns_are_kept():
    header = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,"
              "Housing Move-In Date,Inactive Date,Household Type,Chronic Status,Veteran Status,Age,Gender,"
              "Race,Ethnicity,VI-SPDAT Score,Contact,BNL Status,Shelter")
    frame = read(bfz_csv(
        "A1,Ana,Reyes,1/2/2018,,,,Single Adult,Yes,No,44,Female,White (HUD),Hispanic/Latino (HUD),11,"
        "Dana Ruiz,Active,Harbor",
        header=header,
    ))
    row = frame.row(0, named=True)
    assert (row["first_name"], row["last_name"], row["age"], row["gender"], row["race"], row["ethnicity"],
            row["assessment_score"], row["contact_worker"], row["bnl_status"]) == (
        "Ana", "Reyes", 44, "Female", "White (HUD)", "Hispanic/Latino (HUD)", 11.0, "Dana Ruiz", "Active")
    assert json.loads(row["extra"]) == {"Shelter": "Harbor"}


def test_one_client_id_on_several_rows_becomes_several_records_in_identification_order():
    frame = read(bfz_csv(
        "A1,3/1/2018,,,,Family,No,No",
        "A1,1/2/2018,,,,Single Adult,No,No",
        "B2,1/2/2018,,,,Youth,No,No",
    ))
    assert frame.select("row", "client_id", "ordinal").rows() == [(2, "A1", 2), (3, "A1", 1), (4, "B2", 1)]


def test_excel_list_with_date_cells_serials_and_text():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Client ID", "Date of Identification", "Returned to Active Date",
                           "Housing Move-In Date", "Inactive Date", "Household Type", "Chronic Status",
                           "Veteran Status"])
    date_format = book.add_format({"num_format": "m/d/yyyy"})
    sheet.write_number(1, 0, 1001)
    sheet.write_datetime(1, 1, dt.datetime(2018, 1, 2), date_format)
    sheet.write_number(1, 3, 43132)  # a serial typed as a number: 2018-02-01
    sheet.write_string(1, 5, "Single Adult")
    sheet.write_string(1, 6, "Yes")
    sheet.write_string(1, 7, "Yes")
    sheet.write_string(2, 0, "X-2")
    sheet.write_string(2, 1, "January 5, 2018")
    sheet.write_string(2, 5, "Youth")
    book.close()
    frame = read(buffer.getvalue(), "list.xlsx")
    assert frame.select("client_id", "identified", "moved_in", "household_type").rows() == [
        ("1001", dt.date(2018, 1, 2), dt.date(2018, 2, 1), "Single adult"),
        ("X-2", dt.date(2018, 1, 5), None, "Youth"),
    ]


def test_padded_cells_are_trimmed_and_blank_ones_are_empty():
    frame = read(bfz_csv(' A1 , 1/2/2018 ,  ,,   ,Youth , No,No'))
    assert frame.select("client_id", "identified", "returned", "inactive", "household_type").rows() == [
        ("A1", dt.date(2018, 1, 2), None, None, "Youth")
    ]


def test_a_windows_1252_file_from_excel_keeps_its_accents():
    header = BFZ_HEADER + ",Last Name"
    frame = read(bfz_csv("A1,1/2/2018,,,,Youth,No,No,Muñoz", header=header).decode().encode("cp1252"))
    assert frame["last_name"].to_list() == ["Muñoz"]


# Built for Zero's own submission tool takes these header names and date forms.
BFZ_TOOL_HEADER = ("ID Number,Date of Identification,Return to Active Date,Date of Housing Move-In,Inactive Date,"
                   "Household Type,Chronic Status,Veteran Status")


@pytest.mark.parametrize("written, day", [
    ("Friday, May 01, 2020", dt.date(2020, 5, 1)),
    ("Friday May 01, 2020", dt.date(2020, 5, 1)),
    ("May 01 2020", dt.date(2020, 5, 1)),
    ("May 2020", dt.date(2020, 5, 31)),  # a month alone: its last day
    ("Feb 2020", dt.date(2020, 2, 29)),
    ("2020-05", dt.date(2020, 5, 1)),    # ...but written as numbers, its first
    ("2020-05-01 10:00:00", dt.date(2020, 5, 1)),
    ("5/1/2020 10:00:00", dt.date(2020, 5, 1)),
    ("5/1/2020 10:00 PM", dt.date(2020, 5, 1)),
    ("5/1/20", dt.date(2020, 5, 1)),
])
def test_built_for_zeros_date_forms(written, day):
    frame = read(bfz_csv(f'A1,"{written}",,,,Single Adult,No,No', header=BFZ_TOOL_HEADER))
    assert frame["identified"].to_list() == [day]


@pytest.mark.parametrize("written, rule", [
    ("May 1970", "date_before_1971"),
    ("Dec 2026", "date_in_future"),
    ("2026-13", "unparseable_date"),
    ("Mayo 2020", "unparseable_date"),
])
def test_dates_out_of_range_stay_errors_in_every_form(written, rule):
    frame, report = read_bfz_list(bfz_csv(f'A1,"{written}",,,,Single Adult,No,No', header=BFZ_TOOL_HEADER),
                                  "list.csv", today=TODAY)
    assert frame is None
    assert [(f.rule, f.row, f.column, f.value) for f in report.errors] == [
        (rule, 2, "Date of Identification", written)]
