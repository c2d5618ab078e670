"""A page that fails shows a reference, never a traceback; another process holding the database is
waited for (by pages, by a second upload from the command line), never failed on."""

import logging
import subprocess
import sys
import threading

import pytest

from dashboard import data, failures
from pipelines import store
from tests.conftest import ROOT, app_as, bfz_csv, ingest

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status")
LIST = bfz_csv("A,Ana,Reyes,3/5/2024,,,,Single Adult,Yes,No", "B,Ben,Cole,1/10/2024,,,,Family,No,No", header=HEADER)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "safe.duckdb"
    with store.opened(path) as conn:
        assert ingest(conn, LIST, "march.csv").status == "loaded"
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    return path


@pytest.fixture
def logged():
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    failures.log.addHandler(handler)
    yield records
    failures.log.removeHandler(handler)


def test_a_page_that_fails_shows_a_reference_to_the_log_and_no_traceback(db, logged, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"could not read {db}")  # what a traceback would have shown: a server path

    monkeypatch.setattr(data, "ranked_list", broken)
    app = app_as().run()
    app.switch_page("views/by_name_list.py").run()
    assert not app.exception  # Streamlit's own error box (a traceback, or its type and message) is not drawn
    [shown] = [e.value for e in app.error]
    assert shown.startswith("Something went wrong on this page. The administrator can find what happened in the "
                            "server log under reference ")
    reference = shown.rsplit(" ", 1)[-1].rstrip(".")
    assert len(reference) == 8 and str(db) not in shown
    [record] = logged
    assert reference in record.getMessage()
    assert record.exc_info[0] is RuntimeError and str(db) in str(record.exc_info[1])
    # The sidebar and the navigation still work: only the page's own part failed.
    assert app.sidebar.button(key="sign_out")


def test_st_rerun_and_st_stop_are_not_failures(logged):
    from streamlit.runtime.scriptrunner import RerunException, StopException

    for control in (StopException(), RerunException(None)):
        with pytest.raises(type(control)), failures.shown():
            raise control
    assert logged == []


def test_the_server_reports_what_escapes_a_page_and_shows_no_details():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    server = (ROOT / "dashboard" / "server.py").read_text()
    assert "on_script_error=failures.report" in server


def test_threads_opening_the_file_at_once_wait_for_each_other(tmp_path):
    """Two pages loading at the same instant: DuckDB refuses the second with ResourceInUseException
    ("Unique file handle conflict") while the first is still opening the file."""
    path = tmp_path / "busy.duckdb"
    store.connect(path).close()
    failed = []

    def work():
        for _ in range(200):
            try:
                with store.opened(path) as conn:
                    conn.execute("SELECT count(*) FROM uploads").fetchall()
            except Exception as exc:  # noqa: BLE001 -- any failure is what the test looks for
                failed.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []


HOLD = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def held(tmp_path):
    """The database, held read-write by another process (as an upload holds it) until `release()`."""
    path = tmp_path / "held.duckdb"
    store.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "held"

    def release():
        if holder.poll() is None:
            holder.stdin.write("\n")
            holder.stdin.close()
            holder.wait(timeout=30)

    yield path, release
    release()


def test_what_means_held_by_another_process(held):
    path, _ = held
    for read_only in (False, True):
        with pytest.raises(store.StillHeld) as waited:
            store.connect(path, read_only=read_only, wait=0.3)
        assert store.held_elsewhere(waited.value.__cause__)
    assert not store.held_elsewhere(ValueError("lock"))


def test_a_second_upload_waits_for_the_first_and_says_so(held, tmp_path):
    path, release = held
    extract = tmp_path / "march.csv"
    extract.write_bytes(LIST)
    upload = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(extract), "--db", str(path)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = upload.stderr.readline()
        assert said.startswith("bynames: waiting for another upload to finish"), said
        assert upload.poll() is None
    finally:
        release()
    out, err = upload.communicate(timeout=120)
    assert upload.returncode == 0, err
    assert "the database is free; going on" in err
    assert "march.csv loaded as upload 1" in out
