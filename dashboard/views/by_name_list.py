"""The by-name list in triage order: who the case conference goes through, and each person's story."""

import datetime as dt

import pandas as pd
import polars as pl
import streamlit as st

from dashboard import data, formatting, live, nothing_loaded, person_panel, selection
from pipelines import active_list, clocks, triage
from pipelines.active_list import NEW_DAYS, QUIET_DAYS

SHOWN_AT_MOST = 1000  # a meeting goes through a list, not a spreadsheet of every row

program = data.program()
version = live.shown_version()
fresh = data.freshness(version, program.name)
list_date = fresh["as_of"] or dt.date.today()
ranked, policy = data.ranked_list(version, list_date, program.name)

st.title("By-name list")
nothing_loaded.stop_if_empty(fresh, program)
st.caption(f"Everyone {program.word('on_list')} on {formatting.day(list_date)}, in triage order: "
           f"{triage.describe(policy).lower()}.")

populations = [p.name for p in program.populations]
controls = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
population = (controls[0].selectbox("Population", populations, key="list_population", bind="query-params")
              if len(populations) > 1 else populations[0])
new_only = controls[1].toggle(f"New in the last {NEW_DAYS} days", key="new", bind="query-params")
quiet_only = controls[2].toggle(f"Nothing recorded for {QUIET_DAYS}+ days", key="quiet", bind="query-params")
search = controls[3].text_input("Find a name or ID", key="find", placeholder="Name or ID")

matching = active_list.filtered(ranked, program, population, list_date, new_only, quiet_only)
# Names are fetched for the rows on screen, or for everyone matching when searching by name.
if search.strip():
    matching = active_list.found(data.named(version, matching), search)
    shown = matching.head(SHOWN_AT_MOST)
else:
    shown = data.named(version, matching.head(SHOWN_AT_MOST))
is_new = active_list.is_new(list_date)
first_entry = next(k.kind for k in program.event_kinds if k.counts_as == "identified")


if "days_left_45" in shown.columns:  # a referral list: its clocks instead of population flags
    about = clocks.described()
else:
    about = [pl.concat_list(
        pl.col("household_type"),
        pl.when(pl.col("veteran")).then(pl.lit("Veteran")),
        pl.when(pl.col("chronic")).then(pl.lit("Chronic")),
    ).list.drop_nulls().list.join(" · ").alias("Population"),
        # a triage key: without it the order can look wrong
        pl.col("assessment_score").alias("Score")]
table = shown.select(
    pl.col("rank").alias("Rank"),
    pl.col("name").alias("Name"),
    *about,
    pl.col("days_since_identification").alias(program.word("days_on_list")),
    pl.col("last_event").alias("Last event"),
    pl.col("last_event_date").map_elements(formatting.day, return_dtype=pl.String).alias("On"),
    pl.when(is_new & (pl.col("entry_kind") == first_entry)).then(pl.lit("New"))
    .when(is_new).then(pl.lit("Returned"))
    .otherwise(pl.lit("Active")).alias("Status"),
    pl.col("contact_worker").alias("Contact"),
)
more = (f" The first {SHOWN_AT_MOST:,} of {matching.height:,} are shown: filter or search to find others."
        if matching.height > SHOWN_AT_MOST else "")
st.markdown(f"**{matching.height:,}** of {ranked.height:,} match.{more} Rows in blue are new or returned "
            f"in the last {NEW_DAYS} days. Select a row to see that {program.word('person')}'s history.")
HIGHLIGHT = "background-color: #dbeafe; font-weight: 600"
styled = table.to_pandas().style.apply(
    lambda row: [HIGHLIGHT if row["Status"] in ("New", "Returned") else "" for _ in row], axis=1
).format(thousands=",").format(
    # scores are whole numbers or halves as assessments give them: 17, not 17.000000
    lambda score: "" if pd.isna(score) else f"{score:g}", subset=[c for c in ("Score",) if c in table.columns])
selected = selection.picked_row(styled, "list_table", shown["record_id"], hide_index=True, width="stretch",
                                height=460)
if selected is not None:
    person = shown.row(selected, named=True)
    with st.container(border=True, key=f"person-{person['client_id']}"):
        person_panel.show(person, person["name"], policy, version, key="list")
