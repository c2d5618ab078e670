"""The equity page in a real browser, for each program, on the sample data."""

import datetime as dt
import re

from playwright.sync_api import expect

from pipelines import loading, store
from tests.browser.conftest import sign_in
from tests.browser.test_meeting import select_row
from tests.conftest import ROOT

SAMPLES = ROOT / "sample_cases"


def load_samples(seed, db):
    homelessness = sorted(SAMPLES.glob("bnl-*.csv"))[-1]
    seed(homelessness.read_bytes(), homelessness.name)
    with store.opened(db) as conn:
        referrals = SAMPLES / "ei_referrals.csv"
        assert loading.ingest(conn, referrals.read_bytes(), referrals.name, program="early_intervention",
                              who="test", today=dt.date(2026, 1, 15)).status == "loaded"
        reference = SAMPLES / "reference_population.csv"
        assert loading.load_reference(conn, reference.read_bytes(), reference.name, who="test").status == "loaded"


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_equity_page_shows_the_samples_gaps_for_both_programs(db, seed, page, request):
    load_samples(seed, db)
    url = request.getfixturevalue("app_url")
    sign_in(page, url, "Equity")
    expect(page.get_by_text("Housing rate", exact=True)).to_be_visible()
    expect(page.get_by_text("The largest gaps")).to_be_visible()
    expect(page.locator(".vega-embed").first).to_be_visible()

    choose(page, "Program", "Early Intervention (IDEA Part C)")
    expect(page.get_by_text("Lost exits", exact=True)).to_be_visible()
    # the group the sample loses more children from is named in the summary
    expect(page.get_by_text("Black, African American or African children are lost at exit")).to_be_visible()
    choose(page, "Group people by", "Neighbourhood")
    expect(page.get_by_text("Children in Eastgate are referred at 0.7 times the rate")).to_be_visible()
    expect(page.get_by_text("Referral rate", exact=True)).to_be_visible()


def test_early_intervention_flow_list_and_agenda(db, seed, page, request):
    load_samples(seed, db)
    url = request.getfixturevalue("app_url")
    sign_in(page, url)
    choose(page, "Program", "Early Intervention (IDEA Part C)")
    expect(page.get_by_text("Open referrals at the end of each period")).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").first).to_have_text("Open referrals")

    page.get_by_role("link", name="By-name list").click()
    expect(page.get_by_role("heading", name="By-name list", exact=True)).to_be_visible()
    expect(page.get_by_text("Everyone with an open referral on")).to_be_visible()
    expect(page.get_by_text("in triage order: least time left on the 45-day clock first")).to_be_visible()
    # A child's panel opens and explains the rank (it crashed for every child once).
    select_row(page, 0, 0)
    expect(page.get_by_role("heading", name=re.compile(r", rank 1$"))).to_be_visible()
    expect(page.get_by_text("Why rank 1:")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)

    page.get_by_role("link", name="Case conference").click()
    expect(page.get_by_role("heading", name="Case conference", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="45-day clock about to run out, or run out")).to_be_visible()
    expect(page.get_by_role("heading", name="Transition conference due soon, or late")).to_be_visible()
    select_row(page, 0, 0)
    expect(page.get_by_role("heading", name=re.compile(r", rank \d+$"))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
