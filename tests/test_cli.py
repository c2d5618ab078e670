"""The `bynames` command: exit codes and output, run as a data lead would run it."""

import json
import re
import subprocess
import sys

import pypdf
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


def test_every_figure_the_command_line_gives_is_the_same_on_postgresql(tmp_path, request):
    """The reports, funder releases, exports, pack and submissions read the records' states, which on
    PostgreSQL live only in this process's copy of the store (store.reading): the same sample, built on both
    stores, gives the same output."""
    from tests import pg_cluster

    server, template = request.getfixturevalue("postgres_template")
    stores = {"embedded": tmp_path / "cli.duckdb", "postgresql": pg_cluster.new_database(server, template)}
    asked = [
        ("report", "bfz", "--month", "2025-12"),
        ("report", "bfz", "--month", "2025-12", "--format", "bfz"),
        ("report", "bfz", "--month", "2025-11", "--funder"),
        ("report", "flow", "--by", "week", "--from", "2025-10-01", "--to", "2025-12-31"),
        ("report", "flow", "--by", "month", "--from", "2025-01-01", "--to", "2025-12-31", "--funder"),
        ("report", "equity", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "race"),
        ("report", "equity", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "age", "--funder"),
        ("report", "ei", "--month", "2025-12"),
        ("report", "ei", "--month", "2025-11", "--funder"),
        ("report", "ei-618", "--year", "2025"),
    ]
    said: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    pdf: dict[str, str] = {}
    submitted: dict[str, list] = {}
    for kind, db in stores.items():
        bynames("demo", db=db, check=0)
        said[kind] = [bynames(*args, db=db, check=0).stdout for args in asked]
        out = tmp_path / f"{kind}-list.csv"
        bynames("export", "bfz-list", "--out", str(out), db=db, check=0)
        files[kind] = out.read_bytes()
        out = tmp_path / f"{kind}-pack.pdf"
        bynames("pack", "--date", "2025-12-15", "--out", str(out), db=db, check=0)
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
        pdf[kind] = re.sub(r"Made \d\d \w{3} \d{4} \d\d:\d\d\.", "Made (when).", text)
        bynames("submit", "bfz", "--month", "2025-11", db=db, check=0)
        listed = json.loads(bynames("submissions", "list", "--format", "json", db=db, check=0).stdout)
        submitted[kind] = [{k: v for k, v in row.items() if k != "submitted_at"} for row in listed]

    for args, embedded, postgresql in zip(asked, said["embedded"], said["postgresql"], strict=True):
        assert postgresql == embedded, " ".join(args)
    assert json.loads(said["embedded"][0])["populations"]["All"]["actively_homeless"] > 500
    assert json.loads(said["embedded"][7])["open_referrals"] > 300
    assert files["postgresql"] == files["embedded"] and files["embedded"].count(b"\n") > 500
    assert pdf["postgresql"] == pdf["embedded"] and "case conference, Mon 15 Dec 2025" in pdf["embedded"]
    assert submitted["postgresql"] == submitted["embedded"] and len(submitted["embedded"]) == 1
