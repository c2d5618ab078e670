"""The active list as the case conference reads it: a name for everyone, and the list's filters."""

from __future__ import annotations

import datetime as dt

import polars as pl

import queries
from pipelines.programs import Program

NEW_DAYS = 7
QUIET_DAYS = 30
NAME_COLUMNS = ("client_id", "first_name", "last_name", "contact_worker", "name")


def display_name() -> pl.Expr:
    """First and last name, or "ID 12345" when the list has no name for the person."""
    full = pl.concat_str("first_name", "last_name", separator=" ", ignore_nulls=True)
    return pl.coalesce(full.replace("", None), pl.lit("ID ") + pl.col("client_id")).alias("name")


def named(conn, people: pl.DataFrame) -> pl.DataFrame:
    """The rows of a list with Client ID, name and contact worker added, in the same order."""
    wanted = people.select("record_id", "person_id", "attributes_upload", "attributes_from")
    with queries.registered(conn, wanted=wanted):
        names = queries.arrow(conn, "list_names")
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
