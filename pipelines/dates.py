"""Dates as by-name lists write them: 1/2/2018, 1/2/18, 2018-01-02, January 2, 2018, Excel serials,
and every form Built for Zero's own submission tool takes: "Friday, May 01, 2020", "May 01 2020",
"May 2020" (the month's last day), "2020-05" (its first), a date with a time of day."""

from __future__ import annotations

import polars as pl

EXCEL_EPOCH = pl.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug

_TIME = r"(\s+\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?)?$"  # a time of day after the date is ignored
_SLASH_SHORT = r"^\d{1,2}/\d{1,2}/\d{2}" + _TIME
_SLASH_LONG = r"^\d{1,2}/\d{1,2}/\d{4}" + _TIME
_ISO = r"^\d{4}-\d{1,2}-\d{1,2}"  # also the date part of "2018-01-02 00:00:00" from Excel cells
_ISO_MONTH = r"^\d{4}-\d{1,2}$"  # a month alone: its first day, as Built for Zero reads it
_MONTH_YEAR = r"^[A-Za-z]+\.? \d{4}$"  # "May 2020": the month's last day, as Built for Zero reads it
_SERIAL = r"^\d{1,6}(\.\d+)?$"
_WEEKDAY = r"(?i)^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|sday|urday)?\.?,?\s+"


def parse_date(text: pl.Expr) -> pl.Expr:
    """Parse one text column into dates; blanks and anything unreadable become null.

    Month comes before day, as in the US lists Built for Zero works with. Two-digit years 00-68
    are read as 20xx and 69-99 as 19xx, so a mistyped year shows up as out of range, not as a
    plausible wrong date.
    """
    s = text.str.strip_chars()
    month_name = (s.str.replace_all(r"\s+", " ").str.replace(_WEEKDAY, "")
                  .str.replace(r"^([A-Za-z]+)\. ", "$1 "))
    day_part = s.str.extract(r"^(\S+)")
    return (
        pl.when(s.str.contains(_SLASH_SHORT))
        .then(day_part.str.strptime(pl.Date, "%m/%d/%y", strict=False))
        .when(s.str.contains(_SLASH_LONG))
        .then(day_part.str.strptime(pl.Date, "%m/%d/%Y", strict=False))
        .when(s.str.contains(_ISO))
        .then(s.str.extract(r"^(\d{4}-\d{1,2}-\d{1,2})").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        .when(s.str.contains(_ISO_MONTH))
        .then((s + "-1").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        .when(month_name.str.contains(_MONTH_YEAR))
        .then(pl.coalesce(
            ("1 " + month_name).str.strptime(pl.Date, "%d %B %Y", strict=False),
            ("1 " + month_name).str.strptime(pl.Date, "%d %b %Y", strict=False),
        ).dt.month_end())
        .when(s.str.contains(_SERIAL))
        .then(EXCEL_EPOCH + pl.duration(days=s.cast(pl.Float64, strict=False).floor().cast(pl.Int64)))
        .otherwise(
            pl.coalesce(
                month_name.str.strptime(pl.Date, "%B %d, %Y", strict=False),
                month_name.str.strptime(pl.Date, "%b %d, %Y", strict=False),
                month_name.str.strptime(pl.Date, "%B %d %Y", strict=False),
                month_name.str.strptime(pl.Date, "%d %B %Y", strict=False),
            )
        )
    )


def parse_dates(frame: pl.DataFrame, columns: list[str], suffix: str = "_date") -> pl.DataFrame:
    """Add a parsed date column for each text column (already stripped, blanks null).

    A list holds a few thousand distinct dates over a million rows, so each distinct text is parsed once
    and the answers are looked up row by row. Most lists write nearly every date one way, so the texts
    are parsed with the usual US style first and only those that style does not read go through every
    other style.
    """
    parsed = []
    for c in columns:
        texts = frame.get_column(c).unique().drop_nulls()
        if texts.len() * 4 > frame.height:  # mostly distinct: looking them up would cost more
            parsed.append(_parsed(frame.get_column(c)).alias(c + suffix))
        else:
            parsed.append(pl.col(c).replace_strict(texts, _parsed(texts), default=None, return_dtype=pl.Date)
                          .alias(c + suffix))
    return frame.with_columns(parsed)


def _parsed(texts: pl.Series) -> pl.Series:
    usual = texts.str.strptime(pl.Date, "%m/%d/%Y", strict=False)
    # "1/2/18" read with a four-digit year pattern gives year 18: send it the slow way too.
    index = (texts.is_not_null() & (usual.is_null() | (usual.dt.year() < 1000))).arg_true()
    if not index.len():
        return usual
    slow = texts.gather(index).to_frame().select(parse_date(pl.col(texts.name))).to_series()
    return usual.scatter(index, slow)
