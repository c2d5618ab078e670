"""What each role's browser receives: a funder's pages and websocket traffic carry no name and no
Client ID; a case team's do (so the scan itself is shown to find them)."""

import pytest
from playwright.sync_api import expect

from pipelines import accounts, store
from tests.browser.conftest import PASSWORD
from tests.conftest import bfz_csv, ingest

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status")
PEOPLE = [("CID-70411", "Zelda", "Quenby"), ("CID-70412", "Marek", "Ostrowicz"), ("CID-70413", "Ysolde", "Farrant"),
          ("CID-70414", "Bartholomew", "Ngata"), ("CID-70415", "Odalys", "Vantongeren")]
LIST = bfz_csv(*[f"{cid},{first},{last},3/{i + 4}/2024,,,,Single Adult,Yes,No"
                 for i, (cid, first, last) in enumerate(PEOPLE)],
               "X-99901,Quill,Hawthorne,3/4/2024,,,3/10/2024,Youth,No,No", header=HEADER)
PERSONAL = [value for person in PEOPLE for value in person] + ["X-99901", "Quill", "Hawthorne"]
PAGES = {"funder": ["Flow", "Monthly figures", "Equity"], "case team": ["Flow", "By-name list", "Case conference"]}


@pytest.fixture
def people_db(db):
    with store.opened(db) as conn:
        ingest(conn, LIST, "march.csv")
        for role in PAGES:
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
    page.get_by_role("button", name="Sign in").click()
    text = []
    for title in PAGES[role]:
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        page.wait_for_timeout(1500)
        text.append(page.inner_text("body"))
    return "\n".join(text), b"".join(frames)


def found(text: str, traffic: bytes) -> set[str]:
    return {value for value in PERSONAL if value in text or value.encode() in traffic}


def test_a_funder_receives_no_name_and_no_client_id(people_db, app_url, page):
    text, traffic = visit(page, app_url, "funder")
    assert "fewer than 11" in text
    assert len(traffic) > 10_000  # the pages' data did come through the websocket
    assert found(text, traffic) == set()


def test_a_case_team_does_see_people(people_db, app_url, page):
    text, traffic = visit(page, app_url, "case team")
    assert {"Zelda", "Quenby", "Marek"} <= found(text, traffic)
