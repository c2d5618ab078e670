"""The shared store: the same migrations, upload and figures on PostgreSQL as in the embedded file
(issue 16). Starts a throwaway PostgreSQL (tests/pg_cluster.py) unless BYNAMES_TEST_POSTGRES names one."""

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest

from pipelines import figures, loading, store, store_dialect
from tests import pg_cluster

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "sample_cases" / f"bnl-2025-{m}.csv" for m in ("10", "11", "12")]

pytestmark = pytest.mark.skipif(
    not pg_cluster.available(), reason="no PostgreSQL server binaries and no BYNAMES_TEST_POSTGRES")


@pytest.fixture(scope="module")
def server():
    with pg_cluster.cluster() as url:
        yield url


def _figures(target) -> list[dict]:
    with store.opened(target) as conn:
        for path in SAMPLES:
            result = loading.ingest(conn, path.read_bytes(), path.name, who="tester")
            assert result.status == loading.LOADED, result.message
        return figures.flow_series(conn, "homelessness", "month", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_the_same_uploads_give_the_same_figures_on_both_stores(server, tmp_path):
    url = pg_cluster.new_database(server)
    assert store_dialect.is_postgres(url)
    assert _figures(url) == _figures(tmp_path / "embedded.duckdb")
    with store.opened(url) as conn:  # opening again migrates nothing
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(store.migrations())
        assert conn.execute("SELECT count(*), count(DISTINCT upload_id) FROM uploads").fetchone() == (3, 3)


def _load(url: str, path: str, results) -> None:
    with store.opened(url) as conn:
        data = Path(path).read_bytes()
        results.put((Path(path).name, loading.ingest(conn, data, Path(path).name, who="tester").status))


def test_two_servers_migrate_and_load_at_the_same_moment(server):
    url = pg_cluster.new_database(server)
    results = multiprocessing.get_context("spawn").Queue()
    loaders = [multiprocessing.get_context("spawn").Process(target=_load, args=(url, str(p), results))
               for p in SAMPLES[:2]]
    for p in loaders:
        p.start()
    for p in loaders:
        p.join(120)
    assert [p.exitcode for p in loaders] == [0, 0]
    assert sorted(results.get(timeout=5) for _ in loaders) == [(p.name, loading.LOADED) for p in SAMPLES[:2]]
    with store.opened(url, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(store.migrations())
        people, distinct_ids, distinct_clients = conn.execute(
            "SELECT count(*), count(DISTINCT person_id), count(DISTINCT (program, source, client_id)) FROM people"
        ).fetchone()
        assert people == distinct_ids == distinct_clients
        records = conn.execute("SELECT count(*), count(DISTINCT record_id) FROM records").fetchone()
        assert records[0] == records[1]
