"""Equity gaps on the list (DESIGN §2.3): who is on it, who comes in, who is housed or served on
time, and who is lost, group by group, against the reference population and against everyone else.

`report` gives everything the equity page and `bynames report equity` show for one program,
period and way of grouping people (what a funder sees is pipelines/disclosure's).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

import queries
from pipelines import equity
from pipelines.clocks import CLOCK_DAYS
from pipelines.early_intervention import child_count
from pipelines.periods import Period
from pipelines.programs import Program

# Ways of grouping people, with the words the page uses; each program offers those its list has.
GROUPINGS = {
    "race": "Race and ethnicity",
    "gender": "Sex or gender",
    "age": "Age",
    "household": "Household type",
    "veteran": "Veteran status",
    "neighborhood": "Neighbourhood",
    "zip": "ZIP code",
}
REFERENCES = {"population": "the general population", "poverty_population": "the population in poverty"}
# How the sentences name a group's members; {people} is "people" or "children".
WHO = {"race": "{group} {people}", "gender": "{people} recorded as {group}", "age": "{people} aged {group}",
       "household": "{group} households", "veteran": "{group}", "neighborhood": "{people} in {group}",
       "zip": "{people} in ZIP {group}"}


def groupings(program: Program) -> dict[str, str]:
    keys = ("race", "gender", "age", "neighborhood", "zip") if program.has_milestones() else (
        "race", "gender", "age", "household", "veteran")
    return {key: GROUPINGS[key] for key in keys}


def people(conn, program: Program, period: Period) -> pl.DataFrame:
    """One row per record on the list at the period's end, with what happened to it in the period."""
    rows = queries.arrow(conn, "list_as_of", program=program.name, day=period.end)
    start = pl.lit(period.start)
    entered = pl.col("referred") >= start  # `referred` is the entry date, whatever the program
    left = pl.col("exited") >= start
    on_time = ((pl.col("ifsp") - pl.col("referred")).dt.total_days() <= CLOCK_DAYS) | pl.col("exceptional")
    return rows.with_columns(
        # an entry in the period counts even if the exit follows in it (as Built for Zero counts inflow)
        entered.alias("came_in"),
        (left & (pl.col("exit_counts_as") == "moved_in")).alias("housed"),
        (pl.col("active") & entered & (pl.col("entry_counts_as") == "returned")).alias("returned"),
        (pl.col("active") | left.fill_null(False)).alias("on_list_in_period"),
        left.fill_null(False).alias("exited_in_period"),
        (left & (pl.col("exit_counts_as") == "inactive")).alias("lost"),
        (pl.col("ifsp") >= start).fill_null(False).alias("met"),
        on_time.fill_null(False).alias("on_time"),
        # whole days from entry to a move-in, counted up (as Built for Zero averages them)
        pl.when(left & (pl.col("exit_counts_as") == "moved_in") & (pl.col("exited") > pl.col("referred")))
        .then((pl.col("exited") - pl.col("referred")).dt.total_days()).alias("days_to_exit"),
    ).with_columns(pl.col(c).fill_null(False) for c in ("came_in", "housed", "returned", "lost"))


def groups_of(rows: pl.DataFrame, grouping: str, day: dt.date, infants: bool = False) -> pl.DataFrame:
    """(person_id, group): one row per person per group they are in. Ages are on `day` where the
    birth date is known (an HMIS export's age is on its last day), in infants' bands for `infants`."""
    if grouping == "race":
        hispanic = "hispanic" if rows["hispanic"].is_not_null().any() else "ethnicity"
        return equity.race_groups(rows, race="race", hispanic=hispanic)
    column = {
        "gender": pl.col("sex"),
        "age": (equity.infant_age_band("birth_date", day) if infants
                else equity.age_band(pl.coalesce(equity.age_in_years("birth_date", day), "age"))),
        "household": pl.col("household_type"),
        "veteran": pl.when(pl.col("veteran")).then(pl.lit("Veterans")).otherwise(pl.lit("Non-veterans")),
        "neighborhood": pl.col("neighborhood"),
        "zip": pl.col("zip"),
    }[grouping]
    return rows.select("person_id", column.fill_null(equity.UNKNOWN).alias("group")).unique()


def report(conn, program: Program, period: Period, grouping: str, reference: str = "population",
           rows: pl.DataFrame | None = None, child_find: bool = False) -> dict:
    """Every measure for one program, period and grouping, as plain data (what the CLI prints). `rows`:
    people(conn, program, period), when several reports of the period are made at once. `child_find`:
    for Early Intervention, also OSEP's indicators 5 and 6 by group (`child_find_measures`); what funders
    receive leaves them out, as its small-number protection does not cover them yet."""
    rows = people(conn, program, period) if rows is None else rows
    groups = groups_of(rows, grouping, period.end, infants=program.has_milestones())
    geography = queries.arrow(conn, "reference_get")
    people_word = "children" if program.has_milestones() else "people"
    who = WHO[grouping].replace("{people}", people_word)
    measures = _referral_measures(rows, groups, geography, who) if program.has_milestones() else (
        _homelessness_measures(rows, groups, geography, reference, who))
    if child_find and program.has_milestones():
        measures.update(child_find_measures(conn, program, period, grouping, geography, who))
    return {
        "program": program.name, "period_start": period.start, "period_end": period.end, "grouping": grouping,
        "reference": reference, "people": rows["person_id"].n_unique(),
        "measures": {name: m for name, m in measures.items()},
    }


