"""What a browser sees when a page fails: a plain message and a reference, never a traceback. A
traceback names the server's files and libraries and may quote the data that broke the page; it goes
to the server log under the same reference, where the administrator finds it."""

from __future__ import annotations

import logging
import secrets
import sys
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner import RerunException, StopException

log = logging.getLogger("bynames.dashboard")
if not log.handlers:
    # Streamlit only configures its own loggers: without this the traceback would go to Python's
    # last-resort handler, without a time to find it by.
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

MESSAGE = ("Something went wrong on this page. The administrator can find what happened in the server log "
           "under reference {reference}.")


def report(exc: BaseException) -> bool:
    """Log `exc` with a new reference and show the reference on the page. Returns True, which tells
    Streamlit (st.App's on_script_error) that the page has said what it needs to."""
    reference = secrets.token_hex(4)
    log.error("page failed, reference %s", reference, exc_info=(type(exc), exc, exc.__traceback__))
    try:
        st.error(MESSAGE.format(reference=reference), icon=":material/error:")
    except Exception:  # outside a page run (a closed session), the log line is all there is to give
        log.exception("could not show reference %s on the page", reference)
    return True


@contextmanager
def shown():
    """Run a page (or a fragment) so that a failure shows as `report` says."""
    try:
        yield
    except (RerunException, StopException, FragmentHandledException):
        # st.rerun, st.stop and st.switch_page steer the run (these derive from BaseException today;
        # named so they pass through even if that changes); a fragment's failure is shown already.
        raise
    except Exception as exc:  # noqa: BLE001 -- the point: whatever a page raises, it reports
        report(exc)
