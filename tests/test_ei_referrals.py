"""Reading Early Intervention referral extracts: golden rows, every validation rule, Excel, exit reasons."""

import datetime as dt
import io
import json

import polars as pl
import pytest
import xlsxwriter

from pipelines.early_intervention.referrals import (
    EXIT_REASONS,
    LOST_REASONS,
    RECORD_COLUMNS,
    exit_reason_code,
    read_referrals,
)
from tests.conftest import TODAY

FULL_HEADER = (
    "Child ID,First Name,Last Name,Date of Birth,Sex,Race,Hispanic,ZIP,Neighborhood,Referral Date,Referral Source,"
    "Evaluation Date,Eligibility,Eligibility Date,IFSP Date,Exceptional Family Circumstance,Service Start Date,"
    "Transition Steps Date,Potentially Eligible for Part B,LEA Notification Date,SEA Notification Date,"
    "Transition Conference Date,Transition Conference Declined,Exit Date,Exit Reason,Service Coordinator,Notes"
)
# The columns the rules are about, so that each rule's test fits on a line.
SHORT_HEADER = ("Child ID,Date of Birth,Referral Date,Evaluation Date,Eligibility,Eligibility Date,IFSP Date,"
                "Service Start Date,Exit Date,Exit Reason")


def ei_csv(*rows: str, header: str = SHORT_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def read(data: bytes, name="referrals.csv"):
    frame, report = read_referrals(data, name, today=TODAY)
    assert report.ok, report.lines()
    return frame


def findings(data: bytes, name="referrals.csv"):
    frame, report = read_referrals(data, name, today=TODAY)
    return frame, [(f.severity, f.rule, f.row, f.column, f.value) for f in report.findings]


def test_golden_rows():
    frame = read(ei_csv(
        'A1,Ana,Reyes,3/4/2023,Female,"White; Asian or Asian American",No,2138,Millbrook,1/10/2025,Physician,'
        "2/1/2025,Eligible,2/5/2025,2/20/2025,,3/1/2025,,y,,,,,,,Dana Ruiz,twins",
        "B2,Bo,Li,2022-12-01,Male,,Yes,02848,Eastgate,6/1/2025,Parent,,,,,,,,,,,,,7/1/2025,9,Sam Okoro,",
        "A1,Ana,Reyes,3/4/2023,Female,White,no,,Millbrook,10/2/2024,Parent,,,,,,,,,,,,,11/1/2024,"
        "Withdrawal by parent (or guardian),,",
        'C3,Cal,Ng,1/20/2023,Male,Black or African American,,,South Wharf,3/3/2025,Hospital/NICU,3/20/2025,'
        '"not eligible ",3/25/2025,,,,,No,,,,,"March 30, 2025",No longer eligible for Part C prior to reaching age '
        'three,,',
        "D4,Dee,Ode,1/20/2023,Female,Multiracial,N,02857,South Wharf,3/3/2025,Physician,3/20/2025,Eligible,"
        "3/25/2025,4/30/2025,Yes,5/12/2025,8/1/2025,Yes,9/15/2025,2025-09-17,10/1/2025,No,1/10/2026,2,Rosa Ibarra,",
        header=FULL_HEADER,
    ))
    assert frame.columns == RECORD_COLUMNS
    assert frame.schema["ordinal"] == pl.Int32 and frame.schema["exit_reason"] == pl.Int8
    assert frame.schema["birth_date"] == pl.Date and frame.schema["eligible"] == pl.Boolean
    d = dt.date
    base = dict.fromkeys(RECORD_COLUMNS)
    expected = [
        base | dict(row=2, client_id="A1", ordinal=2, first_name="Ana", last_name="Reyes", birth_date=d(2023, 3, 4),
                    sex="Female", race="White; Asian or Asian American", hispanic=False, zip="02138",
                    neighborhood="Millbrook", referral_source="Physician", referred=d(2025, 1, 10),
                    evaluated=d(2025, 2, 1), eligible=True, eligibility_decided=d(2025, 2, 5), ifsp=d(2025, 2, 20),
                    exceptional=False, service_start=d(2025, 3, 1), part_b_potential=True,
                    conference_declined=False, service_coordinator="Dana Ruiz", extra='{"Notes":"twins"}'),
        base | dict(row=3, client_id="B2", ordinal=1, first_name="Bo", last_name="Li", birth_date=d(2022, 12, 1),
                    sex="Male", hispanic=True, zip="02848", neighborhood="Eastgate", referral_source="Parent",
                    referred=d(2025, 6, 1), exceptional=False, conference_declined=False, exited=d(2025, 7, 1),
                    exit_reason=9, service_coordinator="Sam Okoro", extra='{"Notes":null}'),
        base | dict(row=4, client_id="A1", ordinal=1, first_name="Ana", last_name="Reyes", birth_date=d(2023, 3, 4),
                    sex="Female", race="White", hispanic=False, neighborhood="Millbrook", referral_source="Parent",
                    referred=d(2024, 10, 2), exceptional=False, conference_declined=False, exited=d(2024, 11, 1),
                    exit_reason=9, extra='{"Notes":null}'),
        base | dict(row=5, client_id="C3", ordinal=1, first_name="Cal", last_name="Ng", birth_date=d(2023, 1, 20),
                    sex="Male", race="Black or African American", neighborhood="South Wharf",
                    referral_source="Hospital/NICU", referred=d(2025, 3, 3), evaluated=d(2025, 3, 20),
                    eligible=False, eligibility_decided=d(2025, 3, 25), exceptional=False, part_b_potential=False,
                    conference_declined=False, exited=d(2025, 3, 30), exit_reason=1, extra='{"Notes":null}'),
        base | dict(row=6, client_id="D4", ordinal=1, first_name="Dee", last_name="Ode", birth_date=d(2023, 1, 20),
                    sex="Female", race="Multiracial", hispanic=False, zip="02857", neighborhood="South Wharf",
                    referral_source="Physician", referred=d(2025, 3, 3), evaluated=d(2025, 3, 20), eligible=True,
                    eligibility_decided=d(2025, 3, 25), ifsp=d(2025, 4, 30), exceptional=True,
                    service_start=d(2025, 5, 12), transition_steps=d(2025, 8, 1), part_b_potential=True,
                    lea_notified=d(2025, 9, 15), sea_notified=d(2025, 9, 17), transition_conference=d(2025, 10, 1),
                    conference_declined=False, exited=d(2026, 1, 10), exit_reason=2,
                    service_coordinator="Rosa Ibarra", extra='{"Notes":null}'),
    ]
    assert frame.to_dicts() == expected


def test_headers_match_ignoring_case_spaces_punctuation_and_common_synonyms():
    header = "child_id,DOB,referral-date,Initial IFSP Meeting Date,reason for exit,date of exit,Neighbourhood"
    frame = read(ei_csv("7,1/2/2024,2/3/2025,3/1/2025,3,12/1/2025,Eastgate", header=header))
    assert frame.select("client_id", "birth_date", "referred", "ifsp", "exit_reason", "exited",
                        "neighborhood").rows() == [
        ("7", dt.date(2024, 1, 2), dt.date(2025, 2, 3), dt.date(2025, 3, 1), 3, dt.date(2025, 12, 1), "Eastgate")
    ]
    assert frame["extra"].to_list() == [None]


def test_one_child_referred_twice_is_two_referrals_numbered_by_referral_date():
    frame = read(ei_csv("A1,1/2/2024,9/1/2025,,,,,,,", "A1,1/2/2024,2/1/2025,,,,,,3/1/2025,9",
                        "B2,1/2/2024,2/1/2025,,,,,,,"))
    assert frame.select("row", "client_id", "ordinal").rows() == [(2, "A1", 2), (3, "A1", 1), (4, "B2", 1)]


@pytest.mark.parametrize(("written", "code"), [
    ("1", 1), ("01", 1), ("10", 10), ("10.", 10), ("9.0", 9), ("Code 7", 7), ("4 - Not eligible for Part B, "
     "exit with referrals to other programs", 4),
    ("No longer eligible for Part C prior to reaching age three", 1),
    ("Completion of IFSP prior to reaching maximum age for Part C", 1),
    ("no longer eligible before 3", 1),
    ("Part B eligible, exiting Part C", 2), ("PART B ELIGIBLE - CONTINUING IN PART C", 3),
    ("Not eligible for Part B, exit with no referrals", 5), ("Part B eligibility not determined", 6),
    ("Deceased", 7), ("Moved out-of-state", 8), ("Withdrawal by parent (or guardian)", 9),
    ("withdrawal by parent/guardian", 9),
    ("Attempts to contact the parent and/or child were unsuccessful", 10), ("Unable to contact", 10),
])
def test_exit_reasons_by_number_or_by_name(written, code):
    assert exit_reason_code(written) == code


@pytest.mark.parametrize("written", ["0", "11", "Graduated", "9 - Deceased", "Part B", ""])
def test_text_that_is_not_one_of_the_ten_reasons(written):
    assert exit_reason_code(written) is None


def test_the_ten_reasons_and_the_lost_ones():
    assert list(EXIT_REASONS) == list(range(1, 11))
    assert LOST_REASONS == {6, 9, 10}
    assert all(exit_reason_code(label) == code for code, label in EXIT_REASONS.items())


def test_exit_reasons_in_a_file_by_name_and_by_number():
    frame = read(ei_csv(
        "A1,1/2/2024,2/1/2025,,,,,,3/1/2025,Moved out of state",
        "B2,1/2/2024,2/1/2025,,,,,,3/1/2025,8",
        'C3,1/2/2024,2/1/2025,,,,,,3/1/2025,"Attempts to contact the parent and/or child were unsuccessful"',
    ))
    assert frame["exit_reason"].to_list() == [8, 8, 10]


def test_excel_extract_with_date_cells_serials_and_text():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Child ID", "Date of Birth", "Referral Date", "ZIP", "Exit Date", "Exit Reason",
                           "Eligibility"])
    date_format = book.add_format({"num_format": "m/d/yyyy"})
    sheet.write_number(1, 0, 1001)
    sheet.write_datetime(1, 1, dt.datetime(2023, 5, 6), date_format)
    sheet.write_number(1, 2, 45703)  # a serial typed as a number: 2025-02-15
    sheet.write_number(1, 3, 2138)  # a ZIP typed as a number loses its leading zero
    sheet.write_datetime(1, 4, dt.datetime(2025, 4, 1), date_format)
    sheet.write_number(1, 5, 9)
    sheet.write_string(2, 0, "X-2")
    sheet.write_string(2, 1, "January 5, 2024")
    sheet.write_string(2, 2, "2025-03-01")
    sheet.write_string(2, 6, "Eligible")
    book.close()
    frame = read(buffer.getvalue(), "referrals.xlsx")
    assert frame.select("client_id", "birth_date", "referred", "zip", "exited", "exit_reason", "eligible").rows() == [
        ("1001", dt.date(2023, 5, 6), dt.date(2025, 2, 15), "02138", dt.date(2025, 4, 1), 9, None),
        ("X-2", dt.date(2024, 1, 5), dt.date(2025, 3, 1), None, None, None, True),
    ]


