"""The `bynames` command: exit codes and output, run as a data lead would run it."""

import json
import subprocess
import sys

import pytest

from tests.conftest import BFZ_SAMPLE, ROOT, bfz_csv, needs_shared


def bynames(*args, db, check=None):
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if check is not None:
        assert proc.returncode == check, proc.stderr
    return proc


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.duckdb"


def test_ingest_exit_codes(tmp_path, db):
    good = tmp_path / "good.csv"
    good.write_bytes(bfz_csv("A,1/5/2024,,,,Youth,No,No", "A,1/6/2024,,,,Family,No,No"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(bfz_csv("B,1/5/2024,,,,Youth,No,No", ",1/5/2024,,,,Youth,No,No"))

    loaded = bynames("ingest", str(good), db=db, check=0)
    assert "good.csv loaded as upload 1: 2 rows" in loaded.stdout
    assert "repeated_client_id" in loaded.stderr

    repeat = bynames("ingest", str(good), db=db, check=0)
    assert "already loaded (upload 1" in repeat.stdout

    rejected = bynames("ingest", str(bad), db=db, check=1)
    assert "ERROR bad.csv, row 3, column 'Client ID': every row needs a Client ID [blank_client_id]" in rejected.stderr
    assert "bad.csv was not loaded: 1 error(s) to fix" in rejected.stdout

    missing = bynames("ingest", str(tmp_path / "nowhere.csv"), db=db, check=1)
    assert "no such file" in missing.stderr


@needs_shared()
def test_report_bfz_json_and_csv(db):
    bynames("ingest", str(BFZ_SAMPLE), db=db, check=0)
    out = json.loads(bynames("report", "bfz", "--month", "2018-02", db=db, check=0).stdout)
    assert out["month"] == "2018-02"
    assert list(out["populations"]) == ["All", "All Singles", "Veteran", "Chronic", "Chronic Veteran", "Youth",
                                        "Families"]
    everyone = out["populations"]["All"]
    # From Built for Zero's calculator for February 2018 (bnl-sample-short.expected.json).
    assert {k: everyone[k] for k in ("actively_homeless", "housing_placements", "moved_to_inactive",
                                     "newly_identified", "returned_from_housing", "returned_from_inactive",
                                     "avg_days_to_housing")} == {
        "actively_homeless": 9, "housing_placements": 8, "moved_to_inactive": 3, "newly_identified": 10,
        "returned_from_housing": 3, "returned_from_inactive": 1, "avg_days_to_housing": 24.3}
    assert everyone["inflow"] == 14 and everyone["outflow"] == 11 and everyone["net_change"] == 3
    assert out["populations"]["Veteran"]["functional_zero"]["threshold"] == 3

    csv_out = bynames("report", "bfz", "--month", "2018-02", "--format", "csv", db=db, check=0).stdout
    lines = csv_out.strip().splitlines()
    assert lines[0].startswith("month,population,actively_homeless,")
    assert lines[1].startswith("2018-02,All,9,8,3,10,3,1,")
    assert len(lines) == 8


def test_report_flow_uploads_and_rollback(tmp_path, db):
    extract = tmp_path / "list.csv"
    extract.write_bytes(bfz_csv("A,3/1/2024,,3/12/2024,,Youth,No,No", "B,3/4/2024,,,,Youth,No,No"))
    bynames("ingest", str(extract), db=db, check=0)
    flow = bynames("report", "flow", "--by", "week", "--from", "2024-03-01", "--to", "2024-03-17",
                   "--population", "Youth", db=db, check=0).stdout.strip().splitlines()
    assert [line.split(",")[:10] for line in flow[1:]] == [
        ["2024-W09", "2024-02-26", "2024-03-03", "Youth", "1", "0", "0", "1", "0", "0"],
        ["2024-W10", "2024-03-04", "2024-03-10", "Youth", "2", "0", "0", "1", "0", "0"],
        ["2024-W11", "2024-03-11", "2024-03-17", "Youth", "1", "1", "0", "0", "0", "0"],
    ]
    listing = bynames("uploads", "list", db=db, check=0).stdout
    assert "list.csv" in listing and "loaded" in listing
    assert "rolled back" in bynames("uploads", "rollback", "1", db=db, check=0).stdout
    assert bynames("uploads", "rollback", "1", db=db, check=1).stderr.strip().endswith("is already rolled back")
    uploads = json.loads(bynames("uploads", "list", "--format", "json", db=db, check=0).stdout)
    assert [(u["upload_id"], u["status"]) for u in uploads] == [(1, "rolled back")]


def test_bad_arguments_exit_2(db):
    assert bynames("report", "bfz", "--month", "Sept", db=db).returncode == 2
    assert bynames("report", "flow", "--from", "2024-13-01", "--to", "2024-12-01", db=db).returncode == 2


def test_demo_builds_the_sample_database(db):
    out = bynames("demo", db=db, check=0).stdout
    assert out.count("loaded as upload") == 4  # three monthly lists and the referrals
    assert "reference_population.csv is the reference population now: 15 rows" in out
    report = json.loads(bynames("report", "bfz", "--month", "2025-12", db=db, check=0).stdout)
    assert report["populations"]["All"]["actively_homeless"] > 500
    ei = json.loads(bynames("report", "ei", "--month", "2025-12", db=db, check=0).stdout)
    assert ei["open_referrals"] > 300 and ei["pct_45_day_timeline"] is not None
    # the sample's reference population has children under 1: both child find indicators have a denominator
    assert ei["indicator_5"]["denominator"] == 4050 and ei["indicator_6"]["denominator"] == 12000
    tables = json.loads(bynames("report", "ei-618", "--year", "2025", db=db, check=0).stdout)
    assert tables["child_count"][-1]["Total"] == ei["indicator_6"]["numerator"] > 0
