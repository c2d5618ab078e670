"""Every hostile or malformed file of the corpus, through the command line and the Uploads page's
check: refused with the rule the README names, or loaded; a refusal changes nothing in the store."""

from __future__ import annotations

import hashlib
import time

import pytest

from dashboard import data as dashboard_data
from pipelines import cli, reading_process, store, upload_limits
from pipelines.upload_limits import FileRefused, Limits
from tests import hostile_files
from tests.hostile_files import LOADED, REFUSED

CASES = hostile_files.cases()


def test_the_corpus_is_large_and_covers_both_outcomes_and_programs():
    assert len(CASES) >= 80
    assert {c.outcome for c in CASES} == {LOADED, REFUSED}
    assert {c.program for c in CASES} == {hostile_files.HOMELESSNESS, hostile_files.EARLY_INTERVENTION}
    assert len({c.name for c in CASES}) == len(CASES)


def snapshot(db) -> str:
    """Every row of every table, so that "changes nothing" is checked byte for byte."""
    digest = hashlib.sha256()
    with store.opened(db) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        for table in tables:
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_is_refused_or_loaded_as_the_readme_says(case, tmp_path, monkeypatch, capsys):
    db = tmp_path / "store.duckdb"
    with store.opened(db) as conn:
        for key, value in case.settings.items():
            store.set_setting(conn, "", key, value)
    before = snapshot(db)
    content = case.data()
    path = tmp_path / case.file_name
    path.write_bytes(content)

    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    records, report = dashboard_data.check(content, case.file_name, case.program)
    code = cli.main(["ingest", str(path), "--db", str(db), "--program", case.program])
    said = capsys.readouterr()

    if case.outcome == REFUSED:
        assert records is None, report.lines(5)
        assert case.rule in {f.rule for f in report.errors}, report.lines(5)
        # every refusal says what is wrong in words, not only by its rule
        assert all(len(f.message) > 20 for f in report.errors)
        assert code == 1 and "not loaded" in said.out + said.err
        assert case.rule in said.err or "over the limit" in said.err, said.err
        assert snapshot(db) == before
    else:
        assert records is not None and report.ok, report.lines(5)
        if case.rule:
            assert case.rule in {f.rule for f in report.warnings}, report.lines(5)
        assert code == 0, said.err
        assert "loaded as upload 1" in said.out
        # Loaded once, the same file is a repeat, by its bytes and by its rows in another order.
        assert cli.main(["ingest", str(path), "--db", str(db), "--program", case.program]) == 0
        assert "already loaded" in capsys.readouterr().out


def test_a_reader_past_its_memory_is_refused_and_the_next_file_is_read():
    with pytest.raises(FileRefused, match="more than 1,024 MB of memory.*upload_memory_mb"):
        reading_process.run(bytearray, 2 << 30, limits=Limits(memory_mb=1024))
    assert reading_process.run(len, b"after", limits=Limits(memory_mb=1024)) == 5


def test_a_reader_started_early_takes_its_memory_cap_with_the_first_file():
    reading_process.stop()
    reading_process.start()  # before the limits are known, as `bynames ingest` starts it
    with pytest.raises(FileRefused, match="more than 1,024 MB of memory"):
        reading_process.run(bytearray, 2 << 30, limits=Limits(memory_mb=1024))
    reading_process.start()
    assert reading_process.run(len, b"after", limits=Limits(memory_mb=1024)) == 5
    # another cap is another reading process; the same cap keeps this one
    first = reading_process._worker.process.pid
    assert reading_process.run(len, b"after", limits=Limits(memory_mb=1024, rows=10)) == 5
    assert reading_process._worker.process.pid == first
    assert reading_process.run(len, b"after", limits=Limits(memory_mb=2048)) == 5
    assert reading_process._worker.process.pid != first


def test_limits_are_read_in_one_query_as_each_setting_is(conn):
    from pipelines import loading, store

    store.set_setting(conn, "", "upload_max_rows", 123)
    # a value stored before settings were checked gives way to the default, as store.setting has it
    conn.execute("""INSERT INTO settings VALUES ('', 'upload_max_columns', '"many"')""")
    limits = loading.limits_of(conn)
    assert limits == upload_limits.from_settings(lambda key: store.setting(conn, "", key))
    assert (limits.rows, limits.columns, limits.file_mb) == (123, Limits().columns, Limits().file_mb)


def test_a_reader_past_its_time_is_stopped_and_the_next_file_is_read():
    began = time.monotonic()
    with pytest.raises(FileRefused, match="longer than 1 seconds.*upload_max_seconds"):
        reading_process.run(time.sleep, 30, limits=Limits(seconds=1))
    assert time.monotonic() - began < 20
    assert reading_process.run(len, b"after", limits=Limits()) == 5


def test_every_limit_is_a_declared_setting_with_its_default():
    from pipelines import settings

    for key, default in upload_limits.DEFAULTS.items():
        declared = settings.SETTINGS[key]
        assert declared.programs is None and declared.low <= default <= declared.high
        assert settings.default("", key) == default


def test_the_uploads_page_names_the_limit_a_hostile_file_breaks_and_loads_nothing(tmp_path, monkeypatch):
    from tests.conftest import uploaded_on_page

    wide = (",".join(f"c{i}" for i in range(100_000)) + "\n" + "," * 99_999 + "\n").encode()
    app = uploaded_on_page(tmp_path, monkeypatch, "![x](http://127.0.0.1:9/p.png).csv", wide)
    said = " ".join(e.value for e in app.error)
    assert "cannot be loaded" in said and "nothing has been written" in said
    assert "![x]" not in said  # the file's name is shown as text
    findings = " ".join(str(v) for frame in app.dataframe for v in frame.value.to_dict().values())
    assert "100,000 columns" in findings and "upload_max_columns" in findings
    assert not any(b.label.startswith("Load ") for b in app.button)