# Each rule on a tiny file, with the exact finding it must produce.

def test_missing_required_column_names_the_column():
    frame, found = findings(ei_csv("A1,2/1/2025", header="Child ID,Referral Date"))
    assert frame is None
    assert found == [("error", "missing_required_column", None, "Date of Birth", None)]


def test_missing_required_values():
    frame, found = findings(ei_csv(" ,1/2/2024,2/1/2025,,,,,,,", "B2,,2/1/2025,,,,,,,", "C3,1/2/2024,,,,,,,,"))
    assert frame is None
    assert found == [
        ("error", "blank_child_id", 2, "Child ID", None),
        ("error", "missing_birth_date", 3, "Date of Birth", None),
        ("error", "missing_referral_date", 4, "Referral Date", None),
    ]


def test_unreadable_dates_name_row_column_and_value():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,soon,,,,,,", "B2,13/45/2024,2/1/2025,,,,,,,"))
    assert frame is None
    assert found == [
        ("error", "unparseable_date", 2, "Evaluation Date", "soon"),
        ("error", "unparseable_date", 3, "Date of Birth", "13/45/2024"),
    ]


def test_dates_in_the_future():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,3/1/2026,,,"))
    assert frame is None
    assert found == [("error", "date_in_future", 2, "IFSP Date", "3/1/2026")]


