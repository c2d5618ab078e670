"""The monthly figures a community submits to Built for Zero, for every population."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import data, formatting, live, nothing_loaded, programme_goal, signin
from pipelines import exports, submissions
from pipelines.active_list import display_name
from pipelines.disclosure import release
from pipelines.early_intervention import child_count, federal_tables
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import add_months, month_end, series

EI_LABELS = {
    "referrals": "Referrals received",
    "open_referrals": "Open referrals at the month's end",
    "exits": "Exits",
    "lost_exits": "Lost exits (eligibility not determined, withdrawal, unable to contact)",
    "initial_ifsp_meetings": "Initial IFSP meetings",
    "ifsp_within_45_days": "of which within 45 days of referral",
    "ifsp_late_exceptional": "of which later, for exceptional family circumstances",
    "pct_45_day_timeline": "45-day timeline met (%)",
    "overdue_without_ifsp": "Past 45 days without an IFSP meeting at the month's end",
    "services_started": "Services started",
    "services_timely": "of which on time",
    "median_days_referral_to_ifsp": "Median days from referral to IFSP meeting",
}

# OSEP's SPP/APR indicators: (title, who is counted, what the on-time date is of)
INDICATORS = {
    "indicator_7": ("Indicator 7: 45-day timeline",
                    "Eligible children whose 45-day deadline (referral date + 45 days) fell in the month. On time: "
                    "the initial IFSP meeting on or before it. Left out: children found not eligible, children "
                    "who exited before the deadline without a meeting, and children referred fewer than 45 days "
                    "before their third birthday. A child with no meeting by the month's end is late.",
                    "meeting"),
    "indicator_1": ("Indicator 1: timely services",
                    "Children whose IFSP services were due in the month (IFSP date + the timely services days "
                    "setting). On time: services started on or before that day. Left out: children who exited "
                    "before it without services. A child whose services had not started by the month's end is "
                    "late.",
                    "services"),
    "indicator_8a": ("Indicator 8A: transition steps and services",
                     "Children with an IFSP who left Part C in the month: exited, or turned 3 still enrolled, "
                     "whichever came first. On time: the IFSP's transition steps and services dated at least 90 "
                     "days and at most 9 months before the third birthday. Left out: children referred fewer than "
                     "45 days before their third birthday, children whose IFSP came fewer than 90 days before it, "
                     "and children who exited more than 90 days before it. Steps dated after the 90-day mark, "
                     "more than 9 months before the birthday, or not at all are not on time.",
                     "transition steps"),
    "indicator_8b": ("Indicator 8B: school district and State notified",
                     "The same children, if potentially eligible for Part B. On time: both the school district "
                     "(LEA) and the State education agency (SEA) notified at least 90 days before the third "
                     "birthday; the later of the two counts. Left out: as for 8A, and children not potentially "
                     "eligible for Part B or with nothing recorded either way. OSEP allows no exceptional family "
                     "circumstance for a notification: a late one is late.",
                     "notification of both"),
    "indicator_8c": ("Indicator 8C: transition conference",
                     "The same children, if potentially eligible for Part B. On time: the transition conference "
                     "at least 90 days and at most 9 months before the third birthday. Left out: as for 8B, and "
                     "children whose family declined the conference.",
                     "conference"),
}
OUTCOME_ORDER = {name: {outcome: i for i, outcome in enumerate(outcomes)}
                 for name, outcomes in ei_figures.OUTCOMES.items()}
# The children table's columns beyond those every indicator shows: (column, heading).
CHILD_TABLE = {
    "indicator_7": [("deadline", "45-day deadline"), ("ifsp", "IFSP meeting"), ("service_start", "Services started"),
                    ("exited", "Exited"), ("days", "Days from referral")],
    "indicator_1": [("deadline", "Services due"), ("ifsp", "IFSP meeting"), ("service_start", "Services started"),
                    ("exited", "Exited"), ("days", "Days from IFSP")],
}
TRANSITION_TABLE = [("ifsp", "IFSP meeting"), ("third_birthday", "Third birthday"), ("deadline", "Due by")]
BEFORE_3 = ("days", "Days before the third birthday")
CHILD_TABLE |= {
    "indicator_8a": [*TRANSITION_TABLE, ("transition_steps", "Transition steps"), ("exited", "Exited"), BEFORE_3],
    "indicator_8b": [*TRANSITION_TABLE, ("lea_notified", "School district notified"),
                     ("sea_notified", "State notified"), ("exited", "Exited"), BEFORE_3],
    "indicator_8c": [*TRANSITION_TABLE, ("transition_conference", "Transition conference"), ("exited", "Exited"),
                     BEFORE_3],
}
CHILD_FIND = {"indicator_5": "Indicator 5: children under 1", "indicator_6": "Indicator 6: children under 3"}


def indicator_section(name: str, title: str, about: str, done: str, figure: dict, children: pl.DataFrame) -> None:
    """One indicator: its numerator, denominator, percentage and exclusions, and the children behind them."""
    st.subheader(title)
    outcomes = ei_figures.OUTCOMES[name]
    excusable = ei_figures.LATE_EXCEPTIONAL in outcomes
    if excusable:
        about += (" Late children with a documented exceptional family circumstance count as meeting the "
                  "timeline (in the numerator and the denominator), as OSEP measures it, and are shown apart.")
    st.caption(about)
    counts = dict(children.group_by("outcome").len().rows())
    left_out = {outcome: counts.get(outcome, 0) for outcome in outcomes if outcome in ei_figures.LEFT_OUT}
    numerator = ("Numerator: on time, or late for an exceptional family circumstance" if excusable
                 else "Numerator: on time")
    rows = [("Percentage", formatting.figure("pct_45_day_timeline", figure["pct"])),
            (numerator, formatting.count(figure["numerator"])),
            ("Denominator: children counted", formatting.count(figure["denominator"])),
            ("of which on time", formatting.count(counts.get(ei_figures.ON_TIME, 0))),
            *([("of which late for an exceptional family circumstance", formatting.count(figure["exceptional"]))]
              if excusable else []),
            ("of which late", formatting.count(figure["denominator"] - figure["numerator"])),
            (f"of the late, no {done} by the month's end", formatting.count(
                counts.get(ei_figures.WAITING, 0) + counts.get(ei_figures.WAITING_EXCEPTIONAL, 0))),
            *([("of the late, more than 9 months before the third birthday", formatting.count(
                counts.get(ei_figures.TOO_EARLY, 0)))] if ei_figures.TOO_EARLY in outcomes else []),
            *[(f"Left out ({outcome.removeprefix('left out: ')})", formatting.count(n))
              for outcome, n in left_out.items()]]
    st.dataframe(pl.DataFrame(rows, schema=["Figure", "Value"], orient="row"), hide_index=True, width="stretch",
                 height="content", key=f"{name}_figures")
    with st.expander(f"The {children.height:,} children behind these counts"):
        order = pl.col("outcome").replace_strict(OUTCOME_ORDER[name]).alias("order")
        table = (children.with_columns(display_name(), order)
                 .sort("order", "deadline", "client_id")
                 .select(pl.col("outcome").alias("Counted as"), pl.col("client_id").alias("Child ID"),
                         pl.col("name").alias("Name"), pl.col("referred").alias("Referred"),
                         *[pl.col(column).alias(heading) for column, heading in CHILD_TABLE[name]]))
        st.dataframe(table, hide_index=True, width="stretch", key=f"{name}_children")


def child_find_section(figures: dict) -> None:
    """Indicators 5 and 6: the children served on the count date the month reports, per 100 of their age."""
    st.subheader("Indicators 5 and 6: children served")
    day = figures["child_count_date"]
    st.caption(f"Children with an active IFSP on the child count date, {formatting.day(day)} (an IFSP meeting on "
               "or before it and no exit by its end), per 100 children of their age in the reference population. "
               "Ages are on the count date: a child whose first birthday it is counts as 1. The count date is a "
               "setting; this is the latest one on or before the month's end that the list reaches.")
    rows = [(title, formatting.count(figures[name]["numerator"]), formatting.count(figures[name]["denominator"]),
             "–" if figures[name]["pct"] is None else f"{figures[name]['pct']:.2f}")
            for name, title in CHILD_FIND.items()]
    st.dataframe(pl.DataFrame(rows, schema=["Indicator", "Children with an active IFSP", "Children of that age",
                                            "Per 100"], orient="row"),
                 hide_index=True, width="stretch", height="content", key="child_find")
    for missing in child_count.without_denominator(figures):
        st.caption(f"{formatting.plain(missing)}: load a reference population with that column on the Uploads "
                   "page.")
    served = data.ei_children_served(version, day, program.name).filter(pl.col("age") < 3)
    with st.expander(f"The {served.height:,} children behind these counts"):
        table = (served.with_columns(display_name())
                 .select(pl.when(pl.col("age") < 1).then(pl.lit("5 and 6")).otherwise(pl.lit("6")).alias("Counted in"),
                         pl.col("client_id").alias("Child ID"), pl.col("name").alias("Name"),
                         pl.col("birth_date").alias("Born"), pl.col("age").alias("Age on the count date"),
                         pl.col("ifsp").alias("IFSP meeting"),
                         pl.col("service_coordinator").alias("Service coordinator"))
                 .sort("Counted in", "Child ID"))
        st.dataframe(table, hide_index=True, width="stretch", key="child_find_children")


def federal_section(version: tuple, program_name: str, first: dt.date, last: dt.date) -> None:
    """IDEA's 618 tables of a year, to read and to download: small counts, for roles that see people."""
    st.subheader("IDEA 618 tables")

    def year_of(day: dt.date) -> int:  # the year whose exits (July to June) hold the day
        return day.year if day.month >= 7 else day.year - 1

    years = list(range(year_of(last), year_of(first) - 1, -1))
    year = st.selectbox("Reporting year", years, format_func=federal_tables.reporting_year, key="federal_year")
    tables = data.ei_618(version, year, program_name)
    st.caption(f"The child count on {formatting.day(tables['child_count_date'])} (the count date setting) and the "
               f"children who left Part C from {formatting.day(tables['exiting_from'])} to "
               f"{formatting.day(tables['exiting_to'])}, in OSEP's categories: a child exiting counts once, and "
               "only after an IFSP. Children whose race or sex the extract does not give are counted apart, for "
               "you to resolve before submitting. Small counts: not for funders.")
    for missing in federal_tables.missing(tables):
        st.caption(formatting.plain(missing[0].upper() + missing[1:]) + ".")
    for key, title in (("child_count", "Child count, by age"), ("exiting", "Exiting, by reason")):
        if tables[key] is not None:
            st.markdown(f"**{title}**")
            st.dataframe(pl.DataFrame(tables[key]).rename({"category": "Age" if key == "child_count" else "Reason"}),
                         hide_index=True, width="stretch", height="content", key=f"federal_{key}")
    rows = federal_tables.csv_rows(tables)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame(schema=dict.fromkeys(federal_tables.CSV_COLUMNS, pl.String))
    file_name = f"part-c-618-{tables['reporting_year']}.csv"
    st.download_button(
        "Download the 618 tables (CSV)", exports.csv(frame), file_name=file_name, mime="text/csv",
        icon=":material/download:", disabled=not rows, key="federal_download",
        on_click=lambda: data.exported(signin.who(), "IDEA Part C 618 tables", file_name))


