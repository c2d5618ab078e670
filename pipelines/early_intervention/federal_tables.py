"""IDEA section 618 tables for Part C, in OSEP's categories: the child count on the state's count date
(its Report of Children Receiving Early Intervention Services, sections A to C: by age, by race and
ethnicity, by sex) and the children who exited Part C in a reporting year (its Report on Infants and
Toddlers Exiting Part C: by exit reason, with race and ethnicity and sex).

Years are numbered as OSEP numbers federal fiscal years in the SPP/APR: year Y (the 2025-26 report for
Y = 2025) counts the children served on the count date in the fall of Y, and the exits from July 1 of Y
to June 30 of Y + 1. Both read the referral list as it stood at the end of the day they count to.

Each table has one row per category (an age band, an exit reason) and a Total row; its columns are the
children in all, then the 7 federal race and ethnicity categories, then sex. Children whose race or sex
the extract does not give are in columns of their own, so that every row adds up: OSEP has no such
category, and they are for the data manager to resolve before submitting. These tables hold small
counts of children: they are for roles that see the list, never for funders.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from pipelines import equity, store
from pipelines.early_intervention import child_count
from pipelines.early_intervention import figures as ei_figures
from pipelines.early_intervention.referrals import PART_C_BEGAN
from pipelines.programs import EARLY_INTERVENTION

HISPANIC_LATINO = "Hispanic/Latino"
TWO_OR_MORE = "Two or more races"
# OSEP's order: Hispanic/Latino of any race first, then the races of children who are not Hispanic.
RACE_ETHNICITY = (HISPANIC_LATINO, "American Indian or Alaska Native", "Asian", "Black or African American",
                  "Native Hawaiian or Other Pacific Islander", "White", TWO_OR_MORE)
RACE_NOT_KNOWN = "Race/ethnicity not known"
# The HUD groups the extract's race answers are read into (pipelines/equity), as the 1997 federal
# standards that IDEA's counts still use name them. Those standards have no Middle Eastern or North
# African category: they count people of those origins as White.
FEDERAL_RACE = {
    equity.AMERICAN_INDIAN: RACE_ETHNICITY[1],
    equity.ASIAN: RACE_ETHNICITY[2],
    equity.BLACK: RACE_ETHNICITY[3],
    equity.PACIFIC_ISLANDER: RACE_ETHNICITY[4],
    equity.WHITE: RACE_ETHNICITY[5],
    equity.MIDDLE_EASTERN: RACE_ETHNICITY[5],
}
SEXES = ("Male", "Female")
SEX_NOT_KNOWN = "Sex not known"
_SEX_OF = {"m": "Male", "male": "Male", "boy": "Male", "f": "Female", "female": "Female", "girl": "Female"}
AGES = ("Birth to 1", "1 to 2", "2 to 3")  # completed years on the count date: 0, 1 and 2
TOTAL = "Total"
# OSEP's 10 exit categories, in its order. The extract's exit reasons are coded in the same 10, in the
# same order (early_intervention/referrals.EXIT_REASONS): each code is its federal category.
EXIT_CATEGORIES = {
    1: "Completion of IFSP prior to reaching maximum age for Part C",
    2: "Part B eligible, exiting Part C",
    3: "Part B eligible, continuing in Part C",
    4: "Not eligible for Part B, exit with referrals to other programs",
    5: "Not eligible for Part B, exit with no referrals",
    6: "Part B eligibility not determined",
    7: "Deceased",
    8: "Moved out of state",
    9: "Withdrawal by parent (or guardian)",
    10: "Attempts to contact the parent and/or child were unsuccessful",
}
REASON_NOT_KNOWN = "Exit reason not known"
COLUMNS = ("category", TOTAL, *RACE_ETHNICITY, RACE_NOT_KNOWN, *SEXES, SEX_NOT_KNOWN)
CSV_COLUMNS = ("reporting_year", "table", "dates", *COLUMNS)


def reporting_year(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def exiting_period(year: int) -> tuple[dt.date, dt.date]:
    """July 1 of the year to June 30 of the next."""
    return dt.date(year, 7, 1), dt.date(year + 1, 6, 30)


def federal_race(race: str | None, hispanic: bool | str | None) -> str:
    """One child's federal race and ethnicity category from the extract's race answer (free text, several
    races allowed) and its Hispanic answer (yes/no, or an ethnicity in words). Hispanic or Latino, said
    in either, comes first whatever the race; then two or more races, one race, or not known. "Multiple
    races" that names none counts as two or more."""
    named = equity.race_categories(race)
    if equity.HISPANIC in named or equity.is_hispanic(hispanic):
        return HISPANIC_LATINO
    races = {FEDERAL_RACE[group] for group in named if group in FEDERAL_RACE}
    if len(races) >= 2 or (not races and equity.MULTIRACIAL in named):
        return TWO_OR_MORE
    return races.pop() if races else RACE_NOT_KNOWN


def federal_sex(text: str | None) -> str:
    return _SEX_OF.get(re.sub(r"[^a-z]", "", (text or "").lower()), SEX_NOT_KNOWN)


def _categorised(children: pl.DataFrame) -> pl.DataFrame:
    """The children with `race_ethnicity` and `federal_sex`, each distinct answer read once."""
    answers = children.select("race", "hispanic", "sex").unique()
    read = answers.with_columns(
        pl.Series("race_ethnicity", [federal_race(r, h) for r, h in answers.select("race", "hispanic").rows()],
                  dtype=pl.String),
        pl.Series("federal_sex", [federal_sex(s) for s in answers["sex"].to_list()], dtype=pl.String),
    )
    return children.join(read, on=["race", "hispanic", "sex"], how="left", nulls_equal=True)


