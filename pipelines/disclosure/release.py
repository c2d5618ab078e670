"""Everything a funder's pages and `--funder` reports receive for a program, made by one function.

Funders see whole months only, for every population: most weekly counts of a community are under 11,
and weeks that straddle months would give a second, overlapping view of the same people. Each count
is shown as `rules.count` says, then `audit` hides what else must go so that no count from 1 to 10
can be narrowed; what is worked out from counts is worked out from the shown counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import queries
from pipelines import figures
from pipelines.disclosure import equity_views, rules
from pipelines.disclosure.audit import Model
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import Period, month_end, series
from pipelines.programs import Program

FLOW_COUNTS = ("actively_homeless", "newly_identified", "returned_from_housing", "returned_from_inactive",
               "housing_placements", "moved_to_inactive", "no_longer_meets_population", "inflow", "outflow")
EI_COUNTS = ("referrals", "open_referrals", "exits", "lost_exits", "initial_ifsp_meetings", "ifsp_within_45_days",
             "ifsp_late_exceptional", "overdue_without_ifsp", "services_started", "services_timely")
# Households are single adults, youth or families; veterans and the chronically homeless are single adults.
PARTS = {"All": ("All Singles", "Youth", "Families")}
WITHIN = (("Veteran", "All Singles"), ("Chronic", "All Singles"), ("Chronic Veteran", "Veteran"),
          ("Chronic Veteran", "Chronic"))
# The Part C figures that are flow figures of everyone on the referral list too.
EI_AS_FLOW = {"referrals": "newly_identified", "open_referrals": "actively_homeless", "exits": "housing_placements",
              "lost_exits": "moved_to_inactive"}
TIMELINE = ("initial_ifsp_meetings", "ifsp_within_45_days", "ifsp_late_exceptional")
# OSEP's indicators as a funder gets them: each one's counts as Part C counts of their own, and its
# percentage (to the whole percent) worked out from them: indicator_7_numerator, ..., indicator_7_pct.
INDICATOR_PARTS = ("numerator", "denominator", "exceptional")
INDICATOR_COUNTS = tuple(f"{name}_{part}" for name in ei_figures.INDICATORS for part in INDICATOR_PARTS)
PART_C_COUNTS = (*EI_COUNTS, *INDICATOR_COUNTS)
HIDDEN, SMALL = "hidden", rules.SMALL_WORDS
DERIVED = ("net_change", "balance_gap", "avg_days_to_housing", "pct_45_day_timeline", "median_days_referral_to_ifsp",
           *(f"{name}_pct" for name in ei_figures.INDICATORS))


@dataclass
class FunderRelease:
    program: Program
    months: list[Period]
    flow: list[dict] = field(default_factory=list)  # every population's whole months, as figures.flow
    part_c: dict[dt.date, dict] = field(default_factory=dict)  # the Part C figures of each month
    equity: dict[tuple, dict] = field(default_factory=dict)  # (grouping, months, reference) -> the report
    # Why a count shows no number: "fewer than 11", or "hidden" so that a small one cannot be worked out
    # (saying which is which is safe: the audit reads the labels as an attacker would).
    words: dict[tuple, str] = field(default_factory=dict)

    def flow_of(self, population: str) -> list[dict]:
        return [row for row in self.flow if row["population"] == population]

    def word(self, *key) -> str:
        return self.words.get(key, SMALL)

    def labelled(self, table: str, where: tuple, values: dict) -> dict:
        """`values` with each count not shown replaced by why ("fewer than 11" or "hidden"), and each
        figure worked out from counts not shown by "hidden": what a funder reads."""
        counts = FLOW_COUNTS if table == "flow" else PART_C_COUNTS
        return {key: (value if value is not None or key not in (*counts, *DERIVED)
                      else self.word(table, *where, key) if key in counts else HIDDEN)
                for key, value in values.items()}


def whole_months(conn, program: Program) -> list[Period]:
    """Every whole month on the list (a month the list does not reach the end of yet is left out)."""
    first = queries.one(conn, "first_day", program=program.name)["first_day"]
    latest = queries.one(conn, "freshness", program=program.name)["as_of"]
    if first is None or latest is None:
        return []
    last = latest if month_end(latest) == latest else latest.replace(day=1) - dt.timedelta(days=1)
    return series(first.replace(day=1), last, "month") if last >= first else []


def _difference(a, b):
    return None if a is None or b is None else a - b


def for_funders(conn, program: Program) -> FunderRelease:
    months = whole_months(conn, program)
    release = FunderRelease(program, months)
    if not months:
        return release
    model = Model()
    exact = figures.flow(conn, program.name, months)
    for row in exact:
        for key in FLOW_COUNTS:
            model.cell(("flow", row["population"], row["period_start"], key), row[key],
                       rules.interval(rules.count(row[key])))
    _flow_identities(model, program, months, {(r["population"], r["period_start"]): r for r in exact})
    part_c = {}
    if program.has_milestones():
        for month in months:
            part_c[month.start] = ei_figures.period_figures(conn, month, program.name)
            _part_c_cells(model, program, month.start, part_c[month.start])
    everyone = program.populations[0].name
    views = equity_views.reports(conn, program, months)
    equity_views.cells(model, views, months, everyone)
    # the trend a funder comes for: everyone's list, and who came and left, month by month
    hidden = model.protect(keep=lambda key: key[0] == "flow" and key[1] == everyone
                           and key[3] in ("actively_homeless", "inflow", "outflow"))
    for key in hidden:
        release.words[key] = HIDDEN
    release.equity = equity_views.shown(views, hidden, model)

    def shown(key, value):
        return None if key in hidden else rules.count(value)

    for row in exact:
        out = {k: row[k] for k in ("period", "period_start", "period_end", "population")}
        out.update({k: shown(("flow", row["population"], row["period_start"], k), row[k]) for k in FLOW_COUNTS})
        out["net_change"] = _difference(out["inflow"], out["outflow"])
        # an average of a few people's waits is nearly theirs: it shows only with the count it is over
        out["avg_days_to_housing"] = (rules.whole(row["avg_days_to_housing"])
                                      if out["housing_placements"] is not None else None)
        release.flow.append(out)
    for start, values in part_c.items():
        counts = _part_c_counts(values)
        out = {k: shown(("ei", start, k), counts[k]) for k in PART_C_COUNTS}
        # A percentage of counts that are not all shown would narrow them: it goes with them.
        timeline = all(out[k] is not None for k in TIMELINE)
        out["pct_45_day_timeline"] = rules.whole(values["pct_45_day_timeline"]) if timeline else None
        out["median_days_referral_to_ifsp"] = (rules.whole(values["median_days_referral_to_ifsp"])
                                               if out["initial_ifsp_meetings"] is not None else None)
        for name in ei_figures.INDICATORS:
            whole = all(out[f"{name}_{part}"] is not None for part in ("numerator", "denominator"))
            out[f"{name}_pct"] = _indicator_percent(values[name]) if whole else None
        release.part_c[start] = {k: out[k] for k in (*ei_figures.KEYS, *INDICATOR_COUNTS, *DERIVED) if k in out}
    return release


def _part_c_counts(values: dict) -> dict:
    """A month's Part C counts, each indicator's flattened (indicator_7_numerator...)."""
    return {**{k: values[k] for k in EI_COUNTS},
            **{f"{name}_{part}": values[name][part] for name in ei_figures.INDICATORS for part in INDICATOR_PARTS}}


def _indicator_percent(indicator: dict) -> int | None:
    """The indicator's percentage to the whole percent, from its exact counts (not from the one decimal)."""
    if not indicator["denominator"]:
        return None
    return rules.whole(100 * indicator["numerator"] / indicator["denominator"])