def test_exit_reason_that_is_not_one_of_the_ten():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,,,3/1/2025,Graduated",
                                   "B2,1/2/2024,2/1/2025,,,,,,3/1/2025,11"))
    assert frame is None
    assert found == [
        ("error", "unknown_exit_reason", 2, "Exit Reason", "Graduated"),
        ("error", "unknown_exit_reason", 3, "Exit Reason", "11"),
    ]


def test_exit_without_a_reason():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,,,3/1/2025,"))
    assert frame is None
    assert found == [("error", "exit_without_reason", 2, "Exit Reason", None)]


def test_exit_without_a_reason_when_the_file_has_no_reason_column():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,3/1/2025", header="Child ID,DOB,Referral Date,Exit Date"))
    assert frame is None
    assert found == [("error", "exit_without_reason", 2, "Exit Reason", None)]


def test_referral_on_or_after_the_third_birthday():
    frame, found = findings(ei_csv("A1,2/1/2022,2/1/2025,,,,,,,", "B2,2/1/2022,3/15/2025,,,,,,,"))
    assert frame is None
    assert found == [
        ("error", "referred_after_third_birthday", 2, "Referral Date", "2/1/2025"),
        ("error", "referred_after_third_birthday", 3, "Referral Date", "3/15/2025"),
    ]


