"""Early Intervention's goal, the counterpart of functional zero, as Flow and Monthly figures show it to the
roles that work cases: the latest month's parts, their trend, and the months each was met."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, formatting
from pipelines.early_intervention import goal

# Short enough for a tile; each says more in its help.
COUNTS = {"past_45_days": "Waiting past 45 days", "lost_exits": "Lost exits"}
RATES = {"referral_rate": "Groups referred less", "timeline_45": "Groups slower to IFSP"}
HELP = {"past_45_days": "Children past the 45-day clock without an initial IFSP meeting at the month's end.",
        "lost_exits": "Children who left in the month with eligibility not determined, withdrawn by the family, "
                      "or out of contact.",
        "referral_rate": "Groups (race and ethnicity) and neighbourhoods reliably behind all children in "
                         "referrals per child under 3.",
        "timeline_45": "Groups (race and ethnicity) and neighbourhoods reliably behind all children in initial "
                       "IFSP meetings within 45 days."}
ABOUT = ("The goal, Early Intervention's counterpart of functional zero: no child past the 45-day clock "
         "without a meeting at the month's end, no lost exits (eligibility not determined, withdrawn by the "
         "family, or out of contact), and referrals and 45-day timelines at parity across race and "
         "ethnicity and neighbourhoods: no group reliably behind all children (95% interval wholly below; "
         "groups of fewer than 30 children cannot tell). A group referred more is child find reaching it, "
         "not a shortfall.")


def _months(values: list[dt.date]) -> str:
    return ", ".join(f"{m:%b %Y}" for m in values) if values else "none"


def _tile(column, part: str, label: str, row: dict) -> None:
    value = row[part]
    shown = f"{value:,}" if isinstance(value, int) else (f"{len(value)}" if value else "0")
    # group names come from the uploads: text, never Markdown
    where = "" if isinstance(value, int) or not value else " Behind: " + ", ".join(formatting.plain(g) for g in value)
    column.metric(label, shown, "goal met" if row["met"][part] else "goal: 0", delta_color="normal"
                  if row["met"][part] else "inverse", delta_arrow="off", border=True, help=HELP[part] + where)


def section(rows: list[dict], month: dt.date | None = None) -> None:
    """The goal for `month` (the latest of `rows` if None), then each part's months met and the trend."""
    if not rows:
        return
    shown = next((r for r in rows if r["month"] == month), rows[-1])
    st.subheader("The programme's goal")
    st.caption(ABOUT)
    for column, (part, label) in zip(st.columns(4), {**COUNTS, **RATES}.items(), strict=True):
        _tile(column, part, label, shown)
    met = goal.months_met(rows)
    st.markdown(f"**{shown['month']:%B %Y}: the goal is {'met' if shown['goal_met'] else 'not met'}.** "
                f"Met in {len(met)} of these {len(rows)} months ({_months(met)}).")
    frame = pl.DataFrame([{"month": r["month"], **{p: r[p] for p in COUNTS}} for r in rows])
    if len(rows) > 1:
        st.altair_chart(charts.goal_trend(frame, COUNTS), width="stretch")
        st.caption("Each point is the month's count; the goal is the dashed line at 0.")
    table = pl.DataFrame([{
        "Month": f"{r['month']:%B %Y}",
        **{label: f"{r[part]:,}" for part, label in COUNTS.items()},
        **{label: ", ".join(r[part]) or "none" for part, label in RATES.items()},
        "Goal met": "yes" if r["goal_met"] else "no"} for r in reversed(rows)])
    with st.expander("Month by month, and the months each part was met"):
        st.dataframe(table, hide_index=True, width="stretch", key="programme_goal")
        for part, label in {**COUNTS, **RATES}.items():
            st.markdown(f"- {label}: met in {_months(goal.months_met(rows, part))}")
