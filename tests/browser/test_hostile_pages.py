"""What an attacker tried on open pages: data holding Markdown and HTML (a tracking pixel in a name, a
community name, a plan or a file name), and an upload from another process holding the database. The
data shows as typed and the browser fetches nothing from anywhere but the dashboard; a page open while
the database is held waits, says why, and never shows a traceback."""

import datetime as dt
import http.server
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from pipelines import accounts, case_conference, store
from tests.browser.conftest import EMAIL, PASSWORD, dashboard, free_port, sign_in
from tests.browser.test_meeting import panel, select_row
from tests.conftest import bfz_csv, ingest

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status")


@pytest.fixture
def outside():
    """Another origin, as a tracker would be: it notes every request that reaches it."""
    asked = []

    class Noting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Noting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


@pytest.fixture
def hostile(db, outside):
    """A list whose person, community, plan and file name carry Markdown images and HTML pointing outside."""
    there, _ = outside
    first, last = f"![x]({there}/pixel.png)", f"<img src={there}/x.png>"
    # A file's name keeps no folder (no slash): as markup it could only point at the dashboard itself.
    file_name = "![f](pixel-file.png) <img src=pixel-file2.png>.csv"
    with store.opened(db) as conn:
        result = ingest(conn, bfz_csv(f"H1,{first},{last},3/30/2024,,,,Single Adult,Yes,No", header=HEADER),
                        file_name, as_of=dt.date(2024, 3, 31))
        assert result.status == "loaded", result.report.lines()
        store.set_setting(conn, "", "community_name", f"Town ![c]({there}/community.png) <img src={there}/c.png>")
        person_id = conn.execute("SELECT person_id FROM records").fetchone()[0]
        case_conference.save_plan(conn, person_id, 0, "tester", next_step=f"Call ![s]({there}/step.png)",
                                  owner=f"<img src={there}/owner.png>")
        accounts.add_user(conn, EMAIL, accounts.ADMIN)
        accounts.set_password(conn, EMAIL, PASSWORD)
    return {"name": f"{first} {last}", "file": file_name, "there": there}


def test_markup_in_data_shows_as_typed_and_the_browser_fetches_only_from_the_dashboard(hostile, app_url, page,
                                                                                        outside):
    _, asked = outside
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not _ours(request.url, app_url) or "pixel-" in request.url else None)
    # What the Content-Security-Policy refused: nothing, as nothing on these pages reaches out.
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    sign_in(page, app_url, "By-name list")
    sidebar = page.get_by_test_id("stSidebar")
    there = hostile["there"]
    expect(sidebar.get_by_text(f"Town ![c]({there}/community.png) <img src={there}/c.png>")).to_be_visible()

    select_row(page, 0, 0)
    person = panel(page, "H1")
    expect(person.get_by_role("heading", name=f"{hostile['name']}, rank 1")).to_be_visible()
    expect(person.get_by_text(f"Next step: Call ![s]({there}/step.png) · Owner: <img src={there}/owner.png>",
                              exact=False)).to_be_visible()

    page.get_by_role("link", name="Case conference").click()
    expect(page.get_by_role("heading", name="Case conference", exact=True)).to_be_visible()
    select_row(page, 0, 0)
    expect(panel(page, "H1").get_by_role("heading", name=f"{hostile['name']}, rank 1")).to_be_visible()

    page.get_by_role("link", name="Uploads").click()
    expect(page.get_by_role("button", name=f"Roll back upload 1: {hostile['file']}…")).to_be_visible()
    select_row(page, 0, 0)  # the history: the report the file was loaded with
    expect(page.get_by_text(f"Upload 1: {hostile['file']}")).to_be_visible()
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")

    # Nothing the data carried became an element that fetches. (Markdown makes a bare address a link,
    # escaped or not: one that shows exactly where it goes, and goes there only when clicked.)
    assert page.locator(f"[src*='{there}'], [srcset*='{there}'], [style*='{there}']").count() == 0
    for link in page.locator(f"a[href^='{there}']").all():
        assert link.inner_text() == link.get_attribute("href")
    assert asked == [], asked
    assert elsewhere == [], elsewhere
    assert refused == [], refused


def _ours(url: str, app_url: str) -> bool:
    """The dashboard's own addresses, and what the page makes in memory (blob: of the page, data:)."""
    if url.startswith(("data:", f"blob:{app_url}")):
        return True
    return urlsplit(url).netloc == urlsplit(app_url).netloc


def test_every_answer_carries_a_policy_that_allows_only_the_dashboard(seed, app_url):
    seed(bfz_csv("A,Ana,Reyes,3/30/2024,,,,Single Adult,Yes,No", header=HEADER), "march.csv")
    for path in ("/", "/_stcore/health", "/by_name_list", "/static/does-not-exist.js"):
        try:
            answer = urllib.request.urlopen(app_url + path, timeout=10)
        except urllib.error.HTTPError as refused:
            answer = refused
        policy = dict(part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert policy["connect-src"] == "'self'", path
        assert "unsafe-eval" not in policy["script-src"] and "unsafe-inline" not in policy["script-src"], path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "no-referrer", path


@pytest.fixture
def logged_app(db, tmp_path):
    """The app as conftest's app_url starts it, with its log kept: (address, log file)."""
    log = tmp_path / "server.log"
    with dashboard(db, log) as url:
        yield url, log


HOLD = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1])  # read-write, as an upload holds it
print("held", flush=True)
sys.stdin.readline()
conn.close()
"""


def shows_no_traceback(page) -> None:
    text = page.inner_text("body")
    for telltale in ("Traceback", ".py", "Exception", "Error:"):
        assert telltale not in text, (telltale, text[:2000])
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_page_open_while_another_process_holds_the_database_waits_and_shows_no_traceback(seed, logged_app, page,
                                                                                            db):
    app_url, log = logged_app
    seed(bfz_csv("A,Ana,Reyes,3/30/2024,,,,Single Adult,Yes,No", "B,Ben,Cole,3/1/2024,,,,Family,No,No",
                 header=HEADER), "march.csv")
    sign_in(page, app_url, "By-name list")
    expect(page.get_by_text("2 of 2 match", exact=False)).to_be_visible()

    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        # A page it has already read for this data shows at once, from what it read.
        page.get_by_role("link", name="Flow").click()
        expect(page.get_by_role("heading", name="Flow", exact=True)).to_be_visible()
        page.get_by_role("link", name="By-name list").click()
        expect(page.get_by_text("2 of 2 match", exact=False)).to_be_visible()
        shows_no_traceback(page)
        # A page it has not read yet waits, and says why.
        page.get_by_role("link", name="Case conference").click()
        waiting = page.get_by_text("An upload is being written to the database; this page will show in a moment")
        expect(waiting).to_be_visible()
        shows_no_traceback(page)
        # The watch for new data looks again every few seconds: still no traceback after a few rounds.
        expect(page.get_by_text("waiting 12 s", exact=False)).to_be_visible(timeout=30_000)
        shows_no_traceback(page)
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    expect(page.get_by_role("heading", name="New since the last meeting (1)")).to_be_visible()
    expect(waiting).to_have_count(0)
    shows_no_traceback(page)
    assert "Traceback" not in log.read_text(), log.read_text()
