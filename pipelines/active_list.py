"""The active list as the case conference reads it: a name for everyone, and the list's filters."""

from __future__ import annotations

import datetime as dt

import polars as pl

import queries
from pipelines import store_dialect
from pipelines.programs import Program

NEW_DAYS = 7
QUIET_DAYS = 30
NAME_COLUMNS = ("client_id", "first_name", "last_name", "contact_worker", "name")
# Up to this many rows (a page's), names are fetched by the rows' keys where the store is better at it
# (store_dialect.few_by_key); more (a search of the whole list) in one pass over the tables.
FEW = 5_000


def display_name() -> pl.Expr:
    """First and last name, or "ID 12345" when the list has no name for the person."""
    full = pl.concat_str("first_name", "last_name", separator=" ", ignore_nulls=True)
    return pl.coalesce(full.replace("", None), pl.lit("ID ") + pl.col("client_id")).alias("name")


def named(conn, people: pl.DataFrame) -> pl.DataFrame:
    """The rows of a list with Client ID, name and contact worker added, in the same order."""
    wanted = people.select("record_id", "person_id", "attributes_upload", "attributes_from")
    if wanted.height > FEW or not store_dialect.few_by_key(conn):
        with queries.registered(conn, wanted=wanted):
            names = queries.arrow(conn, "list_names")
    else:
        record_ids = wanted["record_id"].unique().sort().to_list()
        owners = queries.arrow(conn, "record_people", record_ids=record_ids)
        with queries.registered(conn, wanted=wanted, owners=owners):
            names = queries.arrow(conn, "list_names_few", record_ids=record_ids,
                                  person_ids=owners["person_id"].unique().sort().to_list())
    return people.join(names, on="record_id", how="left", maintain_order="left").with_columns(display_name())


def is_new(list_date: dt.date) -> pl.Expr:
    """On the list (new, or back) within the last week."""
    return pl.col("entry_date") > pl.lit(list_date - dt.timedelta(days=NEW_DAYS))


def filtered(ranked: pl.DataFrame, program: Program, population: str, list_date: dt.date,
             new_only: bool = False, quiet_only: bool = False) -> pl.DataFrame:
    """The ranked list narrowed the way the by-name list page offers; the order is kept."""
    shown = ranked.filter(program.population(population).members())
    if new_only:
        shown = shown.filter(is_new(list_date))
    if quiet_only:
        shown = shown.filter(pl.col("last_event_date") <= pl.lit(list_date - dt.timedelta(days=QUIET_DAYS)))
    return shown


def found(people: pl.DataFrame, search: str) -> pl.DataFrame:
    """Named rows whose name contains the search, or whose Client ID is it."""
    needle = search.strip().lower()
    if not needle:
        return people
    return people.filter(
        pl.concat_str("first_name", "last_name", separator=" ", ignore_nulls=True).str.to_lowercase()
        .str.contains(needle, literal=True)
        | (pl.col("client_id").str.to_lowercase() == needle)
    )
