"""Loading keeps every fact, recognises repeats, rolls back exactly, and writes nothing it rejects."""

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time

import hypothesis as hyp
import pytest
from hypothesis import strategies as hst

from pipelines import case_conference, figures, loading, store
from pipelines.periods import Period
from tests.conftest import ROOT, TODAY, bfz_csv, figured, ingest

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

MARCH = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")


def month(m: int) -> Period:
    start = dt.date(2024, m, 1)
    end = (dt.date(2024, m + 1, 1) if m < 12 else dt.date(2025, 1, 1)) - dt.timedelta(days=1)
    return Period(start, end, "month")


def table_counts(conn):
    return conn.execute(
        "SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM people), (SELECT count(*) FROM records), "
        "(SELECT count(*) FROM events), (SELECT count(*) FROM record_attributes)"
    ).fetchone()


def test_the_same_file_twice_is_skipped_with_a_message(conn):
    data = bfz_csv("A,1/5/2024,,,,Youth,No,No")
    first = ingest(conn, data, "jan.csv")
    second = ingest(conn, data, "jan-again.csv")
    assert (first.status, second.status) == ("loaded", "skipped")
    assert second.upload_id == first.upload_id
    assert "already loaded (upload 1" in second.message
    assert table_counts(conn) == (1, 1, 1, 1, 1)


def test_a_later_extract_keeps_the_dates_it_overwrote(conn):
    # March's extract says X went inactive on 15 March. June's says X came back on 1 May and went
    # inactive again on 10 June: the March date is gone from the file but still counts for March.
    ingest(conn, bfz_csv("X,1/10/2024,,,3/15/2024,Single Adult,No,No"), "march.csv")
    june = ingest(conn, bfz_csv("X,1/10/2024,5/1/2024,,6/10/2024,Single Adult,No,No"), "june.csv")
    assert june.counts == {"records": 0, "events": 2, "attributes": 0}
    rows = figures.flow(figured(conn), "homelessness", [month(m) for m in (3, 4, 5, 6)], "All")
    assert [(r["period"], r["actively_homeless"], r["moved_to_inactive"], r["returned_from_inactive"])
            for r in rows] == [
        ("2024-03", 0, 1, 0),
        ("2024-04", 0, 0, 0),
        ("2024-05", 1, 0, 1),
        ("2024-06", 0, 1, 0),
    ]


def test_without_the_earlier_extract_march_looks_different(conn):
    ingest(conn, bfz_csv("X,1/10/2024,5/1/2024,,6/10/2024,Single Adult,No,No"), "june.csv")
    (row,) = figures.flow(figured(conn), "homelessness", [MARCH], "All")
    assert (row["actively_homeless"], row["moved_to_inactive"]) == (1, 0)


def test_population_changes_between_extracts(conn):
    # Y becomes chronic and W stops being a veteran in the extract of 31 March, both still active.
    ingest(conn, bfz_csv("Y,1/10/2024,,,,Single Adult,No,No", "W,1/12/2024,,,,Single Adult,No,Yes"),
           "jan.csv", as_of=dt.date(2024, 1, 31))
    ingest(conn, bfz_csv("Y,1/10/2024,,,,Single Adult,Yes,No", "W,1/12/2024,,,,Single Adult,No,No"),
           "march.csv", as_of=dt.date(2024, 3, 31))
    rows = {r["population"]: r for r in figures.flow(figured(conn), "homelessness", [month(2), MARCH])
            if r["period"] == "2024-03"}
    chronic, veteran, singles = rows["Chronic"], rows["Veteran"], rows["All Singles"]
    assert (chronic["active_at_start"], chronic["newly_identified"], chronic["actively_homeless"],
            chronic["balance_gap"]) == (0, 1, 1, 0)
    assert (veteran["active_at_start"], veteran["no_longer_meets_population"], veteran["outflow"],
            veteran["actively_homeless"], veteran["balance_gap"]) == (1, 1, 1, 0, 0)
    assert (singles["inflow"], singles["outflow"], singles["actively_homeless"]) == (0, 0, 2)
    (february,) = [r for r in figures.flow(figured(conn), "homelessness", [month(2)], "Veteran")]
    assert february["actively_homeless"] == 1