def test_referral_before_birth():
    frame, found = findings(ei_csv("A1,3/1/2025,2/1/2025,,,,,,,"))
    assert frame is None
    assert found == [("error", "referral_before_birth", 2, "Referral Date", "2/1/2025")]


def test_steps_dated_before_the_referral():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,1/20/2025,Eligible,1/25/2025,1/30/2025,1/31/2025,"
                                   "1/31/2025,9"))
    assert frame is None
    assert found == [
        ("error", "date_before_referral", 2, "Evaluation Date", "1/20/2025"),
        ("error", "date_before_referral", 2, "Eligibility Date", "1/25/2025"),
        ("error", "date_before_referral", 2, "IFSP Date", "1/30/2025"),
        ("error", "date_before_referral", 2, "Service Start Date", "1/31/2025"),
        ("error", "date_before_referral", 2, "Exit Date", "1/31/2025"),
    ]


def test_reason_without_an_exit_date_is_a_warning_and_the_referral_stays_open():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,,,,9"))
    assert found == [("warning", "exit_reason_without_exit_date", 2, "Exit Reason", "9")]
    assert frame.select("exited", "exit_reason").rows() == [(None, 9)]


def test_eligibility_not_recognised_is_a_warning_and_loads_as_unknown():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,Maybe,,,,,", "B2,1/2/2024,2/1/2025,,Pending,,,,,"))
    assert found == [("warning", "unknown_eligibility", 2, "Eligibility", "Maybe")]
    assert frame["eligible"].to_list() == [None, None]


def test_referred_fewer_than_45_days_before_turning_3_is_a_warning():
    # Turns 3 on 3/1/2025: 44 days before is a warning, 45 days before is not, the birthday is an error.
    frame, found = findings(ei_csv("A1,3/1/2022,1/16/2025,,,,,,,", "B2,3/1/2022,1/15/2025,,,,,,,"))
    assert frame is not None and frame.height == 2
    assert found == [("warning", "referred_within_45_days_of_third_birthday", 2, "Referral Date", "1/16/2025")]


def test_identical_rows_are_loaded_once_with_a_warning():
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,,,,", "B2,1/2/2024,2/1/2025,,,,,,,",
                                   "A1,1/2/2024,2/1/2025,,,,,,,"))
    assert found == [("warning", "duplicate_row", 4, "Child ID", "A1")]
    assert frame.select("row", "client_id", "ordinal").rows() == [(2, "A1", 1), (3, "B2", 1)]


