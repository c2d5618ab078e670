"""What a page says before its program has a list: where to load one, instead of zeros and arrows."""

import streamlit as st

from dashboard import signin


def stop_if_empty(fresh: dict, program) -> None:
    """Stop the page with a pointer to the Uploads page when nothing of `program` is loaded yet."""
    if fresh["as_of"] is not None:
        return
    account = signin.user() or {}
    can_load = "uploads" in signin.PAGES_BY_ROLE.get(account.get("role"), ())
    words = program.word("list")
    st.info(f"No {words} is loaded for {program.label} yet, so there is nothing to show here. "
            + ("Load one on the Uploads page, or on the command line with “bynames ingest”." if can_load
               else "A data lead loads it; this page fills in once they have."), icon=":material/info:")
    if can_load:
        st.page_link("views/uploads.py", label="Go to Uploads", icon=":material/upload_file:")
    st.stop()
