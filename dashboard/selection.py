"""Tables a person is picked from, whose pick stays with that person.

Streamlit remembers a table's selection by row number. When the rows change under it (a search typed,
a filter changed, someone moved into housing and left a section, an upload arriving), the same number
would name someone else, and a decision recorded in the open panel would go to the wrong person. So
each table is keyed by the people it shows: when they change, the table is a new one with nothing
selected.
"""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st


def widget_key(name: str, ids: pl.Series) -> str:
    digest = hashlib.sha256(",".join(map(str, ids.to_list())).encode()).hexdigest()[:16]
    return f"{name}-{digest}"


def picked_row(table, name: str, ids: pl.Series, on_select="rerun", **options) -> int | None:
    """Show `table` (pandas, Polars or a Styler) with single-row selection; the row number picked,
    or None. `ids` names the person on each row. The widget's key is kept in session state under
    `name` so that tests, and a page that clears the pick, can reach it."""
    key = st.session_state[name] = widget_key(name, ids)
    event = st.dataframe(table, key=key, on_select=on_select, selection_mode="single-row", **options)
    rows = event.selection.rows if event else []
    return rows[0] if rows and rows[0] < len(ids) else None

