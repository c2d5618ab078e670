"""A reload, a new tab or a shared link keeps the session of a password sign-in, through a cookie that
scripts in the page cannot read and that a page elsewhere cannot plant; signing out, removing the account
or a forged cookie leaves the sign-in form."""

import datetime as dt
import urllib.error
import urllib.request

from playwright.sync_api import expect

from pipelines import accounts, sessions, store
from tests.browser.conftest import EMAIL, sign_in
from tests.test_dashboard import LIST


def signed_in_on(page, title: str) -> None:
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect(page.get_by_text(f"Signed in as {EMAIL}")).to_have_count(1)


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == sessions.COOKIE), None)


def sign_in_and_keep(page, app_url, title="Flow") -> dict:
    """Sign in, and wait for the browser to be handed its session cookie."""
    with page.expect_response(lambda answer: answer.url.endswith(sessions.PATH)) as handed:
        sign_in(page, app_url, title)
    assert handed.value.status == 204
    return session_cookie(page)


def test_a_reload_keeps_the_session_and_signing_out_ends_it(seed, app_url, page, db):
    seed(LIST, "march.csv")
    cookie = sign_in_and_keep(page, app_url, "By-name list")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find(sessions.COOKIE) == -1  # the page's scripts cannot read it

    page.goto(f"{app_url}/by_name_list?list_population=Families")  # a reload with a filter in the address
    signed_in_on(page, "By-name list")
    expect(page.get_by_text("1 of 5 match")).to_be_visible()

    # A new tab of the same browser (Playwright's page owns its context: a second one with its cookies).
    tab = page.context.browser.new_context()
    tab.add_cookies(page.context.cookies())
    other = tab.new_page()
    other.goto(f"{app_url}/agenda")
    signed_in_on(other, "Case conference")
    tab.close()

    with page.expect_response(lambda answer: answer.url.endswith(sessions.PATH)) as taken_back:
        page.get_by_role("button", name="Sign out").click()
    assert taken_back.value.status == 204
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert session_cookie(page) is None
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Even a copy of the cookie taken before signing out opens nothing now.
    page.context.add_cookies([{**cookie, "expires": -1}])
    page.goto(f"{app_url}/agenda")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_a_removed_account_or_a_forged_cookie_opens_nothing(seed, app_url, page, db):
    seed(LIST, "march.csv")
    with store.opened(db) as conn:
        accounts.add_user(conn, "sam@example.org", accounts.ADMIN)
    sign_in_and_keep(page, app_url)
    with store.opened(db) as conn:
        accounts.remove_user(conn, EMAIL)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    forged = {**session_cookie(page), "value": "x" * 43}
    page.context.clear_cookies()
    page.context.add_cookies([forged])
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_a_page_elsewhere_cannot_hand_out_a_session(seed, app_url, db):
    seed(LIST, "march.csv")
    with store.opened(db) as conn:
        token = sessions.begin(conn, EMAIL, dt.datetime.now())
    for origin in (None, "https://attacker.example"):
        request = urllib.request.Request(f"{app_url}{sessions.PATH}", data=token.encode(), method="POST",
                                         headers={"Origin": origin} if origin else {})
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError(f"a request from {origin} was given a cookie")
        except urllib.error.HTTPError as refused:
            assert refused.code == 403
    # The dashboard's own page may claim it, once.
    for expected in (204, 403):
        request = urllib.request.Request(f"{app_url}{sessions.PATH}", data=token.encode(), method="POST",
                                         headers={"Origin": app_url})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == expected == 204
                assert "HttpOnly" in answer.headers["set-cookie"]
        except urllib.error.HTTPError as refused:
            assert refused.code == expected == 403
