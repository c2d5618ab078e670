"""Built for Zero's own public sample, against the figures its own calculator gives: every month
from 2017-01 to 2020-12 and every population."""

import datetime as dt
import json

import pytest

from pipelines import figures
from pipelines.periods import series
from tests.conftest import BFZ_EXPECTED, BFZ_SAMPLE, ingest, needs_shared

pytestmark = needs_shared()


@pytest.fixture
def sample(conn):
    result = ingest(conn, BFZ_SAMPLE.read_bytes(), BFZ_SAMPLE.name)
    assert result.status == "loaded"
    return conn


def test_every_month_and_population_matches_the_calculator(sample):
    expected = json.loads(BFZ_EXPECTED.read_text())["months"]
    months = series(dt.date(2017, 1, 1), dt.date(2020, 12, 31), "month")
    assert [m.label for m in months] == sorted(expected)
    rows = figures.flow(sample, "homelessness", months)
    assert len(rows) == 48 * 7
    compared = 0
    for row in rows:
        want = expected[row["period"]][row["population"]]
        for metric, value in want.items():
            got = row[metric]
            if metric == "avg_days_to_housing" and value is not None:
                assert got == pytest.approx(value, abs=0.05), (row["period"], row["population"], metric)
            else:
                assert got == value, (row["period"], row["population"], metric)
            compared += 1
    assert compared == 48 * 7 * 7


def test_the_sample_is_read_with_one_warning_for_the_repeated_client_id(sample):
    report = json.loads(sample.execute("SELECT report FROM uploads").fetchone()[0])
    assert [(f["rule"], f["row"], f["value"]) for f in report["findings"]] == [
        ("repeated_client_id", 7, "865240")
    ]
    assert sample.execute("SELECT count(*), count(DISTINCT person_id) FROM records").fetchone() == (24, 21)
