"""Chart builders and formatting, without a server."""

import datetime as dt

import polars as pl

from dashboard import charts, formatting


def series():
    return pl.DataFrame({
        "period": ["2024-W10", "2024-W11"],
        "period_start": [dt.date(2024, 3, 4), dt.date(2024, 3, 11)],
        "period_end": [dt.date(2024, 3, 10), dt.date(2024, 3, 17)],
        "actively_homeless": [40, 42],
        "newly_identified": [5, 3], "returned_from_housing": [1, 0], "returned_from_inactive": [0, 2],
        "housing_placements": [2, 1], "moved_to_inactive": [1, 0], "no_longer_meets_population": [0, 1],
    })


def test_movements_off_the_list_are_negative():
    long = charts.flow_long(series()).filter(pl.col("period") == "2024-W10").sort("kind")
    assert dict(zip(long["movement"], long["people"])) == {
        "Housed": -2, "Moved to inactive": -1, "Newly identified": 5, "No longer in this population": 0,
        "Returned from housing": 1, "Returned from inactive": 0,
    }


def test_inflow_outflow_chart_spec():
    spec = charts.inflow_outflow(series(), "week").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["aggregate"] == "sum"
    assert spec["encoding"]["color"]["scale"]["domain"][:3] == ["Newly identified", "Returned from housing",
                                                                "Returned from inactive"]


def test_active_chart_draws_the_threshold_only_when_there_is_one():
    plain = charts.active_over_time(series(), "week").to_dict()
    assert plain["mark"]["type"] == "line"
    layered = charts.active_over_time(series(), "month", threshold=5.1667).to_dict()
    assert [layer["mark"]["type"] for layer in layered["layer"]] == ["line", "rule", "text"]
    labels = [row.get("label") for rows in layered["datasets"].values() for row in rows]
    assert "Functional zero threshold: 5.17" in labels


def test_people_readable_formats():
    assert formatting.count(1330) == "1,330"
    assert formatting.count(None) == "–"
    assert formatting.day(dt.date(2020, 9, 14)) == "Mon 14 Sep 2020"
    assert formatting.day(dt.date.today()).count(" ") == 2  # this year's dates leave the year out
    assert formatting.figure("reliability", 0.0312) == "3.1%"
    assert formatting.figure("avg_days_to_housing", 24.33) == "24.3"
    assert formatting.ago(dt.datetime(2024, 3, 1, 9), dt.datetime(2024, 3, 4, 8)) == "3 days ago"
