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

    Most lists write nearly every date one way, so each column is parsed with the usual US style
    first and only the cells that style does not read go through every other style.
    """
    usual = [pl.col(c).str.strptime(pl.Date, "%m/%d/%Y", strict=False).alias(c + suffix) for c in columns]
    out = frame.with_columns(usual)
    for c in columns:
        # "1/2/18" read with a four-digit year pattern gives year 18: send it the slow way too.
        unread = pl.col(c).is_not_null() & (
            pl.col(c + suffix).is_null() | (pl.col(c + suffix).dt.year() < 1000)
        )
        index = out.select(pl.arg_where(unread)).to_series()
        if index.len():
            slow = out[c].gather(index).to_frame().select(parse_date(pl.col(c))).to_series()
            out = out.with_columns(out[c + suffix].scatter(index, slow))
    return out
