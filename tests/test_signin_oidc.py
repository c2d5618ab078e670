"""Signing in through an identity provider (OpenID Connect): which identities become which accounts, the
session each sign-in begins, and the sign-in page with `[auth]` in secrets.toml. The provider itself is in
tests/browser/test_oidc.py."""

import datetime as dt
import secrets

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import accounts, audit, sessions, store
from tests.conftest import APP, bfz_csv, ingest

NOW = dt.datetime(2026, 1, 5, 9, 0)
LATER = int((NOW + dt.timedelta(hours=1)).timestamp())
IDLE = dt.timedelta(minutes=30)
SECRET = "Zq3-vN8_kTb0WcR5yHs2LpX7eJd9GmA4uFo1iKt6"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": SECRET,
    "harbor-county": {"client_id": "bynames", "client_secret": "s3cret",
                      "server_metadata_url": "https://login.harbor.example/.well-known/openid-configuration"},
}


def claims(email="dana@example.org", **more):
    return {"email": email, "email_verified": True, "iat": int(NOW.timestamp()), "exp": LATER, "sub": "42",
            "iss": "https://login.harbor.example", "nonce": "n-1", **more}


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
    ({**AUTH, "cookie_secret": "your-cookie-secret-goes-here-0123456789"}, "too easy to guess"),
    ({**AUTH, "cookie_secret": "a long random string that nobody can guess"}, "too easy to guess"),
    ({**AUTH, "cookie_secret": "change me to something long and unguessable"}, "too easy to guess"),
    ({**AUTH, "harbor-county": {"client_id": "bynames"}},
     "needs harbor-county.client_secret, harbor-county.server_metadata_url"),
    ({**AUTH, "redirect_uri": "http://localhost:8501/"}, "must end with /oauth2callback"),
    ({**AUTH, "harbor_county": AUTH["harbor-county"]}, "cannot contain an underscore"),
])
def test_a_half_done_setup_says_what_is_missing(auth, problem):
    with pytest.raises(ValueError, match=problem):
        accounts.identity_providers(auth)


def test_a_refused_secret_is_told_how_to_make_a_good_one():
    for secret in ("", "...", "x" * 31):
        with pytest.raises(ValueError, match="secrets.token_urlsafe"):
            accounts.identity_providers({**AUTH, "cookie_secret": secret})


def test_a_secret_made_as_the_readme_says_is_accepted():
    for _ in range(200):
        for secret in (secrets.token_urlsafe(32), secrets.token_hex(32)):
            assert not accounts.weak_secret(secret), secret


def began(conn, at=NOW, idle=IDLE, **more):
    return accounts.identity_session(conn, claims(**more), "Harbor", SECRET, at, idle)


def test_a_provider_sign_in_begins_a_session_that_a_reload_resumes(with_user):
    account, token = began(with_user)
    assert account == {"email": "dana@example.org", "role": "case team"}
    # A reload or a new tab brings the same identity cookie: the same session, no new sign-in.
    assert began(with_user, NOW + dt.timedelta(hours=3), idle=sessions.LASTS) == (account, token)
    assert actions(with_user) == [("signed in", "via Harbor")]
    # The session, not the ID token's expiry (an hour), decides: gone after a working day.
    with pytest.raises(accounts.SessionOver, match="your sign-in through Harbor has ended"):
        began(with_user, NOW + sessions.LASTS, idle=sessions.LASTS)


def test_an_identity_cookie_signs_nobody_in_once_its_session_is_over(with_user):
    _, token = began(with_user)
    sessions.end(with_user, token, NOW + dt.timedelta(minutes=5))  # signed out
    with pytest.raises(accounts.SessionOver):
        began(with_user, NOW + dt.timedelta(minutes=6))
    # Signing in again through the provider is a new identity (a new ID token), with its own session.
    again = NOW + dt.timedelta(minutes=7)
    assert began(with_user, again, iat=int(again.timestamp()), nonce="n-2")[1] != token


