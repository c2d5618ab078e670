"""Triage: the order in which a case conference goes through the active list, and why.

A policy is an ordered list of sort keys, each "key asc" or "key desc" (a program setting). Every
rank can be explained from the same keys.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines import clocks

# What a policy may sort on, with the words used to explain a rank.
SORT_KEYS = {
    "chronic": "chronically homeless",
    "veteran": "veteran",
    "assessment_score": "assessment score",
    "prioritized": "on the prioritization list",
    "days_since_identification": "days since identification",
    "identified": "identified",
    "age": "age",
    "days_left_45": "days left on the 45-day clock",
    "transition_due": "days to the transition conference deadline",
}
DIRECTIONS = {"asc": False, "desc": True}
# What a blank value says, where "no <key>" would not read.
BLANK = {
    "chronic": "chronic status not known", "veteran": "veteran status not known",
    "prioritized": "no coordinated entry assessment", "identified": "no identification date",
    "days_since_identification": "no identification date",
    "days_left_45": "45-day clock stopped (IFSP meeting held or not eligible)",
    "transition_due": "no transition deadline running",
}


def parse_policy(policy: list[str]) -> list[tuple[str, bool]]:
    """["chronic desc", ...] -> [("chronic", True), ...]; refuses keys it does not know."""
    parsed = []
    for item in policy:
        key, _, direction = item.strip().partition(" ")
        direction = direction.strip() or "asc"
        if key not in SORT_KEYS or direction not in DIRECTIONS:
            raise ValueError(f"triage policy item {item!r}: use one of {', '.join(SORT_KEYS)} with asc or desc")
        parsed.append((key, DIRECTIONS[direction]))
    return parsed


def rank(active: pl.DataFrame, policy: list[str], list_date: dt.date) -> pl.DataFrame:
    """The active list sorted by the policy, with rank (1 = first).

    Missing values (no assessment score, say) sort last whatever the direction.
    """
    keys = _deciding(parse_policy(policy))
    frame = active.with_columns(
        (pl.lit(list_date) - pl.col("identified")).dt.total_days().alias("days_since_identification"),
        # a referral list's clocks, where the list has them
        *([clocks.days_left_45(list_date), clocks.transition_due(list_date)] if "ifsp" in active.columns else []),
    )
    # One stable sort per key, the last key first, gives the same order as a sort on all keys at
    # once in two thirds of the time on a list of 300,000.
    order = frame.select(pl.arg_sort_by("record_id")).to_series()
    for key, descending in reversed(keys):
        column = frame.get_column(key).gather(order).to_frame()
        order = order.gather(
            column.select(pl.arg_sort_by(key, descending=descending, nulls_last=True, maintain_order=True))
            .to_series()
        )
    ordered = frame[order]
    # The key that puts each person ahead of the one just behind: the first on which they differ.
    differs = [pl.col(key).ne_missing(pl.col(key).shift(-1)) for key, _ in keys]
    decided = pl.lit(None, pl.String)
    for (key, _), differ in reversed(list(zip(keys, differs))):
        decided = pl.when(differ).then(pl.lit(key)).otherwise(decided)
    return ordered.with_columns(pl.int_range(1, ordered.height + 1).alias("rank"),
                                pl.when(pl.int_range(pl.len()) < pl.len() - 1).then(decided).alias("decided_by"))


def _deciding(keys: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The keys that can change the order: days since identification and the identification date
    are one fact, so only the first of them counts (sorting on both costs a quarter more time)."""
    seen, kept = set(), []
    for key, descending in keys:
        fact = "identified" if key == "days_since_identification" else key
        if fact not in seen:
            seen.add(fact)
            kept.append((key, descending))
    return kept


def why(ranked: pl.DataFrame, policy: list[str]) -> pl.Series:
    """For each row of a ranked list, the values that put it where it is, in the policy's order."""
    return ranked.select(_reason(parse_policy(policy)).alias("why")).to_series()


def deciding_reason(person: dict) -> str | None:
    """For one ranked person, the reason that puts them ahead of the next (None for the last, or a
    tie that only the order of their records breaks)."""
    key = person.get("decided_by")
    if key is None:
        return None
    return pl.DataFrame([person]).select(_reason([(key, True)])).item()


def _reason(keys: list[tuple[str, bool]]) -> pl.Expr:
    parts = []
    for key, _ in keys:
        # Cast: a single row (the person panel's) with a blank value comes without a type.
        column = pl.col(key)
        if key in ("chronic", "veteran", "prioritized"):
            column = column.cast(pl.Boolean)
            part = pl.when(column).then(pl.lit(SORT_KEYS[key])).when(~column).then(pl.lit(f"not {SORT_KEYS[key]}"))
        elif key == "identified":
            part = pl.lit("identified ") + column.cast(pl.Date).dt.strftime("%-d %b %Y")
        elif key == "days_since_identification":
            part = column.cast(pl.Int64).cast(pl.String) + pl.lit(" days since identification")
        elif key in ("days_left_45", "transition_due"):
            column = column.cast(pl.Int64)
            deadline = "the 45-day clock" if key == "days_left_45" else "the transition conference deadline"
            part = (pl.when(column < 0).then(column.abs().cast(pl.String) + pl.lit(f" days past {deadline}"))
                    .otherwise(column.cast(pl.String) + pl.lit(f" days to {deadline}")))
        else:
            part = pl.lit(f"{SORT_KEYS[key]} ") + column.cast(pl.Int64).cast(pl.String)
        parts.append(part.fill_null(pl.lit(BLANK.get(key, f"no {SORT_KEYS[key]}"))))
    return pl.concat_str(parts, separator="; ")


def describe(policy: list[str]) -> str:
    """The policy in words, for the page that shows the ranks."""
    words = {
        ("chronic", True): "chronically homeless first",
        ("chronic", False): "chronically homeless last",
        ("veteran", True): "veterans first",
        ("veteran", False): "veterans last",
        ("prioritized", True): "those on the prioritization list first",
        ("prioritized", False): "those on the prioritization list last",
        ("identified", False): "earliest identified first",
        ("identified", True): "latest identified first",
        ("days_since_identification", True): "longest on the list first",
        ("days_since_identification", False): "newest on the list first",
        ("days_left_45", False): "least time left on the 45-day clock first (overdue first)",
        ("transition_due", False): "nearest transition deadline first",
    }
    phrases = []
    for key, descending in parse_policy(policy):
        phrases.append(words.get((key, descending))
                       or f"{SORT_KEYS[key]} {'high to low' if descending else 'low to high'}")
    return ", then ".join(phrases).capitalize()
