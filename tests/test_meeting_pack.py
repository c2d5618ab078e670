"""The meeting pack: its text, read back with a PDF text extractor, lists the active people in the
page's triage order, with their plans, page numbers, the date and the confidentiality footer."""

import datetime as dt
import io
import subprocess
import sys

import pypdf
import pytest

from pipelines import agenda, case_conference, meeting_pack, store
from tests.conftest import ROOT, ingest
from tests.test_agenda import LIST, MEETING


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "pack.duckdb"
    with store.opened(path) as conn:
        ingest(conn, LIST, "march.csv")
        store.set_setting(conn, "", "community_name", "Harbor County")
        ana = conn.execute("SELECT person_id FROM people WHERE client_id = 'A'").fetchall()[0][0]
        case_conference.save_plan(conn, ana, 0, "dana", next_step="Get ID from DMV", owner="Dana",
                                  due_date=dt.date(2024, 4, 5))
    return path


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def everyone_in_order(texts: list[str]) -> list[str]:
    start = next(i for i, t in enumerate(texts) if "Everyone on the active list" in t)
    rows = [line for t in texts[start:] for line in t.splitlines() if line[:1].isdigit() and " " in line]
    return [" ".join(line.split()[1:3]) for line in rows]


def test_the_pack_lists_everyone_in_triage_order_with_plans(db):
    with store.opened(db) as conn:
        pdf = meeting_pack.for_meeting(conn, "homelessness", MEETING, everyone=True)
        ranked = agenda.with_names(conn, agenda.meeting(conn, "homelessness", MEETING)).ranked
    texts = pages(pdf)
    expected = [f"{first} {last}" for first, last in ranked.select("first_name", "last_name").rows()]
    assert expected == ["Ana Reyes", "Eve Stone", "Fay Lund", "Carl Ortiz"]
    assert everyone_in_order(texts) == expected
    assert "Harbor County: case conference, Sun 31 Mar 2024" in texts[0]
    assert "New since the last meeting: 1" in texts[0]
    assert any("Get ID from DMV" in t and "Dana" in t and "Fri 5 Apr 2024" in t for t in texts)
    assert all("Confidential" in t and f"of {len(texts)}" in t for t in texts)
    assert "Housed since the last meeting: celebrate them (1)" in "".join(texts)


def test_bynames_pack_writes_the_same_pack(db, tmp_path):
    out = tmp_path / "pack.pdf"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "pack", "--date", "2024-03-31", "--out", str(out),
                           "--db", str(db), "--everyone"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "written to" in done.stdout
    assert everyone_in_order(pages(out.read_bytes())) == ["Ana Reyes", "Eve Stone", "Fay Lund", "Carl Ortiz"]


def test_the_pack_holds_the_agenda_and_the_whole_list_only_when_asked(db):
    with store.opened(db) as conn:
        texts = pages(meeting_pack.for_meeting(conn, "homelessness", MEETING))
    assert not any("Everyone on the active list" in t for t in texts)
    assert "New since the last meeting (1)" in "".join(texts)


def test_an_early_intervention_pack_speaks_of_referrals_and_clocks(tmp_path):
    """It failed for every Early Intervention meeting once (it asked for a population "All")."""
    referrals = ROOT / "sample_cases" / "ei_referrals.csv"
    with store.opened(tmp_path / "ei.duckdb") as conn:
        assert ingest(conn, referrals.read_bytes(), referrals.name, program="early_intervention",
                      today=dt.date(2026, 1, 15)).status == "loaded"
        texts = pages(meeting_pack.for_meeting(conn, "early_intervention", dt.date(2025, 12, 31)))
    assert len(texts) <= 10
    assert "with an open referral. Since the last meeting" in texts[0]
    assert "people who came onto the list of open referrals (referrals); below it, people who left it (exits, " \
           "lost exits)" in " ".join(texts[0].split())
    clock = next(t for t in texts if "45-day clock about to run out, or run out (" in t)
    assert "Days since" in clock and "days past the 45-day" in clock
    assert "actively homeless" not in " ".join(texts) and "moved in" not in " ".join(texts)
