"""Monthly submissions to Built for Zero: kept as submitted, reliability from them, drift since, the
submission file and the de-identified list."""

import datetime as dt
import json

import pytest

from pipelines import audit, figures, loading, store, submissions
from pipelines.cli import main
from pipelines.periods import series
from tests.conftest import BFZ_EXPECTED, BFZ_SAMPLE, bfz_csv, figured, ingest, needs_shared

pytestmark = pytest.mark.both_stores  # the same results from the embedded file and PostgreSQL

JANUARY, FEBRUARY, MARCH, APRIL = (dt.date(2024, m, 1) for m in (1, 2, 3, 4))

# All single adults. A and B identified in January, B housed in February, C new in February, D in March.
FIRST = bfz_csv(
    "A,1/5/2024,,,,Single Adult,No,No",
    "B,1/10/2024,,2/15/2024,,Single Adult,No,No",
    "C,2/3/2024,,,,Single Adult,No,No",
    "D,3/4/2024,,,,Single Adult,No,No",
)
# April's extract: E was identified in February but entered only now; F is new; A went inactive.
SECOND = bfz_csv(
    "A,1/5/2024,,,4/10/2024,Single Adult,No,No",
    "B,1/10/2024,,2/15/2024,,Single Adult,No,No",
    "C,2/3/2024,,,,Single Adult,No,No",
    "D,3/4/2024,,,,Single Adult,No,No",
    "E,2/20/2024,,,,Single Adult,No,No",
    "F,4/2/2024,,,,Single Adult,No,No",
)


def everyone(conn, month):
    return figures.monthly_submission(figured(conn), "homelessness", month)["populations"]["All"]


@pytest.fixture
def submitted(conn):
    assert ingest(conn, FIRST, "march.csv").status == "loaded"
    for month in (JANUARY, FEBRUARY, MARCH):
        submissions.submit(conn, "homelessness", month, "lead@example.org")
    assert ingest(conn, SECOND, "april.csv").status == "loaded"
    return conn


def test_reliability_comes_from_the_figures_submitted_and_shows_what_changed_since(submitted):
    # Submitted: January 2 active; February net 0 (C in, B housed); March net +1 (D).
    # April now: C, D, E, F active (4); F in, A inactive: net 0. (4 - 2 - (0 + 1 + 0)) / 4 = 0.25.
    # Recomputed from today's history, February would hold E too, and the figure would be 0.
    april = everyone(submitted, APRIL)
    assert (april["actively_homeless"], april["net_change"]) == (4, 0)
    assert (april["reliability"], april["reliability_note"]) == (0.25, None)

    # The drift since: February and March hold E now, entered after they were submitted.
    drift = {row["month"]: row for row in submissions.drift(figured(submitted), "homelessness")}
    assert [(m, r["submitted"], r["now"], r["difference"], r["records_entered_late"])
            for m, r in sorted(drift.items())] == [
        ("2024-01", 2, 2, 0, 0), ("2024-02", 2, 3, 1, 1), ("2024-03", 3, 4, 1, 1)]
    assert submissions.drift_sentence(drift["2024-02"]) == (
        "2024-02: submitted 2, now 3: 1 record entered or corrected after it was submitted")


def test_a_month_submitted_twice_keeps_both_and_the_latest_counts(submitted):
    submissions.submit(submitted, "homelessness", FEBRUARY, "admin@example.org")
    listed = submissions.listed(submitted, "homelessness")
    february = [r for r in listed if r["month"] == FEBRUARY]
    assert [(r["submitted_by"], r["counts"], r["figures"]["All"]["actively_homeless"]) for r in february] == [
        ("admin@example.org", True, 3), ("lead@example.org", False, 2)]
    # February's net change is now +1 (C and E in, B housed): (4 - 2 - (1 + 1 + 0)) / 4 = 0.
    assert everyone(submitted, APRIL)["reliability"] == 0.0
    assert [line["action"] for line in audit.lines(submitted).to_dicts()].count(audit.SUBMITTED) == 4


