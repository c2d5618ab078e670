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