program = data.program()


def funder_caption() -> None:
    st.caption("To protect the people on the list, counts are rounded to the nearest 10 (10 stands for 11 to 14), "
               "counts of 10 or fewer read “fewer than 11”, and a few larger ones read “hidden”, so that no small "
               "count can be worked out from the others; figures worked out from counts are worked out from "
               "those shown, and averages and percentages are whole numbers.")


# Built for Zero's figures, in the order of its submission form.
LABELS = {key: program.word(key) for key in (
    "actively_homeless", "newly_identified", "returned_from_housing", "returned_from_inactive", "housing_placements",
    "moved_to_inactive", "no_longer_meets_population", "inflow", "outflow", "net_change", "balance_gap",
    "avg_days_to_housing", "reliability")}
version = live.shown_version()
st.title("Monthly figures")
fresh = data.freshness(version, program.name)
nothing_loaded.stop_if_empty(fresh, program)
latest = fresh["as_of"]
sees_people = signin.sees_people()
funders = None if sees_people else data.for_funders(version, program.name)
if sees_people:
    months = [f"{m.start:%Y-%m}" for m in reversed(series(data.first_day(version, program.name) or latest, latest,
                                                         "month"))]
else:  # funders get whole months only
    months = [f"{m.start:%Y-%m}" for m in reversed(funders.months)]
    if not months:
        st.info("The list does not cover a whole month yet.", icon=":material/info:")
        st.stop()
