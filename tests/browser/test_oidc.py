"""Signing in through an identity provider, end to end: a real OpenID Connect provider (oidc-provider-mock,
on a free port in this process), the app started with a secrets.toml pointing at it, and Chromium going
back and forth between the two. Also what an attacker would try: identity cookies forged with a wrong
secret, copied after signing out, or signed with a guessable secret, and the start of a provider sign-in
while the setup is wrong."""

import json
import secrets
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

from pipelines import accounts, audit, store
from tests.browser.conftest import dashboard
from tests.conftest import bfz_csv, ingest

PROVIDER = "Harbor"
# The mock provider is built on Authlib APIs that Authlib now warns about; they are its to replace.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def provider():
    """The identity provider. It vouches for whatever subject is typed into its form; these two carry a
    verified email, as a real provider's accounts do."""
    import oidc_provider_mock

    people = [oidc_provider_mock.User(sub=sub, claims={"email": email, "email_verified": True})
              for sub, email in (("dana", "Dana@Example.org"), ("pat", "pat@example.org"))]
    with oidc_provider_mock.run_server_in_thread(user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


def secrets_toml(folder: Path, provider: str, cookie_secret: str) -> Path:
    """A secrets.toml for the test provider with this cookie_secret; `streamlit run` fills in its own port."""
    path = folder / "secrets.toml"
    path.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{cookie_secret}"

[auth.{PROVIDER.lower()}]
client_id = "bynames"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    return path


@pytest.fixture
def identity_secrets(provider, tmp_path, monkeypatch) -> Path:
    """A secrets.toml outside the repository; `streamlit run` (tests/browser/conftest.py) finds it through
    STREAMLIT_SECRETS_FILES, and fills in its own port for {port}."""
    path = secrets_toml(tmp_path, provider, secrets.token_urlsafe(32))
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(path))
    return path


@pytest.fixture
def listed(db):
    """A list, where only Dana has an account (a case team member, with no password)."""
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No", "B,1/6/2024,,,,Single Adult,No,No"), "jan.csv")
        accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)


@pytest.fixture
def app(listed, identity_secrets, app_url):
    return app_url


def sign_in_at_the_provider(page, url: str, subject: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=f"Sign in with {PROVIDER}", exact=True).click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()


def end_the_providers_session(page) -> None:
    """st.logout sends the browser to the provider's end-session page, which this provider confirms with a
    click before sending it back to the app."""
    page.get_by_role("button", name="End session", exact=True).click()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}", exact=True)).to_be_visible()


def identity_cookies(page) -> list[str]:
    return [cookie["name"] for cookie in page.context.cookies() if cookie["name"].startswith("_streamlit_user")]


def sign_ins(db) -> list[tuple]:
    with store.opened(db, read_only=True) as conn:
        lines = audit.lines(conn)
    return [(line["who"], line["action"], line["detail"]) for line in lines.iter_rows(named=True)
            if line["action"] != audit.UPLOAD]


def test_a_known_email_signs_in_through_the_provider_with_its_role(app, page, db):
    sign_in_at_the_provider(page, app, "dana")
    expect(page.get_by_text("Signed in as dana@example.org (case team).")).to_have_count(1)
    expect(page.get_by_role("heading", name="Flow", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="By-name list")).to_be_visible()
    expect(page.get_by_role("link", name="Uploads")).to_have_count(0)
    assert sign_ins(db) == [("dana@example.org", "signed in", f"via {PROVIDER}")]
    assert identity_cookies(page)

    page.get_by_role("button", name="Sign out").click()
    end_the_providers_session(page)
    assert identity_cookies(page) == []
    page.reload()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert [action for _, action, _ in sign_ins(db)] == ["signed out", "signed in"]


def test_an_email_without_an_account_is_refused_and_signed_out_of_the_provider(app, page, db):
    sign_in_at_the_provider(page, app, "pat")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        f"{PROVIDER} signed you in as pat@example.org, but there is no bynames account for that email: "
        "ask an admin to add you.")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert sign_ins(db) == [("pat@example.org", "sign-in failed", f"via {PROVIDER}: no such account")]

    # Once there has been time to read why, st.logout clears the provider's cookie on its own.
    expect(page.get_by_role("button", name="End session", exact=True)).to_be_visible(timeout=45_000)
    end_the_providers_session(page)
    assert identity_cookies(page) == []
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert len(sign_ins(db)) == 1


def sessions_of(db, email) -> list[tuple]:
    with store.opened(db, read_only=True) as conn:
        return conn.execute("SELECT claimed, ended IS NOT NULL FROM browser_sessions WHERE email = ?",
                            [email]).fetchall()