def test_reliability_says_which_submitted_month_is_missing(submitted):
    march = everyone(submitted, MARCH)
    assert march["reliability"] is None
    assert march["reliability_note"] == "needs the figures submitted for 2023-12"


def test_submission_file_and_commands(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    (tmp_path / "march.csv").write_bytes(FIRST)
    assert main(["ingest", str(tmp_path / "march.csv"), "--db", db]) == 0
    assert main(["submit", "bfz", "--month", "2024-03", "--db", db, "--who", "lead@example.org"]) == 0
    assert "The figures for 2024-03 are kept as submitted (submission 1): 3 actively homeless" in (
        capsys.readouterr().out)

    assert main(["report", "bfz", "--month", "2024-02", "--format", "bfz", "--db", db]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "MONTH,POPULATION,ACTIVELY HOMELESS NUMBER,HOUSING PLACEMENTS,MOVED TO INACTIVE NUMBER,"
        "NEWLY IDENTIFIED NUMBER,RETURNED TO ACTIVE LIST FROM HOUSING NUMBER,"
        "RETURNED TO ACTIVE LIST FROM INACTIVE NUMBER,NO LONGER MEETS POPULATION CRITERIA,"
        "AVERAGE LENGTH OF TIME FROM IDENTIFICATION TO HOUSING PLACEMENT")
    # February: A and C active; B housed after 36 days (10 Jan to 15 Feb); C new.
    assert lines[1] == "2024-02,All,2,1,0,1,0,0,0,36.0"
    assert lines[4] == "2024-02,Chronic,0,0,0,0,0,0,0,"
    assert len(lines) == 8

    assert main(["submissions", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    # The login name that ran `submit` is who submitted; --who is kept beside it in the audit trail.
    assert "2024-03" in listed and loading.who_default() in listed and "submitted 3, now 3" in listed
    with store.opened(db) as conn:
        assert conn.execute("SELECT who, on_behalf_of FROM audit_log WHERE action = ?", [audit.SUBMITTED]
                            ).fetchall() == [(loading.who_default(), "lead@example.org")]

    report = main(["report", "bfz", "--month", "2024-03", "--db", db])
    out = json.loads(capsys.readouterr().out)
    assert report == 0 and out["drift"][0]["month"] == "2024-03"


@needs_shared()
def test_the_de_identified_list_loads_back_to_the_same_figures(tmp_path, conn, capsys):
    """Built for Zero's sample, written out as its 8-column list and loaded again into a new
    database, gives its calculator's figures for every month and population."""
    db = str(tmp_path / "sample.duckdb")
    assert main(["ingest", str(BFZ_SAMPLE), "--db", db]) == 0
    out = tmp_path / "bfz-list.csv"
    assert main(["export", "bfz-list", "--out", str(out), "--db", db]) == 0
    assert "24 records written" in capsys.readouterr().out
    text = out.read_text()
    assert text.splitlines()[0] == ("Client ID,Date of Identification,Housing Move-In Date,Inactive Date,"
                                    "Returned to Active Date,Household Type,Chronic Status,Veteran Status")
    assert "Tammie" not in text and "Browning" not in text  # the sample's contact worker stays behind

    assert ingest(conn, out.read_bytes(), out.name).status == "loaded"
    expected = json.loads(BFZ_EXPECTED.read_text())["months"]
    for row in figures.flow(figured(conn), "homelessness", series(dt.date(2017, 1, 1), dt.date(2020, 12, 31), "month")):
        for metric, value in expected[row["period"]][row["population"]].items():
            assert row[metric] == (pytest.approx(value, abs=0.05) if value is not None else None), (
                row["period"], row["population"], metric)
    with store.opened(db) as original:
        assert [line["action"] for line in audit.lines(original).to_dicts()][0] == audit.EXPORT
