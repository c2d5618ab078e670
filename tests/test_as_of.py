"""One as-of rule (DESIGN §2.1, §8): the figures of a period ending R are the same from the whole
history as from the same extracts cut at R — rows identified (referred) after R dropped, every later
date blanked, and what those dates stand for (an eligibility decision, an exit's reason) with them.

Hypothesis draws messy lists: dates in every order, blanks, ties, a Client ID on several rows, a
second extract that corrects dates, adds and drops rows and changes household type, veteran and
chronic status. `derandomize` seeds it, so a failure reproduces; PROPERTY_EXAMPLES sets how many.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipelines import figures
from pipelines.early_intervention import figures as ei_figures
from pipelines.periods import GRANULARITIES, period_of
from pipelines.programs import EARLY_INTERVENTION, HOMELESSNESS
from tests.conftest import ingest

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "500"))
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FIRST = dt.date(2024, 1, 1)
WINDOW = 120  # days: four months, so days, weeks and months all cut through the data
IDS = ("A", "B", "C", "D", "E")

days = st.integers(0, WINDOW - 1).map(lambda n: FIRST + dt.timedelta(days=n))
maybe_day = st.none() | days


def us(day: dt.date | None) -> str:
    return "" if day is None else f"{day.month}/{day.day}/{day.year}"


def as_csv(header: dict[str, str], rows: list[dict]) -> bytes:
    """`header`: column -> the key of each row that fills it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([us(row[k]) if isinstance(row[k], dt.date) or row[k] is None else row[k]
                         for k in header.values()])
    return out.getvalue().encode()


def latest(rows: list[dict]) -> dt.date:
    return max(v for row in rows for v in row.values() if isinstance(v, dt.date))


# -- Built for Zero lists ---------------------------------------------------------------------------

BFZ_HEADER = {"Client ID": "id", "Date of Identification": "identified", "Returned to Active Date": "returned",
              "Housing Move-In Date": "moved_in", "Inactive Date": "inactive", "Household Type": "household",
              "Chronic Status": "chronic", "Veteran Status": "veteran"}

bfz_row = st.fixed_dictionaries({
    "id": st.sampled_from(IDS),
    "identified": days,
    "returned": maybe_day,
    "moved_in": maybe_day,
    "inactive": maybe_day,
    "household": st.sampled_from(["Single Adult", "single adults", "Youth", "Family", "Families", "Couple", ""]),
    "chronic": st.sampled_from(["Yes", "No", "Chronically Homeless", ""]),
    "veteran": st.sampled_from(["Yes", "No", "Yes Validated", ""]),
})


@st.composite
def two_extracts(draw, row):
    """A first extract, and a second one: some rows kept as they were, some redrawn (a corrected
    date, a changed household) keeping their Client ID, some new; rows can also disappear."""
    first = draw(st.lists(row, min_size=1, max_size=10))
    second = []
    for r in first:
        fate = draw(st.sampled_from(["keep", "keep", "redraw", "drop"]))
        if fate == "keep":
            second.append(r)
        elif fate == "redraw":
            second.append({**draw(row), "id": r["id"]})
    second += draw(st.lists(row, max_size=4))
    return [r for r in (first, second) if r]


def cut_bfz(rows: list[dict], end: dt.date) -> list[dict]:
    return [{k: (None if isinstance(v, dt.date) and v > end else v) for k, v in r.items()}
            for r in rows if r["identified"] <= end]


def flow_at(conn, program: str, period) -> list[dict]:
    return figures.flow(conn, program, [period])


def loaded(fresh, program: str, extracts: list[tuple[bytes, dt.date]]):
    conn = fresh()
    for data, as_of in extracts:
        result = ingest(conn, data, program=program, as_of=as_of)
        assert result.status in ("loaded", "skipped"), result.report.lines()
    return conn


def noted(rows: list[dict]) -> list[dict]:
    """Each row with a note that tells it apart from every row not identical to it. A referral
    extract loads a row identical to an earlier one once (an export repeating itself); blanking later
    dates must not make two different referrals such copies."""
    return [{**row, "note": hashlib.sha1(repr(sorted(row.items())).encode()).hexdigest()[:8]} for row in rows]


def whole_and_cut(fresh, program, extracts, header, cut, end):
    """(database of the whole history, database of the extracts cut at `end`), each extract loaded
    as describing the same day in both."""
    header = {**header, "Note": "note"}
    extracts = [noted(rows) for rows in extracts]
    kept = [(cut(rows, end), latest(rows)) for rows in extracts]
    # An extract the cut leaves empty cannot be loaded (a file needs a row), so the cut list would end on an
    # earlier day than the whole one, and what is measured to the list's last day would differ for that alone.
    assume(all(rows for rows, _ in kept))
    whole = loaded(fresh, program, [(as_csv(header, rows), latest(rows)) for rows in extracts])
    return whole, loaded(fresh, program, [(as_csv(header, rows), as_of) for rows, as_of in kept])


