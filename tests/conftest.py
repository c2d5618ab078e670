import contextlib
import datetime as dt
import itertools
import os
import shutil
from pathlib import Path

import pytest

from pipelines import loading, store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BFZ_SAMPLE = SHARED / "data" / "bfz" / "bnl-sample-short.csv"
BFZ_EXPECTED = SHARED / "data" / "bfz" / "bnl-sample-short.expected.json"
TODAY = dt.date(2026, 1, 15)

BFZ_HEADER = ("Client ID,Date of Identification,Returned to Active Date,Housing Move-In Date,Inactive Date,"
              "Household Type,Chronic Status,Veteran Status")


def needs_shared():
    return pytest.mark.skipif(not BFZ_SAMPLE.exists(), reason="../shared is not beside the project")


def bfz_csv(*rows: str, header: str = BFZ_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# The `conn` fixture is an in-memory DuckDB, or a fresh database on a PostgreSQL the tests start
# themselves (tests/pg_cluster.py): for every test when BYNAMES_TEST_STORE=postgres, and beside the
# embedded one for the tests marked `both_stores` (the store, loading, figures, rollback and privacy), so
# that `make test` shows both stores give the same figures. Where PostgreSQL's server programs are
# missing those runs are skipped, unless BYNAMES_TEST_POSTGRES_REQUIRED=1 (CI) makes that a failure.
ON_POSTGRES = os.environ.get("BYNAMES_TEST_STORE") == "postgres"
EMBEDDED, POSTGRES = "embedded", "postgresql"


def pytest_configure(config):
    config.addinivalue_line("markers", "both_stores: run on the embedded file and on PostgreSQL")


def pytest_generate_tests(metafunc):
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores") \
            and not ON_POSTGRES:
        metafunc.parametrize("store_kind", [EMBEDDED, POSTGRES], indirect=True)


@pytest.fixture
def store_kind(request):
    return getattr(request, "param", POSTGRES if ON_POSTGRES else EMBEDDED)


def needs_postgres():
    from tests import pg_cluster

    if pg_cluster.available():
        return
    if os.environ.get("BYNAMES_TEST_POSTGRES_REQUIRED") == "1":
        pytest.fail("no PostgreSQL server programs to start (apt-get install postgresql), and none named "
                    "by BYNAMES_TEST_POSTGRES")
    pytest.skip("no PostgreSQL server programs (apt-get install postgresql) and no BYNAMES_TEST_POSTGRES")


@pytest.fixture(scope="session")
def postgres_template():
    """A PostgreSQL server and a database migrated once, that each test's database is copied from."""
    from tests import pg_cluster

    needs_postgres()
    with pg_cluster.cluster() as server:
        template = pg_cluster.new_database(server)
        store.connect(template).close()
        store.release(template)  # a database being copied must have nobody connected to it
        yield server, template.split("?")[0].rsplit("/", 1)[1]


@pytest.fixture
def store_target(request, store_kind):
    """What a test opens the store by: ":memory:", or a new PostgreSQL database's URL."""
    if store_kind == EMBEDDED:
        return ":memory:"
    from tests import pg_cluster

    server, template = request.getfixturevalue("postgres_template")
    return pg_cluster.new_database(server, template)


@pytest.fixture
def conn(store_target):
    c = store.connect(store_target)
    yield c
    _readings.close()
    c.close()
    store.release(store_target)


_readings = contextlib.ExitStack()


def figured(conn):
    """What pages work figures out from, for a test holding `conn` (store.reading): the embedded database
    itself, or this process's copy of the PostgreSQL store as it stands now, where the records' states are.
    Closed with the test's `conn`."""
    return _readings.enter_context(store.reading(conn))


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    """For property tests: `blank()` is a new embedded database, migrated once for the module; each
    example starts from a copy of it (a tenth of the time)."""
    folder = tmp_path_factory.mktemp("as_of")
    with store.opened(folder / "blank.duckdb"):
        pass
    copies = itertools.count()

    def fresh():
        if fresh.made >= 2:  # the example before this one is over and its databases are closed
            for old in folder.glob("copy-*"):
                old.unlink()
            fresh.made = 0
        path = folder / f"copy-{next(copies)}.duckdb"
        shutil.copy(folder / "blank.duckdb", path)
        fresh.made += 1
        return store.connect(path)
    fresh.made = 0
    return fresh


def ingest(conn, data: bytes, name: str = "list.csv", **kw) -> loading.IngestResult:
    kw.setdefault("today", TODAY)
    return loading.ingest(conn, data, name, who="tester", **kw)


APP = str(ROOT / "dashboard" / "app.py")


def app_as(role: str = "admin", email: str | None = None):
    """The dashboard for someone already signed in with this role."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = {"email": email or f"{role.replace(' ', '')}@example.org", "role": role}
    return app


def page_as(monkeypatch, db, role: str, page: str, program: str | None = None, **query):
    """A page (views/PAGE.py) on the database `db`, as someone signed in with `role` sees it, drawn without
    an error; `program` and `query` are the address's parameters."""
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    app = app_as(role)
    for key, value in {"program": program, **query}.items():
        if value is not None:
            app.query_params[key] = value
    app.run()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def uploaded_on_page(tmp_path, monkeypatch, name: str, data: bytes):
    """A data lead's Uploads page on a new, empty database, with `data` chosen as the file to load."""
    db = tmp_path / "page.duckdb"
    with store.opened(db):
        pass
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    app = app_as("data lead")
    app.run()
    app.switch_page("views/uploads.py").run()
    app.file_uploader(key="extract").upload(name, data).run()
    assert not app.exception, app.exception
    return app


def pick(app, table: str, row: int):
    """Select `row` of the table named `table` as a click would, and run the page (which must have
    run once, so the table exists): dashboard/selection.py keys each table by the people it shows."""
    app.session_state[app.session_state[table]] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return app.run()
