"""What each role's browser receives. Every role visits every page it can reach, for both programs;
the page text and the websocket traffic are scanned for every name, ID and date of birth in the
database. A funder's must hold none; the other roles' do (so the scan is shown to find them)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dashboard.signin import PAGES_BY_ROLE
from pipelines import accounts, loading, store
from tests.browser.conftest import PASSWORD
from tests.conftest import bfz_csv, ingest

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status")
PEOPLE = [("CID-70411", "Zelda", "Quenby"), ("CID-70412", "Marek", "Ostrowicz"), ("CID-70413", "Ysolde", "Farrant"),
          ("CID-70414", "Bartholomew", "Ngata"), ("CID-70415", "Odalys", "Vantongeren")]
LIST = bfz_csv(*[f"{cid},{first},{last},3/{i + 4}/2024,,,,Single Adult,Yes,No"
                 for i, (cid, first, last) in enumerate(PEOPLE)],
               "X-99901,Quill,Hawthorne,3/4/2024,,,3/10/2024,Youth,No,No", header=HEADER)
CHILDREN = [("EI-55210", "Wilhelmina", "Torvaldsen", dt.date(2023, 7, 19)),
            ("EI-55211", "Caspian", "Oyelaran", dt.date(2022, 11, 3))]
REFERRALS = ("Child ID,First Name,Last Name,Date of Birth,Referral Date,Neighborhood\n" + "".join(
    f"{cid},{first},{last},{born:%Y-%m-%d},2024-03-0{i + 5},Eastgate\n"
    for i, (cid, first, last, born) in enumerate(CHILDREN))).encode()
PERSONAL = ([value for person in PEOPLE for value in person] + ["X-99901", "Quill", "Hawthorne"]
            + [value for cid, first, last, _ in CHILDREN for value in (cid, first, last)]
            + [f"{born:{style}}" for *_, born in CHILDREN for style in ("%Y-%m-%d", "%-m/%-d/%Y", "%b %-d, %Y")])
TITLES = {"flow": "Flow", "by_name_list": "By-name list", "agenda": "Case conference",
          "monthly_figures": "Monthly figures", "equity": "Equity", "uploads": "Uploads", "settings": "Settings",
          "audit_trail": "Audit trail", "users": "Users"}


@pytest.fixture
def people_db(db):
    with store.opened(db) as conn:
        # Lists as of the end of March: funders see whole months, and March is one.
        ingest(conn, LIST, "march.csv", as_of=dt.date(2024, 3, 31))
        result = loading.ingest(conn, REFERRALS, "referrals.csv", program="early_intervention", who="test",
                                today=dt.date(2024, 4, 1), as_of=dt.date(2024, 3, 31))
        assert result.status == loading.LOADED, result.report.lines()
        for role in PAGES_BY_ROLE:
            email = f"{role.replace(' ', '')}@example.org"
            accounts.add_user(conn, email, role)
            accounts.set_password(conn, email, PASSWORD)
    return db


def visit(page, app_url, role):
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    page.goto(app_url)
    page.get_by_label("Email").fill(f"{role.replace(' ', '')}@example.org")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    text = []
    for program in ("Homelessness (Built for Zero)", "Early Intervention (IDEA Part C)"):
        page.get_by_label("Program").click()
        page.get_by_role("option", name=program, exact=True).click()
        for name in PAGES_BY_ROLE[role]:
            page.get_by_role("link", name=TITLES[name]).click()
            expect(page.get_by_role("heading", name=TITLES[name], exact=True)).to_be_visible()
            page.wait_for_timeout(1200)
            text.append(page.inner_text("body"))
    return "\n".join(text), b"".join(frames)


def found(text: str, traffic: bytes) -> set[str]:
    return {value for value in PERSONAL if value in text or value.encode() in traffic}


def test_a_funder_receives_no_name_no_id_and_no_date_of_birth(people_db, app_url, page):
    text, traffic = visit(page, app_url, "funder")
    assert "fewer than 11" in text
    assert "Open referrals" in text  # the Early Intervention pages were seen too
    assert len(traffic) > 10_000  # the pages' data did come through the websocket
    assert found(text, traffic) == set()


@pytest.mark.parametrize("role", ["case team", "data lead", "admin"])
def test_roles_that_work_cases_do_see_people(people_db, app_url, page, role):
    text, traffic = visit(page, app_url, role)
    assert {"Zelda", "Quenby", "Wilhelmina", "Torvaldsen"} <= found(text, traffic)
