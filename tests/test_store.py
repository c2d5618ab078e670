"""The store: where it is, and its migrations."""

import gzip
from pathlib import Path

import pytest

from pipelines import store


def test_store_from_flag_then_variable_then_default(monkeypatch):
    monkeypatch.delenv("BYNAMES_DB", raising=False)
    monkeypatch.delenv("BYNAMES_DATABASE", raising=False)
    assert store.db_target() == "data/bynames.duckdb"
    monkeypatch.setenv("BYNAMES_DB", "/tmp/older-name.duckdb")
    assert store.db_target() == "/tmp/older-name.duckdb"
    monkeypatch.setenv("BYNAMES_DATABASE", "postgresql://bynames:secret@db.county.example:5433/coc")
    assert store.db_target() == "postgresql://bynames:secret@db.county.example:5433/coc"
    assert store.store_name() == "postgresql://bynames@db.county.example:5433/coc"  # no password in messages
    monkeypatch.setenv("BYNAMES_DATABASE", "postgresql://bynames@/coc?host=/run/postgresql&port=5433&password=secret")
    assert store.store_name() == "postgresql://bynames@/coc?host=/run/postgresql&port=5433"  # the server kept
    assert store.db_target("given.duckdb") == "given.duckdb"
    assert store.store_name("given.duckdb") == str(Path("given.duckdb").resolve())


def test_a_file_written_by_duckdb_2_is_refused_with_how_to_convert_it(tmp_path):
    old = tmp_path / "bynames.duckdb"
    old.write_bytes(gzip.decompress((Path(__file__).parent / "data" / "written_by_duckdb_2.0.duckdb.gz").read_bytes()))
    before = old.read_bytes()
    with pytest.raises(store.WrittenByNewerDuckDB) as refused:
        store.connect(old)
    said = str(refused.value)
    assert f"{old} was written by a newer DuckDB than the 1.5.5 bynames runs now" in said
    assert f"ATTACH '{old}' AS old (READ_ONLY); ATTACH '{tmp_path / 'bynames-1.5.duckdb'}' AS new " \
           "(STORAGE_VERSION 'v1.5.0'); COPY FROM DATABASE old TO new" in said
    assert old.read_bytes() == before


def test_migrations_apply_once_and_programs_are_written(tmp_path):
    db = tmp_path / "store.duckdb"
    for _ in range(2):
        with store.opened(db) as conn:
            versions = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
            assert versions == [(v, name) for v, name, _ in store.migrations()]
            assert conn.execute("SELECT count(*) FROM populations WHERE program = 'homelessness'").fetchall() == [(7,)]
            assert conn.execute(
                "SELECT kind, role, tie_rank FROM event_kinds WHERE program = 'homelessness' ORDER BY role, tie_rank"
            ).fetchall() == [("identified", "entry", 1), ("returned", "entry", 2), ("inactive", "exit", 1),
                             ("moved_in", "exit", 2)]
    assert versions[0][0] == 1


def test_read_only_opening_does_not_write(tmp_path):
    db = tmp_path / "store.duckdb"
    with store.opened(db):
        pass
    before = db.read_bytes()
    with store.opened(db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]
    assert db.read_bytes() == before


def test_installation_settings_are_the_same_whichever_program_asks(tmp_path):
    with store.opened(tmp_path / "s.duckdb") as conn:
        store.set_setting(conn, "homelessness", "community_name", "Harbor County")
        assert store.setting(conn, "", "community_name") == "Harbor County"
        assert store.community_name(conn) == "Harbor County"
        store.set_setting(conn, "homelessness", "inactivity_days", 60)
        assert store.setting(conn, "", "inactivity_days") is None
