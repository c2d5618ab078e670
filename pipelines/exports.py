"""Files people download: CSV that a spreadsheet opens as data, never as a formula."""

from __future__ import annotations

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"  # spreadsheet programs run a cell that starts so as a formula


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that would start a formula get a leading apostrophe; numbers stay numbers."""
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items() if dtype == pl.String
    )


def csv(frame: pl.DataFrame) -> str:
    return spreadsheet_safe(frame).write_csv()
