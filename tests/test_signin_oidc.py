"""Signing in through an identity provider (OpenID Connect): which identities become which accounts, and
the sign-in page with `[auth]` in secrets.toml. The provider itself is in tests/browser/test_oidc.py."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import accounts, audit, store
from tests.conftest import APP, bfz_csv, ingest

NOW = dt.datetime(2026, 1, 5, 9, 0)
LATER = int((NOW + dt.timedelta(hours=1)).timestamp())
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a long random string that nobody can guess",
    "harbor-county": {"client_id": "bynames", "client_secret": "s3cret",
                      "server_metadata_url": "https://login.harbor.example/.well-known/openid-configuration"},
}


def claims(email="dana@example.org", **more):
    return {"email": email, "email_verified": True, "exp": LATER, "sub": "42", **more}


@pytest.fixture
def with_user(conn):
    accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
    return conn


def actions(conn):
    """Sign-ins and outs, newest first."""
    return [(line["action"], line["detail"]) for line in audit.lines(conn).iter_rows(named=True)
            if line["action"] != audit.UPLOAD]


def test_a_known_email_signs_in_with_its_role_without_a_password(with_user):
    assert accounts.sign_in_with_identity(with_user, claims(" Dana@Example.org"), "Harbor", now=NOW) == {
        "email": "dana@example.org", "role": "case team"}
    assert actions(with_user) == [("signed in", "via Harbor")]


def test_an_unknown_email_is_refused_and_leaves_a_trace(with_user):
    with pytest.raises(accounts.SignInRefused, match="Harbor signed you in as pat@example.org, but there is no "
                                                     "bynames account for that email"):
        accounts.sign_in_with_identity(with_user, claims("pat@example.org"), "Harbor", now=NOW)
    (line,) = audit.lines(with_user).iter_rows(named=True)
    assert (line["who"], line["action"], line["subject"], line["detail"]) == (
        "pat@example.org", "sign-in failed", "pat@example.org", "via Harbor: no such account")


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_email_the_provider_has_not_verified_is_refused(with_user, verified):
    with pytest.raises(accounts.SignInRefused, match="has not verified dana@example.org"):
        accounts.sign_in_with_identity(with_user, claims(email_verified=verified), "Harbor", now=NOW)
    assert actions(with_user) == [("sign-in failed", "via Harbor: email not verified")]


def test_email_verified_is_required_only_when_the_provider_sends_it():
    assert accounts.identity_email({"email": "dana@example.org"}, NOW) == "dana@example.org"
    assert accounts.identity_email(claims(email_verified="true"), NOW) == "dana@example.org"


def test_an_identity_without_an_email_is_refused(with_user):
    with pytest.raises(accounts.SignInRefused, match="did not say which email"):
        accounts.sign_in_with_identity(with_user, {"sub": "42", "exp": LATER}, "Harbor", now=NOW)
    assert actions(with_user) == [("sign-in failed", "via Harbor: no email")]


def test_an_expired_identity_must_sign_in_again_and_is_no_failed_attempt(with_user):
    with pytest.raises(accounts.IdentityExpired):
        accounts.sign_in_with_identity(with_user, claims(), "Harbor", now=NOW + dt.timedelta(hours=2))
    assert actions(with_user) == []


def test_password_throttling_does_not_stop_the_provider(with_user):
    accounts.set_password(with_user, "dana@example.org", "long enough secret")
    for _ in range(accounts.FREE_BY_EMAIL):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(with_user, "dana@example.org", "wrong", now=NOW)
    with pytest.raises(accounts.Throttled):
        accounts.sign_in(with_user, "dana@example.org", "long enough secret", now=NOW)
    assert accounts.sign_in_with_identity(with_user, claims(), "Harbor", now=NOW)["role"] == "case team"


def test_the_providers_secrets_toml_sets_up():
    assert accounts.identity_providers({}) == {}
    assert accounts.identity_providers({"redirect_uri": "http://x/oauth2callback"}) == {}
    assert accounts.identity_providers(AUTH) == {"harbor-county": "Harbor County"}
    unnamed = {key: value for key, value in AUTH.items() if key != "harbor-county"} | AUTH["harbor-county"]
    assert accounts.identity_providers(unnamed) == {"default": "login.harbor.example"}
    assert accounts.identity_providers({**AUTH, "auth0": {**AUTH["harbor-county"], "client_kwargs": {}}}) == {
        "harbor-county": "Harbor County", "auth0": "Auth0"}


@pytest.mark.parametrize("auth, problem", [
    ({**AUTH, "cookie_secret": ""}, "needs cookie_secret"),
    ({**AUTH, "cookie_secret": "..."}, "cookie_secret in secrets.toml is too easy to guess"),  # as in the README
    ({**AUTH, "cookie_secret": "x" * 31}, "too easy to guess"),
    ({**AUTH, "cookie_secret": "ab" * 40}, "too easy to guess"),
    ({**AUTH, "harbor-county": {"client_id": "bynames"}},
     "needs harbor-county.client_secret, harbor-county.server_metadata_url"),
    ({**AUTH, "redirect_uri": "http://localhost:8501/"}, "must end with /oauth2callback"),
    ({**AUTH, "harbor_county": AUTH["harbor-county"]}, "cannot contain an underscore"),
])
def test_a_half_done_setup_says_what_is_missing(auth, problem):
    with pytest.raises(ValueError, match=problem):
        accounts.identity_providers(auth)


@pytest.fixture
def dashboard_db(tmp_path, monkeypatch):
    db = tmp_path / "identity.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "jan.csv")
        accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
        accounts.set_password(conn, "dana@example.org", "long enough secret")
    monkeypatch.setenv("BYNAMES_DB", str(db))
    return db


def dashboard(auth=AUTH, **identity):
    """The app as a new session finds it; with identity, just back from the provider with these claims."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets["auth"] = auth
    if identity:
        soon = int((dt.datetime.now() + dt.timedelta(hours=1)).timestamp())
        app.user = {"is_logged_in": True, "provider": "harbor-county", **claims(exp=soon), **identity}
    return app


