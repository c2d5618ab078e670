"""Every open page notices new data (an upload from the CLI or another browser, a plan saved in
another meeting room) and refreshes itself, without the user reloading."""

import streamlit as st

from dashboard import data, formatting

CHECK_EVERY = "5s"


def current_version() -> tuple:
    """Read the data version afresh: at the start of every full run, and after this page wrote."""
    st.session_state["data_version"] = data.version()
    return st.session_state["data_version"]


def wrote(message: str) -> None:
    """After this page wrote: redraw the whole page on the new data (the agenda, the list and the
    figures drawn above the form would otherwise show it only on the next visit), and say `message`
    once at its top."""
    st.session_state["wrote"] = message
    current_version()
    st.rerun(scope="app")


def say_what_was_written() -> None:
    message = st.session_state.pop("wrote", None)
    if message:  # it names people and their decisions: text, never Markdown
        st.success(formatting.plain(message), icon=":material/done:")


def shown_version() -> tuple:
    """The data version this run shows (app.py read it when the run began)."""
    return st.session_state["data_version"]


@st.fragment(run_every=CHECK_EVERY)
def watch() -> None:
    """Between runs, rerun the whole app when the data changed. A full run has just read the
    version, so it never reruns itself here (which would swallow the click that started it)."""
    if data.version() != st.session_state.get("data_version"):
        st.session_state["refreshed_for_data"] = True  # not the user's doing: idle time goes on
        st.rerun(scope="app")
