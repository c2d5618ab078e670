"""Signing in and out, and which pages each role may open. Pages outside a role are never offered
to it, so their addresses lead nowhere for that role."""

import datetime as dt

import streamlit as st

from dashboard import data
from pipelines.accounts import ADMIN, CASE_TEAM, DATA_LEAD, DEMO_ACCOUNTS, DEMO_PASSWORD, FUNDER, SignInRefused

# Funders see trends only: pages built from counts, never from people.
PAGES_BY_ROLE = {
    FUNDER: ("flow", "monthly_figures", "equity"),
    CASE_TEAM: ("flow", "by_name_list", "agenda", "monthly_figures", "equity"),
    DATA_LEAD: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings"),
    ADMIN: ("flow", "by_name_list", "agenda", "monthly_figures", "equity", "uploads", "settings", "audit_trail",
            "users"),
}


def user(now: dt.datetime | None = None) -> dict | None:
    """The signed-in account, unless the session has been idle too long (then it must sign in again)."""
    now = now or dt.datetime.now()
    account = st.session_state.get("user")
    if account is None:
        return None
    last = st.session_state.get("last_active", now)
    if now - last > dt.timedelta(minutes=data.idle_minutes()):
        data.signed_out(account["email"], "idle")
        st.session_state.clear()
        st.session_state["signed_out_idle"] = True
        return None
    if not st.session_state.pop("refreshed_for_data", False):
        st.session_state["last_active"] = now
    return account


def sees_people() -> bool:
    """Funders see trends only: their figures come with small counts hidden."""
    return st.session_state["user"]["role"] != FUNDER


def who() -> str:
    """The signed-in person's email: the name on everything they record."""
    return st.session_state["user"]["email"]


def form() -> None:
    """The sign-in page."""
    st.title("Sign in")
    if st.session_state.pop("signed_out_idle", False):
        st.info(f"You were signed out after {data.idle_minutes()} minutes without activity.",
                icon=":material/timer_off:")
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
