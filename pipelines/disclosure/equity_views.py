"""The equity views a funder receives: the last 12 whole months, every way of grouping people, shares
against the general population. One period only: two overlapping periods would give a third by
subtraction, and each view costs a pass over the list (about a second per grouping at 1,000,000 records).

Their counts (people at a stage, events and bases of a rate) go into the same audit as the flow
figures, with the identities that tie them (a grouping's groups make up its total where nobody is in
two groups or none; every grouping counts the same people; everyone on the list at the end is the
flow's list at that month). What is worked out
from them (shares, indexes, rates, ratios, their intervals) is worked out again from the shown counts,
so it gives away nothing they do not; averages of days are shown in whole days, without an interval.
"""

from __future__ import annotations

import polars as pl

from pipelines import equity, equity_report
from pipelines.disclosure import rules
from pipelines.disclosure.audit import Model
from pipelines.periods import Period, add_months
from pipelines.programs import Program

SPANS = (12,)
REFERENCE = "population"
COUNTS = ("count", "base", "events")
PUBLIC = ("referral_rate",)  # its base is the reference population of children, public already
DAYS = "days_to_housing"  # its events are days, not people


def reports(conn, program: Program, months: list[Period]) -> dict[tuple, dict]:
    """(grouping, span, reference) -> the report as the page would show it to someone working cases."""
    out = {}
    if not months:
        return out
    end = months[-1].end
    for span in SPANS:
        period = Period(add_months(end.replace(day=1), -(span - 1)), end, "range")
        rows = equity_report.people(conn, program, period)
        for grouping in equity_report.groupings(program):
            out[(grouping, span, REFERENCE)] = equity_report.report(conn, program, period, grouping, REFERENCE, rows)
    return out


def _counted(name: str, field: str) -> bool:
    return field in COUNTS and not (name == DAYS and field == "events") and not (name in PUBLIC and field == "base")


def _totals(name: str, rows: list[dict]) -> dict[str, float]:
    """A measure's totals over the groups whose group is known: what each share and ratio is out of."""
    if not rows:
        return {}
    first = rows[0]
    if "count" in first:
        known = [r for r in rows if r["group"] != equity.UNKNOWN]
        return {"base": known[0]["base"]} if known else {}
    totals = {"events": first["events"] + first["other_events"]}
    if name not in PUBLIC:
        totals["base"] = first["base"] + first["other_base"]
    return totals


def cells(model: Model, views: dict[tuple, dict], months: list[Period], everyone: str) -> None:
    """Every count of every view, shown as rules.count says, and the identities between them."""
    for (grouping, span, _), report in views.items():
        model_cell = ("equity", span, "people")
        if model_cell not in model.index:
            model.cell(model_cell, report["people"], rules.interval(rules.count(report["people"])))
        for name, measure in report["measures"].items():
            rows = measure["rows"]
            totals = _totals(name, rows)
            for field, total in totals.items():
                key = ("equity", span, grouping, name, "*", field)
                if key in model.index or not _counted(name, field):
                    continue
                model.cell(key, total, rules.interval(rules.count(total)))
            for row in rows:
                for field in COUNTS:
                    key = ("equity", span, grouping, name, row["group"], field)
                    if field not in row or key in model.index or not _counted(name, field):
                        continue
                    if "count" in row and field == "base":
                        continue  # a share's base is the measure's total
                    model.cell(key, row[field], rules.interval(rules.count(row[field])))
    last = months[-1].start
    groupings = sorted({g for g, _, _ in views})
    for (grouping, span, _), report in views.items():
        for name, measure in report["measures"].items():
            for field in ("count", "events", "base"):
                total = ("equity", span, grouping, name, "*", "base" if field == "count" else field)
                parts = {("equity", span, grouping, name, r["group"], field): -1 for r in measure["rows"]
                         if r["group"] != equity.UNKNOWN and field in r}
                if parts:
                    model.knows({total: 1, **parts})
                    model.knows({total: -1, **{k: 1 for k in parts}}, at_most=True)
                for other in (g for g in groupings if g != grouping):
                    model.knows({total: 1, ("equity", span, other, name, "*", total[-1]): -1})
            if name == "active":
                model.knows({("equity", span, grouping, name, "*", "base"): 1,
                             ("flow", everyone, last, "actively_homeless"): -1})


def shown(views: dict[tuple, dict], hidden: set, model: Model) -> dict[tuple, dict]:
    """Each view as a funder receives it: counts as shown, what comes from them worked out again from
    the shown counts, and each group whose counts are not all shown marked hidden with nothing else."""
    def show(key, value):
        if key not in model.index:  # a public number, or days
            return value
        return None if key in hidden else rules.count(value)

    out = {}
    for (grouping, span, reference), report in views.items():
        measures = {}
        for name, measure in report["measures"].items():
            totals = {f: show(("equity", span, grouping, name, "*", f), v)
                      for f, v in _totals(name, measure["rows"]).items()}
            rows = [_row(name, row, {f: show(("equity", span, grouping, name, row["group"], f), row[f])
                                     for f in COUNTS if f in row and not ("count" in row and f == "base")}, totals)
                    for row in measure["rows"]]
            measures[name] = {**measure, "rows": rows}
        people = show(("equity", span, "people"), report["people"])
        out[(grouping, span, reference)] = {**report, "people": people, "measures": measures}
    return out


def _row(name: str, row: dict, counts: dict, totals: dict) -> dict:
    hidden = {"group": row["group"], "measure": row["measure"], "hidden": True}
    if any(v is None for v in counts.values()):
        return hidden
    if "count" in row:
        base = totals.get("base") if row["group"] != equity.UNKNOWN else None
        if base is None or counts["count"] > base:
            return hidden
        return equity.representation_row(row["group"], counts["count"], base, row["reference_share"])
    if name == DAYS:  # whole days, and no interval: it rests on each person's days
        if totals.get("base") is None:
            return hidden
        mean = rules.whole(row["rate"])
        other = rules.whole(row["other_rate"])
        return {"group": row["group"], "measure": row["measure"], "events": None, "base": counts["base"],
                "rate": mean, "ratio": None if not other or mean is None else round(mean / other, 2),
                "ratio_low": None, "ratio_high": None, "unreliable": counts["base"] < 30}
    events, base = counts["events"], counts.get("base", row["base"])
    total_events, total_base = totals.get("events"), totals.get("base", row["base"] + row["other_base"])
    if total_events is None or total_base is None or events > total_events or base >= total_base:
        return hidden
    frame = pl.DataFrame([{"group": row["group"], "events": events, "base": base, "total_events": total_events,
                           "total_base": total_base}])
    result = equity.rate_ratios(frame, "rate" if name in PUBLIC else "proportion").row(0, named=True)
    return {k: v for k, v in result.items() if not k.startswith("other_")}
