"""Every open page notices new data (an upload from the CLI or from another browser) and
refreshes itself, without the user reloading."""

import streamlit as st

from dashboard import data

CHECK_EVERY = "5s"


@st.fragment(run_every=CHECK_EVERY)
def watch() -> None:
    current = data.version()
    seen = st.session_state.setdefault("data_version", current)
    if current != seen:
        st.session_state["data_version"] = current
        st.rerun(scope="app")


def current_version() -> tuple:
    """The data version this run shows (and the one `watch` compares against)."""
    if "data_version" not in st.session_state:
        st.session_state["data_version"] = data.version()
    return st.session_state["data_version"]
