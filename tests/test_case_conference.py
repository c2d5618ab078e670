"""Plans saved in the meeting, refused when they would overwrite someone else's, and status changes
that move the figures like uploaded facts do."""

import datetime as dt

import pytest

import queries
from pipelines import case_conference, figures, loading
from pipelines.periods import Period
from tests.conftest import bfz_csv, figured, ingest

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

MARCH = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")


@pytest.fixture
def listed(conn):
    ingest(conn, bfz_csv("A,1/5/2024,,,,Single Adult,Yes,No", "B,2/5/2024,,,,Youth,No,No"), "feb.csv")
    return conn


def person(conn, client_id: str) -> int:
    return conn.execute("SELECT person_id FROM people WHERE client_id = ?", [client_id]).fetchall()[0][0]


def test_saves_make_revisions_with_author_and_history(listed):
    a = person(listed, "A")
    assert case_conference.current_plan(listed, a).revision == 0
    first = case_conference.save_plan(listed, a, 0, "dana", next_step="Get birth certificate", owner="Dana",
                                      due_date=dt.date(2024, 4, 5), barriers=["Birth certificate"])
    assert (first.revision, first.next_step, first.barriers, first.recorded_by) == (
        1, "Get birth certificate", ("Birth certificate",), "dana")
    second = case_conference.save_plan(listed, a, 1, "sam", next_step="Apply for voucher", owner="Sam",
                                       housing_match="Referred", decision="Refer to PSH")
    assert (second.revision, second.owner, second.barriers) == (2, "Sam", ())
    history = case_conference.plan_history(listed, a)
    assert [(h["revision"], h["recorded_by"], h["next_step"]) for h in history] == [
        (2, "sam", "Apply for voucher"), (1, "dana", "Get birth certificate")]


def test_the_second_of_two_conflicting_saves_is_refused(listed):
    a = person(listed, "A")
    # Two people open A's plan at revision 0; the first saves, then the second tries.
    case_conference.save_plan(listed, a, 0, "dana", next_step="Call shelter")
    with pytest.raises(case_conference.PlanConflict, match="dana saved this plan"):
        case_conference.save_plan(listed, a, 0, "sam", next_step="Something else")
    assert case_conference.current_plan(listed, a).next_step == "Call shelter"
    assert len(case_conference.plan_history(listed, a)) == 1


def test_unknown_fields_and_barriers_are_refused(listed):
    a = person(listed, "A")
    with pytest.raises(ValueError, match="shoe"):
        case_conference.save_plan(listed, a, 0, "dana", shoe="size 9")
    with pytest.raises(ValueError, match="Pets"):
        case_conference.save_plan(listed, a, 0, "dana", barriers=["Pets"])


def record_of(conn, client_id: str) -> int:
    return queries.rows(figured(conn), "record_of_person", person_id=person(conn, client_id))[0]["record_id"]


def test_a_move_in_recorded_in_the_meeting_moves_the_figures(listed):
    before = {r["population"]: r for r in figures.flow(figured(listed), "homelessness", [MARCH])}
    assert (before["All"]["actively_homeless"], before["All"]["housing_placements"]) == (2, 0)
    described = case_conference.record_status(listed, "homelessness", record_of(listed, "A"), "moved_in",
                                              dt.date(2024, 3, 12), "dana")
    assert described == "Case conference: moved into housing on 2024-03-12"
    after = {r["population"]: r for r in figures.flow(figured(listed), "homelessness", [MARCH])}
    assert (after["All"]["actively_homeless"], after["All"]["housing_placements"],
            after["All"]["avg_days_to_housing"]) == (1, 1, 67.0)
    assert (after["Chronic"]["actively_homeless"], after["Chronic"]["housing_placements"]) == (0, 1)
    source = listed.execute("SELECT format, uploaded_by, file_name FROM uploads ORDER BY upload_id DESC LIMIT 1"
                            ).fetchall()
    assert source == [("case conference", "dana", described)]


def test_inactive_with_a_reason_then_returned(listed):
    b = record_of(listed, "B")
    case_conference.record_status(listed, "homelessness", b, "inactive", dt.date(2024, 3, 2), "sam",
                                  note="moved away")
    assert listed.execute("SELECT note FROM events WHERE kind = 'inactive'").fetchall() == [("moved away",)]
    case_conference.record_status(listed, "homelessness", b, "returned", dt.date(2024, 3, 20), "sam")
    (youth,) = figures.flow(figured(listed), "homelessness", [MARCH], "Youth")
    # Both in March: Built for Zero counts the inactive date and the return (B is active again).
    assert (youth["actively_homeless"], youth["moved_to_inactive"], youth["returned_from_inactive"]) == (1, 1, 1)


def test_meeting_changes_are_rolled_back_like_uploads(listed):
    change_source = case_conference.record_status(listed, "homelessness", record_of(listed, "A"), "moved_in",
                                                  dt.date(2024, 3, 12), "dana")
    newest = listed.execute("SELECT max(upload_id) FROM uploads").fetchall()[0][0]
    assert change_source
    loading.rollback(listed, newest, who="lead")
    (everyone,) = figures.flow(figured(listed), "homelessness", [MARCH], "All")
    assert everyone["actively_homeless"] == 2


def test_status_changes_are_checked(listed):
    with pytest.raises(ValueError, match="not 'identified'"):
        case_conference.record_status(listed, "homelessness", record_of(listed, "A"), "identified",
                                      dt.date(2024, 3, 1), "dana")
    with pytest.raises(ValueError, match="in the future"):
        case_conference.record_status(listed, "homelessness", record_of(listed, "A"), "moved_in",
                                      dt.date.today() + dt.timedelta(days=2), "dana")
