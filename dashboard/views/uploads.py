"""Uploads: check an extract before anything is written, load it, and keep the history."""

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, selection, signin
from pipelines.programs import PROGRAMS
from pipelines.report import ERROR

program = data.program()
version = live.shown_version()
st.title("Uploads")

st.subheader(f"Load an extract: {program.label}")
kind = "An Early Intervention referral extract" if program.has_milestones() else "A by-name list"
# Homelessness lists also come as HUD's HMIS CSV export, a zip.
hmis, types = ("", ["csv", "xlsx"]) if program.has_milestones() else (", or an HMIS CSV export as a zip",
                                                                      ["csv", "xlsx", "zip"])
upload = st.file_uploader(f"{kind}, as CSV or Excel{hmis}. Choose the program in the sidebar.", type=types,
                          key="extract")
source = st.text_input("Where it comes from", key="source",
                       placeholder="e.g. County HMIS (leave empty for the community's own by-name list)",
                       help="When people arrive from several systems, their IDs are one person within a system "
                            "only; people of different systems are matched by name, date of birth and SSN.")


def show_findings(report, key: str) -> None:
    """The findings grouped by check, with how many rows each and the first of them; each check opens
    to every row it found."""
    checks = report.by_check()
    st.dataframe(pl.DataFrame([{
        "Severity": c["severity"].capitalize(), "Check": c["check"], "Rows": c["count"],
        "First rows": ", ".join(map(str, c["first_rows"])) + (" …" if c["count"] > len(c["first_rows"]) else ""),
        "Example": c["example"]} for c in checks],
        schema={"Severity": pl.String, "Check": pl.String, "Rows": pl.Int64, "First rows": pl.String,
                "Example": pl.String}), hide_index=True, width="stretch", key=key)
    for c in checks:
        with st.expander(f"{c['check']}: {c['count']:,} row{'s' if c['count'] != 1 else ''}"):
            st.dataframe(pl.DataFrame(
                [{"Row": f.row, "Column": f.column or "", "Value": f.value or "", "Problem": f.message}
                 for f in c["findings"]],
                schema={"Row": pl.Int64, "Column": pl.String, "Value": pl.String, "Problem": pl.String}),
                hide_index=True, width="stretch", key=f"{key}_{c['rule']}")


ALL_CONTINUUMS = "All of them, as one list"


def quality_table(report) -> pl.DataFrame:
    """Numbers before words, so they stay on screen beside the project however narrow the page."""
    return pl.DataFrame(report.quality, schema={"project": pl.String, "kind": pl.String, "check": pl.String,
                                                "count": pl.Int64, "of": pl.Int64}).select(
        pl.col("project").alias("Project"), pl.col("count").alias("Failing"), pl.col("of").alias("Of"),
        (pl.col("count") * 100 / pl.col("of")).round(0).alias("Share"), pl.col("check").alias("Check"),
        pl.col("kind").alias("Kind"))


