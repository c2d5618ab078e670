"""Chart builders: plain functions from data to an Altair chart, testable without a server."""

from __future__ import annotations

import altair as alt
import polars as pl

from pipelines.programs import Program

INFLOW = {
    "newly_identified": ("Newly identified", "#1d4e89"),
    "returned_from_housing": ("Returned from housing", "#3a86c8"),
    "returned_from_inactive": ("Returned from inactive", "#8ecae6"),
}
OUTFLOW = {
    "housing_placements": ("Housed", "#2a9d8f"),
    "moved_to_inactive": ("Moved to inactive", "#edae49"),
    "no_longer_meets_population": ("No longer in this population", "#7a7a7a"),
}
KINDS = {**INFLOW, **OUTFLOW}
AXIS_FORMAT = {"week": "%-d %b", "month": "%b %Y", "day": "%-d %b"}
HEIGHT = 280


def movement_labels(program: Program) -> dict[str, str]:
    """The movements the program can have, each with its label: the chart's own short words for
    Built for Zero's figures, the program's where it has its own."""
    inflow, outflow = program.movements()
    return {kind: program.words.get(kind, KINDS[kind][0]) for kind in inflow + outflow}


def flow_long(series: pl.DataFrame, labels: dict[str, str] | None = None) -> pl.DataFrame:
    """One row per period and kind of movement; movements off the list are negative."""
    labels = labels or {k: label for k, (label, _) in KINDS.items()}
    return (
        series.select("period", "period_start", *labels)
        .unpivot(index=["period", "period_start"], variable_name="kind", value_name="people")
        .with_columns(
            pl.when(pl.col("kind").is_in(list(OUTFLOW))).then(-pl.col("people")).otherwise(pl.col("people"))
            .alias("people"),
            pl.col("kind").replace_strict(labels).alias("movement"),
            pl.col("kind").is_in(list(INFLOW)).alias("onto_the_list"),
        )
    )


def inflow_outflow(series: pl.DataFrame, by: str, labels: dict[str, str] | None = None) -> alt.Chart:
    """Bars above zero: people who came onto the active list; below zero: people who left it."""
    labels = labels or {k: label for k, (label, _) in KINDS.items()}
    long = flow_long(series, labels).to_pandas()
    colours = [KINDS[kind][1] for kind in labels]
    labels = list(labels.values())
    return (
        alt.Chart(long, height=HEIGHT)
        .mark_bar()
        .encode(
            x=alt.X("period_start:T", title=None, axis=alt.Axis(format=AXIS_FORMAT[by], labelAngle=0)),
            y=alt.Y("sum(people):Q", title="People", axis=alt.Axis(format="~s")),
            color=alt.Color("movement:N", title=None, scale=alt.Scale(domain=labels, range=colours),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
            order=alt.Order("kind:N"),
            tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("movement:N", title="Movement"),
                     alt.Tooltip("people:Q", title="People", format=",")],
        )
    )


def active_over_time(series: pl.DataFrame, by: str, threshold: float | None = None,
                     threshold_label: str = "Functional zero threshold",
                     title: str = "Actively homeless") -> alt.LayerChart | alt.Chart:
    """The active count at the end of each period, with the functional zero threshold if any."""
    frame = series.select("period", "period_start", "actively_homeless").to_pandas()
    line = (
        alt.Chart(frame, height=HEIGHT)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("period_start:T", title=None, axis=alt.Axis(format=AXIS_FORMAT[by], labelAngle=0)),
            y=alt.Y("actively_homeless:Q", title=title, scale=alt.Scale(zero=True)),
            tooltip=[alt.Tooltip("period:N", title="Period"),
                     alt.Tooltip("actively_homeless:Q", title=title, format=",")],
        )
    )
    if threshold is None:
        return line
    rule_data = pl.DataFrame({"threshold": [threshold], "label": [f"{threshold_label}: {threshold:.3g}"]}).to_pandas()
    rule = alt.Chart(rule_data).mark_rule(strokeDash=[6, 4], color="#d1495b", strokeWidth=2).encode(
        y="threshold:Q", tooltip=[alt.Tooltip("label:N", title="")]
    )
    text = alt.Chart(rule_data).mark_text(align="left", dx=4, dy=-8, color="#d1495b").encode(
        y="threshold:Q", x=alt.value(0), text="label:N"
    )
    return line + rule + text


