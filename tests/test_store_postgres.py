"""The shared store: the same migrations, upload and figures on PostgreSQL as in the embedded file
(issue 16). Starts a throwaway PostgreSQL (tests/pg_cluster.py) unless BYNAMES_TEST_POSTGRES names one."""

import datetime as dt
import multiprocessing
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import queries
from pipelines import (
    accounts,
    active_list,
    agenda,
    audit,
    cli,
    figures,
    loading,
    sessions,
    store,
    store_dialect,
)
from pipelines.disclosure import release
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import period_of
from pipelines.programs import PROGRAMS
from tests import pg_cluster
from tests.conftest import needs_postgres

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "sample_cases" / f"bnl-2025-{m}.csv" for m in ("10", "11", "12")]


@pytest.fixture(scope="module")
def server():
    needs_postgres()
    with pg_cluster.cluster() as url:
        yield url


def _figures(target) -> list[dict]:
    with store.opened(target) as conn:
        for path in SAMPLES:
            result = loading.ingest(conn, path.read_bytes(), path.name, who="tester")
            assert result.status == loading.LOADED, result.message
        with store.reading(conn) as figured:  # on PostgreSQL, the server's copy, where the states are
            return figures.flow_series(figured, "homelessness", "month", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


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


# A data lead's upload of SAMPLES[1], held open in the middle of its transaction (its facts written, the
# states not yet derived) until the test says "go".
HELD_UPLOAD = """
import sys
from pathlib import Path
from pipelines import loading, store

link_upload = loading.person_links.link_upload

def held(*args, **kwargs):
    link_upload(*args, **kwargs)
    print("holding", flush=True)
    sys.stdin.readline()

loading.person_links.link_upload = held
with store.opened(sys.argv[1]) as conn:
    print(loading.ingest(conn, Path(sys.argv[2]).read_bytes(), Path(sys.argv[2]).name, who="lead").status, flush=True)
"""

PLAN_SAVE = """
import sys
from pipelines import case_conference, store
with store.opened(sys.argv[1]) as conn:
    plan = case_conference.current_plan(conn, int(sys.argv[2]))
    case_conference.save_plan(conn, int(sys.argv[2]), plan.revision, "worker", next_step="Call the landlord")
print("saved", flush=True)
"""


def _page_reads(url: str) -> dict:
    """What the pages read, and the small records a visit writes."""
    with store.opened(url) as conn:
        with store.reading(conn) as figured:
            ranked, _ = agenda.ranked_list(figured, "homelessness", dt.date(2025, 11, 30))
            reads = {
                "version": queries.one(figured, "data_version"),
                "flow": figures.flow_series(figured, "homelessness", "month", dt.date(2025, 1, 1),
                                            dt.date(2025, 12, 31)),
                "ranked": ranked.get_column("person_id").to_list(),
            }
        with store.recording(conn):
            sessions.begin(conn, "worker@example.org", dt.datetime.now())
            audit.record(conn, "worker@example.org", audit.EXPORT, "list.csv", "a page's download")
    return reads


def test_pages_answer_while_an_upload_is_being_written_and_other_writes_wait_their_turn(server):
    url = pg_cluster.new_database(server)
    with store.opened(url) as conn:
        assert loading.ingest(conn, SAMPLES[0].read_bytes(), SAMPLES[0].name, who="lead").status == loading.LOADED
        accounts.add_user(conn, "worker@example.org", "case team")
        person = conn.execute("SELECT min(person_id) FROM people").fetchone()[0]
    before = _page_reads(url)
    upload = subprocess.Popen([sys.executable, "-c", HELD_UPLOAD, url, str(SAMPLES[1])], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    plan = None
    try:
        assert upload.stdout.readline().strip() == "holding"
        plan = subprocess.Popen([sys.executable, "-c", PLAN_SAVE, url, str(person)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        pool = ThreadPoolExecutor(1)
        try:
            during = pool.submit(_page_reads, url).result(timeout=60)  # a page waiting on the upload fails here
        finally:
            pool.shutdown(wait=False)
        assert during == before  # the data before the upload, whole
        assert plan.poll() is None  # the plan waits for the upload's turn to end...
    finally:
        upload.communicate("go\n", timeout=120)
    assert upload.returncode == 0
    assert plan.communicate(timeout=120)[0].strip() == "saved"  # ...and is saved after it
    after = _page_reads(url)
    assert after["version"]["uploads"] == 2 and after["version"]["plan_revisions"] == 1
    assert after["flow"] == _figures_of_both(server)


def _figures_of_both(server) -> list[dict]:
    with store.opened(pg_cluster.new_database(server)) as conn:
        for path in SAMPLES[:2]:
            assert loading.ingest(conn, path.read_bytes(), path.name, who="lead").status == loading.LOADED
        with store.reading(conn) as figured:
            return figures.flow_series(figured, "homelessness", "month", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _sample(target) -> dict:
    """The sample community of `make run` (both programs, the reference population): what funders get,
    and the case conference team's list and agenda, read through `store.reading` (on PostgreSQL, the
    server's copy) twice: from the connection that loaded it, and from a new one."""
    with store.opened(target) as conn:
        for path in sorted((ROOT / "sample_cases").glob("bnl-*.csv")):
            assert loading.ingest(conn, path.read_bytes(), path.name, who="lead").status == loading.LOADED
        referrals = ROOT / "sample_cases" / "ei_referrals.csv"
        assert loading.ingest(conn, referrals.read_bytes(), referrals.name, who="lead", program="early_intervention",
                              today=dt.date(2026, 1, 15)).status == loading.LOADED
        reference = ROOT / "sample_cases" / "reference_population.csv"
        assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="lead").status == "loaded"
        with store.reading(conn) as figured:
            from_store = _team_and_funders(figured)
    with store.reading(target) as conn:
        assert _team_and_funders(conn) == from_store
    return from_store


def _team_and_funders(conn) -> dict:
    day = dt.date(2025, 12, 31)
    ranked = {name: agenda.ranked_list(conn, name, day)[0] for name in PROGRAMS}
    meetings = {name: agenda.meeting(conn, name, day, day) for name in PROGRAMS}
    return {
        "funders": {name: release.for_funders(conn, program) for name, program in PROGRAMS.items()},
        "list": {name: people.to_dicts() for name, people in ranked.items()},
        "named": {name: active_list.named(conn, people.head(50)).to_dicts() for name, people in ranked.items()},
        "agenda": {name: {section: people.to_dicts() for section, people in agenda.first_named(
            conn, today, dict.fromkeys(today.sections, 5)).items()} for name, today in meetings.items()},
        "ei": ei_figures.period_figures(conn, period_of(dt.date(2025, 12, 1), "month"), "early_intervention"),
    }


def test_funders_get_the_same_release_and_teams_the_same_list_from_either_store(server, tmp_path):
    on_postgres = _sample(pg_cluster.new_database(server))
    assert on_postgres == _sample(tmp_path / "embedded.duckdb")
    assert on_postgres["funders"]["homelessness"].flow and on_postgres["list"]["early_intervention"]
    assert on_postgres["named"]["homelessness"] and any(on_postgres["agenda"]["early_intervention"].values())


def _copies(url: str) -> list[str]:
    with store.opened(url) as conn:
        return [row[0] for row in conn.execute(
            "SELECT database_name FROM duckdb_databases() WHERE database_name LIKE 'copy_%'").fetchall()]


def test_the_servers_copy_follows_the_data_version_and_outlives_no_reader(server):
    url = pg_cluster.new_database(server)
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    def flow(conn):
        return figures.flow_series(conn, "homelessness", "month", *year)

    with store.opened(url) as conn:
        assert loading.ingest(conn, SAMPLES[0].read_bytes(), SAMPLES[0].name, who="lead").status == loading.LOADED
    with store.reading(url) as first:
        assert flow(first) == _flow_from_store(url)
        with store.reading(url) as again:  # the same data version: the same copy, not another
            assert len(_copies(url)) == 1
            assert flow(again) == flow(first)
        with store.opened(url) as conn:
            assert loading.ingest(conn, SAMPLES[1].read_bytes(), SAMPLES[1].name, who="lead").status == loading.LOADED
        with store.reading(url) as newer:  # a new version is copied while the first copy is still being read
            assert flow(newer) == _flow_from_store(url) != flow(first)
            assert len(_copies(url)) == 2
        before = flow(first)
        assert before != _flow_from_store(url)  # the first reader still reads its own version, whole
    assert len(_copies(url)) == 1  # and once it is done, its copy is let go
    with store.opened(url) as conn:
        store.set_setting(conn, "homelessness", "inactivity_days", 60)
    with store.reading(url) as conn:  # a setting is part of the data version too
        assert store.setting(conn, "homelessness", "inactivity_days") == 60
    store.release(url)


def _flow_from_store(url: str) -> list[dict]:
    """The figures as the store stands now, read by a reader of its own."""
    with store.reading(url) as conn:
        return figures.flow_series(conn, "homelessness", "month", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_bynames_migrate_brings_a_new_database_up_to_date_once(server, capsys):
    url = pg_cluster.new_database(server)
    for _ in range(2):
        assert cli.main(["migrate", "--db", url]) == 0
    said = capsys.readouterr().out.splitlines()
    last = max(version for version, _, _ in store.migrations())
    assert said == [f"{store_dialect.describe(url)} is up to date: {len(store.migrations())} migrations applied, "
                    f"the last {last:03d}"] * 2


def test_two_tabs_touching_one_session_at_once_both_succeed(server):
    url = pg_cluster.new_database(server)
    now = dt.datetime(2026, 3, 2, 9, 0)
    with store.opened(url) as conn:
        accounts.add_user(conn, "worker@example.org", "case team")
        token = sessions.begin(conn, "worker@example.org", now)
    with store.opened(url) as first, store.opened(url) as second, ThreadPoolExecutor(1) as pool:
        first.execute("BEGIN TRANSACTION")
        sessions.touch(first, token, now + dt.timedelta(minutes=5))  # holds the row until it commits
        waiting = pool.submit(sessions.touch, second, token, now + dt.timedelta(minutes=6))
        with pytest.raises(TimeoutError):
            waiting.result(timeout=2)  # the other tab waits on the row...
        first.execute("COMMIT")
        waiting.result(timeout=60)  # ...then loses to it (REPEATABLE READ) and is made again, not failed
        last_used = first.execute("SELECT last_used FROM browser_sessions").fetchone()[0]
    assert last_used == now + dt.timedelta(minutes=6)
    store.release(url)