if upload is not None:
    content = upload.getvalue()
    shown_name = formatting.plain(upload.name)  # a file's name is the sender's text: never Markdown
    records, report = data.check(content, upload.name, program.name)
    coc = None
    if len(report.continuums) > 1:
        found = report.continuums
        chosen = st.selectbox(
            "Continuum of Care", [ALL_CONTINUUMS, *found], key="coc",
            format_func=lambda c: c if c == ALL_CONTINUUMS else f"{c} ({found[c]:,} enrollments)",
            help="This export holds several Continuums of Care. Each one's list is its own enrollments: a person's "
                 "stays in another Continuum are left out.")
        if chosen != ALL_CONTINUUMS:
            coc = chosen
            records, report = data.check(content, upload.name, program.name, coc)
    repeat = data.already_loaded(content, upload.name, program.name, coc, report.content)
    if repeat:
        st.info(f"{formatting.plain(repeat)}.", icon=":material/content_copy:")
    elif records is None:
        st.error(f"**{shown_name} cannot be loaded.** {len(report.errors):,} problem(s) must be fixed in the "
                 "file first; nothing has been written.", icon=":material/block:")
        show_findings(report, "errors")
    else:
        if report.warnings:
            st.warning(f"**{shown_name}: {records.height:,} rows, {len(report.warnings):,} warning(s).** They "
                       "do not stop the upload; read them, then load.", icon=":material/warning:")
            show_findings(report, "warnings")
        else:
            st.info(f"**{shown_name}: {records.height:,} rows, no problems found.**", icon=":material/check:")
        if report.quality:
            projects = len({q["project"] for q in report.quality})
            with st.expander(f"Data quality by project: {projects:,} project{'s' if projects != 1 else ''} to look at",
                             icon=":material/fact_check:"):
                st.caption("HUD's completeness checks that bear on the list, counted per enrollment, the project with "
                           "the largest share failing first. They do not stop the upload; they say which projects to "
                           "call.")
                st.dataframe(quality_table(report), hide_index=True, width="stretch", key="quality",
                             column_config={"Share": st.column_config.NumberColumn(format="%.0f%%", width="small"),
                                            "Failing": st.column_config.NumberColumn(width="small"),
                                            "Of": st.column_config.NumberColumn(width="small")})
        if st.button(f"Load {records.height:,} rows", type="primary", key="load"):
            with st.status(f"Loading {shown_name}…", expanded=True) as status:
                result = data.ingest(content, upload.name, signin.who(), progress=st.write, program=program.name,
                                     source=source.strip(), coc=coc, checked=(records, report))
                said = formatting.plain(result.message)
                status.update(label=f"Loading {shown_name}: done" if result.status == "loaded" else said,
                              state="complete" if result.status != ERROR else "error", expanded=False)
            if result.status == "loaded":
                st.success(f"{said}. The figures on every page now include it.", icon=":material/done:")
            else:
                st.info(said)
            live.current_version()

st.subheader("Possible matches")
pending = data.pairs(live.current_version(), program.name, "pending")
if pending.is_empty():
    st.caption("No pair of people from different sources is waiting for a decision. Pairs that agree on two of "
               "name, date of birth and SSN are linked without asking.")
else:
    st.caption("These people from different sources may be the same person: the names sound alike, or a date of "
               "birth or an SSN is one swap of two digits away. Linked people count once in every figure; "
               "nothing is merged, and a link can be undone. A rejected pair is never offered again.")
    queue = st.dataframe(pending.select(
        pl.col("link_id").alias("Pair"),
        (pl.col("source_a").replace("", "list") + ": " + pl.col("client_id_a")).alias("One"),
        pl.concat_str("first_a", "last_a", separator=" ", ignore_nulls=True).alias("Name"),
        pl.col("birth_date_a").alias("Born"),
        (pl.col("source_b").replace("", "list") + ": " + pl.col("client_id_b")).alias("The other"),
        pl.concat_str("first_b", "last_b", separator=" ", ignore_nulls=True).alias("Their name"),
        pl.col("birth_date_b").alias("Born "),
        pl.col("method").alias("What agrees"),
    ), hide_index=True, width="stretch", key="matches", on_select="rerun", selection_mode="single-row")
    chosen = queue.selection.rows if queue else []
    if chosen:
        pair = pending.row(chosen[0], named=True)
        same, different = st.columns(2)
        decision = None
        if same.button(f"Same person: link pair {pair['link_id']}", type="primary", key="accept_pair"):
            decision = "accept"
        if different.button(f"Different people: reject pair {pair['link_id']}", key="reject_pair"):
            decision = "reject"
        if decision:
            st.session_state["pair_decided"] = data.decide_pair(pair["link_id"], decision, signin.who())
            live.current_version()
            st.rerun()  # the queue is drawn again without the pair
if "pair_decided" in st.session_state:
    st.success(st.session_state.pop("pair_decided").capitalize() + ".", icon=":material/done:")

