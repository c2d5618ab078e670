"""A seeded generator of by-name lists for a fictional community, at any size.

Each person's story is drawn once (identified, housed or inactive, perhaps returning and leaving
again); a monthly extract then shows what a data lead's export would show on that day: only each
record's latest dates up to then, with the loose spellings and mixed date styles of real lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.periods import add_months, month_end

FIRST_NAMES = (
    "Avery Jordan Casey Riley Morgan Taylor Jamie Quinn Rowan Emerson Harper Skyler Dakota Reese Parker "
    "Marisol Tomas Aaliyah Darnell Mei Ana Luis Keisha Dmitri Fatima Jalen Priya Hector Ngozi Wren Elena "
    "Malik Rosa Tyrone Ingrid Kofi Lucia Andre Yusuf Carmen Tariq Noor Delia Beau Imani Silas Lena Omar"
).split()
LAST_NAMES = (
    "Alder Brookfield Castell Dunmore Ellery Fairbanks Galloway Hartwell Ivers Jessup Kestrel Lowell "
    "Marlow Northcott Oakes Pembrook Quarles Redfield Stanwick Thorne Underhill Vance Whitlock Yardley "
    "Abernathy Bellamy Corwin Delacroix Espinoza Fenwick Greer Holloway Ibarra Jimenez Kowalski Lindqvist "
    "Mbeki Nakamura Okafor Pettigrew"
).split()
WORKERS = ("Dana Ruiz", "Sam Okoro", "Lee Hartman", "Pat Nguyen", "Rescue Mission", "Outreach Team East",
           "Harbor Shelter", "Veterans Affairs Team")
RACES = ("White (HUD)", "Black or African American (HUD)", "American Indian or Alaska Native (HUD)",
         "Asian or Asian American (HUD)", "Native Hawaiian or Pacific Islander (HUD)",
         "Multi-Racial (HUD)", "Data not collected (HUD)")
RACE_WEIGHTS = (0.45, 0.33, 0.06, 0.03, 0.02, 0.08, 0.03)
ETHNICITIES = ("Non-Hispanic/Non-Latino (HUD)", "Hispanic/Latino (HUD)", "Data not collected (HUD)")
GENDERS = ("Male", "Female", "Transgender", "Non-Binary", "Data not collected")
# Spellings seen on real lists, each normalised to the same value by the reader.
SINGLE = ("Single Adult", "Single Adult", "Single Adult", "single adult", "Single Adults")
FAMILY = ("Family", "Family", "Families")
YOUTH = ("Youth",)
VETERAN_YES = ("Yes", "Yes", "Yes Validated", "Yes Confirmed")
CHRONIC_YES = ("Yes", "Chronically Homeless", "Chronically Homeless", "Chronic")
DATE_STYLES = (("%-m/%-d/%Y", 0.84), ("%Y-%m-%d", 0.08), ("%B %-d, %Y", 0.04), ("%-m/%-d/%y", 0.04))
NEVER = np.iinfo(np.int32).max // 2

HEADERS = {
    "client_id": "Client ID", "first_name": "First Name", "last_name": "Last Name",
    "identified": "Date of Identification", "returned": "Returned to Active Date",
    "moved_in": "Housing Move-In Date", "inactive": "Inactive Date", "household": "Household Type",
    "chronic": "Chronic Status", "veteran": "Veteran Status", "age": "Age", "gender": "Gender",
    "race": "Race", "ethnicity": "Ethnicity", "score": "VI-SPDAT Score", "contact": "Contact",
    "status": "BNL Status",
}


def _pick(rng, choices, size, weights=None):
    return np.asarray(choices, dtype=object)[rng.choice(len(choices), size=size, p=weights)]


def draw_people(records: int, seed: int = 7, last_day: dt.date = dt.date(2025, 12, 31), years: int = 3) -> pl.DataFrame:
    """Every record's whole story, as day numbers from 1970-01-01 (NEVER: it did not happen)."""
    rng = np.random.default_rng(seed)
    n = records
    first_day = add_months(last_day.replace(day=1), -12 * years + 1)
    span = (last_day - first_day).days
    epoch = (first_day - dt.date(1970, 1, 1)).days
    identified = epoch + rng.integers(0, span + 1, n)

    def gap(mean, size):
        days = rng.exponential(mean, size).astype(np.int64)
        same_day = rng.random(size) < 0.02  # real lists have exits on the day of identification
        return np.where(same_day, 0, days + 1)

    first_exit = np.where(rng.random(n) < 0.22, NEVER, identified + gap(110, n))
    first_housed = rng.random(n) < 0.55
    returns = np.where(first_housed, rng.random(n) < 0.08, rng.random(n) < 0.3)
    returned = np.where((first_exit < NEVER) & returns, first_exit + gap(70, n), NEVER)
    second_exit = np.where((returned < NEVER) & (rng.random(n) < 0.7), returned + gap(130, n), NEVER)
    second_housed = rng.random(n) < 0.5

    household = rng.choice(3, size=n, p=(0.72, 0.14, 0.14))  # single adult, family, youth
    single = household == 0
    veteran = single & (rng.random(n) < 0.13)
    chronic = single & (rng.random(n) < 0.3)
    # Some people become chronically homeless after a year on the list: a later extract says so.
    chronic_from = np.where(single & ~chronic & (rng.random(n) < 0.25), identified + 365, NEVER)

    client_ids = rng.choice(np.arange(100000, 100000 + 40 * n), size=n, replace=False)
    repeat = rng.random(n) < 0.003  # one person, two records: a later entry under the same ID
    client_ids = np.where(repeat, np.roll(client_ids, 1), client_ids)
    return pl.DataFrame({
        "client_id": client_ids.astype(str),
        "first_name": _pick(rng, FIRST_NAMES, n),
        "last_name": _pick(rng, LAST_NAMES, n),
        "identified": identified,
        "first_exit": first_exit,
        "first_housed": first_housed,
        "returned": returned,
        "second_exit": second_exit,
        "second_housed": second_housed,
        "household": np.where(single, _pick(rng, SINGLE, n),
                              np.where(household == 1, _pick(rng, FAMILY, n), _pick(rng, YOUTH, n))),
        "veteran": np.where(veteran, _pick(rng, VETERAN_YES, n), np.where(rng.random(n) < 0.1, "", "No")),
        "chronic": chronic,
        "chronic_from": chronic_from,
        "chronic_word": _pick(rng, CHRONIC_YES, n),
        "age": np.where(household == 2, rng.integers(16, 25, n), rng.integers(25, 78, n)),
        "gender": _pick(rng, GENDERS, n, (0.58, 0.36, 0.02, 0.02, 0.02)),
        "race": _pick(rng, RACES, n, RACE_WEIGHTS),
        "ethnicity": _pick(rng, ETHNICITIES, n, (0.78, 0.19, 0.03)),
        "score": rng.integers(0, 18, n),
        "contact": _pick(rng, WORKERS, n),
        "date_style": rng.choice(len(DATE_STYLES), size=n, p=[w for _, w in DATE_STYLES]),
    })


