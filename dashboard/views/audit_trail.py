"""The audit trail: who changed what, who looked at whose record, what was exported."""

import polars as pl
import streamlit as st

from dashboard import data, live

st.title("Audit trail")
left, right = st.columns(2)
who = left.text_input("Done by", key="audit_who", placeholder="anyone").strip() or None
subject = right.text_input("About (a Client ID, 'upload 3', a file name)", key="audit_subject",
                           placeholder="anything").strip() or None
lines = data.audit_lines(live.shown_version(), who, subject)
if lines.is_empty():
    st.caption("Nothing recorded that matches.")
else:
    st.dataframe(
        lines.select(
            pl.col("happened_at").dt.strftime("%a %-d %b %Y %H:%M:%S").alias("When"),
            pl.col("who").alias("Who"),
            # `--who` given on the command line, beside the login name that ran it
            *([pl.col("on_behalf_of").alias("On behalf of")] if lines["on_behalf_of"].is_not_null().any() else []),
            pl.col("action").str.to_titlecase().alias("What"),
            pl.col("subject").alias("About"), pl.col("detail").alias("Detail"),
        ),
        hide_index=True, width="stretch", key="audit_table",
    )
    st.caption(f"{lines.height:,} lines, newest first. On the command line, “bynames audit” exports them "
               "as CSV.")