def nested(values: dict) -> dict:
    """A funder's Part C figures with each indicator's as one entry again, as `bynames report ei` gives them:
    {"indicator_7": {"numerator": ..., "denominator": ..., "pct": ..., "exceptional": ...}}."""
    parts = (*INDICATOR_PARTS, "pct")
    flat = {f"{name}_{part}" for name in ei_figures.INDICATORS for part in parts}
    out = {k: v for k, v in values.items() if k not in flat}
    for name in ei_figures.INDICATORS:
        out[name] = {part: values.get(f"{name}_{part}") for part in ei_figures.INDICATOR_KEYS}
    return out


def _flow_identities(model: Model, program: Program, months: list[Period], exact: dict) -> None:
    for population in (p.name for p in program.populations):
        for i, month in enumerate(months):
            def at(key, start=month.start, population=population):
                return ("flow", population, start, key)

            model.knows({at("inflow"): 1, at("newly_identified"): -1, at("returned_from_housing"): -1,
                         at("returned_from_inactive"): -1})
            model.knows({at("outflow"): 1, at("housing_placements"): -1, at("moved_to_inactive"): -1,
                         at("no_longer_meets_population"): -1})
            # The list follows from last month's and the month's movements wherever it balances.
            if i:
                model.knows({at("actively_homeless"): 1, at("actively_homeless", months[i - 1].start): -1,
                             at("inflow"): -1, at("outflow"): 1})
            else:
                model.knows({at("actively_homeless"): 1, at("inflow"): -1, at("outflow"): 1},
                            constant=exact[(population, month.start)]["active_at_start"])
    for month in months:
        for key in FLOW_COUNTS:
            for whole, parts in PARTS.items():
                terms = {("flow", whole, month.start, key): 1, **{("flow", p, month.start, key): -1 for p in parts}}
                model.knows(terms)
                model.knows({k: -c for k, c in terms.items()}, at_most=True)
            for part, whole in WITHIN:
                model.knows({("flow", part, month.start, key): 1, ("flow", whole, month.start, key): -1},
                            at_most=True)


