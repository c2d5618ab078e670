"""The audit trail and spreadsheet-safe exports."""

import datetime as dt
import subprocess
import sys

import polars as pl

from pipelines import audit, case_conference, exports, loading, store
from tests.conftest import ROOT, app_as, bfz_csv, ingest, pick
from tests.test_agenda import LIST


def trail(conn) -> list[tuple]:
    return audit.lines(conn).select("who", "action", "subject").reverse().rows()


def test_writes_leave_a_trace_in_the_same_transaction(conn):
    ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "jan.csv")
    ana = conn.execute("SELECT person_id FROM people").fetchall()[0][0]
    case_conference.save_plan(conn, ana, 0, "dana", next_step="Call")
    record = conn.execute("SELECT record_id FROM records").fetchall()[0][0]
    case_conference.record_status(conn, "homelessness", record, "moved_in", dt.date(2024, 2, 1), "sam")
    latest = conn.execute("SELECT max(upload_id) FROM uploads").fetchall()[0][0]
    loading.rollback(conn, latest, who="lead")
    assert trail(conn) == [
        ("tester", "upload", "upload 1"),
        ("dana", "plan saved", "A"),
        ("sam", "status recorded", "A"),
        ("lead", "rollback", f"upload {latest}"),
    ]


def test_a_refused_upload_leaves_no_trace(conn):
    ingest(conn, bfz_csv("A,not a date,,,,Youth,No,No"), "bad.csv")
    assert trail(conn) == []


def test_viewing_a_person_is_recorded_once_per_session(tmp_path, monkeypatch):
    db = tmp_path / "viewed.duckdb"
    with store.opened(db) as conn:
        ingest(conn, LIST, "march.csv")
    monkeypatch.setenv("BYNAMES_DB", str(db))
    app = app_as()
    app.run()
    app.switch_page("views/agenda.py").run()
    pick(app, "agenda_new", 0)
    app.run()
    assert not app.exception
    with store.opened(db) as conn:
        assert [r for r in trail(conn) if r[1] == "person viewed"] == [("admin@example.org", "person viewed", "A")]
    app.switch_page("views/audit_trail.py").run()
    assert app.dataframe[0].value["What"].tolist()[:2] == ["Person Viewed", "Upload"]


def test_exports_never_start_a_formula():
    frame = pl.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "Ana", None], "n": [1, 2, 3, 4, 5, 6]})
    safe = exports.spreadsheet_safe(frame)
    assert safe["name"].to_list() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "Ana", None]
    assert safe["n"].to_list() == [1, 2, 3, 4, 5, 6]


def test_bynames_audit_exports_csv(tmp_path):
    db = tmp_path / "cli.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "=cmd.csv")
    out = tmp_path / "audit.csv"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "audit", "--out", str(out), "--db", str(db),
                           "--who", "auditor"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "audit_id,happened_at,who,action,subject,detail"
    assert lines[1].endswith(",tester,upload,upload 1,\"'=cmd.csv: 1 rows, 0 warnings\"")
    with store.opened(db) as conn:
        assert trail(conn)[-1] == ("auditor", "export", str(out))
