"""Equity gaps (DESIGN §2.3): who is over- or under-represented at a stage, and whose rates differ.

Groups are multi-select: one person can be Black, White and Multiracial at once. So a group's people
are counted as distinct people, shares of a stage can add up past 100%, and "everyone else" is the
distinct total less the group, never the sum of the other groups. People whose group is not known
are the "Unknown" group: shown, but never a race, never in a denominator, never in a gap.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from pipelines import intervals

AMERICAN_INDIAN = "American Indian, Alaska Native or Indigenous"
ASIAN = "Asian or Asian American"
BLACK = "Black, African American or African"
HISPANIC = "Hispanic/Latina/e/o"
MIDDLE_EASTERN = "Middle Eastern or North African"
PACIFIC_ISLANDER = "Native Hawaiian or Pacific Islander"
WHITE = "White"
MULTIRACIAL = "Multiracial"
UNKNOWN = "Unknown"
ALL = "All"  # the reference population's row that counts each person once
RACE_GROUPS = (AMERICAN_INDIAN, ASIAN, BLACK, HISPANIC, MIDDLE_EASTERN, PACIFIC_ISLANDER, WHITE, MULTIRACIAL,
               UNKNOWN)
ADULT_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
INFANT_BANDS = ("under 1", "1 to under 2", "2 to under 3", "3 and over")

# Matched as whole words, in this order, each phrase blanked out once matched: so "north african" is
# taken before "african", a negation before the word it negates, and "native hawaiian" never reads
# as "native". Anything left unmatched ("other", "client doesn't know", "data not collected") is unknown.
_PHRASES: tuple[tuple[str, str | None], ...] = (
    *((p, None) for p in ("non hispanic", "not hispanic", "non latino", "non latina", "not latino")),
    *((p, MIDDLE_EASTERN) for p in ("middle eastern", "north african", "mena", "arab")),
    *((p, PACIFIC_ISLANDER) for p in ("native hawaiian", "pacific islander", "hawaiian", "samoan", "chamorro",
                                      "guamanian", "tongan", "fijian", "marshallese", "polynesian", "micronesian")),
    *((p, AMERICAN_INDIAN) for p in ("american indian", "alaska native", "alaskan native", "native alaskan",
                                     "native american", "indigenous", "first nations")),
    *((p, ASIAN) for p in ("asian", "chinese", "filipino", "japanese", "korean", "vietnamese")),
    *((p, BLACK) for p in ("african american", "african", "black")),
    *((p, HISPANIC) for p in ("hispanic", "latino", "latina", "latine", "latinx", "latin")),
    *((p, WHITE) for p in ("white", "caucasian", "european")),
    *((p, MULTIRACIAL) for p in ("multiple races", "multiple", "multi racial", "multiracial", "multi race",
                                 "two or more", "more than one", "mixed", "biracial")),
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _words(text: str | None) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", " ", (text or "").lower().replace("'", "").replace("’", ""))
    return f" {cleaned.strip()} "


def race_categories(text: str | None) -> frozenset[str]:
    """The groups one race/ethnicity answer names; empty when it names none (unknown, refused, other).

    "Multiple races" without saying which gives just {Multiracial}.
    """
    words, found = _words(text), set()
    for phrase, group in _PHRASES:
        if f" {phrase} " in words:
            words = words.replace(f" {phrase} ", " ")
            if group:
                found.add(group)
    return frozenset(found)


def is_hispanic(value: str | bool | None) -> bool | None:
    """A Hispanic yes/no or ethnicity answer: True, False, or None when not known."""
    if value is None or isinstance(value, bool):
        return value
    words = _words(value)
    if any(f" {p} " in words for p, group in _PHRASES if group is None) or words.strip() in _NO:
        return False
    return HISPANIC in race_categories(value) or words.strip() in _YES or None


def _lookup(people: pl.DataFrame, person: str, column: str, read, dtype: pl.DataType) -> pl.DataFrame:
    """(person, found): `read` applied once per distinct answer, not once per row (lists are exploded)."""
    text = people.select(person, pl.col(column).cast(pl.String).alias("_text"))
    answers = text["_text"].unique().to_list()
    read_answers = pl.DataFrame({"_text": answers, "found": [read(a) for a in answers]},
                                schema={"_text": pl.String, "found": dtype})
    named = text.join(read_answers, on="_text", how="left", nulls_equal=True).select(person, "found")
    return named.explode("found") if isinstance(dtype, pl.List) else named


def race_groups(people: pl.DataFrame, *, person: str = "person_id", race: str = "race", hispanic: str | None = None,
                multiracial_counts_hispanic: bool = False) -> pl.DataFrame:
    """One row per person per group: columns `person` (as given) and `group` (one of RACE_GROUPS).

    `race` holds free text, several answers in one cell allowed ("Black; White"); `hispanic` an
    optional ethnicity or yes/no column. A person named in two or more races is also Multiracial. As
    in HUD's reports ("Multi-racial (does not include Hispanic/Latina/e/o)") and the census's "two or
    more races", Hispanic does not count towards the two unless `multiracial_counts_hispanic`: where
    ethnicity is asked apart, nearly every Hispanic person would otherwise be Multiracial. A person
    with no group from either column is Unknown, and only then. Several rows for one person are pooled.
    """
    read_race = _lookup(people, person, race, lambda text: sorted(race_categories(text)), pl.List(pl.String))
    found = [read_race.select(person, group="found")]
    if hispanic is not None:
        flags = (people.select(person, found=hispanic) if people[hispanic].dtype == pl.Boolean
                 else _lookup(people, person, hispanic, is_hispanic, pl.Boolean))
        found.append(flags.filter(pl.col("found")).select(person, group=pl.lit(HISPANIC)))
    known = pl.concat(found).drop_nulls("group").unique()
    counted = known.filter(pl.col("group") != MULTIRACIAL)
    if not multiracial_counts_hispanic:
        counted = counted.filter(pl.col("group") != HISPANIC)
    several = (counted.group_by(person).agg(pl.len()).filter(pl.col("len") >= 2)
               .select(person, group=pl.lit(MULTIRACIAL)))
    unknown = (people.select(person).unique().join(known, on=person, how="anti")
               .select(person, group=pl.lit(UNKNOWN)))
    return (pl.concat([known, several, unknown]).unique()
            .sort(person, pl.col("group").cast(pl.Enum(RACE_GROUPS))))


def _column(value: str | pl.Expr | dt.date) -> pl.Expr:
    if isinstance(value, pl.Expr):
        return value
    return pl.col(value) if isinstance(value, str) else pl.lit(value)


def age_band(age: str | pl.Expr) -> pl.Expr:
    """Adult age band (ADULT_BANDS), named age_band, from age in whole years; Unknown when missing or negative."""
    years = _column(age)
    bands = pl.when(years.is_null() | (years < 0)).then(pl.lit(UNKNOWN)).when(years < 18).then(pl.lit("under 18"))
    for low, label in zip((25, 35, 45, 55, 65), ADULT_BANDS[1:-1], strict=True):
        bands = bands.when(years < low).then(pl.lit(label))
    return bands.otherwise(pl.lit("65+")).alias("age_band")


def age_in_years(birth: str | pl.Expr, on: str | pl.Expr | dt.date) -> pl.Expr:
    """Completed years of age on a day: the birthday itself counts (a child is 1 on its first birthday)."""
    born, day = _column(birth), _column(on)
    before_birthday = _month_day(day) < _month_day(born)
    return day.dt.year() - born.dt.year() - before_birthday.cast(pl.Int32)


def _month_day(date: pl.Expr) -> pl.Expr:
    return date.dt.month().cast(pl.Int32) * 100 + date.dt.day().cast(pl.Int32)  # months are Int8: 12 × 100 overflows


def infant_age_band(birth: str | pl.Expr, on: str | pl.Expr | dt.date) -> pl.Expr:
    """Early Intervention age band (INFANT_BANDS), named age_band, on a day, usually the referral date."""
    years = age_in_years(birth, on)
    return (pl.when(years.is_null() | (years < 0)).then(pl.lit(UNKNOWN))
            .when(years < 1).then(pl.lit("under 1")).when(years < 2).then(pl.lit("1 to under 2"))
            .when(years < 3).then(pl.lit("2 to under 3")).otherwise(pl.lit("3 and over")).alias("age_band"))


def _unreliable(events: float, base: float) -> bool:
    return events < 10 or base < 30  # DESIGN §2.3


_ORDER = {g: i for i, g in enumerate((*RACE_GROUPS[:-1], *ADULT_BANDS, *INFANT_BANDS))}


def _order(group: str) -> tuple:
    return group == UNKNOWN, _ORDER.get(group, len(_ORDER)), group


REPRESENTATION_SCHEMA = {
    "group": pl.String, "count": pl.Int64, "base": pl.Int64, "share": pl.Float64, "share_low": pl.Float64,
    "share_high": pl.Float64, "reference_share": pl.Float64, "index": pl.Float64, "index_low": pl.Float64,
    "index_high": pl.Float64, "difference_pp": pl.Float64, "unreliable": pl.Boolean, "measure": pl.String,
}


def representation(stage: pl.DataFrame, reference: pl.DataFrame, *, person: str = "person_id",
                   population: str = "population", reference_total: float | None = None,
                   confidence: float = 0.95) -> pl.DataFrame:
    """Each group's share of a stage against its share of a reference population (REPRESENTATION_SCHEMA).

    stage: (person, group), people at the stage. reference: (group, population), one row per group of
    one geography and one kind (races, or neighbourhoods). Because race groups overlap, its total is
    `reference_total` if given, else its "All" row, else the sum of its rows.
    A share's base is the distinct people at the stage whose group is known; Unknown's base is everyone
    there, and it has no reference share or index. index = share ÷ reference share, its interval the
    Wilson interval of the share over the same reference share. Groups in the reference with nobody at
    the stage appear with a count of 0.
    """
    if reference["group"].is_duplicated().any():
        raise ValueError("the reference population has more than one row for a group (one geography at a time)")
    distinct = stage.select(person, pl.col("group").fill_null(UNKNOWN)).unique()
    everyone = distinct[person].n_unique()
    known = distinct.filter(pl.col("group") != UNKNOWN)[person].n_unique()
    counts = dict(distinct.group_by("group").agg(pl.len()).iter_rows())
    sizes = dict(reference.select("group", population).iter_rows())
    everybody = sizes.pop(ALL, None)
    total = next(t for t in (reference_total, everybody, sum(v or 0 for v in sizes.values())) if t is not None)
    rows = []
    for group in sorted(counts.keys() | (sizes.keys() - {UNKNOWN}), key=_order):
        size = None if group == UNKNOWN else sizes.get(group)
        rows.append(representation_row(group, counts.get(group, 0), everyone if group == UNKNOWN else known,
                                       size / total if size is not None and total else None, confidence))
    return pl.DataFrame(rows, schema=REPRESENTATION_SCHEMA)


def representation_row(group: str, count: int, base: int, ref: float | None, confidence: float = 0.95) -> dict:
    """One group's share of a stage (count of base) against its reference share, as representation()
    gives it."""
    share = count / base if base else None
    low, high = intervals.wilson(count, base, confidence)
    ok = ref is not None and ref > 0 and share is not None
    return {
        "group": group, "count": count, "base": base, "share": share, "share_low": low, "share_high": high,
        "reference_share": ref, "index": share / ref if ok else None, "index_low": low / ref if ok else None,
        "index_high": high / ref if ok else None,
        "difference_pp": (share - ref) * 100 if share is not None and ref is not None else None,
        "unreliable": _unreliable(count, base), "measure": "representation",
    }


def tally(groups: pl.DataFrame, outcomes: pl.DataFrame, *, person: str = "person_id",
          value: str = "value") -> pl.DataFrame:
    """Per-group inputs for rate_ratios() and mean_ratio(), from people's outcomes.

    groups: (person, group). outcomes: one row per unit counted in the base (a person, or a
    placement), with `value` the events it brings (1/0 for "was housed", days for days to housing).
    Returns group, events, base, total_events, total_base; totals are over the distinct units whose
    person has a known group, so a group's complement is exactly everyone else known. Unknown is left out.
    """
    units = outcomes.select(person, pl.col(value).cast(pl.Int64) if outcomes[value].dtype == pl.Boolean
                            else pl.col(value)).with_row_index("_unit")
    groups = groups.select(person, pl.col("group").fill_null(UNKNOWN)).unique()
    joined = units.join(groups, on=person).filter(pl.col("group") != UNKNOWN)
    known = joined.unique("_unit")
    per_group = joined.group_by("group").agg(events=pl.col(value).sum(), base=pl.len().cast(pl.Int64))
    return (per_group.with_columns(total_events=pl.lit(known[value].sum(), dtype=per_group["events"].dtype),
                                   total_base=pl.lit(known.height, dtype=pl.Int64))
            .sort(pl.col("group").replace_strict(_ORDER, default=len(_ORDER), return_dtype=pl.Int64), "group"))


RATIO_SCHEMA = {
    "group": pl.String, "events": pl.Float64, "base": pl.Float64, "rate": pl.Float64, "other_events": pl.Float64,
    "other_base": pl.Float64, "other_rate": pl.Float64, "ratio": pl.Float64, "ratio_low": pl.Float64,
    "ratio_high": pl.Float64, "unreliable": pl.Boolean, "measure": pl.String,
}


def _ratios(counts: pl.DataFrame, measure: str, confidence: float) -> pl.DataFrame:
    rows = []
    for row in counts.iter_rows(named=True):
        events, base = row["events"], row["base"]
        other_events, other_base = row["total_events"] - events, row["total_base"] - base
        if measure == "proportion":
            ratio = intervals.proportion_ratio(events, base, other_events, other_base, confidence)
        else:
            ratio = intervals.rate_ratio(events, base, other_events, other_base, confidence)
        # for a mean the events that make it reliable are the placements, not the days
        small = (_unreliable(min(base, other_base), min(base, other_base)) if measure == "mean"
                 else _unreliable(min(events, other_events), min(base, other_base)))
        rows.append({
            "group": row["group"], "events": events, "base": base, "rate": events / base if base else None,
            "other_events": other_events, "other_base": other_base,
            "other_rate": other_events / other_base if other_base else None,
            "ratio": ratio[0], "ratio_low": ratio[1], "ratio_high": ratio[2], "unreliable": small, "measure": measure,
        })
    return pl.DataFrame(rows, schema=RATIO_SCHEMA)


def rate_ratios(counts: pl.DataFrame, kind: str = "proportion", confidence: float = 0.95) -> pl.DataFrame:
    """Each group's rate ÷ everyone else's (RATIO_SCHEMA), from tally()-shaped counts.

    kind "proportion": events out of people (placements per active person, 45-day compliance), Wilson
    (MOVER-R) interval. kind "rate": events over an exposure (referrals per child under 3), exact Poisson.
    Unreliable when either side has fewer than 10 events or a base under 30.
    """
    if kind not in ("proportion", "rate"):
        raise ValueError(f'kind must be "proportion" or "rate", not {kind!r}')
    return _ratios(counts, kind, confidence)


def mean_ratio(groups: pl.DataFrame, outcomes: pl.DataFrame, *, person: str = "person_id", value: str = "value",
               confidence: float = 0.95) -> pl.DataFrame:
    """Mean days to housing of each group ÷ everyone else's (RATIO_SCHEMA; `rate` is the mean, `events`
    the days, `base` the placements), with intervals.mean_ratio's interval.

    groups: (person, group). outcomes: one row per placement, `value` its whole days. Everyone else is
    the placements of known people outside the group. Unreliable under 30 placements on either side.
    """
    placed = outcomes.join(groups, on=person, how="inner")
    known = outcomes.join(groups.filter(pl.col("group") != UNKNOWN), on=person, how="semi")
    rows = []
    for group in sorted(set(placed["group"]) - {UNKNOWN}, key=_order):
        mine = placed.filter(pl.col("group") == group)[value]
        others = known.join(groups.filter(pl.col("group") == group), on=person, how="anti")[value]
        n1, n2 = mine.len(), others.len()
        mean1, mean2 = (mine.mean() if n1 else None), (others.mean() if n2 else None)
        ratio = (intervals.mean_ratio(n1, mean1, mine.var() or 0.0, n2, mean2, others.var() or 0.0, confidence)
                 if n1 and n2 else intervals.NO_RATIO)
        rows.append({
            "group": group, "events": float(mine.sum()), "base": float(n1), "rate": mean1,
            "other_events": float(others.sum()), "other_base": float(n2), "other_rate": mean2,
            "ratio": ratio[0], "ratio_low": ratio[1], "ratio_high": ratio[2],
            "unreliable": _unreliable(min(n1, n2), min(n1, n2)), "measure": "mean",
        })
    return pl.DataFrame(rows, schema=RATIO_SCHEMA)


@dataclass(frozen=True)
class Measures:
    """A frame from representation(), rate_ratios() or mean_ratio() and the words that describe it.

    what: the stage ("those actively homeless"), the outcome as a participle ("housed"), or for a mean
    the wait ("wait for housing"). reference: representation only ("the city's population").
    who: how a group's members are called ("{group} people", "{group} children", "people aged {group}").
    """

    frame: pl.DataFrame
    what: str
    reference: str = ""
    who: str = "{group} people"


def _percent(share: float) -> str:
    return f"{share:.0%}" if round(share * 100) >= 1 else f"{share:.1%}"


def _times(ratio: float) -> str:
    return f"{ratio:.1f}" if round(ratio, 1) >= 0.1 else f"{ratio:.2g}"


def _sentence(measures: Measures, row: dict) -> str:
    who = measures.who.format(group=row["group"])
    who = who[0].upper() + who[1:]
    if row["measure"] == "representation":
        return (f"{who} are {_percent(row['share'])} of {measures.what} but {_percent(row['reference_share'])} "
                f"of {measures.reference}: {_times(row['index'])} times their share.")
    interval = f"(95% interval {_times(row['ratio_low'])} to {_times(row['ratio_high'])})"
    if row["measure"] == "mean":
        return f"{who} {measures.what} {_times(row['ratio'])} times as long as everyone else on average {interval}."
    return f"{who} are {measures.what} at {_times(row['ratio'])} times the rate of everyone else {interval}."


def largest_gaps(measures: Sequence[Measures], n: int = 3) -> list[str]:
    """Plain sentences for the n largest gaps, largest first (distance from parity on a log scale).

    Only reliable results whose 95% interval excludes parity count as gaps: a ratio whose interval
    includes 1 is consistent with no gap at all.
    """
    found = []
    for m in measures:
        value, low, high = ("index", "index_low", "index_high") if "index" in m.frame.columns else (
            "ratio", "ratio_low", "ratio_high")
        for row in m.frame.iter_rows(named=True):
            if (row["unreliable"] or row["group"] == UNKNOWN or not row[value] or row[low] is None
                    or row[high] is None or row[low] <= 1 <= row[high]):
                continue
            found.append((abs(math.log(row[value])), m, row))
    found.sort(key=lambda item: -item[0])
    return [_sentence(m, row) for _, m, row in found[:n]]