def provider_buttons(app):
    return [button.label for button in app.button if button.key and button.key.startswith("sign_in_with_")]


def test_with_auth_set_up_the_page_offers_the_provider_beside_the_password(dashboard_db):
    app = dashboard().run()
    assert not app.exception
    assert provider_buttons(app) == ["Sign in with Harbor County"]
    app.text_input(key="sign_in_email").input("dana@example.org")
    app.text_input(key="sign_in_password").input("long enough secret")
    app.form_submit_button[0].click().run()
    assert app.title[0].value == "Flow"


def test_a_half_done_setup_shows_on_the_page_and_passwords_still_work(dashboard_db):
    app = dashboard({**AUTH, "cookie_secret": ""}).run()
    assert not app.exception
    assert "not set up right: [auth] in secrets.toml needs cookie_secret" in app.error[0].value
    assert provider_buttons(app) == []
    assert app.form_submit_button[0].label == "Sign in"


def test_whoever_the_provider_signed_in_is_signed_in_with_their_role(dashboard_db):
    app = dashboard(email=" DANA@example.org").run()
    assert not app.exception
    assert app.title[0].value == "Flow"
    assert app.session_state["user"] == {"email": "dana@example.org", "role": "case team"}
    assert app.sidebar.caption[-1].value == "Signed in as dana@example.org (case team)."
    app.run()
    with store.opened(dashboard_db) as conn:
        assert actions(conn) == [("signed in", "via Harbor County")]  # once per session, not per run
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "Sign in"
    assert app.user == {"is_logged_in": False}  # st.logout: the provider's cookie is cleared too
    with store.opened(dashboard_db) as conn:
        assert actions(conn)[0] == ("signed out", None)


def test_an_unknown_email_is_refused_then_signed_out_of_the_provider(dashboard_db):
    app = dashboard(email="pat@example.org").run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert app.error[0].value.startswith("Harbor County signed you in as pat@example.org, but there is no bynames "
                                         "account for that email: ask an admin to add you.")
    assert "user" not in app.session_state
    assert not app.form_submit_button  # the way on is signing out of the provider
    with store.opened(dashboard_db) as conn:
        assert actions(conn) == [("sign-in failed", "via Harbor County: no such account")]
    app.run()
    assert app.user["is_logged_in"] is True  # time to read the message first
    app.session_state["identity_refused"] = {**app.session_state["identity_refused"],
                                             "at": dt.datetime.now() - dt.timedelta(minutes=1)}
    app.run()
    assert app.user == {"is_logged_in": False}
    with store.opened(dashboard_db) as conn:
        assert len(actions(conn)) == 1


def test_the_refused_can_sign_out_of_the_provider_at_once(dashboard_db):
    app = dashboard(email="pat@example.org").run()
    app.button(key="identity_sign_out").click().run()
    assert app.user == {"is_logged_in": False}


def test_an_expired_identity_is_offered_the_provider_again(dashboard_db):
    app = dashboard(exp=int(dt.datetime.now().timestamp()) - 60).run()
    assert not app.exception
    assert app.title[0].value == "Sign in" and not app.error
    assert provider_buttons(app) == ["Sign in with Harbor County"]


def test_an_idle_provider_session_is_signed_out_of_the_provider_too(dashboard_db):
    app = dashboard(email="dana@example.org").run()
    assert app.title[0].value == "Flow"
    app.session_state["last_active"] = dt.datetime.now() - dt.timedelta(minutes=31)
    app.run()
    assert app.title[0].value == "Sign in"
    assert app.user == {"is_logged_in": False}


def test_a_guessable_cookie_secret_signs_nobody_in_through_the_provider(dashboard_db):
    """With a secret anyone can guess, the identity cookie can be forged: it is not trusted at all."""
    app = dashboard({**AUTH, "cookie_secret": "..."}, email="dana@example.org").run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert "user" not in app.session_state
    assert "cookie_secret in secrets.toml is too easy to guess" in app.error[0].value
    with store.opened(dashboard_db) as conn:
        assert actions(conn) == []
