"""Flow: who came onto the active list and who left it, week by week or month by month."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, data, formatting, live, nothing_loaded, programme_goal, signin
from pipelines import exports
from pipelines.disclosure import release
from pipelines.periods import add_months, period_of

GRANULARITIES = {"week": "Weekly", "month": "Monthly"}

program = data.program()
KPIS = {key: program.word(key) for key in ("actively_homeless", "inflow", "outflow", "net_change")}
movements = charts.movement_labels(program)
on_list = program.word("on_list")
version = live.shown_version()
fresh = data.freshness(version, program.name)
list_date = fresh["as_of"] or dt.date.today()

st.title("Flow")
nothing_loaded.stop_if_empty(fresh, program)
controls = st.columns([2, 2, 3])
population = controls[0].selectbox("Population", [p.name for p in program.populations], key="population",
                                   bind="query-params")
sees_people = signin.sees_people()
if sees_people:
    by = controls[1].segmented_control("Periods", list(GRANULARITIES), format_func=GRANULARITIES.get,
                                       default="week", required=True, key="by", bind="query-params")
else:  # most weekly counts are under 11, and weeks overlap months: funders get whole months
    by = "month"
    controls[1].markdown("**Periods**  \nMonthly")
# Left empty, the range follows the data: the last 26 weeks or 12 months up to the list's latest day.
chosen = controls[2].date_input("From – to (empty: the latest)", value=[], format="YYYY-MM-DD", key="range",
                                bind="query-params")
if len(chosen) == 2:
    start, end = chosen
else:
    # The latest whole week or month: a period the list does not cover to its end yet would look
    # like a sudden drop in people coming and going.
    current = period_of(list_date, by)
    end = list_date if current.end == list_date else current.start - dt.timedelta(days=1)
    start = (end - dt.timedelta(weeks=25)) if by == "week" else add_months(end.replace(day=1), -11)
if end < start:
    st.warning("The range ends before it starts: choose the first day, then the last.")
    st.stop()

if sees_people:
    everyone = data.flow(version, by, start, end, program.name)
    series = everyone.filter(pl.col("population") == population).sort("period_start")
else:
    # Made on the server: the browser never receives a count a funder may not see.
    funders = data.for_funders(version, program.name)
    series = pl.DataFrame([r for r in funders.flow_of(population) if start <= r["period_start"] <= end],
                          schema_overrides={k: pl.Int64 for k in (*release.FLOW_COUNTS, "net_change",
                                                                  "avg_days_to_housing")},
                          infer_schema_length=None)
    if series.is_empty():
        st.info("There is no whole month in this range yet.", icon=":material/info:")
        st.stop()

    def word(row, key):
        if key == "net_change":  # a difference of counts not shown
            return release.HIDDEN
        return funders.word("flow", population, row["period_start"], key)
latest, previous = series.row(-1, named=True), (series.row(-2, named=True) if series.height > 1 else None)
shown = period_of(latest["period_start"], by)
st.subheader(f"{population}, {formatting.period(latest['period'], shown.start, shown.end, by)}")
st.caption(f"Period {formatting.day(shown.start)} – {formatting.day(shown.end)}. Each change is against the "
           f"{'week' if by == 'week' else 'month'} before.")

# Fewer people homeless, fewer coming in and a falling net change are good news: shown in green. On a
# referral list more referrals is child find working (green when up), and how many are open or leave
# is neither good nor bad by itself (no colour).
if program.has_milestones():
    GOOD_WHEN_DOWN, NEUTRAL = (), ("actively_homeless", "outflow", "net_change")
else:
    GOOD_WHEN_DOWN, NEUTRAL = ("actively_homeless", "inflow", "net_change"), ()
for column, (key, label) in zip(st.columns(len(KPIS)), KPIS.items()):
    if latest[key] is None:
        column.metric(label, word(latest, key), border=True)
        continue
    change = None if previous is None or previous[key] is None else latest[key] - previous[key]
    # No sparkline: Streamlit draws it as an image without a text alternative, and the charts below
    # show the same trend with one.
    column.metric(label, formatting.count(latest[key]), None if change is None else f"{change:+,}",
                  delta_color="inverse" if key in GOOD_WHEN_DOWN else "off" if key in NEUTRAL else "normal",
                  border=True)
if not sees_people:
    st.caption("To protect the people on the list, counts are rounded to the nearest 10 (10 stands for 11 to 14), "
               "counts of 10 or fewer read “fewer than 11”, and a few larger ones read “hidden”, so that no small "
               "count can be worked out from the others. Charts leave out what is not shown.")

left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown(f"**Coming onto and leaving the {program.word('active_list')}**")
    st.altair_chart(charts.inflow_outflow(series, by, movements), width="stretch")
    inflow, outflow = program.movements()
    st.caption(f"Bars above zero came onto the list ({', '.join(movements[k].lower() for k in inflow)}); bars "
               f"below zero left it ({', '.join(movements[k].lower() for k in outflow)}). When the bars below "
               "are longer than the bars above, the list is getting shorter.")
with right, st.container(border=True):
    st.markdown(f"**{KPIS['actively_homeless']} at the end of each period**")
    threshold = None
    # The veteran threshold is an average of placements: a funder sees the list without it.
    if population in ("Veteran", "Chronic") and sees_people:
        month = data.submission(version, shown.start.replace(day=1))
        threshold = month["populations"][population]["functional_zero"]["threshold"]
    st.altair_chart(charts.active_over_time(series, by, threshold, title=KPIS["actively_homeless"]),
                    width="stretch")
    if threshold is None:
        st.caption(f"Each point is how many were {on_list} on the last day of the period. A falling line means "
                   "the list is getting shorter.")
    else:
        st.caption(f"Each point is how many people were actively homeless on the last day of the period. "
                   f"Below the dashed line ({threshold:.3g}) the community has reached functional zero for "
                   f"{population.lower()} homelessness.")

table = series.select(
    pl.col("period").alias("Period"), pl.col("period_start").alias("First day"),
    pl.col("period_end").alias("Last day"), *[pl.col(k).alias(label) for k, label in movements.items()],
    *[pl.col(k).alias(label) for k, label in KPIS.items()],
    pl.col("avg_days_to_housing").alias(program.word("avg_days_to_housing")),
)
if not sees_people:  # each count that is not shown says why
    rows = series.to_dicts()
    table = table.with_columns(
        pl.Series(label, [word(row, key) if row[key] is None else f"{row[key]:,}" for row in rows], dtype=pl.String)
        for key, label in {**movements, **KPIS}.items())
if program.has_milestones() and sees_people:  # the months of the range, from the list's first at the earliest
    programme_goal.section(data.ei_goal(version, max(start, data.first_day(version, program.name) or start), end,
                                        program.name))

flow_file = f"flow-{program.name}-{population}-{by}.csv"
st.download_button("Download these figures (CSV)", exports.csv(table), file_name=flow_file, mime="text/csv",
                   icon=":material/download:",
                   on_click=lambda: data.exported(signin.who(), f"flow figures: {population}, by {by}", flow_file))
