"""Every page, as every role, for both programs, on the sample data and on an empty database, in a real
browser: each page opens with no error box and no violation of axe-core's WCAG 2.1 A and AA rules, and
on the pages people are picked from (the by-name list and the agenda) the first row of every table is
selected and its panel opened (and checked again). A screenshot of each step is kept in
test-artifacts/every-page/ to look at."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dashboard.signin import PAGES_BY_ROLE
from pipelines import accounts, loading, store
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_meeting import select_row
from tests.browser.test_privacy import TITLES
from tests.conftest import POSTGRES, ROOT

SAMPLES = ROOT / "sample_cases"
PROGRAMS = {"homelessness": "Homelessness (Built for Zero)",
            "early_intervention": "Early Intervention (IDEA Part C)"}
PICKED_FROM = ("by_name_list", "agenda")
SHOTS = ARTIFACTS / "every-page"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(params=["sample", "empty"])
def loaded(request, db):
    with store.opened(db) as conn:
        if request.param == "sample":
            homelessness = sorted(SAMPLES.glob("bnl-*.csv"))[-1]
            referrals = SAMPLES / "ei_referrals.csv"
            reference = SAMPLES / "reference_population.csv"
            assert loading.ingest(conn, homelessness.read_bytes(), homelessness.name, who="test").status == "loaded"
            assert loading.ingest(conn, referrals.read_bytes(), referrals.name, program="early_intervention",
                                  who="test", today=dt.date(2026, 1, 15)).status == "loaded"
            assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="test").status == "loaded"
        for role in PAGES_BY_ROLE:
            email = f"{role.replace(' ', '')}@example.org"
            accounts.add_user(conn, email, role)
            accounts.set_password(conn, email, PASSWORD)
    return request.param


def idle(page) -> None:
    # The first funder page after an upload works out what funders may see: a few seconds.
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running", timeout=60_000)


def no_error(page, where: str) -> None:
    idle(page)
    expect(page.get_by_test_id("stException"), where).to_have_count(0)
    assert "Traceback" not in page.inner_text("body"), where
    found = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not found, (where, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in found])


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_every_page_opens_and_every_first_row_opens_its_panel(loaded, role, app_url, page):
    walk(loaded, role, app_url, page)


# On PostgreSQL every page reads its server's copy, the records' states worked out in it, and the panel
# reads plans from the store and records from the copy: every page of the role that sees them all, and
# the funders' pages (worked out from the copy), in both programs.
@pytest.mark.parametrize("store_kind", [POSTGRES], indirect=True)
@pytest.mark.parametrize("role", [accounts.ADMIN, accounts.FUNDER])
def test_on_postgresql_every_page_opens_and_every_first_row_opens_its_panel(store_kind, loaded, role, app_url,
                                                                            page):
    walk(loaded, role, app_url, page, shots=f"{store_kind}-")


def walk(loaded: str, role: str, app_url: str, page, shots: str = "") -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url)
    page.get_by_label("Email").fill(f"{role.replace(' ', '')}@example.org")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Exactly one: while a rerun is under way the last run's sidebar may linger beside the new one.
    expect(page.get_by_text("Signed in as")).to_have_count(1)
    panels = 0
    for program, label in PROGRAMS.items():
        page.get_by_label("Program").click()
        page.get_by_role("option", name=label, exact=True).click()
        for name in PAGES_BY_ROLE[role]:
            where = f"{loaded} database, {role}, {program}, {name}"
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=TITLES[name], exact=True).click()
            expect(page.get_by_role("heading", name=TITLES[name], exact=True)).to_be_visible()
            no_error(page, where)
            shot = f"{shots}{loaded}-{role.replace(' ', '-')}-{program}-{name}"
            page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)
            if loaded == "empty" and name in PICKED_FROM:
                expect(page.get_by_text(re.compile(r"^No (by-name|referral) list is loaded"))).to_be_visible()
            if loaded == "empty" or name not in PICKED_FROM:
                continue
            tables = page.get_by_test_id("stDataFrame").count()
            for table in range(tables):
                select_row(page, table, 0)
                no_error(page, f"{where}, table {table}")
                heading = page.locator("[class*='st-key-person-'] h3").first
                expect(heading, f"{where}, table {table}: no panel").to_be_visible()
                panels += 1
                page.screenshot(path=SHOTS / f"{shot}-table{table}.png", full_page=True)
    if loaded == "sample" and any(n in PICKED_FROM for n in PAGES_BY_ROLE[role]):
        assert panels >= 4  # the list and at least one agenda section, in each program
