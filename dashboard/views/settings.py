"""Settings for data leads: the community's name, and the chosen program's triage policy, agenda
thresholds and other numbers."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, signin
from pipelines import settings, triage

program = data.program()
version = live.shown_version()
values = data.settings(version, program.name)
st.title("Settings")
st.caption(f"For {program.label}; the community's name is shared by every program.")

# No form: the direction controls follow the chosen sort keys as they are picked.
community = st.text_input("Community name", value=values["community_name"] or "", max_chars=settings.TEXT_LENGTH,
                          key="setting_community_name",
                          help=settings.SETTINGS["community_name"].description)

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
for setting in settings.known(program.name):
    if setting.kind not in (settings.NUMBER, settings.MONTH_DAY) or not setting.section:
        continue
    if setting.section != heading:
        st.subheader(setting.section)
        heading = setting.section
    if setting.kind == settings.MONTH_DAY:  # only the days the rule allows can be picked
        days = settings.month_days(setting)
        numbers[setting.key] = st.selectbox(
            setting.label, days, index=days.index(values[setting.key]) if values[setting.key] in days else 0,
            format_func=lambda md: f"{dt.date(2000, int(md[:2]), int(md[3:])):%B} {int(md[3:])}",
            help=setting.description, key=f"setting_{setting.key}")
        continue
    numbers[setting.key] = st.number_input(setting.label, setting.low, setting.high, values[setting.key] or 0,
                                           help=setting.description, key=f"setting_{setting.key}")

if st.button("Save settings", type="primary", key="save_settings"):
    if not keys:
        st.error("The triage policy needs at least one sort key.")
    else:
        policy = [f"{key} {directions[key]}" for key in keys]
        # a point-in-time count of 0 means none was entered
        numbers = {name: (value or None) if name == "pit_count_individuals" else value
                   for name, value in numbers.items()}
        try:
            data.save_settings(program.name, signin.who(), community_name=community.strip() or None,
                               triage_policy=policy, **numbers)
        except settings.SettingRefused as refused:
            st.error(f"Nothing was saved: {formatting.plain(refused)}.", icon=":material/block:")
        else:
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