def _day(expr: pl.Expr) -> pl.Expr:
    return pl.date(1970, 1, 1) + pl.duration(days=expr)


def _written(column: str) -> pl.Expr:
    date = pl.col(column)
    text = pl.when(pl.col("date_style") == 0).then(date.dt.strftime(DATE_STYLES[0][0]))
    for i, (style, _) in enumerate(DATE_STYLES[1:], start=1):
        text = text.when(pl.col("date_style") == i).then(date.dt.strftime(style))
    return text.alias(column)


def extract(people: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """The list a data lead would export on day `on`: each record's latest dates up to then."""
    day = (on - dt.date(1970, 1, 1)).days
    seen = people.filter(pl.col("identified") <= day)

    def upto(expr):
        return pl.when(expr <= day).then(expr)

    first_exit, second_exit = upto(pl.col("first_exit")), upto(pl.col("second_exit"))
    moved_in = pl.max_horizontal(
        pl.when(pl.col("first_housed")).then(first_exit), pl.when(pl.col("second_housed")).then(second_exit)
    )
    inactive = pl.max_horizontal(
        pl.when(~pl.col("first_housed")).then(first_exit), pl.when(~pl.col("second_housed")).then(second_exit)
    )
    chronic = pl.col("chronic") | (pl.col("chronic_from") <= day)
    returned = upto(pl.col("returned"))
    active = (moved_in.is_null() & inactive.is_null()) | (returned > pl.max_horizontal(moved_in, inactive))
    frame = seen.with_columns(
        _day(pl.col("identified")).alias("identified"),
        _day(upto(pl.col("returned"))).alias("returned"),
        _day(moved_in).alias("moved_in"),
        _day(inactive).alias("inactive"),
        pl.when(pl.col("household").str.starts_with("Single") | pl.col("household").str.starts_with("single"))
        .then(pl.when(chronic).then(pl.col("chronic_word")).otherwise(pl.lit("Not Chronically Homeless")))
        .otherwise(pl.lit("Not Chronically Homeless")).alias("chronic"),
        pl.when(active).then(pl.lit("Active")).otherwise(pl.lit("Inactive")).alias("status"),
    )
    return frame.select(
        pl.col("client_id"), "first_name", "last_name",
        *[_written(c) for c in ("identified", "returned", "moved_in", "inactive")],
        "household", "chronic", "veteran", "age", "gender", "race", "ethnicity", "score", "contact", "status",
    ).rename(HEADERS)


def monthly_dates(last_day: dt.date, snapshots: int) -> list[dt.date]:
    return [month_end(add_months(last_day.replace(day=1), -i)) for i in reversed(range(snapshots))]


def write_extracts(records: int, out: Path, snapshots: int = 1, seed: int = 7,
                   last_day: dt.date = dt.date(2025, 12, 31), xlsx: bool = False) -> list[Path]:
    """Write `snapshots` monthly extracts ending on `last_day`: one file at `out`, or several in it."""
    people = draw_people(records, seed=seed, last_day=last_day)
    days = monthly_dates(last_day, snapshots)
    if snapshots == 1 and out.suffix:
        targets = [out]
    else:
        out.mkdir(parents=True, exist_ok=True)
        targets = [out / f"bnl-{d:%Y-%m}.{'xlsx' if xlsx else 'csv'}" for d in days]
    for day, target in zip(days, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        frame = extract(people, day)
        if target.suffix == ".xlsx":
            frame.write_excel(target, worksheet="By-name list", autofit=False)
        else:
            frame.write_csv(target)
    return targets