def _reference_counts(geography: pl.DataFrame, column: str, groups: pl.DataFrame) -> pl.DataFrame | None:
    """The reference rows of the groups in use (and "All"), or None when the table has none of them."""
    wanted = set(groups["group"].unique()) | {equity.ALL}
    rows = geography.filter(pl.col("group").is_in(list(wanted)) & pl.col(column).is_not_null())
    if rows.filter(pl.col("group") != equity.ALL).is_empty():
        return None
    return rows.select("group", pl.col(column).alias("population"))


def _stage(rows: pl.DataFrame, groups: pl.DataFrame, flag: str) -> pl.DataFrame:
    return groups.join(rows.filter(pl.col(flag)).select("person_id").unique(), on="person_id", how="semi")


def _outcome(rows: pl.DataFrame, base: str, value: str) -> pl.DataFrame:
    return rows.filter(pl.col(base)).group_by("person_id").agg(pl.col(value).max().cast(pl.Float64).alias("value"))


def _homelessness_measures(rows, groups, geography, reference, who) -> dict:
    ref = _reference_counts(geography, reference, groups)
    measures = {}
    for stage, words in (("active", "those actively homeless"), ("came_in", "those who came onto the list"),
                         ("housed", "those housed"), ("returned", "those who returned to the list")):
        if ref is not None:
            measures[stage] = _described(equity.representation(_stage(rows, groups, stage), ref), words,
                                         REFERENCES[reference], who)
    housed = equity.rate_ratios(equity.tally(groups, _outcome(rows, "on_list_in_period", "housed")), "proportion")
    measures["housing_rate"] = _described(housed, "housed", who=who)
    placements = rows.filter(pl.col("days_to_exit").is_not_null()).select(
        "person_id", pl.col("days_to_exit").cast(pl.Float64).alias("value"))
    measures["days_to_housing"] = _described(equity.mean_ratio(groups, placements), "wait for housing", who=who)
    return measures


def _population_rate(people: pl.DataFrame, groups: pl.DataFrame, ref: pl.DataFrame) -> pl.DataFrame:
    """Each group's people (`people`: person_id) over its count in the reference population, against
    everyone else's (equity.rate_ratios, kind "rate"): everyone is the reference's "All" row, or its
    groups' sum without one, and the people of a known group."""
    counts = (groups.join(people.select("person_id"), on="person_id", how="semi")
              .group_by("group").agg(pl.len().cast(pl.Float64).alias("events")))
    exposure = ref.filter(pl.col("group") != equity.ALL).rename({"population": "base"})
    everyone = ref.filter(pl.col("group") == equity.ALL)["population"]
    total_base = float(everyone[0]) if everyone.len() else float(exposure["base"].sum())
    known = groups.filter(pl.col("group") != equity.UNKNOWN).join(people.select("person_id"),
                                                                  on="person_id", how="semi")
    rates = exposure.join(counts, on="group", how="left").with_columns(
        pl.col("events").fill_null(0.0), pl.col("base").cast(pl.Float64),
        pl.lit(float(known["person_id"].n_unique())).alias("total_events"), pl.lit(total_base).alias("total_base"))
    return equity.rate_ratios(rates.select("group", "events", "base", "total_events", "total_base"), "rate")


def _referral_measures(rows, groups, geography, who) -> dict:
    measures = {}
    ref = _reference_counts(geography, "children_under_3", groups)
    referred = rows.filter(pl.col("came_in"))
    if ref is not None:
        measures["referrals"] = _described(
            equity.representation(_stage(rows, groups, "came_in"), ref), "referrals", "children under 3",
            who=who)
        # referrals per 1,000 children under 3
        measures["referral_rate"] = _described(_population_rate(referred, groups, ref), "referred", who=who,
                                               per=1000)
    measures["timeline_45"] = _described(
        equity.rate_ratios(equity.tally(groups, _outcome(rows, "met", "on_time")), "proportion"),
        "met within the 45-day timeline", who=who)
    measures["lost_exits"] = _described(
        equity.rate_ratios(equity.tally(groups, _outcome(rows, "exited_in_period", "lost")), "proportion"),
        "lost at exit", who=who)
    return measures


def child_find_measures(conn, program: Program, period: Period, grouping: str, geography: pl.DataFrame,
                        who: str) -> dict:
    """OSEP's indicators 5 and 6 group by group: the children of a group under 1 (under 3) with an active
    IFSP on the child count date the period reports (child_count.count_day), per 100 children under 1
    (under 3) of the group in the reference population, against everyone else's rate. Groups are read
    from the list as it stood on the count date; a grouping the reference population has no counts
    of (or no children under 1, for indicator 5) gives none."""
    day = child_count.count_day(conn, period.end, program.name)
    served = child_count.children_on(conn, day, program.name)
    groups = groups_of(served, grouping, day, infants=True)
    measures = {}
    for name in child_count.INDICATORS:
        ref = _reference_counts(geography, child_count.POPULATION[name], groups)
        if ref is None:
            continue
        under = child_count.UNDER[name]
        children = served.filter(pl.col("age") < under)
        measures[name] = {**_described(_population_rate(children, groups, ref),
                                       f"served under an IFSP before age {under}", who=who, per=100),
                          "count_date": day}
    return measures


def _described(frame: pl.DataFrame, what: str, reference: str = "", who: str = "{group} people",
               per: int = 1) -> dict:
    return {"what": what, "reference": reference, "who": who, "per": per, "rows": frame.to_dicts()}


def measures_of(result: dict) -> list[equity.Measures]:
    return [equity.Measures(pl.DataFrame(m["rows"], infer_schema_length=None), m["what"], m["reference"], m["who"])
            for m in result["measures"].values() if m["rows"]]


def summary(result: dict, n: int = 3) -> list[str]:
    """The largest reliable gaps, in plain sentences."""
    return equity.largest_gaps(measures_of(result), n)
