"""Household type and chronic status over time from an HMIS export (pipelines/hmis/attributes.py): each
month counts people in the populations they belonged to then, not on the export's last day.

One golden export, worked out by hand:
- P1 (born 1980), alone in a shelter from 10 January 2024, disabled, reporting homelessness since
  1 June 2023: a year homeless on 30 May 2024, so chronic from the end of May (the month's end is
  when the status is evaluated between the days the person's list dates change).
- P2 (born 1990), alone in a shelter from 1 February 2024 (a single adult), then from 15 March in
  another with a household that P3 (born 2020) joins on 20 March: a family from that day.
"""

import datetime as dt

import polars as pl
import pytest

import queries
from pipelines import equity_report, figures, store
from pipelines.hmis import export as hmis_export
from pipelines.periods import Period, series
from pipelines.programs import HOMELESSNESS
from tests.conftest import ingest
from tests.hmis_builder import TODAY, client, enrollment, exit_row, export_zip

D = dt.date.fromisoformat
FILES = dict(
    clients=[client("P1", dob="1980-01-01"), client("P2", dob="1990-01-01"), client("P3", dob="2020-01-01")],
    enrollments=[
        enrollment("E1", "P1", "ES", "2024-01-10", disabling=1, DateToStreetESSH="2023-06-01",
                   TimesHomelessPastThreeYears=1, MonthsHomelessPastThreeYears=107),
        enrollment("E2", "P2", "ES", "2024-02-01"),
        enrollment("E3", "P2", "ES", "2024-03-15", household="H3"),
        enrollment("E4", "P3", "ES", "2024-03-20", household="H3", relationship=2),
    ],
    exits=[exit_row("E2", "P2", "2024-03-14", 101)],
)


def export_bytes() -> bytes:
    return export_zip(**FILES)


def test_each_change_of_household_type_or_chronic_status_is_dated_when_it_happened():
    export, report = hmis_export.open_export(export_bytes(), "golden.zip", TODAY)
    people = {r["client_id"]: r for r in hmis_export.derive(export).people.iter_rows(named=True)}
    assert people["P1"]["over_time"] == [
        {"valid_from": D("2024-01-10"), "household_type": "Single adult", "chronic": False},
        {"valid_from": D("2024-05-31"), "household_type": "Single adult", "chronic": True},
    ]
    assert people["P2"]["over_time"] == [
        {"valid_from": D("2024-02-01"), "household_type": "Single adult", "chronic": False},
        {"valid_from": D("2024-03-20"), "household_type": "Family", "chronic": False},
    ]
    assert people["P3"]["over_time"] == [
        {"valid_from": D("2024-03-20"), "household_type": "Family", "chronic": False},
    ]
    # On the export's last day, as before.
    assert [(people[p]["household_type"], people[p]["chronic"]) for p in ("P1", "P2", "P3")] == [
        ("Single adult", True), ("Family", False), ("Family", False)]


@pytest.fixture
def loaded(tmp_path):
    with store.opened(tmp_path / "golden.duckdb") as conn:
        assert ingest(conn, export_bytes(), "golden.zip").status == "loaded"
        yield conn


def month(label: str) -> Period:
    (period,) = series(D(f"{label}-01"), D(f"{label}-01"), "month")
    return period


def test_each_month_counts_people_in_the_populations_they_were_in_then(loaded):
    months = [month(m) for m in ("2024-02", "2024-03", "2024-04", "2024-05", "2024-06")]

    def column(population, key):
        return [f[key] for f in figures.flow(loaded, "homelessness", months, population)]

    assert column("All", "actively_homeless") == [2, 3, 3, 3, 3]
    assert column("All Singles", "actively_homeless") == [2, 1, 1, 1, 1]
    assert column("All Singles", "no_longer_meets_population") == [0, 1, 0, 0, 0]
    assert column("Families", "actively_homeless") == [0, 2, 2, 2, 2]
    # Two people join Families in March: P2 was already on the list, P3 is new to it.
    assert column("Families", "newly_identified") == [0, 2, 0, 0, 0]
    assert column("Chronic", "actively_homeless") == [0, 0, 0, 1, 1]
    assert column("Chronic", "newly_identified") == [0, 0, 0, 1, 0]


def test_the_list_as_of_a_day_and_the_person_timeline_show_the_attributes_of_that_day(loaded):
    rows = equity_report.people(loaded, HOMELESSNESS, month("2024-04"))
    at_april = {r["client_id"]: (r["household_type"], r["chronic"]) for r in rows.iter_rows(named=True)}
    assert at_april == {"P1": ("Single adult", False), "P2": ("Family", False), "P3": ("Family", False)}
    # Ages on the period's end, in adult bands: P3 is 4, under 18.
    groups = equity_report.groups_of(rows, "age", D("2024-04-30"))
    assert dict(groups.join(rows.select("person_id", "client_id"), on="person_id")
                .select("client_id", "group").iter_rows()) == {"P1": "35-44", "P2": "25-34", "P3": "under 18"}
    timeline = queries.arrow(loaded, "person_timeline", person_id=at_person(rows, "P1"))
    assert [(r["day"], r["what"]) for r in timeline.iter_rows(named=True) if r["sort_key"] == 2] == [
        (D("2024-01-10"), "Single adult"), (D("2024-05-31"), "Single adult, chronically homeless")]


def at_person(rows: pl.DataFrame, client_id: str) -> int:
    return rows.filter(pl.col("client_id") == client_id)["person_id"].item()