def test_yes_no_values_that_are_neither_are_warnings():
    header = SHORT_HEADER + ",Hispanic,Exceptional Family Circumstance"
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,,,,,,,,Y,", "B2,1/2/2024,2/1/2025,,,,,,,,perhaps,sometimes",
                                   "C3,1/2/2024,2/1/2025,,,,,,,,Not Hispanic or Latino,No",
                                   "D4,1/2/2024,2/1/2025,,,,,,,,Hispanic/Latino,x",
                                   "E5,1/2/2024,2/1/2025,,,,,,,,Not collected,", header=header))
    assert found == [
        ("warning", "unknown_yes_no", 3, "Hispanic", "perhaps"),
        ("warning", "unknown_yes_no", 3, "Exceptional Family Circumstance", "sometimes"),
        ("warning", "unknown_yes_no", 6, "Hispanic", "Not collected"),
    ]
    assert frame.select("hispanic", "exceptional").rows() == [
        (True, False), (None, None), (False, False), (True, True), (None, False)]


def test_the_transition_columns_name_row_column_value_and_rule():
    header = ("Child ID,Date of Birth,Referral Date,Potentially Eligible for Part B,SEA Notification Date,"
              "Transition Conference Date,Transition Conference Declined")
    # Row 2: an unreadable answer to each yes/no. Row 3: a declined conference that is dated anyway.
    # Row 4: an SEA notification that is not a date. Row 5: all readable.
    frame, found = findings(ei_csv("A1,1/2/2024,2/1/2025,probably,,,unsure", "B2,1/2/2024,2/1/2025,Y,,9/1/2025,yes",
                                   "C3,1/2/2024,2/1/2025,No,next week,,", "D4,1/2/2024,2/1/2025,n,10/2/2025,,No",
                                   header=header))
    assert frame is None
    assert found == [
        ("error", "unparseable_date", 4, "SEA Notification Date", "next week"),
        ("warning", "unknown_yes_no", 2, "Potentially Eligible for Part B", "probably"),
        ("warning", "unknown_yes_no", 2, "Transition Conference Declined", "unsure"),
        ("warning", "declined_conference_dated", 3, "Transition Conference Declined", "yes"),
    ]
    frame = read(ei_csv("A1,1/2/2024,2/1/2025,probably,,,unsure", "B2,1/2/2024,2/1/2025,Y,,9/1/2025,yes",
                        "D4,1/2/2024,2/1/2025,n,10/2/2025,,No", header=header))
    assert frame.select("part_b_potential", "sea_notified", "transition_conference", "conference_declined").rows() == [
        (None, None, None, None), (True, None, dt.date(2025, 9, 1), True), (False, dt.date(2025, 10, 2), None, False)]


def test_errors_come_before_warnings_and_nothing_is_returned():
    frame, report = read_referrals(ei_csv("A1,1/2/2024,2/1/2025,,Maybe,,,,,", "B2,1/2/2024,2/1/2025,,,,,,3/1/2025,"),
                                   "referrals.csv", today=TODAY)
    assert frame is None
    assert [(f.severity, f.row) for f in report.findings] == [("error", 3), ("warning", 2)]
    assert report.lines()[0] == ("ERROR referrals.csv, row 3, column 'Exit Reason': the child exited on 3/1/2025 "
                                 "but no exit reason is given [exit_without_reason]")


def test_unused_columns_are_kept_as_json():
    frame = read(ei_csv("A1,1/2/2024,2/1/2025,Blue,Cat", header="Child ID,DOB,Referral Date,Team,Team"))
    assert json.loads(frame["extra"][0]) == {"Team": "Blue", "Team (2)": "Cat"}


def test_an_empty_file_or_a_header_alone():
    assert findings(b"", "referrals.csv") == (None, [
        ("error", "unreadable_file", None, None, None)])
    assert findings(ei_csv()) == (None, [("error", "no_rows", None, None, None)])