def test_rollback_removes_exactly_the_facts_of_that_upload(conn):
    ingest(conn, bfz_csv("X,1/10/2024,,,3/15/2024,Single Adult,No,No"), "march.csv")
    before = table_counts(conn)
    march_figures = figures.flow(figured(conn), "homelessness", [MARCH])
    june = ingest(conn, bfz_csv("X,1/10/2024,5/1/2024,,6/10/2024,Single Adult,No,Yes",
                                "Z,6/1/2024,,,,Youth,No,No"), "june.csv")
    assert table_counts(conn) == (2, 2, 2, 5, 3)
    message = loading.rollback(conn, june.upload_id, who="lead")
    assert "rolled back" in message
    assert table_counts(conn)[1:] == before[1:]
    assert figures.flow(figured(conn), "homelessness", [MARCH]) == march_figures
    assert conn.execute("SELECT status, rolled_back_by FROM uploads WHERE upload_id = ?",
                        [june.upload_id]).fetchone() == ("rolled back", "lead")
    # The same file can be loaded again once it is rolled back.
    again = ingest(conn, bfz_csv("X,1/10/2024,5/1/2024,,6/10/2024,Single Adult,No,Yes",
                                 "Z,6/1/2024,,,,Youth,No,No"), "june.csv")
    assert again.status == "loaded"


def test_rollback_of_an_upload_with_later_uploads_is_refused(conn):
    first = ingest(conn, bfz_csv("X,1/10/2024,,,,Youth,No,No"), "a.csv")
    ingest(conn, bfz_csv("X,1/10/2024,,,2/1/2024,Youth,No,No"), "b.csv")
    with pytest.raises(loading.RollbackRefused, match="roll those back first"):
        loading.rollback(conn, first.upload_id)
    with pytest.raises(loading.RollbackRefused, match="no upload 99"):
        loading.rollback(conn, 99)


def test_a_bad_file_rolls_back_without_touching_decisions_made_in_a_meeting_since(conn):
    march = ingest(conn, bfz_csv("X,1/10/2024,,,,Youth,No,No", "Y,1/12/2024,,,,Youth,No,No"), "march.csv")
    bad = ingest(conn, bfz_csv("X,1/10/2024,,,,Youth,No,No", "W,3/1/2024,,,,Youth,No,No"), "bad.csv")
    record = lambda client: conn.execute(  # noqa: E731
        "SELECT r.record_id FROM records r JOIN people p USING (person_id) WHERE client_id = ?", [client]).fetchone()[0]
    case_conference.record_status(conn, "homelessness", record("Y"), "moved_in", dt.date(2024, 3, 20), "dana")
    assert "rolled back" in loading.rollback(conn, bad.upload_id, who="lead")
    (after,) = figures.flow(figured(conn), "homelessness", [month(3)], "All")
    assert (after["actively_homeless"], after["housing_placements"]) == (1, 1)  # X active, Y housed in the meeting
    # A decision about someone the file brought would be left without its record: that file waits.
    again = ingest(conn, bfz_csv("X,1/10/2024,,,,Youth,No,No", "W,3/1/2024,,,,Youth,No,No"), "bad again.csv")
    case_conference.record_status(conn, "homelessness", record("W"), "moved_in", dt.date(2024, 3, 21), "dana")
    with pytest.raises(loading.RollbackRefused, match="roll those back first"):
        loading.rollback(conn, again.upload_id)
    assert march.status == "loaded"


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rejected_file_leaves_the_database_byte_for_byte_the_same(tmp_path):
    db = tmp_path / "list.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "good.csv")
    with store.opened(db) as conn:
        pass  # opening and closing alone must not change the file either
    before = file_digest(db)
    with store.opened(db) as conn:
        result = ingest(conn, bfz_csv("B,1/5/2024,,,,Youth,No,No", "C,not a date,,,,Youth,No,No"), "bad.csv")
        assert result.status == "rejected"
        assert table_counts(conn) == (1, 1, 1, 1, 1)
    assert file_digest(db) == before
    assert not (tmp_path / "list.duckdb.wal").exists()