with st.expander("Reference population (for the equity page)"):
    reference = data.reference(live.current_version())
    if reference.is_empty():
        st.caption("None loaded yet: the equity page compares groups with everyone else only.")
    else:
        first = reference.row(0, named=True)
        st.caption(f"{formatting.plain(first['file_name'])}, loaded by {formatting.plain(first['loaded_by'])} on "
                   f"{formatting.day(first['loaded_at'].date())}: {reference.height:,} rows.")
    table = st.file_uploader("A CSV of geography, group, population, poverty_population, children_under_3, "
                             "children_under_1", type=["csv"], key="reference_file")
    if table is not None and st.button(f"Check and load {formatting.plain(table.name)}", key="load_reference"):
        result = data.load_reference(table.getvalue(), table.name, signin.who())
        if result.status == "loaded":
            st.success(formatting.plain(result.message), icon=":material/done:")
            live.current_version()
        else:
            st.error(formatting.plain(result.message), icon=":material/block:")
            show_findings(result.report, "reference_errors")

st.subheader("History")
history = data.uploads(live.current_version())
if history.is_empty():
    st.caption("Nothing loaded yet.")
else:
    st.caption("Select an upload to read the report it was loaded with.")
    picked = selection.picked_row(
        history.select(
            pl.col("upload_id").alias("Upload"),
            pl.col("file_name").alias("File"),
            pl.col("program").replace_strict({name: p.label for name, p in PROGRAMS.items()},
                                             default=pl.col("program")).alias("Program"),
            pl.col("uploaded_at").dt.strftime("%a %-d %b %Y %H:%M").alias("Loaded"),
            pl.concat_str(pl.col("uploaded_by"), pl.lit(" on behalf of "), pl.col("on_behalf_of"))
            .fill_null(pl.col("uploaded_by")).alias("By"),
            pl.col("rows_read").alias("Rows"),
            pl.col("records_new").alias("New records"),
            pl.col("events_new").alias("New dates"),
            pl.col("warnings").alias("Warnings"),
            pl.col("status").str.to_titlecase().alias("Status"),
        ),
        "history", history["upload_id"], hide_index=True, width="stretch",
        column_config={name: st.column_config.NumberColumn(format="localized")
                       for name in ("Rows", "New records", "New dates", "Warnings")},
    )
    if picked is not None:
        upload = history.row(picked, named=True)
        past = data.upload_report(upload["upload_id"])
        with st.container(border=True):
            st.markdown(f"**Upload {upload['upload_id']}: {formatting.plain(upload['file_name'])}**")
            if past is None or not past.findings:
                st.caption("It was loaded with no problems found.")
            else:
                show_findings(past, f"past_{upload['upload_id']}")
            if past is not None and past.quality:
                st.dataframe(quality_table(past), hide_index=True, width="stretch", key=f"past_quality_{picked}")
    # A data lead undoes the files of the program they are working on; meeting decisions are undone
    # from each person's history.
    loaded = history.filter((pl.col("status") == "loaded") & (pl.col("program") == program.name))
    if not loaded.is_empty():
        newest = loaded.row(0, named=True)

        def close_dialog() -> None:
            st.session_state.pop("rollback_asked", None)

        # The dialog stays open across reruns while the question is pending, until the data lead
        # answers or dismisses it.
        @st.dialog("Roll back an upload", on_dismiss=close_dialog)
        def confirm_rollback(upload: dict) -> None:
            st.markdown(f"Roll back upload {upload['upload_id']}, **{formatting.plain(upload['file_name'])}** "
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

        st.caption(f"{program.label}'s uploads are rolled back newest first. Decisions recorded in meetings "
                   "stay; each is undone from the person's history.")
        if st.button(f"Roll back upload {newest['upload_id']}: {formatting.plain(newest['file_name'])}…",
                     key="rollback"):
            st.session_state["rollback_asked"] = newest["upload_id"]
        if st.session_state.get("rollback_asked") == newest["upload_id"]:
            confirm_rollback(newest)
    if "rolled_back" in st.session_state:
        st.success(formatting.plain(st.session_state.pop("rolled_back").capitalize()), icon=":material/undo:")
