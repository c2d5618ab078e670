"""Uploads: check an extract before anything is written, load it, and keep the history."""

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, signin
from pipelines.programs import PROGRAMS
from pipelines.report import ERROR

program = data.program()
version = live.shown_version()
st.title("Uploads")

st.subheader(f"Load an extract: {program.label}")
kind = "An Early Intervention referral extract" if program.has_milestones() else "A by-name list"
upload = st.file_uploader(f"{kind}, as CSV or Excel (choose the program in the sidebar)", type=["csv", "xlsx"],
                          key="extract")


def findings_table(report) -> pl.DataFrame:
    return pl.DataFrame(
        [{"Severity": f.severity.capitalize(), "Row": f.row, "Column": f.column, "Value": f.value,
          "Problem": f.message, "Rule": f.rule} for f in report.errors + report.warnings],
        schema={"Severity": pl.String, "Row": pl.Int64, "Column": pl.String, "Value": pl.String,
                "Problem": pl.String, "Rule": pl.String},
    )


if upload is not None:
    content = upload.getvalue()
    records, report = data.check(content, upload.name, program.name)
    if records is None:
        st.error(f"**{upload.name} cannot be loaded.** {len(report.errors):,} problem(s) must be fixed in the "
                 "file first; nothing has been written.", icon=":material/block:")
        st.dataframe(findings_table(report), hide_index=True, width="stretch", key="errors")
    else:
        if report.warnings:
            st.warning(f"**{upload.name}: {records.height:,} rows, {len(report.warnings):,} warning(s).** They "
                       "do not stop the upload; read them, then load.", icon=":material/warning:")
            st.dataframe(findings_table(report), hide_index=True, width="stretch", key="warnings")
        else:
            st.info(f"**{upload.name}: {records.height:,} rows, no problems found.**", icon=":material/check:")
        if st.button(f"Load {records.height:,} rows", type="primary", key="load"):
            with st.status(f"Loading {upload.name}…", expanded=True) as status:
                result = data.ingest(content, upload.name, signin.who(), progress=st.write, program=program.name)
                status.update(label=result.message, state="complete" if result.status != ERROR else "error")
            if result.status == "loaded":
                st.success(f"{result.message}. The figures on every page now include it.", icon=":material/done:")
            else:
                st.info(result.message)
            live.current_version()

with st.expander("Reference population (for the equity page)"):
    reference = data.reference(live.current_version())
    if reference.is_empty():
        st.caption("None loaded yet: the equity page compares groups with everyone else only.")
    else:
        first = reference.row(0, named=True)
        st.caption(f"{first['file_name']}, loaded by {first['loaded_by']} on "
                   f"{formatting.day(first['loaded_at'].date())}: {reference.height:,} rows.")
    table = st.file_uploader("A CSV of geography, group, population, poverty_population, children_under_3",
                             type=["csv"], key="reference_file")
    if table is not None and st.button(f"Check and load {table.name}", key="load_reference"):
        result = data.load_reference(table.getvalue(), table.name, signin.who())
        if result.status == "loaded":
            st.success(result.message, icon=":material/done:")
            live.current_version()
        else:
            st.error(result.message, icon=":material/block:")
            st.dataframe(findings_table(result.report), hide_index=True, width="stretch", key="reference_errors")

st.subheader("History")
history = data.uploads(live.current_version())
if history.is_empty():
    st.caption("Nothing loaded yet.")
else:
    st.dataframe(
        history.select(
            pl.col("upload_id").alias("Upload"),
            pl.col("file_name").alias("File"),
            pl.col("program").replace_strict({name: p.label for name, p in PROGRAMS.items()},
                                             default=pl.col("program")).alias("Program"),
            pl.col("uploaded_at").dt.strftime("%a %-d %b %Y %H:%M").alias("Loaded"),
            pl.col("uploaded_by").alias("By"),
            pl.col("rows_read").alias("Rows"),
            pl.col("records_new").alias("New records"),
            pl.col("events_new").alias("New dates"),
            pl.col("warnings").alias("Warnings"),
            pl.col("status").str.to_titlecase().alias("Status"),
        ),
        hide_index=True, width="stretch", key="history",
        column_config={name: st.column_config.NumberColumn(format="localized")
                       for name in ("Rows", "New records", "New dates", "Warnings")},
    )
    loaded = history.filter(pl.col("status") == "loaded")
    if not loaded.is_empty():
        newest = loaded.row(0, named=True)

        def close_dialog() -> None:
            st.session_state.pop("rollback_asked", None)

        # The dialog stays open across reruns while the question is pending, until the data lead
        # answers or dismisses it.
        @st.dialog("Roll back an upload", on_dismiss=close_dialog)
        def confirm_rollback(upload: dict) -> None:
            st.markdown(f"Roll back upload {upload['upload_id']}, **{upload['file_name']}** "
                        f"({formatting.count(upload['rows_read'])} rows)? Every fact it added is removed and "
                        "the figures go back to what they were before it. This cannot be undone, but the "
                        "file can be loaded again.")
            yes, no = st.columns(2)
            if yes.button("Roll back", type="primary", key="confirm_rollback"):
                st.session_state["rolled_back"] = data.rollback(upload["upload_id"], signin.who())
                live.current_version()
                close_dialog()
                st.rerun()
            if no.button("Keep it", key="keep_upload"):
                close_dialog()
                st.rerun()

        st.caption("Uploads are rolled back newest first.")
        if st.button(f"Roll back upload {newest['upload_id']} ({newest['file_name']})…", key="rollback"):
            st.session_state["rollback_asked"] = newest["upload_id"]
        if st.session_state.get("rollback_asked") == newest["upload_id"]:
            confirm_rollback(newest)
    if "rolled_back" in st.session_state:
        st.success(st.session_state.pop("rolled_back").capitalize(), icon=":material/undo:")
