import datetime as dt

import polars as pl
import pytest

from pipelines.dates import parse_date, parse_dates

D = dt.date(2018, 1, 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1/2/2018", D),
        ("01/02/2018", D),
        ("1/2/18", D),
        ("2018-01-02", D),
        ("2018-01-02 00:00:00", D),  # an Excel date cell read as text
        ("January 2, 2018", D),
        ("Jan 2, 2018", D),
        ("Jan. 2, 2018", D),
        ("43102", D),  # Excel serial
        ("43102.0", D),
        (" 1/2/2018 ", D),
        ("12/31/99", dt.date(1999, 12, 31)),
        ("2/29/2024", dt.date(2024, 2, 29)),
        ("2/30/2024", None),
        ("13/2/2018", None),
        ("February 30, 2018", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_date_styles(text, expected):
    frame = pl.DataFrame({"d": [text]}, schema={"d": pl.String})
    assert frame.select(parse_date(pl.col("d"))).item() == expected


def test_a_column_is_parsed_once_per_distinct_text_with_the_same_answers():
    texts = ["1/2/2018", "1/2/18", "January 2, 2018", "May 2020", "2020-05", "43102", "soon", None, " 1/2/2018 "]
    repeated = pl.DataFrame({"d": texts * 20})  # few distinct texts: looked up
    distinct = pl.DataFrame({"d": texts})  # as many texts as rows: parsed row by row
    expected = [parse_date_of(t) for t in texts]
    assert parse_dates(repeated, ["d"])["d_date"].to_list() == expected * 20
    assert parse_dates(distinct, ["d"])["d_date"].to_list() == expected


def parse_date_of(text):
    return pl.select(parse_date(pl.lit(text, pl.String))).item()
