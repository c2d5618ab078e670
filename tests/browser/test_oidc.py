"""Signing in through an identity provider, end to end: a real OpenID Connect provider (oidc-provider-mock,
on a free port in this process), the app started with a secrets.toml pointing at it, and Chromium going
back and forth between the two."""

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pipelines import accounts, audit, store
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


@pytest.fixture
def identity_secrets(provider, tmp_path, monkeypatch) -> Path:
    """A secrets.toml outside the repository; `streamlit run` (tests/browser/conftest.py) finds it through
    STREAMLIT_SECRETS_FILES, and fills in its own port for {port}."""
    path = tmp_path / "secrets.toml"
    path.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"

[auth.{PROVIDER.lower()}]
client_id = "bynames"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
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
    expect(page.get_by_text("Signed in as dana@example.org (case team).")).to_be_visible()
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
