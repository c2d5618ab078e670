"""Settings for data leads: the community's name, the triage policy, the agenda's thresholds and
the point-in-time count."""

import polars as pl
import streamlit as st

from dashboard import data, live
from pipelines import triage

version = live.shown_version()
values = data.settings(version)
st.title("Settings")

# No form: the direction controls follow the chosen sort keys as they are picked.
community = st.text_input("Community name", value=values["community_name"] or "")

st.subheader("Triage policy")
st.caption("The by-name list and the agenda are in this order. Choose the sort keys in order of importance; "
           "each can go high to low or low to high.")
current = triage.parse_policy(values["triage_policy"])
keys = st.multiselect("Sort by, in this order", list(triage.SORT_KEYS), default=[k for k, _ in current],
                      format_func=lambda k: triage.SORT_KEYS[k].capitalize(), key="policy_keys")
was_descending = dict(current)
direction_words = {"desc": "High to low, yes first, latest first", "asc": "Low to high, no first, earliest first"}
directions = {}
for key in keys:
    directions[key] = st.segmented_control(
        triage.SORT_KEYS[key].capitalize(), list(direction_words), format_func=direction_words.get,
        default="desc" if was_descending.get(key, True) else "asc", required=True, key=f"policy_{key}",
    )

st.subheader("Case conference agenda")
left, right = st.columns(2)
between = left.number_input("Days between meetings", 1, 60, values["days_between_meetings"])
no_contact = right.number_input("No contact: days with nothing recorded", 1, 365, values["agenda_no_contact_days"])
stalled = left.number_input("Stalled: days without recorded progress", 1, 365, values["agenda_stalled_days"])
matched = right.number_input("Stalled: days matched to housing without moving in", 1, 365,
                             values["agenda_matched_days"])

st.subheader("Functional zero")
pit = st.number_input("Individuals in the latest point-in-time count (for the chronic threshold)", 0, 10_000_000,
                      values["pit_count_individuals"] or 0)

if st.button("Save settings", type="primary", key="save_settings"):
    if not keys:
        st.error("The triage policy needs at least one sort key.")
    else:
        policy = [f"{key} {directions[key]}" for key in keys]
        data.save_settings(community_name=community.strip() or None, triage_policy=policy,
                           days_between_meetings=between, agenda_no_contact_days=no_contact,
                           agenda_stalled_days=stalled, agenda_matched_days=matched,
                           pit_count_individuals=pit or None)
        live.current_version()
        st.success(f"Saved. Triage order: {triage.describe(policy).lower()}.", icon=":material/done:")

version = live.shown_version()
ranked, policy = data.ranked_list(version, data.freshness(version)["as_of"])
if not ranked.is_empty():
    st.caption("The first five on the list now, and why:")
    top = data.named(version, ranked.head(5))
    st.dataframe(top.select(pl.col("rank").alias("Rank"), pl.col("client_id").alias("Client ID"),
                            triage.why(top, policy).alias("Why")), hide_index=True, width="stretch")