def test_two_uploads_of_one_file_at_the_same_moment_load_it_once(tmp_path):
    data = bfz_csv(*[f"P{i},1/5/2024,,,,Youth,No,No" for i in range(2000)])
    db = store.connect(tmp_path / "race.duckdb")
    results = []
    barrier = threading.Barrier(2)

    def upload():
        cursor = db.cursor()
        barrier.wait()
        results.append(loading.ingest(cursor, data, "same.csv", who="lead", today=TODAY).status)

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["loaded", "skipped"]
    assert table_counts(db) == (1, 2000, 2000, 2000, 2000)


def test_two_different_uploads_at_the_same_moment_both_load(tmp_path):
    db = store.connect(tmp_path / "race.duckdb")
    files = [bfz_csv(*[f"P{i},1/5/2024,,,{m}/20/2024,Youth,No,No" for i in range(1500)]) for m in (2, 3)]
    barrier = threading.Barrier(2)
    results = []

    def upload(data, name):
        cursor = db.cursor()
        barrier.wait()
        results.append(loading.ingest(cursor, data, name, who="lead", today=TODAY,
                                      as_of=dt.date(2024, 3, 31)).status)

    threads = [threading.Thread(target=upload, args=(d, f"{i}.csv")) for i, d in enumerate(files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["loaded", "loaded"]
    assert table_counts(db) == (2, 1500, 1500, 4500, 1500)


def test_a_process_killed_during_an_upload_leaves_the_database_consistent(tmp_path):
    from pipelines.sample_data import write_extracts

    (path,) = write_extracts(150_000, tmp_path / "big.csv")
    db = tmp_path / "killed.duckdb"
    env = {**os.environ, "BYNAMES_DATABASE": str(db)}
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(path)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Wait until the upload has begun writing, then kill it without warning.
    for line in proc.stderr:
        if line.rstrip().endswith(": writing"):
            break
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with store.opened(db) as conn:
        uploads, people, records, events, attributes = table_counts(conn)
        assert uploads in (0, 1)
        if uploads == 0:
            assert (people, records, events, attributes) == (0, 0, 0, 0)
        else:
            assert records == attributes > 0
        result = loading.ingest(conn, path.read_bytes(), path.name, who="lead")
        assert result.status == ("loaded" if uploads == 0 else "skipped")
        assert table_counts(conn)[0] == 1
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 150_000


def test_a_second_record_for_a_known_person_in_a_later_upload_still_counts_them_once(conn):
    ingest(conn, bfz_csv("Q,1/5/2024,,,,Youth,No,No"), "jan.csv")
    ingest(conn, bfz_csv("Q,1/5/2024,,,,Youth,No,No", "Q,2/9/2024,,,,Youth,No,No"), "feb.csv")
    assert conn.execute("SELECT count(*), count(DISTINCT person_id) FROM records").fetchone() == (2, 1)
    (row,) = figures.flow(figured(conn), "homelessness", [month(2)], "Youth")
    assert (row["actively_homeless"], row["active_at_start"], row["newly_identified"], row["balance_gap"]) == (
        1, 1, 1, -1)


def test_the_active_list_shows_the_latest_extracts_attributes(conn):
    import queries

    ingest(conn, bfz_csv("Y,1/10/2024,,,,Single Adult,No,No"), "jan.csv", as_of=dt.date(2024, 1, 31))
    ingest(conn, bfz_csv("Y,1/10/2024,,,,Family,Yes,No"), "march.csv", as_of=dt.date(2024, 3, 31))
    # An older extract loaded last does not change what is in force now.
    ingest(conn, bfz_csv("Y,1/10/2024,,,,Youth,No,Yes"), "feb.csv", as_of=dt.date(2024, 2, 29))
    (row,) = queries.rows(figured(conn), "active_list", program="homelessness")
    assert (row["household_type"], row["chronic"], row["veteran"]) == ("Family", True, False)


def _history(data, file_name, today, **settings):
    # A reader is run in the separate reading process, so it lives where that process can import it.
    import polars as pl

    from pipelines.report import ValidationReport

    dates = pl.Series([[dt.date(2024, 1, 5)], [dt.date(2024, 3, 1)], [dt.date(2024, 2, 10)], [None]],
                      dtype=pl.List(pl.Date))
    rows = pl.DataFrame({"row": [2], "client_id": ["H1"], "ordinal": pl.Series([1], dtype=pl.Int32),
                         "household_type": ["Single adult"], "veteran": [False], "chronic": [False]})
    for kind, value in zip(("identified", "returned", "moved_in", "inactive"), dates, strict=True):
        rows = rows.with_columns(pl.Series(kind, [value], dtype=pl.List(pl.Date)))
    return rows, ValidationReport(file_name)


def test_a_reader_may_give_every_date_of_a_kind_as_a_list(conn, monkeypatch):
    # An HMIS export knows each person's whole history: housed in February, back in March.
    from pipelines.periods import Period

    monkeypatch.setitem(loading.READERS, "homelessness", _history)
    result = loading.ingest(conn, b"history", "export.zip", program="homelessness", who="t", today=TODAY)
    assert result.status == loading.LOADED and result.counts["events"] == 3
    feb, mar = Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"), Period(dt.date(2024, 3, 1),
                                                                                   dt.date(2024, 3, 31), "month")
    (february, march) = figures.flow(figured(conn), "homelessness", [feb, mar], "All")
    assert (february["housing_placements"], february["actively_homeless"]) == (1, 0)
    assert (march["returned_from_housing"], march["actively_homeless"]) == (1, 1)


# Repeats are known by what the rows say: any order, any line endings, the header first.
@hyp.settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=[hyp.HealthCheck.function_scoped_fixture])
@hyp.given(data=hst.data())
def test_the_same_rows_in_any_order_or_line_endings_are_a_repeat_and_a_changed_cell_is_not(data, conn):
    from tests.hostile_files import BFZ_HEADER, bfz_rows, csv_text

    rows = bfz_rows(n=data.draw(hst.integers(2, 12)), seed=data.draw(hst.integers(0, 10_000)))
    first = ingest(conn, csv_text(BFZ_HEADER, rows).encode(), "first.csv")
    assert first.status == loading.LOADED
    shuffled = data.draw(hst.permutations(rows))
    newline = data.draw(hst.sampled_from(["\n", "\r\n"]))
    again = ingest(conn, csv_text(BFZ_HEADER, shuffled, newline).encode(), "again.csv")
    assert again.status == loading.SKIPPED and again.upload_id == first.upload_id
    changed = [list(r) for r in shuffled]
    row, column = data.draw(hst.integers(0, len(rows) - 1)), data.draw(hst.sampled_from([1, 2, 10, 13]))
    changed[row][column] += "x"
    assert ingest(conn, csv_text(BFZ_HEADER, changed).encode(), "changed.csv").status == loading.LOADED
    loading.rollback(conn, first.upload_id + 1)
    loading.rollback(conn, first.upload_id)


def test_a_workbooks_copy_with_its_rows_reordered_is_a_repeat(conn):
    from tests.hostile_files import BFZ_HEADER, bfz_rows, workbook

    rows = bfz_rows(6)
    assert ingest(conn, workbook(BFZ_HEADER, rows), "list.xlsx").status == loading.LOADED
    assert ingest(conn, workbook(BFZ_HEADER, rows[::-1]), "copy.xlsx").status == loading.SKIPPED


def test_an_hmis_export_zipped_again_with_its_rows_reordered_is_a_repeat(conn):
    import io
    import zipfile

    from pipelines.hmis import sample as hmis_sample
    from tests.hostile_files import zipped

    export = hmis_sample.export_zip(hmis_sample.draw(300, seed=5, years=2))
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}

    def reordered(content: bytes) -> bytes:
        header, *rows = content.decode().splitlines()
        return "\r\n".join([header, *rows[::-1]]).encode() + b"\r\n"

    first = ingest(conn, export, "export.zip", today=None)
    assert first.status == loading.LOADED
    again = ingest(conn, zipped({name: reordered(c) for name, c in reversed(members.items())}), "again.zip",
                   today=None)
    assert again.status == loading.SKIPPED and again.upload_id == first.upload_id
