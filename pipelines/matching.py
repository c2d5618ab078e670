"""Matching an extract's rows to the people and records already on the list.

A person is one Client ID in one program; a record is one row of theirs, known by its ordinal: its
place among that person's rows (see bfz_list). Rows that match nothing get new ids here, so
the loading queries only append.
"""

from __future__ import annotations

import polars as pl


def match(
    incoming: pl.DataFrame,
    known_people: pl.DataFrame,
    known_records: pl.DataFrame,
    next_person_id: int,
    next_record_id: int,
) -> pl.DataFrame:
    """Add person_id, record_id, new_person (on the first row of each new person) and new_record.

    known_people: client_id, person_id. known_records: client_id, ordinal, record_id.
    """
    if known_people.is_empty():  # a first upload, or only new people: nothing to look up
        return _all_new(incoming, next_person_id, next_record_id)
    people = (
        incoming.select("client_id").unique(maintain_order=True)
        .join(known_people, on="client_id", how="left", maintain_order="left")
    )
    fresh = people["person_id"].is_null()
    people = people.with_columns(
        pl.when(fresh)
        .then(next_person_id + fresh.cast(pl.Int64).cum_sum() - 1)
        .otherwise(pl.col("person_id"))
        .cast(pl.Int32)
        .alias("person_id"),
        fresh.alias("new_person"),
    )
    matched = (
        incoming.join(people, on="client_id", how="left", maintain_order="left")
        .join(known_records, on=["client_id", "ordinal"], how="left", maintain_order="left")
    )
    new_record = pl.col("record_id").is_null()
    return matched.with_columns(
        pl.when(new_record)
        .then(next_record_id + new_record.cast(pl.Int64).cum_sum() - 1)
        .otherwise(pl.col("record_id"))
        .cast(pl.Int32)
        .alias("record_id"),
        new_record.alias("new_record"),
        # the person is written once, with their first row
        (pl.col("new_person") & pl.col("client_id").is_first_distinct()).alias("new_person"),
    )


def _all_new(incoming: pl.DataFrame, next_person_id: int, next_record_id: int) -> pl.DataFrame:
    first = pl.col("client_id").is_first_distinct()
    out = incoming.with_columns(
        (next_person_id + first.cast(pl.Int32).cum_sum() - 1).cast(pl.Int32).alias("person_id"),
        (next_record_id + pl.int_range(pl.len(), dtype=pl.Int32)).alias("record_id"),
        first.alias("new_person"),
        pl.lit(True).alias("new_record"),
    )
    # A person's later rows take the id their first row got.
    later = out.select(pl.arg_where(~pl.col("new_person"))).to_series()
    if later.len():
        firsts = out.select("client_id", "person_id", "new_person").filter(pl.col("new_person"))
        ids = out[later].select("client_id").join(firsts, on="client_id", how="left", maintain_order="left")
        out = out.with_columns(out["person_id"].scatter(later, ids["person_id"]))
    return out
