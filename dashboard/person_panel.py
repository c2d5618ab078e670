"""One person, as the case conference sees them: why they rank where they do, their plan, what
changed and when, and the forms to record the meeting's decisions."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, signin
from pipelines import loading, triage
from pipelines.case_conference import PlanConflict


def coordinated_entry(person: dict) -> str:
    """What coordinated entry knows of the person (from an HMIS export), in a sentence; empty if nothing."""
    parts = []
    if person.get("prioritized") is not None:
        placed = "on the prioritization list" if person["prioritized"] else "not on the prioritization list"
        parts.append(f"Coordinated entry: {placed} (assessed {formatting.day(person['assessed_on'])})")
    if person.get("referral"):
        parts.append(f"Latest referral: {formatting.plain(person['referral'])}")
    return ". ".join(parts) + ("." if parts else "")


def show(person: dict, name: str, policy: list[str], version: tuple, key: str) -> None:
    """`person` is a row of the ranked active list; `key` keeps two panels' widgets apart."""
    person_id = person["person_id"]
    seen = st.session_state.setdefault("people_viewed", set())
    if person_id not in seen:  # one trace per person and session, not one per redraw
        data.person_viewed(person_id, signin.who())
        seen.add(person_id)
    plan, history, records = data.plan(person_id)
    # The revision this panel opened: a save against it is refused if someone saved in between.
    opened = st.session_state.setdefault(f"{key}_opened_{person_id}", plan.revision)

    st.subheader(f"{formatting.plain(name)}, rank {person['rank']}")
    reason = triage.why(pl.DataFrame([person]), policy).item()
    decisive = triage.deciding_reason(person)
    ahead = f" puts them ahead of rank {person['rank'] + 1}" if decisive else ""
    st.markdown(f"**Why rank {person['rank']}:** {decisive + ahead + '. In full: ' if decisive else ''}{reason}.")
    program = data.program()
    st.caption(f"{program.word('id')} {formatting.plain(person['client_id'])}. {program.word('entered')} "
               f"{formatting.day(person['identified'])}; {person['days_since_identification']:,} days on the list.")
    about = formatting.about(person, program)
    if about:
        st.caption(about)
    entry = coordinated_entry(person)
    if entry:
        st.caption(entry)
    if plan.revision:
        match = f" · **Housing match:** {formatting.plain(plan.housing_match or 'None')}" if program.matches else ""
        st.markdown(f"**Next step:** {formatting.plain(plan.next_step or '–')} · **Owner:** "
                    f"{formatting.plain(plan.owner or '–')} · **Due:** {formatting.day(plan.due_date)}{match}")
        if plan.barriers:
            st.markdown("**Barriers:** " + formatting.plain(", ".join(plan.barriers)))

    # Keyed fields keep what was typed even when someone else's save changes the plan meanwhile: the
    # save is then refused with an explanation, instead of the form quietly resetting.
    field = f"{key}_{person_id}_{opened}"
    with st.form(f"{key}_plan_{person_id}"):
        st.markdown("**Record the meeting's decision**")
        left, right = st.columns(2)
        next_step = left.text_input("Next step", value=plan.next_step or "", key=f"{field}_step")
        owner = right.text_input(program.word("owner"), value=plan.owner or "", key=f"{field}_owner")
        due = left.date_input("Due", value=plan.due_date, format="YYYY-MM-DD", key=f"{field}_due")
        match = None
        if program.matches:
            match = right.selectbox("Housing match", program.matches, key=f"{field}_match",
                                    index=program.matches.index(plan.housing_match or program.matches[0]))
        # A barrier named before under another list of choices stays chosen.
        choices = list(dict.fromkeys([*program.barriers, *plan.barriers]))
        barriers = st.multiselect("Barriers", choices, default=list(plan.barriers), key=f"{field}_barriers")
        decision = st.text_input("Decision", value=plan.decision or "", key=f"{field}_decision")
        notes = st.text_area("Notes", value=plan.notes or "", height=80, key=f"{field}_notes")
        submitted = st.form_submit_button("Save", type="primary", key=f"{field}_save")
        if submitted:
            try:
                saved = data.save_plan(person_id, opened, signin.who(), next_step=next_step or None,
                                       owner=owner or None,
                                       due_date=due, barriers=barriers, housing_match=match,
                                       decision=decision or None, notes=notes or None)
                st.session_state[f"{key}_opened_{person_id}"] = saved.revision
            except PlanConflict as conflict:
                st.session_state.pop(f"{key}_opened_{person_id}", None)
                st.error(formatting.plain(conflict), icon=":material/sync_problem:")
            else:
                live.wrote(f"Saved the plan for {name} (revision {saved.revision}).")

    active = [r for r in records if r["active"]]
    # Someone on the list can leave it (or reach a step); someone off it can only come back.
    kinds = [kind for kind in program.meeting_records
             if (program.kind(kind).counts_as == "returned") != bool(active)]
    if kinds:
        with st.form(f"{key}_status_{person_id}"):
            st.markdown("**Record a change of status**")
            kind = st.selectbox("What happened", kinds, format_func=lambda name: program.kind(name).label)
            left, right = st.columns([2, 3])
            day = left.date_input("On", value=dt.date.today(), max_value=dt.date.today(), format="YYYY-MM-DD")
            reason = right.text_input("Reason or note", help="For a move to inactive: moved away, in an "
                                      "institution…" if "inactive" in kinds else None)
            if st.form_submit_button("Record"):
                record = (active or records)[0]
                described = data.record_status(record["record_id"], kind, day, signin.who(), reason or None)
                live.wrote(f"{described} for {name}. Every figure now includes it.")

    decisions(person_id, name, key)

    with st.expander("History: facts and plan changes"):
        facts = data.timeline(version, person_id)
        st.dataframe(
            facts.select(
                pl.col("day").map_elements(formatting.day, return_dtype=pl.String).alias("Date"),
                pl.col("what").alias("What"),
                (pl.lit("upload ") + pl.col("upload_id").cast(pl.String) + ": " + pl.col("file_name")).alias("From"),
                pl.col("uploaded_by").alias("Recorded by"),
            ),
            hide_index=True, width="stretch",
        )
        if history:
            st.dataframe(
                pl.DataFrame(history, infer_schema_length=None).select(
                    pl.col("revision").alias("Revision"),
                    pl.col("recorded_at").dt.strftime("%a %-d %b %Y %H:%M").alias("Saved"),
                    pl.col("recorded_by").alias("By"),
                    pl.col("next_step").alias("Next step"), pl.col("owner").alias("Owner"),
                    pl.col("housing_match").alias("Housing match"), pl.col("decision").alias("Decision"),
                ),
                hide_index=True, width="stretch",
            )


def decisions(person_id: int, name: str, key: str) -> None:
    """The status changes recorded in meetings for this person, each with its own Undo."""
    for decision in data.meeting_decisions(person_id):
        said, undo = st.columns([5, 1], vertical_alignment="center")
        on = formatting.day(decision["uploaded_at"].date())
        said.caption(f"{formatting.plain(decision['decision'])}, recorded by "
                     f"{formatting.plain(decision['uploaded_by'])} on {on}.")
        if undo.button("Undo", key=f"{key}_undo_{decision['upload_id']}", help="Remove the fact this decision added"):
            try:
                data.rollback(decision["upload_id"], signin.who())
            except loading.RollbackRefused as refused:
                st.error(f"Not undone: {formatting.plain(refused)}.", icon=":material/block:")
            else:
                live.wrote(f"Undone for {name}: {decision['decision']}.")
