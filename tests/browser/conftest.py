"""Browser tests: the real app (`streamlit run`, started here on a free port) in Debian's Chromium,
driven by Playwright. On failure each test leaves a screenshot in test-artifacts/."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines import accounts, store
from tests.conftest import POSTGRES, ROOT, ingest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
# Without these, Chromium keeps trying to reach Google on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Chromium is not installed at {CHROMIUM}; .ci/run installs Debian's chromium")
    here = Path(__file__).parent
    for item in items:
        # the hook sees the whole session's tests: only this folder's need the browser
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def db(request, tmp_path):
    """The store the app runs on: a file, or, for a test that takes `store_kind` and runs on PostgreSQL, a
    new database on the tests' PostgreSQL."""
    if "store_kind" in request.fixturenames and request.getfixturevalue("store_kind") == POSTGRES:
        return request.getfixturevalue("store_target")
    return tmp_path / "browser.duckdb"


EMAIL, PASSWORD = "lead@example.org", "correct horse battery"


@pytest.fixture
def seed(db):
    """Load a list, with an admin account to sign in with."""
    def load(data: bytes, name: str):
        with store.opened(db) as conn:
            assert ingest(conn, data, name).status == "loaded"
            accounts.add_user(conn, EMAIL, accounts.ADMIN)
            accounts.set_password(conn, EMAIL, PASSWORD)
    return load


def sign_in(page, url: str, page_title: str = "Flow") -> None:
    """Open the app, sign in, and go to a page through the navigation (one browser session)."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text(f"Signed in as {EMAIL}")).to_have_count(1)
    if page_title != "Flow":
        page.get_by_role("link", name=page_title).click()
    expect(page.get_by_role("heading", name=page_title, exact=True)).to_be_visible()


@contextlib.contextmanager
def dashboard(db, log: Path | None = None, **env):
    """The dashboard as `make run` starts it, on a free port, on `db` (its output kept in `log`): its address."""
    port = free_port()
    with open(log or os.devnull, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "server.py"), "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env={**os.environ, "BYNAMES_DATABASE": str(db), **env}, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("streamlit did not start" + (f": {log.read_text()}" if log else ""))
        time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def app_url(db, seed):
    with dashboard(db) as url:
        yield url


@pytest.fixture
def page(request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(30_000)
        yield page
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()
