"""This week's case conference: the agenda, section by section, and each person's panel."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, nothing_loaded, person_panel, selection, signin
from pipelines import agenda, clocks
from pipelines.active_list import display_name
from pipelines.agenda import last_meeting
from pipelines.early_intervention.referrals import EXIT_REASONS

SHORT = 5  # per section until "show all": the meeting has an hour, not a day

program = data.program()
version = live.shown_version()
fresh = data.freshness(version, program.name)
list_date = fresh["as_of"] or dt.date.today()

st.title("Case conference")
nothing_loaded.stop_if_empty(fresh, program)
meeting = st.date_input("Meeting on", value=list_date, format="YYYY-MM-DD", key="meeting", bind="query-params")
today = data.meeting(version, meeting, list_date, program.name)
sections, settings, policy = today.sections, today.settings, today.policy
shows_all = {key: st.session_state.get(f"all_{key}", False) for key in today.titles}
sizes = tuple((key, people.height if shows_all[key] else SHORT) for key, people in sections.items())
heads = data.agenda_heads(version, meeting, list_date, sizes, program.name)
rules = {
    "overdue": "a next step is past its due date when nothing has been recorded since it fell due",
    "no_contact": f"no contact means a plan with nothing recorded for {settings.no_contact_days} days",
    "stalled": f"stalled means a plan with no progress recorded for {settings.stalled_days} days, or matched to "
               f"housing {settings.matched_days}+ days ago and not moved in",
    "clock": f"the 45-day clock section has every child without an IFSP meeting {settings.clock_days} or fewer "
             "days before the clock runs out, and those past it",
    "transition": f"the transition section has children in their transition window whose conference is due "
                  f"within {settings.transition_days} days (90 days before the third birthday) or late",
}
explained = "; ".join(rule for key, rule in rules.items() if key in sections)
st.caption(f"Since the last meeting: {formatting.day(last_meeting(meeting, settings))} to "
           f"{formatting.day(meeting)}. {explained[:1].upper()}{explained[1:]}. Within each section, the list is in "
           "triage order.")
waiting = agenda.not_discussed(today)
if waiting:
    st.caption(f"{formatting.count(waiting)} of {formatting.count(today.ranked.height)} on the list have nothing "
               "recorded at a meeting yet. The list itself carries no contact dates, so they are in no section "
               "about contact or progress until a plan is recorded; the by-name list has them in triage order.")


pack_name = f"case-conference-{meeting:%Y-%m-%d}.pdf"
with st.container(horizontal=True, vertical_alignment="center"):
    everyone = st.checkbox("Add the whole list to the pack", key="pack_everyone",
                           help="The pack holds the agenda; this adds everyone on the list, in triage order.")
    st.download_button("Meeting pack (PDF)", lambda: data.meeting_pack(version, meeting, program.name, everyone),
                       type="primary", file_name=pack_name, mime="application/pdf",
                       icon=":material/picture_as_pdf:", key="pack",
                       on_click=lambda: data.exported(signin.who(), "meeting pack", pack_name))
with st.container(horizontal=True):
    for key, title in today.titles.items():
        st.metric(title.split(":")[0], formatting.count(sections[key].height), border=True)

# The panel sits beside the agenda, where the click was, not under every section.
left, right = st.columns([3, 2], gap="medium")
chosen = None
for key, title in today.titles.items():
    people = sections[key]
    left.subheader(f"{title} ({people.height:,})")
    if people.is_empty():
        left.caption("Nobody.")
        continue
    shown = heads[key]
    if key == "housed":
        with left:
            row = selection.picked_row(shown.select(
                display_name().alias("Name"),
                pl.col("exit_date").map_elements(formatting.day, return_dtype=pl.String)
                .alias(program.word("exit_day")),
                (pl.col("exit_reason").replace_strict(EXIT_REASONS, default=None, return_dtype=pl.String).alias("Why")
                 if program.has_milestones() else pl.col("household_type").alias("Household")),
                pl.col("contact_worker").alias(program.word("contact")),
            ), f"agenda_{key}", shown["record_id"], hide_index=True, width="stretch",
                on_select=lambda key=key: st.session_state.update(agenda_focus=key))
        if row is not None and (chosen is None or st.session_state.get("agenda_focus") == key):
            chosen = shown.with_columns(display_name()).row(row, named=True)
    else:
        columns = [pl.col("rank").alias("Rank"), pl.col("name").alias("Name"),
                   pl.col("next_step").fill_null("").alias("Next step"), pl.col("owner").fill_null("").alias("Owner"),
                   pl.col("due_date").map_elements(formatting.day, return_dtype=pl.String).fill_null("").alias("Due")]
        if key in ("clock", "transition"):
            columns.append(clocks.described()[0 if key == "clock" else 1])
        if key == "stalled":
            columns.append(pl.col("why_stalled").alias("Stalled because"))
        if key in ("no_contact", "overdue"):
            columns.append(pl.col("last_activity").map_elements(formatting.day, return_dtype=pl.String)
                           .alias("Last recorded"))
        with left:
            row = selection.picked_row(shown.select(columns), f"agenda_{key}", shown["record_id"], hide_index=True,
                                       width="stretch",
                                       on_select=lambda key=key: st.session_state.update(agenda_focus=key))
        # The panel shows the person picked last, whichever section they were picked in.
        if row is not None and (chosen is None or st.session_state.get("agenda_focus") == key):
            chosen = shown.row(row, named=True)
    if people.height > SHORT:
        left.toggle(f"Show all {people.height:,}", key=f"all_{key}")

with right:
    if chosen is not None and "rank" not in chosen:  # housed: off the list, with what the meeting decided
        with st.container(border=True, key=f"person-{chosen['client_id']}"):
            st.subheader(formatting.plain(chosen["name"]))
            st.caption(f"{program.word('exit_day')} {formatting.day(chosen['exit_date'])}.")
            person_panel.decisions(chosen["person_id"], chosen["name"], "agenda")
    elif chosen is not None:
        with st.container(border=True, key=f"person-{chosen['client_id']}"):
            person_panel.show(chosen, chosen["name"], policy, version, key="agenda")
    else:
        st.info("Select someone in any section to open their panel here and record the meeting's decisions.",
                icon=":material/touch_app:")
