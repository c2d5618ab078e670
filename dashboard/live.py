"""Every open page notices new data (an upload from the CLI or another browser, a plan saved in
another meeting room) and refreshes itself, without the user reloading. While another process (an
upload from the CLI) holds the database, pages show what they have and wait, saying so, for the rest."""

from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

from dashboard import data, failures, formatting
from pipelines import store

CHECK_EVERY = "5s"
# Long enough to tell a held file from two pages opening it at the same instant.
QUICK_LOOK_SECONDS = 1.0
# Shorter waits pass without a word (two pages opening the file at once).
SAY_AFTER_SECONDS = 0.5
WAITING = "An upload is being written to the database; this page will show in a moment."


def current_version() -> tuple:
    """Read the data version afresh: at the start of every full run, and after this page wrote. While
    an upload holds the database, the version this session last read stands in: the page then shows
    what it read for it (cached) at once, and the watch below refreshes it once the upload is in."""
    try:
        version = data.version(wait=QUICK_LOOK_SECONDS)
    except store.StillHeld:
        version = st.session_state.get("data_version") or data.version()
    st.session_state["data_version"] = version
    return version


def _outside_cache(draw, *args, **kwargs) -> None:
    """Draw as if outside any cached function: a cached function may be the one waiting, and Streamlit
    would record the notice as part of its result, to show again with every later use of it (and fail
    to, as the notice's place is not the function's)."""
    token = in_cached_function.set(False)
    try:
        draw(*args, **kwargs)
    finally:
        in_cached_function.reset(token)


@contextmanager
def waiting_said():
    """While in this block, a page that waits for the database says so at the top of the page."""
    notice = st.empty()
    shown = []

    def tell(waited: float | None) -> None:
        if waited is None:
            if shown:
                _outside_cache(notice.empty)
                shown.clear()
            return
        if waited < SAY_AFTER_SECONDS or (shown and int(waited) == shown[-1]):
            return
        # Drawn again each second, which also lets a click elsewhere interrupt the wait.
        _outside_cache(notice.info, f"{WAITING} (waiting {int(waited)} s)", icon=":material/hourglass_top:")
        shown.append(int(waited))

    with store.waiting_with(tell):
        yield


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
    version, so it never reruns itself here (which would swallow the click that started it). While an
    upload holds the database, it looks again next time rather than wait."""
    with failures.shown():
        rerun_if_changed()


def rerun_if_changed() -> None:
    try:
        now = data.version(wait=QUICK_LOOK_SECONDS)
    except store.StillHeld:
        return
    if now != st.session_state.get("data_version"):
        # A click that came while the version was read (another page chosen in the sidebar) goes first:
        # it is a full run, which shows the new data anyway. Asked for after it, this rerun would be
        # folded into it with the page this run belongs to, and the click would be lost, sending the user
        # back to the page they left. Any Streamlit call is where a run gives way to a pending request;
        # this one draws nothing.
        st.empty()
        st.session_state["refreshed_for_data"] = True  # not the user's doing: idle time goes on
        st.rerun(scope="app")