def goal_trend(months: pl.DataFrame, parts: dict[str, str]) -> alt.LayerChart:
    """Counts whose goal is 0, month by month (`months`: month and one column per part), one line each,
    over the goal's line at 0."""
    long = months.select("month", *parts).unpivot(index="month", variable_name="part", value_name="children")
    long = long.with_columns(pl.col("part").replace_strict(parts)).to_pandas()
    lines = alt.Chart(long, height=HEIGHT).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("month:T", title=None,
                axis=alt.Axis(format=AXIS_FORMAT["month"], labelAngle=0, tickCount={"interval": "month", "step": 1})),
        y=alt.Y("children:Q", title="Children", scale=alt.Scale(zero=True)),
        color=alt.Color("part:N", title=None, scale=alt.Scale(domain=list(parts.values()),
                                                              range=["#d1495b", "#edae49"]),
                        legend=alt.Legend(orient="bottom", labelLimit=320)),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%B %Y"), alt.Tooltip("part:N", title=""),
                 alt.Tooltip("children:Q", title="Children", format=",")],
    )
    goal = alt.Chart(pl.DataFrame({"goal": [0], "label": ["Goal: 0"]}).to_pandas()).mark_rule(
        strokeDash=[6, 4], color="#2a9d8f", strokeWidth=2).encode(y="goal:Q",
                                                                  tooltip=[alt.Tooltip("label:N", title="")])
    return lines + goal


GROUP_ROW = 30  # pixels a group's row takes on the equity charts


def gap_dots(rows: pl.DataFrame, value: str, low: str, high: str, title: str) -> alt.LayerChart:
    """One dot per group with its 95% interval, against a line at parity (1.0); dots from small
    numbers are hollow. Ratios are drawn on a log scale, so half and double sit as far from parity."""
    frame = rows.filter(pl.col(value).is_not_null() & (pl.col(value) > 0)).with_columns(
        pl.when(pl.col("unreliable")).then(pl.lit("Few people: read with care")).otherwise(pl.lit("Reliable"))
        .alias("reliability"),
        pl.col(low).clip(lower_bound=0.01), pl.col(high).clip(upper_bound=100),
    ).to_pandas()
    x = alt.X(f"{value}:Q", title=title, scale=alt.Scale(type="log"))
    y = alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=280))
    bars = alt.Chart(frame).mark_rule(strokeWidth=2, color="#3a86c8").encode(
        x=alt.X(f"{low}:Q", scale=alt.Scale(type="log"), title=title), x2=f"{high}:Q", y=y)
    dots = alt.Chart(frame).mark_point(size=110, filled=True).encode(
        x=x, y=y,
        fill=alt.Fill("reliability:N", title=None, scale=alt.Scale(domain=["Reliable", "Few people: read with care"],
                                                                     range=["#1d4e89", "#ffffff"]),
                      legend=alt.Legend(orient="bottom", labelLimit=300)),
        color=alt.value("#1d4e89"),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip(f"{value}:Q", title=title, format=".2f"),
                 alt.Tooltip(f"{low}:Q", title="95% interval from", format=".2f"),
                 alt.Tooltip(f"{high}:Q", title="to", format=".2f"), alt.Tooltip("reliability:N", title="")],
    )
    parity = alt.Chart(pl.DataFrame({"parity": [1.0]}).to_pandas()).mark_rule(
        strokeDash=[6, 4], color="#d1495b", strokeWidth=2).encode(x="parity:Q")
    # Every group gets a row of its own, however many there are, so every label shows. Without any
    # interval (a funder's averages of days) no interval layer is drawn: an empty one has no text.
    layers = (bars + dots + parity) if frame[[low, high]].notna().any().any() else (dots + parity)
    return layers.properties(height=alt.Step(GROUP_ROW))
