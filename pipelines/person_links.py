"""Linking people across sources in the store: found while loading, decided by data leads, undone.

A link never merges anything: both people keep their own records and facts; linked people are
counted as one (`people.counted_as`, the smallest person_id of the group) in every figure.
"""

from __future__ import annotations

import datetime as dt
import secrets

import polars as pl

import queries
from pipelines import audit, identities, record_states, store

LINKED, PENDING, REJECTED, UNDONE = "linked", "pending", "rejected", "undone"
# A data lead's answer to each state a pair can be in.
DECISIONS = {"accept": (PENDING, LINKED), "reject": (PENDING, REJECTED), "undo": (LINKED, UNDONE)}


def salt(conn) -> str:
    """The installation's own salt for SSN hashes, made the first time it is needed."""
    value = store.setting(conn, "", "identity_salt")
    if value is None:
        value = secrets.token_hex(16)
        store.set_setting(conn, "", "identity_salt", value)
    return value


def link_upload(conn, program: str, upload_id: int, rows: pl.DataFrame) -> int:
    """Inside the upload's transaction: keep the identities its rows carry, link or queue the pairs
    they make with people of other sources, and regroup. `rows` has person_id and what identities
    reads (names, birth_date, ssn). Returns how many pairs were found."""
    carried = [c for c in ("birth_date", "ssn") if c in rows.columns]
    if not carried or not rows.select(pl.any_horizontal(pl.col(carried).is_not_null().any())).item():
        return 0  # a list without dates of birth or SSNs gives nothing to link on
    keyed = identities.identity_rows(rows)
    if keyed.is_empty():
        return 0
    hashing = salt(conn)
    with queries.registered(conn, incoming_identities=keyed):
        queries.run(conn, "identities_add", upload_id=upload_id, salt=hashing)
        if queries.one(conn, "other_sources", program=program, upload_id=upload_id)["sources"] == 0:
            return 0
        candidates = queries.arrow(conn, "match_candidates", program=program, salt=hashing)
    found = identities.pair_decisions(candidates) if not candidates.is_empty() else candidates
    if found.is_empty():
        return 0
    with queries.registered(conn, found_pairs=found):
        queries.run(conn, "links_add", program=program, upload_id=upload_id)
    regroup(conn, program)
    return found.height


def regroup(conn, program: str) -> None:
    """Work out who counts as whom from the links, and add to `touched` the records whose count moved."""
    links = queries.arrow(conn, "links_linked", program=program)
    with queries.registered(conn, groups=groups(links)):
        queries.run(conn, "counted_as_set", program=program)


def groups(links: pl.DataFrame) -> pl.DataFrame:
    """person_id -> the smallest person_id linked to it directly or through others, for everyone
    linked who does not count as themself."""
    parent: dict[int, int] = {}

    def root(person: int) -> int:
        parent.setdefault(person, person)
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    for a, b in links.iter_rows():
        first, second = sorted((root(a), root(b)))
        parent[second] = first  # joining under the smaller keeps each group's smallest id at its root
    counted = {person: root(person) for person in parent}
    return pl.DataFrame({"person_id": [p for p, r in counted.items() if p != r],
                         "counted_as": [r for p, r in counted.items() if p != r]},
                        schema={"person_id": pl.Int32, "counted_as": pl.Int32})


def listed(conn, program: str, status: str | None = None) -> pl.DataFrame:
    return queries.arrow(conn, "links_list", program=program, status=status)


def decide(conn, link_id: int, decision: str, who: str) -> str:
    """Accept or reject a pair waiting for review, or undo a link; the figures follow at once."""
    if decision not in DECISIONS:
        raise ValueError(f"a decision is one of {', '.join(DECISIONS)}, not {decision!r}")
    before, after = DECISIONS[decision]
    with store.writing(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            link = queries.one(conn, "link_get", link_id=link_id)
            if link is None:
                raise ValueError(f"there is no pair {link_id}")
            if link["status"] != before:
                raise ValueError(f"pair {link_id} is {link['status']}: only a {before} pair can be {decision}ed")
            queries.run(conn, "link_decide", link_id=link_id, status=after, who=who, now=dt.datetime.now())
            conn.execute("CREATE OR REPLACE TEMPORARY TABLE touched (record_id INTEGER)")
            regroup(conn, link["program"])
            record_states.refresh(conn, link["program"])
            audit.record(conn, who, audit.MATCH_DECIDED, f"pair {link_id}", f"{decision}: {link['method']}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return f"pair {link_id} {after}"