chosen = st.selectbox("Month", months, key="month", bind="query-params",
                      format_func=lambda label: f"{dt.date.fromisoformat(label + '-01'):%B %Y}")
month = dt.date.fromisoformat(chosen + "-01")
if month_end(month) > latest:
    st.info(f"The list runs to {formatting.day(latest)}: {month:%B %Y} is not over in the data yet, so these are "
            "its figures so far.", icon=":material/schedule:")

if program.has_milestones():  # a referral list: the Part C indicators instead of Built for Zero's submission
    st.caption(f"The referral list as it stood at the end of {formatting.day(month_end(month))}. Days are "
               "calendar days; the 45-day timeline counts meetings within 45 days and those later for "
               "exceptional family circumstances.")
    if sees_people:
        figures = data.ei_month(version, month, program.name)
        values = {key: formatting.figure(key, figures[key]) for key in EI_LABELS}
    else:
        figures = funders.part_c[month]
        values = {key: formatting.figure(key, figures[key]) if figures[key] is not None
                  else funders.word("ei", month, key) if key in release.EI_COUNTS else release.HIDDEN
                  for key in EI_LABELS}
    st.dataframe(pl.DataFrame([{"Figure": label, "Value": values[key]} for key, label in EI_LABELS.items()]),
                 hide_index=True, width="stretch", height="content")
    if not sees_people:
        st.subheader("OSEP's Part C indicators")

        def given(key: str) -> str:
            if figures.get(key) is not None:  # whole percents and rounded counts
                return f"{figures[key]}%" if key.endswith("_pct") else f"{figures[key]:,}"
            return funders.word("ei", month, key) if key in release.PART_C_COUNTS else release.HIDDEN

        st.dataframe(pl.DataFrame([{"Indicator": title, "Met (%)": given(f"{name}_pct"),
                                    "On time, or late for a reason": given(f"{name}_numerator"),
                                    "Children counted": given(f"{name}_denominator"),
                                    "of which late for an exceptional family circumstance":
                                        given(f"{name}_exceptional")}
                                   for name, (title, _, _) in INDICATORS.items()]),
                     hide_index=True, width="stretch", height="content", key="funder_indicators")
        funder_caption()
        st.stop()
    # the goal over the year to this month, from the list's first month at the earliest
    first = data.first_day(version, program.name) or month
    programme_goal.section(data.ei_goal(version, max(add_months(month, -11), first.replace(day=1)), month,
                                        program.name), month)
    for name, (title, about, done) in INDICATORS.items():
        indicator_section(name, title, about, done, figures[name],
                          data.ei_indicator_children(version, month, program.name)[name])
    child_find_section(figures)
    federal_section(version, program.name, data.first_day(version, program.name) or latest, latest)
    st.stop()

