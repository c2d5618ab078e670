"""Triage order and its explanation, as a pure transform."""

import datetime as dt

import polars as pl
import pytest

from pipelines import triage

DEFAULT = ["chronic desc", "assessment_score desc", "days_since_identification desc", "identified asc"]


def people():
    return pl.DataFrame({
        "record_id": [1, 2, 3, 4, 5],
        "chronic": [False, True, True, False, False],
        "assessment_score": [9.0, 4.0, None, 9.0, 12.0],
        "identified": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2023, 6, 1), dt.date(2023, 12, 1),
                       dt.date(2024, 3, 1)],
    })


def test_default_policy_order_and_reasons():
    ranked = triage.rank(people(), DEFAULT, dt.date(2024, 3, 31))
    # Chronic first (2, then 3 whose missing score sorts last), then by score: 5 (12), then the two 9s,
    # the one identified longer ago first.
    assert ranked.select("rank", "record_id").rows() == [(1, 2), (2, 3), (3, 5), (4, 4), (5, 1)]
    assert triage.why(ranked, DEFAULT).to_list()[1] == ("chronically homeless; no assessment score; 304 days since "
                                          "identification; identified 1 Jun 2023")


def test_a_different_policy():
    ranked = triage.rank(people(), ["identified asc"], dt.date(2024, 3, 31))
    assert ranked["record_id"].to_list() == [3, 4, 1, 2, 5]


def test_policy_words_and_unknown_keys():
    assert triage.describe(DEFAULT) == ("Chronically homeless first, then assessment score high to low, then "
                                        "longest on the list first, then earliest identified first")
    with pytest.raises(ValueError, match="shoe_size"):
        triage.parse_policy(["shoe_size desc"])
    with pytest.raises(ValueError, match="sideways"):
        triage.parse_policy(["chronic sideways"])


@pytest.mark.parametrize("policy", [DEFAULT, ["identified desc", "veteran asc", "age desc"],
                                    ["assessment_score asc", "chronic asc"]])
def test_rank_equals_one_sort_on_every_key(policy):
    # Many ties and missing values, in no particular order of record_id: the key-by-key sort must
    # put everyone exactly where a sort on all the keys at once does, missing values last.
    size = 2000
    frame = pl.DataFrame({
        "record_id": pl.Series(range(size)).shuffle(seed=3),
        "chronic": pl.Series([None, True, False] * (size // 3) + [True] * (size % 3)).shuffle(seed=4),
        "veteran": pl.Series([True, False] * (size // 2)).shuffle(seed=5),
        "assessment_score": pl.Series([None, 1.0, 2.5, 7.0, 12.0] * (size // 5)).shuffle(seed=6),
        "age": pl.Series([None, 30, 45, 61] * (size // 4)).shuffle(seed=7),
        "identified": pl.Series([dt.date(2024, 1, 1) + dt.timedelta(days=i % 40) for i in range(size)]).shuffle(seed=8),
    })
    day = dt.date(2024, 6, 1)
    keys = triage.parse_policy(policy)
    expected = frame.with_columns(
        (pl.lit(day) - pl.col("identified")).dt.total_days().alias("days_since_identification")
    ).sort([k for k, _ in keys] + ["record_id"], descending=[d for _, d in keys] + [False], nulls_last=True)
    assert triage.rank(frame, policy, day)["record_id"].to_list() == expected["record_id"].to_list()


def test_one_person_with_blank_values_has_reasons_whatever_the_policy():
    """The person panel explains one row built from a dict: a blank value there has no type (Early
    Intervention's panel crashed on every child with no deadline yet)."""
    child = {"days_left_45": None, "transition_due": None, "identified": None}
    assert triage.why(pl.DataFrame([child]), ["days_left_45 asc", "transition_due asc", "identified asc"]).item() == (
        "45-day clock stopped (IFSP meeting held or not eligible); no transition deadline running; "
        "no identification date")
    person = {"chronic": None, "assessment_score": None, "days_since_identification": None, "identified": None,
              "veteran": None, "prioritized": None}
    assert triage.why(pl.DataFrame([person]), [*DEFAULT, "veteran desc", "prioritized desc"]).item() == (
        "chronic status not known; no assessment score; no identification date; no identification date; "
        "veteran status not known; no coordinated entry assessment")
