"""Signing in and out, and which pages each role may open. Pages outside a role are never offered
to it, so their addresses lead nowhere for that role. With `[auth]` in .streamlit/secrets.toml, people
may also sign in through an identity provider (st.login); the account with the email it vouches for
decides the role."""

import datetime as dt

import streamlit as st

from dashboard import data
from pipelines import accounts, loading, store
from pipelines.accounts import ADMIN, CASE_TEAM, DATA_LEAD, DEMO_ACCOUNTS, DEMO_PASSWORD, FUNDER, SignInRefused

# Funders see trends only: pages built from counts, never from people.
PAGES_BY_ROLE = {
    FUNDER: ("flow", "monthly_figures", "equity"),
    CASE_TEAM: ("flow", "by_name_list", "agenda", "monthly_figures", "equity"),
    DATA_LEAD: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings"),
    ADMIN: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings", "audit_trail",
            "users"),
}

# Long enough to read why an identity was refused before it is signed out of the provider.
REFUSED_SIGN_OUT_AFTER = dt.timedelta(seconds=15)


def user(now: dt.datetime | None = None) -> dict | None:
    """The signed-in account, unless the session has been idle too long (then it must sign in again)."""
    now = now or dt.datetime.now()
    account = st.session_state.get("user") or _signed_in_by_identity(now)
    if account is None:
        return None
    last = st.session_state.get("last_active", now)
    if now - last > dt.timedelta(minutes=data.idle_minutes()):
        data.signed_out(account["email"], "idle")
        st.session_state.clear()
        st.session_state["signed_out_idle"] = True
        _forget_identity()
        return None
    if not st.session_state.pop("refreshed_for_data", False):
        st.session_state["last_active"] = now
    return account


def sees_people() -> bool:
    """Funders see trends only: their figures come with small counts hidden."""
    return st.session_state["user"]["role"] != FUNDER


def submits_figures() -> bool:
    """Data leads (and admins) hand the monthly figures in to Built for Zero."""
    return st.session_state["user"]["role"] in (DATA_LEAD, ADMIN)


def who() -> str:
    """The signed-in person's email: the name on everything they record."""
    return st.session_state["user"]["email"]


def identity_providers() -> dict[str, str]:
    """The identity providers set up in secrets.toml, by the name st.login takes, with the name people know."""
    if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
        return {}
    return accounts.identity_providers(st.secrets["auth"])


def _signed_in_by_identity(now: dt.datetime) -> dict | None:
    """Whoever the identity provider signed in (st.user), as the account with that email. A new session
    with the provider's cookie signs in again until the identity token runs out."""
    if not st.user.get("is_logged_in") or "identity_refused" in st.session_state:
        return None
    name = str(st.user.get("provider") or "default")
    try:
        provider = identity_providers().get(name, name)
    except ValueError:
        provider = name
    try:
        with store.opened() as conn, loading.writing():
            account = accounts.sign_in_with_identity(conn, st.user.to_dict(), provider, now)
    except accounts.IdentityExpired:
        return None
    except SignInRefused as refused:
        st.session_state["identity_refused"] = {"provider": provider, "message": str(refused), "at": now}
        return None
    st.session_state["user"] = account
    return account


def _forget_identity() -> None:
    """Clear the provider's cookie, or the next session would sign in with it again."""
    if st.user.get("is_logged_in"):
        st.logout()


def _refused(refused: dict) -> None:
    """Why the identity was refused; then out of the provider, so another account can be chosen there."""
    message = refused["message"]
    st.error(f"{message[:1].upper()}{message[1:]}. You will be signed out of {refused['provider']} in a few "
             "seconds, so you can sign in with another account.", icon=":material/lock:")
    st.button(f"Sign out of {refused['provider']} now", on_click=st.logout, key="identity_sign_out",
              icon=":material/logout:")
    _sign_out_when_read()


@st.fragment(run_every=dt.timedelta(seconds=1))
def _sign_out_when_read() -> None:
    refused = st.session_state.get("identity_refused")
    if refused and dt.datetime.now() - refused["at"] >= REFUSED_SIGN_OUT_AFTER:
        st.logout()


def form() -> None:
    """The sign-in page."""
    st.title("Sign in")
    if st.session_state.pop("signed_out_idle", False):
        st.info(f"You were signed out after {data.idle_minutes()} minutes without activity.",
                icon=":material/timer_off:")
    if "identity_refused" in st.session_state:
        _refused(st.session_state["identity_refused"])
        return
    try:
        providers = identity_providers()
    except ValueError as wrong:
        st.error(f"Sign-in through an identity provider is not set up right: {wrong}.", icon=":material/error:")
        providers = {}
    for name, label in providers.items():
        if st.button(f"Sign in with {label}", key=f"sign_in_with_{name}", type="primary", icon=":material/badge:"):
            st.login(name)
    if providers:
        st.caption("Or with a password:")
    with st.form("sign_in"):
        email = st.text_input("Email", key="sign_in_email")
        password = st.text_input("Password", type="password", key="sign_in_password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                st.session_state["user"] = data.sign_in(email, password)
                st.rerun()
            except SignInRefused as refused:
                st.error(str(refused).capitalize() + ".", icon=":material/lock:")
    if data.demo_mode():
        st.info("This is the sample database. Demo accounts, all with the password "
                f"`{DEMO_PASSWORD}`: " + ", ".join(f"`{email}` ({role})" for email, role in DEMO_ACCOUNTS.items()),
                icon=":material/info:")


def sign_out() -> None:
    data.signed_out(who())
    st.session_state.clear()
    _forget_identity()
