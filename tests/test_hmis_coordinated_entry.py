"""Coordinated entry from an HMIS export: prioritization and referrals on each person's record,
worked out by hand."""

import datetime as dt

from dashboard.person_panel import coordinated_entry
from pipelines import agenda, loading, store
from pipelines.hmis import export as hmis_export
from tests.conftest import ingest
from tests.hmis_builder import TODAY, assessment, client, enrollment, event, exit_row, export_zip

EXPORT = dict(
    clients=[client("P1"), client("P2"), client("P3"), client("P4")],
    enrollments=[enrollment("E1", "P1", "ES", "2025-06-01"), enrollment("E2", "P2", "ES", "2025-06-01"),
                 enrollment("E3", "P3", "ES", "2025-03-01"), enrollment("E4", "P4", "ES", "2025-10-01")],
    exits=[exit_row("E3", "P3", "2025-05-01", 435)],
    assessments=[
        assessment("E1", "P1", "2025-07-01", prioritized=2),  # not placed at first...
        assessment("E1", "P1", "2025-09-01", prioritized=1),  # ...then placed on the list
        assessment("E2", "P2", "2025-08-01", prioritized=2),
        assessment("E3", "P3", "2025-08-01", prioritized=1),  # after P3 was housed
    ],
    events=[
        event("E1", "P1", "2025-09-15", 14),  # to a supportive housing opening, no result yet
        event("E2", "P2", "2025-08-10", 13, result=1, result_date="2025-08-20"),
        event("E2", "P2", "2025-06-10", 2),  # diversion, earlier
    ],
)


def people() -> dict:
    rows, report = hmis_export.read_hmis_export(export_zip(**EXPORT), "ce.zip", TODAY)
    assert rows is not None, report.lines()
    return {r["client_id"]: (r["prioritized"], r["assessed_on"], r["referral"]) for r in rows.iter_rows(named=True)}


def test_each_person_carries_their_latest_assessment_and_referral():
    assert people() == {
        "P1": (True, dt.date(2025, 9, 1), "a supportive housing opening, 15 Sep 2025 (no result yet)"),
        "P2": (False, dt.date(2025, 8, 1), "a rapid re-housing opening, 10 Aug 2025 (accepted)"),
        # Housed on 1 May: an assessment after that says nothing about their time on the list.
        "P3": (None, None, None),
        "P4": (None, None, None),
    }


def test_the_case_conference_can_sort_by_prioritization_and_sees_it_in_the_panel(conn, monkeypatch):
    monkeypatch.setitem(loading.READERS, "homelessness", hmis_export.read_hmis_export)
    assert ingest(conn, export_zip(**EXPORT), "ce.zip").status == "loaded"
    store.set_setting(conn, "homelessness", "triage_policy", ["prioritized desc", "identified asc"])
    ranked, _ = agenda.ranked_list(conn, "homelessness", dt.date(2025, 12, 31))
    ids = dict(conn.execute("SELECT person_id, client_id FROM people").fetchall())
    rows = [(ids[r["person_id"]], r["prioritized"], r["rank"]) for r in ranked.iter_rows(named=True)]
    assert rows == [("P1", True, 1), ("P2", False, 2), ("P4", None, 3)]
    p1 = ranked.row(0, named=True)
    assert coordinated_entry(p1) == ("Coordinated entry: on the prioritization list (assessed Mon 1 Sep 2025). "
                                     "Latest referral: a supportive housing opening, 15 Sep 2025 (no result yet).")
    assert coordinated_entry(ranked.row(2, named=True)) == ""
