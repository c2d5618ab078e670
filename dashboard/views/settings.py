"""Settings for data leads: the community's name, and the chosen program's triage policy, agenda
thresholds and other numbers."""

import polars as pl
import streamlit as st

from dashboard import data, live
from pipelines import triage

# Each number a program may have, with the words and the bounds the page offers for it.
NUMBERS = {
    "days_between_meetings": ("Case conference agenda", "Days between meetings", 1, 60),
    "agenda_no_contact_days": ("Case conference agenda", "No contact: days with nothing recorded", 1, 365),
    "agenda_stalled_days": ("Case conference agenda", "Stalled: days without recorded progress", 1, 365),
    "agenda_matched_days": ("Case conference agenda", "Stalled: days matched to housing without moving in", 1, 365),
    "agenda_clock_days": ("Case conference agenda", "45-day clock: days left that put a child on the agenda",
                          0, 45),
    "agenda_transition_days": ("Case conference agenda",
                               "Transition: days before the conference is due that put a child on the agenda",
                               0, 270),
    "timely_services_days": ("Timely services", "Days from the IFSP meeting within which services count as "
                             "timely (a state setting)", 1, 120),
    "pit_count_individuals": ("Functional zero", "Individuals in the latest point-in-time count (for the chronic "
                              "threshold)", 0, 10_000_000),
}

program = data.program()
version = live.shown_version()
values = data.settings(version, program.name)
st.title("Settings")
st.caption(f"For {program.label}; the community's name is shared by every program.")

# No form: the direction controls follow the chosen sort keys as they are picked.
community = st.text_input("Community name", value=values["community_name"] or "")

st.subheader("Triage policy")
st.caption("The by-name list and the agenda are in this order. Choose the sort keys in order of importance; "
           "each can go high to low or low to high.")
current = triage.parse_policy(values["triage_policy"])
keys = st.multiselect("Sort by, in this order", list(program.sort_keys), default=[k for k, _ in current],
                      format_func=lambda k: triage.SORT_KEYS[k].capitalize(), key="policy_keys")
was_descending = dict(current)
direction_words = {"desc": "High to low, yes first, latest first", "asc": "Low to high, no first, earliest first"}
directions = {}
for key in keys:
    directions[key] = st.segmented_control(
        triage.SORT_KEYS[key].capitalize(), list(direction_words), format_func=direction_words.get,
        default="desc" if was_descending.get(key, True) else "asc", required=True, key=f"policy_{key}",
    )

numbers = {}
heading = None
for name, (section, label, low, high) in NUMBERS.items():
    if name not in values:
        continue
    if section != heading:
        st.subheader(section)
        heading = section
    numbers[name] = st.number_input(label, low, high, values[name] or 0, key=f"setting_{name}")

if st.button("Save settings", type="primary", key="save_settings"):
    if not keys:
        st.error("The triage policy needs at least one sort key.")
    else:
        policy = [f"{key} {directions[key]}" for key in keys]
        # a point-in-time count of 0 means none was entered
        numbers = {name: (value or None) if name == "pit_count_individuals" else value
                   for name, value in numbers.items()}
        data.save_settings(program.name, community_name=community.strip() or None, triage_policy=policy,
                           **numbers)
        live.current_version()
        st.success(f"Saved. Triage order: {triage.describe(policy).lower()}.", icon=":material/done:")

version = live.shown_version()
list_date = data.freshness(version, program.name)["as_of"]
ranked, policy = data.ranked_list(version, list_date, program.name) if list_date else (None, None)
if ranked is not None and not ranked.is_empty():
    st.caption("The first five on the list now, and why:")
    top = data.named(version, ranked.head(5))
    st.dataframe(top.select(pl.col("rank").alias("Rank"), pl.col("client_id").alias(program.word("id")),
                            triage.why(top, policy).alias("Why")), hide_index=True, width="stretch")