def plant_identity(page, url: str, secret: str, email="dana@example.org", issued=None) -> None:
    """An identity cookie as Streamlit makes it after a provider's sign-in, signed with `secret`."""
    issued = int(time.time()) if issued is None else issued
    claims = {"email": email, "email_verified": True, "sub": "dana", "iss": "forged", "iat": issued,
              "exp": issued + 3600, "nonce": secrets.token_hex(8), "origin": url, "is_logged_in": True,
              "provider": PROVIDER.lower()}
    value = create_signed_value(secret, "_streamlit_user", json.dumps(claims)).decode()
    page.context.add_cookies([{"name": "_streamlit_user", "value": value, "url": url, "httpOnly": True}])


def signed_out_on_the_sign_in_page(page) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_the_providers_sign_in_is_a_session_a_copied_cookie_outlives_to_no_avail(app, page, db):
    sign_in_at_the_provider(page, app, "dana")
    expect(page.get_by_text("Signed in as dana@example.org (case team).")).to_have_count(1)
    assert sessions_of(db, "dana@example.org") == [(True, False)]  # the same kind as a password's
    copied = page.context.cookies()

    page.reload()  # a reload, and a new tab, go on in that session
    expect(page.get_by_text("Signed in as dana@example.org (case team).")).to_have_count(1)
    tab = page.context.browser.new_context()
    tab.add_cookies(copied)
    other = tab.new_page()
    other.goto(app)
    expect(other.get_by_text("Signed in as dana@example.org (case team).")).to_have_count(1)

    page.get_by_role("button", name="Sign out").click()
    end_the_providers_session(page)
    assert sessions_of(db, "dana@example.org") == [(True, True)]
    # The copy of the identity cookie taken before signing out is still validly signed, but its session
    # is over: it signs nobody in, and the browser holding it is signed out of the provider.
    other.goto(app)
    expect(other.get_by_test_id("stAlertContentError")).to_contain_text(
        f"Your sign-in through {PROVIDER} has ended. You will be signed out of {PROVIDER} in a few seconds, "
        "so you can sign in again.")
    expect(other.get_by_text("Signed in as")).to_have_count(0)
    other.get_by_role("button", name=f"Sign out of {PROVIDER} now").click()
    expect(other.get_by_role("button", name="End session", exact=True)).to_be_visible()
    tab.close()
    assert [action for _, action, _ in sign_ins(db)] == ["signed out", "signed in"]


def test_a_forged_identity_cookie_signs_nobody_in(app, page, db, identity_secrets):
    page.goto(app)
    plant_identity(page, app, secrets.token_urlsafe(32))  # not the dashboard's secret
    page.goto(app)
    signed_out_on_the_sign_in_page(page)
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}", exact=True)).to_be_visible()

    # Even signed with the real secret (stolen, say), a cookie that began no session here is refused
    # unless it was issued just now.
    page.context.clear_cookies()
    secret = tomllib.loads(identity_secrets.read_text())["auth"]["cookie_secret"]
    plant_identity(page, app, secret, issued=int(time.time()) - 3 * 3600)
    page.goto(app)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(f"Your sign-in through {PROVIDER} has ended")
    signed_out_on_the_sign_in_page(page)
    assert sign_ins(db) == [
        ("dana@example.org", "sign-in failed", f"via {PROVIDER}: identity cookie without a session")]
    assert sessions_of(db, "dana@example.org") == []


@pytest.fixture
def weak_setup(provider, listed, db, tmp_path, monkeypatch):
    """The dashboard with the README's placeholder as its cookie_secret; its server log is kept."""
    with store.opened(db) as conn:
        accounts.set_password(conn, "dana@example.org", "long enough secret")
    path = secrets_toml(tmp_path, provider, "...")
    log = tmp_path / "server.log"
    with dashboard(db, log, STREAMLIT_SECRETS_FILES=str(path)) as url:
        yield url, log


def test_a_guessable_cookie_secret_turns_the_provider_off_and_says_how_to_make_one(weak_setup, page, db):
    url, log = weak_setup
    how = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
    assert "Sign-in through an identity provider is off: [auth] cookie_secret in secrets.toml is too easy to " \
           "guess" in log.read_text()
    assert how in log.read_text()

    page.goto(url)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        "Sign-in through an identity provider is off until it is set up right: [auth] cookie_secret in "
        f"secrets.toml is too easy to guess: make a new one on the server with {how}")
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}", exact=True)).to_have_count(0)

    # Streamlit's own address for starting a provider's sign-in turns it away too.
    try:
        urllib.request.urlopen(f"{url}/auth/login?provider={PROVIDER.lower()}", timeout=10)
        raise AssertionError("the provider's sign-in started")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
        assert "too easy to guess" in refused.read().decode()

    # A cookie forged with the guessable secret, as an attacker would make it, signs nobody in.
    plant_identity(page, url, "...")
    page.goto(url)
    signed_out_on_the_sign_in_page(page)
    assert sign_ins(db) == [] and sessions_of(db, "dana@example.org") == []

    # Passwords still work.
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_role("textbox", name="Password").fill("long enough secret")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Signed in as dana@example.org (case team).")).to_have_count(1)
