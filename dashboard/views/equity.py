"""Equity gaps: who is on the list, who comes in, who is housed or served on time, who is lost,
group by group. Built from counts only; funders see small counts hidden."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, data, formatting, live, nothing_loaded, signin
from pipelines import equity_report
from pipelines.disclosure import release
from pipelines.periods import add_months, month_end

# Each measure's title, the sentence under its chart, and the value the chart draws.
SHOWN = {
    "active": ("Actively homeless", "Share of everyone actively homeless at the end of the period, against the "
               "group's share of the reference population.", "index"),
    "came_in": ("Came onto the list", "Share of those who came onto the list in the period.", "index"),
    "housed": ("Housed", "Share of those housed in the period.", "index"),
    "returned": ("Returned to the list", "Share of those who came back from housing or inactive.", "index"),
    "housing_rate": ("Housing rate", "Housed in the period, out of everyone on the list in it, against everyone "
                     "else's rate.", "ratio"),
    "days_to_housing": ("Days to housing", "Average days from entry to move-in against everyone else's; above 1 "
                        "means a longer wait.", "ratio"),
    "referrals": ("Share of referrals", "Share of the period's referrals against the group's share of children "
                  "under 3.", "index"),
    "referral_rate": ("Referral rate", "Referrals per 1,000 children under 3 against everyone else's rate.",
                      "ratio"),
    "timeline_45": ("45-day timeline", "Initial IFSP meetings held within 45 days of referral (or later for "
                    "exceptional family circumstances), against everyone else.", "ratio"),
    "indicator_5": ("Indicator 5: children under 1 served", "Children under 1 with an active IFSP on the child "
                    "count date, per 100 children under 1 of the group, against everyone else's rate.", "ratio"),
    "indicator_6": ("Indicator 6: children under 3 served", "Children under 3 with an active IFSP on the child "
                    "count date, per 100 children under 3 of the group, against everyone else's rate.", "ratio"),
    "lost_exits": ("Lost exits", "Exits because eligibility was not determined, the parent withdrew or the family "
                   "could not be reached, out of all exits, against everyone else. Above 1 is worse.", "ratio"),
}

NUMBERS = ("count", "base", "events", "share", "share_low", "share_high", "reference_share", "index", "index_low",
           "index_high", "difference_pp", "rate", "ratio", "ratio_low", "ratio_high")

program = data.program()
version = live.shown_version()
fresh = data.freshness(version, program.name)
list_date = fresh["as_of"] or dt.date.today()

st.title("Equity")
nothing_loaded.stop_if_empty(fresh, program)
controls = st.columns([2, 2, 2])
options = equity_report.groupings(program)
grouping = controls[0].selectbox("Group people by", list(options), format_func=options.get, key="equity_by")
reference = "population"
if signin.sees_people():
    months = controls[1].segmented_control("Period", [3, 6, 12], format_func=lambda m: f"{m} months", default=12,
                                           required=True, key="equity_months")
    if not program.has_milestones():
        reference = controls[2].selectbox("Compare shares with", list(equity_report.REFERENCES),
                                          format_func=equity_report.REFERENCES.get, key="equity_reference")
else:  # one fixed view: two overlapping periods would give a third by subtraction
    months = 12
    controls[1].markdown("**Period**  \nThe last 12 whole months")
end = month_end(list_date) if list_date == month_end(list_date) else list_date.replace(day=1) - dt.timedelta(days=1)
start = add_months(end.replace(day=1), -(months - 1))
if signin.sees_people():
    result = data.equity(version, program.name, start, end, grouping, reference)
else:
    # Made on the server with everything else a funder receives: no count they may not see reaches them.
    result = data.for_funders(version, program.name).equity.get((grouping, months, reference))
    if result is None:
        st.info("The list does not cover a whole month yet.", icon=":material/info:")
        st.stop()
people = release.SMALL if result["people"] is None else formatting.count(result["people"])
st.caption(f"{formatting.day(start)} – {formatting.day(end)}, {people} on the list in that time. 1.0 is parity; "
           "each line is a 95% interval, and hollow dots rest on fewer than 10 events or a base under 30."
           + ("" if signin.sees_people() else " To protect the people on the list, funders see counts rounded to the "
              "nearest 10, and every figure worked out from the rounded counts; a group whose count is 10 or fewer, "
              "or could be worked out from the others, reads “hidden”."))

gaps = equity_report.summary(result)
with st.container(border=True):
    st.markdown("**The largest gaps**")
    if gaps:
        st.markdown("\n".join(f"- {formatting.plain(sentence)}" for sentence in gaps))  # they name groups from the data
    else:
        st.markdown("No gap in this period is both reliable and clear of parity at 95%.")

shares = ("active", "came_in", "housed", "returned", "referrals", "referral_rate")
if not any(name in result["measures"] for name in shares):
    # Shares are compared with the community's population: without it those charts have nothing to compare.
    can_load = "uploads" in signin.PAGES_BY_ROLE.get(signin.user()["role"], ())
    st.info("No reference population is loaded, so who is over- or under-represented on the list cannot be "
            "shown; the comparisons with everyone else below still can. "
            + ("Load one (a CSV of each group's population) on the Uploads page." if can_load
               else "A data lead can load one."), icon=":material/info:")
    if can_load:
        st.page_link("views/uploads.py", label="Load a reference population", icon=":material/upload_file:")

for name, measure in result["measures"].items():
    title, explanation, value = SHOWN[name]
    rows = pl.DataFrame(measure["rows"], infer_schema_length=None)
    if rows.is_empty():
        continue
    # a funder's column can be empty throughout (every group hidden): it is still a column of numbers
    rows = rows.with_columns(pl.col(c).cast(pl.Float64) for c in NUMBERS if c in rows.columns)
    hidden = pl.col("hidden").fill_null(False) if "hidden" in rows.columns else pl.lit(False)
    with st.container(border=True):
        st.markdown(f"**{title}**")
        low, high = f"{value}_low", f"{value}_high"
        axis = "Representation index (share ÷ reference share)" if value == "index" else "Ratio to everyone else"
        st.altair_chart(charts.gap_dots(rows, value, low, high, axis), width="stretch")
        if value == "index":
            numbers = [pl.col("count").alias("People"), (pl.col("share") * 100).round(1).alias("Share %"),
                       (pl.col("reference_share") * 100).round(1).alias("Reference %"),
                       pl.col("difference_pp").round(1).alias("Points apart")]
        elif name == "days_to_housing":  # an average: the days summed would read as one
            numbers = [pl.col("base").cast(pl.Int64).alias("Placements"), pl.col("rate").round(1).alias("Average days")]
        else:
            numbers = [pl.col("events").cast(pl.Int64).alias("Events"), pl.col("base").cast(pl.Int64).alias("Out of"),
                       (pl.col("rate") * measure["per"]).round(2).alias(
                           "Rate" if measure["per"] == 1 else f"Per {measure['per']:,}")]
        table = rows.select(
            pl.col("group").alias("Group"),
            pl.col(value).round(2).alias("Index" if value == "index" else "Ratio"),
            *numbers,
            pl.when(hidden).then(pl.lit("hidden"))
            .when(pl.col("unreliable").fill_null(False)).then(pl.lit("few: read with care")).otherwise(pl.lit(""))
            .alias("Note"),
            hidden.alias("hidden"),
        )
        if not signin.sees_people():  # a hidden group's cells say so, rather than showing as empty
            table = table.with_columns(
                pl.when("hidden").then(pl.lit("hidden")).otherwise(pl.col(c).cast(pl.String)).alias(c)
                for c in table.columns if c not in ("Group", "Note", "hidden"))
        table = table.drop("hidden")
        st.dataframe(table, hide_index=True, width="stretch", height="content")
        if "count_date" in measure:  # indicators 5 and 6 count on one day, not over the period
            explanation += (f" The count date: {formatting.day(measure['count_date'])}, the latest on or before the "
                            "period's end.")
        st.caption(explanation)
if "indicator_6" in result["measures"] and "indicator_5" not in result["measures"]:
    st.caption("Indicator 5 is not shown: the reference population gives no children under 1 for these groups "
               "(a children_under_1 column).")
