"""The database file: where it is, and its migrations."""

from pathlib import Path

from pipelines import store


def test_path_from_flag_then_variable_then_default(monkeypatch):
    monkeypatch.delenv("BYNAMES_DB", raising=False)
    assert store.db_path() == Path("data/bynames.duckdb")
    monkeypatch.setenv("BYNAMES_DB", "/tmp/elsewhere.duckdb")
    assert store.db_path() == Path("/tmp/elsewhere.duckdb")
    assert store.db_path("given.duckdb") == Path("given.duckdb")


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
