"""Past one machine (issue 16): three dashboard servers, each its own process on its own port, on one
PostgreSQL database. Two data leads load two different lists at the same moment, one with `bynames ingest`
and one through the Uploads page of the second server, while a browser on each server keeps opening pages.
Each file is then there exactly once, the figures are those of the same files loaded one after the other
into a fresh database, no page showed an error, and every server shows the new data."""

import datetime as dt
import re
import subprocess
import sys
import time
from contextlib import ExitStack

import polars as pl
from playwright.sync_api import expect, sync_playwright

import queries
from pipelines import accounts, figures, loading, sessions, store, store_dialect
from tests import pg_cluster
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, dashboard
from tests.conftest import ROOT, needs_postgres

SAMPLES = ROOT / "sample_cases"
FIRST, BY_CLI, BY_PAGE = (SAMPLES / f"bnl-2025-{m}.csv" for m in ("10", "11", "12"))
PROGRAM = "homelessness"
READER, LEAD = "reader@example.org", "lead@example.org"
PASSWORD = "correct horse battery"
PAGES = ("By-name list", "Flow", "Monthly figures", "Uploads")
SERVERS = 3
# Three servers, a browser and two uploads share two cores: a page may take a while to draw.
SLOW = 60_000
ERROR_REFERENCE = re.compile(r"Something went wrong|under reference [0-9a-f]{8}")


def _load(url: str, *paths) -> None:
    with store.opened(url) as conn:
        for path in paths:
            result = loading.ingest(conn, path.read_bytes(), path.name, who="tester")
            assert result.status == loading.LOADED, result.message


def _figures(url: str) -> tuple[list[dict], pl.DataFrame]:
    """The month-by-month flow and the active list, without the ids the store handed out, as a server
    reads them (its copy of the data version)."""
    with store.reading(url) as conn:
        flow = figures.flow_series(conn, PROGRAM, "month", dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        active = queries.arrow(conn, "active_list", program=PROGRAM)
    ids = [c for c in active.columns if c.endswith("_id") and c != "client_id" or c == "attributes_upload"]
    active = active.drop(ids)
    return flow, active.sort(active.columns)


def _signed_in(browser, url: str, email: str):
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    # Signed in once the browser holds its session cookie (a rerun follows the answer).
    with page.expect_response(lambda answer: answer.url.endswith(sessions.PATH), timeout=SLOW):
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text(f"Signed in as {email}")).to_have_count(1, timeout=SLOW)
    _no_error(page, f"{email} signed in")
    return page


def _no_error(page, where: str) -> None:
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running", timeout=SLOW)
    expect(page.get_by_test_id("stException"), where).to_have_count(0)
    body = page.inner_text("body")
    assert "Traceback" not in body, where
    assert not ERROR_REFERENCE.search(body), (where, body[:2000])


def _open(page, title: str, where: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=SLOW)
    _no_error(page, f"{where}: {title}")


def _loaded_by_page(page) -> bool:
    """Whether the Uploads page has said the file is in (and not that it failed). Once the other upload
    lands too, the page's refresh says the chosen file "is already loaded": it was not before this page
    loaded it, so that says the same."""
    expect(page.get_by_test_id("stException"), "the page uploading").to_have_count(0)
    said = re.compile(rf"{re.escape(BY_PAGE.name)} (loaded as upload|is already loaded \(upload)")
    return bool(page.locator("[data-testid^='stAlertContent']").filter(has_text=said).count())


def _waiting_writers(conn) -> int:
    """How many sessions of the store wait for the turn to write (PostgreSQL's advisory lock)."""
    asked = ("SELECT count(*) FROM pg_locks WHERE locktype = ''advisory'' AND NOT granted "
             f"AND objid = {store_dialect.WRITES}")
    return conn.execute(f"SELECT * FROM postgres_query('{store_dialect.CATALOG}', '{asked}')").fetchone()[0]