st.caption(f"The list as it stood at the end of {formatting.day(month_end(month))}, as Built for Zero's "
           "monthly submission asks for it.")

submission = data.submission(version, month, program.name) if sees_people else data.funder_submission(
    version, month, program.name)
populations = submission["populations"]


def cell(population: str, key: str, value) -> str:
    if value is not None:
        return formatting.figure(key, value)
    if sees_people or key == "reliability":
        return "–"
    return funders.word("flow", population, month, key) if key in release.FLOW_COUNTS else release.HIDDEN


table = pl.DataFrame([{"Figure": label, **{pop: cell(pop, key, values.get(key)) for pop, values in populations.items()}}
                      for key, label in LABELS.items()])
st.dataframe(table, hide_index=True, width="stretch", height="content")
st.caption("Balance gap: actively homeless now, less (actively homeless a month before + inflow − outflow). "
           "0 means the month's movements explain the change in the list.")
for name in ("Veteran", "Chronic"):
    fz = submission["populations"][name].get("functional_zero")
    if fz:
        state = "met" if fz["met"] else "not met"
        if sees_people:
            st.markdown(f"**{name} functional zero: {state}.** Threshold {fz['threshold']:g}, "
                        f"actively homeless {formatting.count(populations[name]['actively_homeless'])}. "
                        f"_{fz['rule']}._")
        else:  # the veteran threshold is an average of placements: it would give their sum away
            st.markdown(f"**{name} functional zero: {state}.** _{fz['rule']}._")
