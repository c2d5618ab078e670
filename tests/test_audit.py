"""The audit trail and spreadsheet-safe exports."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest

from pipelines import audit, case_conference, exports, loading, store
from tests.conftest import ROOT, app_as, bfz_csv, ingest, pick
from tests.test_agenda import LIST

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL


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
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
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
    assert lines[0] == "audit_id,happened_at,who,on_behalf_of,action,subject,detail"
    assert lines[1].endswith(",tester,,upload,upload 1,\"'=cmd.csv: 1 rows, 0 warnings\"")
    with store.opened(db) as conn:
        # --who is kept beside the login name that ran the command, never instead of it
        assert audit.lines(conn).select("who", "on_behalf_of", "action", "subject").row(0) == (
            loading.who_default(), "auditor", "export", str(out))


def test_ingest_records_the_login_name_with_who_beside_it(tmp_path, capsys, monkeypatch):
    from pipelines import cli

    monkeypatch.setattr(loading, "who_default", lambda: "ops")
    db = tmp_path / "who.duckdb"
    extract = tmp_path / "jan.csv"
    extract.write_bytes(bfz_csv("A,1/5/2024,,,,Youth,No,No"))
    assert cli.main(["ingest", str(extract), "--who", "Dana Lee", "--db", str(db)]) == 0
    assert cli.main(["uploads", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("jan.csv  (ops on behalf of Dana Lee)")
    with store.opened(db) as conn:
        assert conn.execute("SELECT uploaded_by FROM uploads").fetchall() == [("ops",)]
        assert audit.lines(conn).select("who", "on_behalf_of", "action", "subject").rows() == [
            ("ops", "Dana Lee", "upload", "upload 1")]
        # "Done by" finds what was done for someone as well as by them
        assert audit.lines(conn, who="Dana Lee").height == 1
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    app = app_as("data lead")
    app.run()
    app.switch_page("views/uploads.py").run()
    assert not app.exception, app.exception
    assert app.dataframe[-1].value["By"].to_list() == ["ops on behalf of Dana Lee"]
    app = app_as()
    app.run()
    app.switch_page("views/audit_trail.py").run()
    assert app.dataframe[0].value[["Who", "On behalf of"]].values.tolist() == [["ops", "Dana Lee"]]


def test_every_command_that_hands_figures_or_files_out_is_recorded(tmp_path, capsys, monkeypatch):
    from pipelines import cli

    monkeypatch.setattr(loading, "who_default", lambda: "ops")
    db = str(tmp_path / "out.duckdb")
    with store.opened(db) as conn:
        ingest(conn, LIST, "march.csv")
    for command in (["report", "flow", "--from", "2024-03-01", "--to", "2024-03-31"],
                    ["report", "bfz", "--month", "2024-03", "--format", "bfz"],
                    ["report", "equity", "--from", "2024-01-01", "--to", "2024-03-31"],
                    ["export", "bfz-list", "--out", str(tmp_path / "bnl.csv")],
                    ["pack", "--date", "2024-03-31", "--out", str(tmp_path / "pack.pdf")]):
        assert cli.main([*command, "--db", db]) == 0, command
    with store.opened(db) as conn:
        exports_ = audit.lines(conn).filter(pl.col("action") == audit.EXPORT).reverse()
    assert exports_.select("who", "subject").rows() == [
        ("ops", "standard output"), ("ops", "standard output"), ("ops", "standard output"), ("ops", "bnl.csv"),
        ("ops", "pack.pdf")]
    assert exports_["detail"][0].startswith("report flow ")
    assert "--month 2024-03" in exports_["detail"][1]
