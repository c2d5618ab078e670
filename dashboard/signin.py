"""Signing in and out, and which pages each role may open. Pages outside a role are never offered
to it, so their addresses lead nowhere for that role. With `[auth]` in .streamlit/secrets.toml, people
may also sign in through an identity provider (st.login); the account with the email it vouches for
decides the role. Either way the sign-in is a session in the store (pipelines/sessions.py) with the same
idle limit and the same end: after a password sign-in the browser keeps a session cookie (handed out by
dashboard/server.py); after the provider's, its identity cookie leads to the session, and signs nobody in
once the session is over. A reload, a new tab or a shared link opens the account again while it lasts.
With `[auth]` set up wrong (a guessable cookie_secret above all), sign-in through the provider is off: the
page says what to put right, no identity cookie is trusted, and passwords still work."""

import datetime as dt
import logging
import secrets
from functools import cache

import streamlit as st

from dashboard import data, formatting
from pipelines import accounts, sessions, store
from pipelines.accounts import ADMIN, CASE_TEAM, DATA_LEAD, DEMO_ACCOUNTS, DEMO_PASSWORD, FUNDER, SignInRefused

# Funders see trends only: pages built from counts, never from people.
PAGES_BY_ROLE = {
    FUNDER: ("flow", "monthly_figures", "equity"),
    CASE_TEAM: ("flow", "by_name_list", "agenda", "monthly_figures", "equity"),
    DATA_LEAD: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings"),
    ADMIN: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings", "audit_trail",
            "users"),
}

# Asks the dashboard's own server for the session cookie (or to take it back): the browser keeps it
# where scripts in the page cannot read it. Tells the script once the answer came.
_COOKIE = st.components.v2.component(
    "bynames_session_cookie",
    html="<span></span>",
    js="""
let sent = null
export default function ({ data, setTriggerValue }) {
  if (!data || sent === data.nonce) return
  sent = data.nonce
  fetch(new URL(data.path, window.location.origin), {
    method: data.method, credentials: "same-origin", body: data.token,
  }).then((answer) => setTriggerValue("answered", answer.status))
    .catch(() => setTriggerValue("answered", 0))
}
""",
)

# Long enough to read why an identity was refused before it is signed out of the provider.
REFUSED_SIGN_OUT_AFTER = dt.timedelta(seconds=15)


def user(now: dt.datetime | None = None) -> dict | None:
    """The signed-in account, unless the session has been idle too long (then it must sign in again)."""
    now = now or dt.datetime.now()
    account = st.session_state.get("user") or _signed_in_by_identity(now) or _resumed(now)
    if account is None:
        return None
    last = st.session_state.get("last_active", now)
    idle = dt.timedelta(minutes=data.idle_minutes())
    if now - last > idle:
        _signed_out_idle(account["email"])
        return None
    if not st.session_state.pop("refreshed_for_data", False):
        st.session_state["last_active"] = now
        token = st.session_state.get("session_token")
        # The store notes the use now and then, and says whether the session still stands (it ends when
        # the account is removed or gets a new password) and with which role.
        if token is not None and now - st.session_state["session_checked"] >= min(sessions.TOUCH_EVERY, idle / 4):
            account = _checked(token, account["email"], now)
    return account


def _resumed(now: dt.datetime) -> dict | None:
    """The account of the browser's session cookie: a reload or a new tab goes on where it was."""
    token = st.context.cookies.get(sessions.COOKIE)
    # (outside a browser, as under AppTest, there are no cookies to read)
    if not isinstance(token, str) or not token or st.session_state.get("cookie_refused") == token:
        return None
    try:
        account = data.resumed(token)
    except sessions.Idle as idle:
        data.signed_out(str(idle), "idle")
        st.session_state["signed_out_idle"] = True
        account = None
    if account is None:
        st.session_state["cookie_refused"] = token
        return None
    st.session_state.update(user=account, session_token=token, session_checked=now)
    return account


def _checked(token: str, email: str, now: dt.datetime) -> dict | None:
    account = data.session_in_use(token)
    if account is None:
        data.signed_out(email, "session ended", token)
        st.session_state.clear()
        st.session_state["cookie_to_take_back"] = secrets.token_hex(4)
        return None
    st.session_state.update(user=account, session_checked=now)
    return account


def _signed_out_idle(email: str) -> None:
    data.signed_out(email, "idle", st.session_state.get("session_token"))
    st.session_state.clear()
    st.session_state["signed_out_idle"] = True
    _forget_identity()