@PROPERTY
@given(extracts=two_extracts(bfz_row), day=days, by=st.sampled_from(GRANULARITIES))
def test_bfz_figures_of_a_period_are_those_of_the_list_cut_at_its_end(blank, extracts, day, by):
    period = period_of(day, by)
    whole, cut = whole_and_cut(blank, HOMELESSNESS.name, extracts, BFZ_HEADER, cut_bfz, period.end)
    try:
        assert flow_at(whole, HOMELESSNESS.name, period) == flow_at(cut, HOMELESSNESS.name, period)
    finally:
        whole.close()
        cut.close()


# -- Early Intervention referral extracts -----------------------------------------------------------

EI_HEADER = {"Child ID": "id", "Date of Birth": "birth", "Referral Date": "referred", "Evaluation Date": "evaluated",
             "Eligibility": "eligibility", "Eligibility Date": "decided", "IFSP Date": "ifsp",
             "Exceptional Family Circumstance": "exceptional", "Service Start Date": "service",
             "Transition Conference Date": "conference", "Exit Date": "exited", "Exit Reason": "reason"}
after = st.none() | st.integers(0, 80)


@st.composite
def referral(draw):
    referred = draw(days)

    def later():
        offset = draw(after)
        return None if offset is None else referred + dt.timedelta(days=offset)

    row = {
        "id": draw(st.sampled_from(IDS)),
        "birth": referred - dt.timedelta(days=draw(st.integers(30, 900))),
        "referred": referred,
        "evaluated": later(),
        "eligibility": draw(st.sampled_from(["Eligible", "Not eligible", "", "Pending"])),
        "decided": later(),
        "ifsp": later(),
        "exceptional": draw(st.sampled_from(["Yes", "No", ""])),
        "service": later(),
        "conference": draw(maybe_day),
        "exited": later(),
        "reason": str(draw(st.integers(1, 10))),
    }
    if row["exited"] is None and draw(st.booleans()):
        row["reason"] = ""
    return row


def cut_ei(rows: list[dict], end: dt.date) -> list[dict]:
    out = []
    for row in rows:
        if row["referred"] > end:
            continue
        cut = {k: (None if isinstance(v, dt.date) and v > end else v) for k, v in row.items()}
        # the result and the reason go with the dates that say when they were known
        known_on = row["decided"] or row["evaluated"]
        if known_on is not None and known_on > end:
            cut["eligibility"] = ""
        if row["exited"] is not None and row["exited"] > end:
            cut["reason"] = ""
        out.append(cut)
    return out


def as_of_list(conn, day: dt.date) -> list[dict]:
    rows = ei_figures.referrals_as_of(conn, day).drop("record_id", "person_id")
    return rows.sort(pl.all()).to_dicts()


@PROPERTY
@given(extracts=two_extracts(referral()), day=days, by=st.sampled_from(GRANULARITIES))
def test_ei_figures_of_a_period_are_those_of_the_referrals_cut_at_its_end(blank, extracts, day, by):
    period = period_of(day, by)
    whole, cut = whole_and_cut(blank, EARLY_INTERVENTION.name, extracts, EI_HEADER, cut_ei, period.end)
    try:
        assert flow_at(whole, EARLY_INTERVENTION.name, period) == flow_at(cut, EARLY_INTERVENTION.name, period)
        assert ei_figures.period_figures(whole, period) == ei_figures.period_figures(cut, period)
        assert as_of_list(whole, period.end) == as_of_list(cut, period.end)
    finally:
        whole.close()
        cut.close()


def test_a_return_dated_before_a_later_identification_is_not_on_the_list_before_it(conn):
    # Identified 10 March, with a return typed as 20 February: on the list from 10 March only.
    data = as_csv(BFZ_HEADER, [{"id": "A", "identified": dt.date(2024, 3, 10), "returned": dt.date(2024, 2, 20),
                                "moved_in": None, "inactive": None, "household": "Single Adult",
                                "chronic": "No", "veteran": "No"}])
    assert ingest(conn, data).status == "loaded"
    february, march = (period_of(dt.date(2024, m, 1), "month") for m in (2, 3))
    (feb,) = figures.flow(conn, HOMELESSNESS.name, [february], "All")
    (mar,) = figures.flow(conn, HOMELESSNESS.name, [march], "All")
    assert (feb["actively_homeless"], feb["newly_identified"]) == (0, 0)
    # entry is the later of identification and return: the identification, so newly identified
    assert (mar["actively_homeless"], mar["newly_identified"], mar["returned_from_inactive"]) == (1, 1, 0)