def test_an_identity_session_ends_when_idle_or_when_the_account_goes(with_user):
    began(with_user)
    with pytest.raises(sessions.Idle, match="dana@example.org"):
        began(with_user, NOW + IDLE + dt.timedelta(seconds=1))
    with pytest.raises(accounts.SessionOver):
        began(with_user, NOW + IDLE + dt.timedelta(seconds=2))
    later = NOW + dt.timedelta(hours=1)
    again = {"iat": int(later.timestamp()), "exp": int(later.timestamp()) + 3600, "nonce": "n-2"}
    began(with_user, later, **again)
    accounts.add_user(with_user, "sam@example.org", accounts.ADMIN)
    accounts.remove_user(with_user, "dana@example.org")
    with pytest.raises(accounts.SessionOver):
        began(with_user, later + dt.timedelta(minutes=1), **again)


def test_an_identity_cookie_that_began_no_session_here_is_refused(with_user):
    """Issued long ago (made with a stolen secret, or from before sessions): it may not begin one now."""
    with pytest.raises(accounts.SessionOver):
        began(with_user, NOW + accounts.IDENTITY_FRESH + dt.timedelta(seconds=1))
    assert actions(with_user) == [("sign-in failed", "via Harbor: identity cookie without a session")]
    with pytest.raises(accounts.SignInRefused, match="did not say when you signed in"):
        accounts.identity_session(with_user, {**claims(), "iat": None}, "Harbor", SECRET, NOW, IDLE)


def test_only_the_server_can_make_an_identity_sessions_key():
    key = sessions.identity_token(SECRET, claims())
    assert sessions.identity_token(SECRET, claims()) == key
    assert sessions.identity_token(secrets.token_urlsafe(32), claims()) != key
    assert sessions.identity_token(SECRET, claims(nonce="n-2")) != key
    assert SECRET not in key and "42" not in key


@pytest.fixture
def dashboard_db(tmp_path, monkeypatch):
    db = tmp_path / "identity.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("A,1/5/2024,,,,Youth,No,No"), "jan.csv")
        accounts.add_user(conn, "dana@example.org", accounts.CASE_TEAM)
        accounts.set_password(conn, "dana@example.org", "long enough secret")
    monkeypatch.setenv("BYNAMES_DATABASE", str(db))
    return db


def dashboard(auth=AUTH, **identity):
    """The app as a new session finds it; with identity, just back from the provider with these claims."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets["auth"] = auth
    if identity:
        now = dt.datetime.now()
        app.user = {"is_logged_in": True, "provider": "harbor-county",
                    **claims(iat=int(now.timestamp()), exp=int((now + dt.timedelta(hours=1)).timestamp())),
                    **identity}
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
    assert app.error[0].value.startswith("Sign-in through an identity provider is off until it is set up right: "
                                         "[auth] in secrets.toml needs cookie_secret (make the cookie_secret with "
                                         'python3 -c "import secrets; print(secrets.token_urlsafe(32))")')
    assert app.error[0].value.endswith("Signing in with a password still works.")
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


def test_an_old_identity_cookie_without_a_session_is_signed_out_of_the_provider(dashboard_db):
    old = dt.datetime.now() - dt.timedelta(days=2)
    app = dashboard(iat=int(old.timestamp()), exp=int(old.timestamp()) + 3600).run()
    assert not app.exception
    assert app.title[0].value == "Sign in" and "user" not in app.session_state
    assert app.error[0].value.startswith("Your sign-in through Harbor County has ended. You will be signed out "
                                         "of Harbor County in a few seconds, so you can sign in again.")
    app.button(key="identity_sign_out").click().run()
    assert app.user == {"is_logged_in": False}


def test_a_new_tab_resumes_the_providers_session_until_it_is_signed_out(dashboard_db):
    first = dashboard(email="dana@example.org").run()
    assert first.title[0].value == "Flow"
    identity = first.user.to_dict() if hasattr(first.user, "to_dict") else dict(first.user)

    def new_tab():
        tab = AppTest.from_file(APP, default_timeout=60)
        tab.secrets["auth"] = AUTH
        tab.user = identity
        return tab.run()

    assert new_tab().title[0].value == "Flow"
    first.button(key="sign_out").click().run()
    assert first.title[0].value == "Sign in"
    tab = new_tab()  # the identity cookie outlived the session (a copy of it, say)
    assert tab.title[0].value == "Sign in" and "user" not in tab.session_state
    assert "has ended" in tab.error[0].value
    with store.opened(dashboard_db) as conn:
        assert [action for action, _ in actions(conn)] == ["signed out", "signed in"]


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