def session_cookie() -> None:
    """Hands the browser its session cookie after a password sign-in, and takes it back after signing
    out; nothing to do on other runs."""
    if "cookie_to_give" in st.session_state:
        method, token = "POST", st.session_state["cookie_to_give"]
    elif "cookie_to_take_back" in st.session_state:
        method, token = "DELETE", st.session_state["cookie_to_take_back"]
    else:
        return
    _COOKIE(data={"path": sessions.PATH, "method": method, "token": token if method == "POST" else None,
                  "nonce": f"{method}{token[:8]}"},
            key="session_cookie", on_answered_change=_cookie_answered, width="content", height="content")


def _cookie_answered() -> None:
    st.session_state.pop("cookie_to_give", None)
    st.session_state.pop("cookie_to_take_back", None)


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
    """Whoever the identity provider signed in (st.user), as the account with that email, in the session
    that sign-in began; a cookie whose session is over is refused, then signed out of the provider."""
    if not st.user.get("is_logged_in") or "identity_refused" in st.session_state:
        return None
    name = str(st.user.get("provider") or "default")
    try:
        provider = identity_providers().get(name, name)
    except ValueError:
        # A setup that is not right (a guessable cookie secret above all) signs nobody in: its cookie
        # may have been forged. The sign-in page says what is wrong.
        return None
    secret = str(st.secrets["auth"]["cookie_secret"])
    idle = dt.timedelta(minutes=data.idle_minutes())
    try:
        with store.opened() as conn, store.recording(conn):
            account, token = accounts.identity_session(conn, st.user.to_dict(), provider, secret, now, idle)
    except accounts.IdentityExpired:
        return None
    except sessions.Idle as unused:
        data.signed_out(str(unused), "idle")
        _refuse(provider, f"you were signed out after {data.idle_minutes()} minutes without activity", now,
                then="so you can sign in again")
        return None
    except accounts.SessionOver as over:
        _refuse(provider, str(over), now, then="so you can sign in again")
        return None
    except SignInRefused as refused:
        _refuse(provider, str(refused), now)
        return None
    st.session_state.update(user=account, session_token=token, session_checked=now)
    return account


def _refuse(provider: str, message: str, now: dt.datetime, then: str = "so you can sign in with another account"
            ) -> None:
    st.session_state["identity_refused"] = {"provider": provider, "message": message, "then": then, "at": now}


def _forget_identity() -> None:
    """Clear the provider's cookie, or the next session would sign in with it again."""
    if st.user.get("is_logged_in"):
        st.logout()


def _refused(refused: dict) -> None:
    """Why the identity was refused; then out of the provider, so another account can be chosen there."""
    message = formatting.plain(refused["message"])  # it can quote what the provider says
    st.error(f"{message[:1].upper()}{message[1:]}. You will be signed out of {refused['provider']} in a few "
             f"seconds, {refused['then']}.", icon=":material/lock:")
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
        _logged(str(wrong))
        st.error(f"Sign-in through an identity provider is off until it is set up right: {wrong}. Signing in "
                 "with a password still works.", icon=":material/error:")
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
                account, token = data.sign_in(email, password, _client_address())
                st.session_state.update(user=account, session_token=token, cookie_to_give=token,
                                        session_checked=dt.datetime.now())
                st.rerun()
            except SignInRefused as refused:
                st.error(formatting.plain(str(refused).capitalize() + "."), icon=":material/lock:")
    if data.demo_mode():
        st.info("This is the sample database. Demo accounts, all with the password "
                f"`{DEMO_PASSWORD}`: " + ", ".join(f"`{email}` ({role})" for email, role in DEMO_ACCOUNTS.items()),
                icon=":material/info:")


@cache
def _logged(problem: str) -> None:
    """Once per problem: the server log says it too, for whoever runs the dashboard (dashboard/server.py
    says it when starting)."""
    logging.getLogger("bynames").error("Sign-in through an identity provider is off: %s.", problem)


def _client_address() -> str | None:
    """None on localhost and behind a proxy on the same machine (then only the email is throttled), and
    outside a browser, as under AppTest."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def sign_out() -> None:
    data.signed_out(who(), token=st.session_state.get("session_token"))
    st.session_state.clear()
    st.session_state["cookie_to_take_back"] = secrets.token_hex(4)  # tells this sign-out from the last
    _forget_identity()
