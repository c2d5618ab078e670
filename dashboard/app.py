"""bynames: the entry page. Owns navigation, the chrome every page shares, and live updates."""

import datetime as dt
from pathlib import Path

import streamlit as st

from dashboard import data, failures, formatting, live, signin
from pipelines import accounts
from pipelines.programs import PROGRAMS

# The icon is the dashboard's own file: a Material icon would have every browser fetch it from Google.
st.set_page_config(page_title="bynames", page_icon=str(Path(__file__).with_name("favicon.svg")), layout="wide")

PAGES = {
    "flow": st.Page("views/flow.py", title="Flow", icon=":material/swap_vert:", default=True),
    "by_name_list": st.Page("views/by_name_list.py", title="By-name list", icon=":material/format_list_numbered:"),
    "agenda": st.Page("views/agenda.py", title="Case conference", icon=":material/groups:"),
    "monthly_figures": st.Page("views/monthly_figures.py", title="Monthly figures", icon=":material/table:"),
    "equity": st.Page("views/equity.py", title="Equity", icon=":material/balance:"),
    "uploads": st.Page("views/uploads.py", title="Uploads", icon=":material/upload_file:"),
    "settings": st.Page("views/settings.py", title="Settings", icon=":material/tune:"),
    "audit_trail": st.Page("views/audit_trail.py", title="Audit trail", icon=":material/history:"),
    "users": st.Page("views/users.py", title="Users", icon=":material/manage_accounts:"),
}

# Whatever fails shows as a plain message with a reference (the traceback goes to the server log), and
# a wait for the database (an upload from the CLI holds it) says so.
with failures.shown(), live.waiting_said():
    version = live.current_version()

    with st.sidebar:
        if len(PROGRAMS) > 1:
            # The program is in the address too (?program=early_intervention), so a shared link opens it.
            if "program" not in st.session_state and st.query_params.get("program") in PROGRAMS:
                st.session_state["program"] = st.query_params["program"]
            chosen = st.selectbox("Program", list(PROGRAMS), format_func=lambda name: PROGRAMS[name].label,
                                  key="program")
            if st.query_params.get("program") != chosen:
                st.query_params["program"] = chosen
        live.watch()
        signin.session_cookie()

    account = signin.user()
    if account is None:
        # Every page's address opens the sign-in form, so a shared link (with its filters) opens the page it
        # points to once signed in, instead of "Page not found".
        st.navigation([st.Page(signin.form, title="Sign in", icon=":material/login:", default=True),
                       *[st.Page(signin.form, title="Sign in", icon=":material/login:", url_path=name)
                         for name in PAGES if name != "flow"]], position="hidden").run()
    else:
        with st.sidebar:
            # Only someone signed in learns what is loaded.
            fresh = data.freshness(version, data.program().name)
            st.markdown(f"### {formatting.plain(fresh['community'])}")
            if fresh["last_upload"] is None:
                st.caption("No list loaded yet. Load one on the Uploads page, or on the command line with "
                           "“bynames ingest”.")
            else:
                # A funder gets no exact count, not even of records (a new community's may be under 11).
                records = (f", {formatting.count(fresh['records'])} records" if account["role"] != accounts.FUNDER
                           else "")
                st.caption(f"Last upload {formatting.ago(fresh['last_upload'], dt.datetime.now())}{records}. "
                           f"The list as of {formatting.day(fresh['as_of'])}.")
            st.caption(f"Signed in as {formatting.plain(account['email'])} ({account['role']}).")
            st.button("Sign out", on_click=signin.sign_out, key="sign_out", icon=":material/logout:")
        live.say_what_was_written()
        st.navigation([PAGES[name] for name in signin.PAGES_BY_ROLE[account["role"]]]).run()