def test_three_servers_two_uploads_at_once_and_every_page_still_reads(tmp_path):
    needs_postgres()
    started = time.monotonic()
    with pg_cluster.cluster() as server, ExitStack() as stack:
        shared = pg_cluster.new_database(server)
        _load(shared, FIRST)
        with store.opened(shared) as conn:
            for email in (READER, LEAD):
                accounts.add_user(conn, email, accounts.DATA_LEAD)
                accounts.set_password(conn, email, PASSWORD)
            before = queries.arrow(conn, "active_list", program=PROGRAM).height
        store.release(shared)

        logs = [tmp_path / f"server{n}.log" for n in range(SERVERS)]
        urls = [stack.enter_context(dashboard(shared, log, BYNAMES_DATABASE=shared)) for log in logs]
        assert len(set(urls)) == SERVERS
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        readers = [_signed_in(browser, url, READER) for url in urls]
        uploader = _signed_in(browser, urls[1], LEAD)
        try:
            _open(uploader, "Uploads", "the page uploading")
            uploader.locator("input[type=file]").first.set_input_files(str(BY_PAGE))
            expect(uploader.get_by_test_id("stFileChipName")).to_have_text(BY_PAGE.name, timeout=SLOW)
            load = uploader.get_by_role("button", name=re.compile(r"^Load [\d,]+ rows$"))
            expect(load).to_be_visible(timeout=SLOW)

            # The two uploads start together while this test holds the store's turn to write, so each
            # is surely under way (waiting its turn) while every server answers a round of pages; then
            # the turn is let go and the readers go on opening pages until both uploads are in.
            said = stack.enter_context(open(tmp_path / "ingest.out", "w+"))
            opened = 0
            with store.opened(shared) as holder, store.writing(holder):
                cli = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(BY_CLI), "--db", shared],
                                       cwd=ROOT, stdout=said, stderr=subprocess.STDOUT, text=True)
                load.click()
                uploading = time.monotonic()
                while _waiting_writers(holder) < 2:
                    assert cli.poll() is None, said.read()
                    assert time.monotonic() - uploading < 120, "the uploads did not ask for their turn in 2 minutes"
                    time.sleep(0.2)
                for n, reader in enumerate(readers):
                    _open(reader, PAGES[opened % len(PAGES)], f"server {n} while two uploads wait")
                    opened += 1
                assert _waiting_writers(holder) == 2
                assert not _loaded_by_page(uploader)
            store.release(shared)
            cli_done = page_done = None
            while cli_done is None or page_done is None:
                for n, reader in enumerate(readers):
                    _open(reader, PAGES[opened % len(PAGES)], f"server {n} during the uploads")
                    opened += 1
                if cli_done is None and cli.poll() is not None:
                    cli_done = time.monotonic()
                if page_done is None and _loaded_by_page(uploader):
                    page_done = time.monotonic()
                assert time.monotonic() - uploading < 300, "the uploads did not finish in 5 minutes"
            said.seek(0)
            out = said.read()
            assert cli.returncode == 0, out
            assert f"{BY_CLI.name} loaded as upload" in out, out
            _no_error(uploader, "the page uploading, after")

            with store.opened(shared) as conn:
                uploads = conn.execute("SELECT upload_id, file_name FROM uploads ORDER BY upload_id").fetchall()
            store.release(shared)
            assert sorted(name for _, name in uploads) == sorted(p.name for p in (FIRST, BY_CLI, BY_PAGE))
            assert len({upload_id for upload_id, _ in uploads}) == len(uploads)

            # The same files, one after the other in the order the store took them, into a fresh database.
            fresh = pg_cluster.new_database(server)
            _load(fresh, *(SAMPLES / name for _, name in uploads))
            expected_flow, expected_list = _figures(fresh)
            flow, active = _figures(shared)
            store.release(fresh)
            store.release(shared)
            assert flow == expected_flow
            assert active.equals(expected_list)
            assert active.height != before

            # Every server shows the new data, with no reload: the list's size and the newest upload.
            newest_id, newest_name = uploads[-1]
            for n, reader in enumerate(readers):
                _open(reader, "By-name list", f"server {n} after the uploads")
                expect(reader.get_by_text(re.compile(rf" of {active.height:,} match\."))).to_be_visible(timeout=SLOW)
                _open(reader, "Uploads", f"server {n} after the uploads")
                rollback = f"Roll back upload {newest_id}: {newest_name}…"
                expect(reader.get_by_role("button", name=rollback)).to_be_visible(timeout=SLOW)
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            for n, page in enumerate([*readers, uploader]):
                page.screenshot(path=str(ARTIFACTS / f"replicas-{n}.png"), full_page=True)
            raise
    for n, log in enumerate(logs):
        assert "page failed" not in log.read_text(), f"server {n}: {log.read_text()[-3000:]}"
    print(f"uploads took {max(cli_done, page_done) - uploading:.1f} s, {opened} pages read meanwhile; "
          f"whole test {time.monotonic() - started:.1f} s")