if not sees_people:
    funder_caption()

reliability_note = submission["populations"]["All"].get("reliability_note")
if reliability_note:
    st.caption(f"3-month reliability compares this month with the figures submitted for the three months "
               f"before; here it {reliability_note}.")

if sees_people:
    st.subheader("Submitted to Built for Zero")
    listed, drift = data.submitted(version, program.name)
    this_month = [r for r in listed if r["month"] == month]
    if signin.submits_figures():
        rows = data.submission_file(version, month, program.name)
        left, right = st.columns(2)
        submission_file = f"bfz-submission-{month:%Y-%m}.csv"
        left.download_button(
            "Download the submission file (CSV)", exports.csv(pl.DataFrame(rows)),
            file_name=submission_file, mime="text/csv", icon=":material/download:",
            on_click=lambda: data.exported(signin.who(), "Built for Zero submission file", submission_file),
            help="One row per population, in Built for Zero's own field names")
        label = f"Submit the figures for {month:%B %Y}" + (" again" if this_month else "")
        if right.button(label, icon=":material/send:", key="submit"):
            kept = data.submit(month, program.name, signin.who())
            st.session_state["submitted_message"] = (
                f"The figures for {kept['month']} are kept as submitted: "
                f"{kept['populations']['All']['actively_homeless']:,} actively homeless. The reliability of "
                "the months after it is worked out from them.")
            live.current_version()
            st.rerun()
        if message := st.session_state.pop("submitted_message", None):
            st.success(message)
    if this_month:
        latest_kept = this_month[0]
        st.text(f"{month:%B %Y} was submitted by {latest_kept['submitted_by']} on "
                f"{latest_kept['submitted_at']:%d %b %Y at %H:%M}"
                + (f" ({len(this_month)} times; the latest counts)." if len(this_month) > 1 else "."))
    if drift:
        st.caption("How far today's figures have moved from what was submitted (actively homeless, All):")
        for row in drift:
            st.text(submissions.drift_sentence(row))
    else:
        st.caption("No month has been submitted yet. A data lead submits a month here or with "
                   "`bynames submit bfz --month YYYY-MM`; the figures are then kept as they were handed in.")