def _table(children: pl.DataFrame, categories: tuple[str, ...]) -> list[dict]:
    """One row per category (the `category` column of `children`), then the Total row."""
    counted = _categorised(children)
    rows = []
    for category in (*categories, TOTAL):
        these = counted if category == TOTAL else counted.filter(pl.col("category") == category)
        races = dict(these.group_by("race_ethnicity").len().rows())
        sexes = dict(these.group_by("federal_sex").len().rows())
        rows.append({"category": category, TOTAL: these.height,
                     **{race: races.get(race, 0) for race in (*RACE_ETHNICITY, RACE_NOT_KNOWN)},
                     **{sex: sexes.get(sex, 0) for sex in (*SEXES, SEX_NOT_KNOWN)}})
    return rows


def child_count_table(served: pl.DataFrame) -> list[dict]:
    """The child count by age band (Birth to 1, 1 to 2, 2 to 3) from the children served on the count
    date (child_count.served_on); its Total row gives the counts by race and ethnicity and by sex.
    Children of 3 or more are left out: the count is of children birth through 2."""
    bands = pl.col("age").replace_strict({0: AGES[0], 1: AGES[1], 2: AGES[2]}, default=None, return_dtype=pl.String)
    return _table(served.with_columns(bands.alias("category")).filter(pl.col("category").is_not_null()), AGES)


def exits_between(referrals: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """One row per child who left Part C from `start` to `end`, from the referrals as they stood at the
    end of `end`: exited in those days after an initial IFSP meeting on or before the exit (a referral
    closed before any IFSP was never served by Part C, and OSEP counts the children it served). A child
    who left twice is counted once, at the later exit."""
    left = referrals.filter(pl.col("exited").is_between(pl.lit(start), pl.lit(end))
                            & (pl.col("ifsp") <= pl.col("exited")))
    return (left.sort("exited", "record_id", descending=True)
            .unique("person_id", keep="first", maintain_order=True).sort("client_id", "record_id"))


def exiting_table(exits: pl.DataFrame) -> list[dict]:
    """The exiting table: one row per OSEP exit category, in its order, then the Total row (and a row of
    exits without a reason only where there are any, which no extract that loaded has)."""
    category = pl.col("exit_reason").cast(pl.Int64).replace_strict(EXIT_CATEGORIES, default=REASON_NOT_KNOWN,
                                                                   return_dtype=pl.String)
    labelled = exits.with_columns(category.alias("category"))
    categories = tuple(EXIT_CATEGORIES.values())
    if (labelled["category"] == REASON_NOT_KNOWN).any():
        categories = (*categories, REASON_NOT_KNOWN)
    return _table(labelled, categories)


def year_tables(conn, year: int, program: str = EARLY_INTERVENTION.name) -> dict:
    """Both tables of a reporting year, from the lists as they stood on the count date and on the last day
    of the exiting year. A count date after the list's last day gives no child count yet; exits are
    counted to the list's last day while the year is not over in the data (`exits_counted_to`)."""
    if not PART_C_BEGAN.year <= year <= 9998:
        raise ValueError(f"the year must be from {PART_C_BEGAN.year} (Part C began then) to 9998, not {year}")
    listed = ei_figures.listed_to(conn, program)
    day = child_count.count_date_in(year, store.setting(conn, program, child_count.SETTING))
    start, end = exiting_period(year)
    counted_to = end if listed is None else min(end, listed)
    served = child_count.children_on(conn, day, program) if listed is not None and listed >= day else None
    reached = listed is not None and counted_to >= start
    exits = exits_between(ei_figures.referrals_as_of(conn, counted_to, program), start, counted_to) if reached else None
    return {
        "year": year, "reporting_year": reporting_year(year), "listed_to": listed,
        "child_count_date": day,
        "child_count": None if served is None else child_count_table(served),
        "aged_3_or_over": None if served is None else served.filter(pl.col("age") >= 3).height,
        "exiting_from": start, "exiting_to": end, "exits_counted_to": counted_to if reached else None,
        "exiting": None if exits is None else exiting_table(exits),
    }


def csv_rows(tables: dict) -> list[dict]:
    """Both tables as one list of rows with the same columns (CSV_COLUMNS), each saying which table and
    which days it is of; a table not available yet has no rows."""
    year = tables["reporting_year"]
    out = [{"reporting_year": year, "table": "child count", "dates": f"{tables['child_count_date']}", **row}
           for row in tables["child_count"] or []]
    if tables["exiting"] is not None:
        so_far = "" if tables["exits_counted_to"] == tables["exiting_to"] else " (so far)"
        dates = f"{tables['exiting_from']} to {tables['exits_counted_to']}{so_far}"
        out += [{"reporting_year": year, "table": "exiting", "dates": dates, **row} for row in tables["exiting"]]
    return out


def missing(tables: dict) -> list[str]:
    """What a year's tables cannot hold yet, in sentences."""
    out = []
    if tables["child_count"] is None:
        reach = (f"the list runs to {tables['listed_to']}" if tables["listed_to"] is not None
                 else "no referral list is loaded")
        out.append(f"no child count for {tables['child_count_date']} yet: {reach}")
    if tables["exiting"] is None:
        out.append(f"no exits for {tables['exiting_from']} to {tables['exiting_to']}: the list does not reach "
                   "that year")
    elif tables["exits_counted_to"] != tables["exiting_to"]:
        out.append(f"exits are counted to {tables['exits_counted_to']}, the list's last day, not to "
                   f"{tables['exiting_to']}")
    return out