def _part_c_cells(model: Model, program: Program, start: dt.date, values: dict) -> None:
    def at(key):
        return ("ei", start, key)

    counts = _part_c_counts(values)
    for key in PART_C_COUNTS:
        if counts[key] is not None:
            model.cell(at(key), counts[key], rules.interval(rules.count(counts[key])))
    everyone = program.populations[0].name
    for key, flow in EI_AS_FLOW.items():
        model.knows({at(key): 1, ("flow", everyone, start, flow): -1})
    model.knows({at("ifsp_within_45_days"): 1, at("ifsp_late_exceptional"): 1, at("initial_ifsp_meetings"): -1},
                at_most=True)
    model.knows({at("services_timely"): 1, at("services_started"): -1}, at_most=True)
    model.knows({at("lost_exits"): 1, at("exits"): -1}, at_most=True)
    # The 45-day percentage, to the whole percent, ties its counts together as an attacker reads it; it
    # is shown only when none of them is small (and goes if one is hidden: then this only errs safe).
    percent = rules.whole(values["pct_45_day_timeline"])
    if percent is not None and all(rules.count(values[k]) is not None for k in TIMELINE):
        met = {at("ifsp_within_45_days"): 100, at("ifsp_late_exceptional"): 100}
        model.knows({**met, at("initial_ifsp_meetings"): -(percent + 0.5)}, at_most=True)
        model.knows({**{k: -c for k, c in met.items()}, at("initial_ifsp_meetings"): percent - 0.5}, at_most=True)
    # Each indicator: its late children for a documented reason are among those in its numerator, who are
    # among its cohort; its percentage ties the two as the 45-day one does.
    for name in ei_figures.INDICATORS:
        numerator, denominator, exceptional = (at(f"{name}_{part}") for part in INDICATOR_PARTS)
        model.knows({exceptional: 1, numerator: -1}, at_most=True)
        model.knows({numerator: 1, denominator: -1}, at_most=True)
        percent = _indicator_percent(values[name])
        if percent is not None and all(rules.count(counts[k[2]]) is not None for k in (numerator, denominator)):
            model.knows({numerator: 100, denominator: -(percent + 0.5)}, at_most=True)
            model.knows({numerator: -100, denominator: percent - 0.5}, at_most=True)


def submission(conn, release: FunderRelease, month: dt.date) -> dict:
    """Built for Zero's monthly figures of every population, as a funder sees them: the counts shown,
    the balance gap and net change from them, and whether functional zero is met (its veteran
    threshold is an average of placements, so it is not shown)."""
    exact = figures.monthly_submission(conn, release.program.name, month)
    rows = {(r["population"], r["period_start"]): r for r in release.flow}
    before = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    populations = {}
    for name, values in exact["populations"].items():
        now, then = rows[(name, month)], rows.get((name, before))
        shown = {key: now[key] for key in (*FLOW_COUNTS, "net_change", "avg_days_to_housing")}
        shown["balance_gap"] = _difference(_difference(now["actively_homeless"], then and then["actively_homeless"]),
                                           now["net_change"])
        # Reliability compares exact figures with those submitted: a data lead's check, and a ratio of
        # exact counts a funder could turn back. Why it cannot be worked out is no count: it stays.
        shown["reliability"] = None
        shown["reliability_note"] = values.get("reliability_note") if values.get("reliability") is None else (
            "is for data leads: it compares exact figures")
        shown["brief"] = values.get("brief") if shown["avg_days_to_housing"] is not None else None
        zero = values.get("functional_zero")
        if zero:
            shown["functional_zero"] = {"met": zero["met"], "rule": zero["rule"]}
        populations[name] = shown
    return {"month": exact["month"], "populations": populations}
