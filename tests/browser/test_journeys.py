"""A data lead's journeys in a real browser."""

import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import ROOT, bfz_csv

# Six people identified in the week of Mon 4 Mar 2024; X's exit makes Sunday 10 Mar the list's date,
# so the page shows that whole week. The next extract adds four in the following week.
FIRST_WEEK = [f"M{i},3/{i + 4}/2024,,,,Single Adult,No,No" for i in range(6)]
MARCH = bfz_csv(*FIRST_WEEK, "X,3/4/2024,,,3/10/2024,Single Adult,No,No")
APRIL = bfz_csv(*FIRST_WEEK, "X,3/4/2024,,,3/10/2024,Single Adult,No,No",
                *[f"N{i},3/{i + 11}/2024,,,,Youth,No,No" for i in range(4)], "Y,3/11/2024,,,3/17/2024,Youth,No,No")


def active_homeless(page):
    card = page.get_by_test_id("stMetric").filter(has_text="Actively homeless")
    return card.get_by_test_id("stMetricValue")


def test_upload_a_file_through_the_page_and_see_the_figures_change(seed, app_url, page, tmp_path):
    seed(MARCH, "march.csv")
    sign_in(page, app_url)
    expect(active_homeless(page)).to_have_text("6")
    page.get_by_role("link", name="Uploads").click()
    expect(page.get_by_role("heading", name="Load an extract")).to_be_visible()
    extract = tmp_path / "april.csv"
    extract.write_bytes(APRIL)
    page.locator("input[type=file]").first.set_input_files(str(extract))
    expect(page.get_by_text("april.csv: 12 rows, no problems found.")).to_be_visible()
    page.get_by_role("button", name="Load 12 rows").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        re.compile(r"april\.csv loaded as upload 2: 12 rows, 5 new records"))
    page.get_by_role("link", name="Flow").click()
    expect(active_homeless(page)).to_have_text("10")


def test_a_cli_upload_shows_on_an_open_page_without_a_reload(seed, app_url, page, db, tmp_path):
    seed(MARCH, "march.csv")
    sign_in(page, app_url)
    expect(active_homeless(page)).to_have_text("6")
    page.evaluate("window.stillTheSamePage = true")
    extract = tmp_path / "april.csv"
    extract.write_bytes(APRIL)
    loaded = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(extract), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    expect(active_homeless(page)).to_have_text("10", timeout=20_000)
    assert page.evaluate("window.stillTheSamePage") is True


def test_submit_a_month_then_see_how_far_it_drifted(seed, app_url, page, db, tmp_path):
    seed(MARCH, "march.csv")
    sign_in(page, app_url, "Monthly figures")
    expect(page.get_by_text("No month has been submitted yet")).to_be_visible()
    page.get_by_role("button", name="Submit the figures for March 2024").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "The figures for 2024-03 are kept as submitted: 6 actively homeless")
    expect(page.get_by_text("March 2024 was submitted by lead@example.org on")).to_be_visible()
    expect(page.get_by_text("2024-03: submitted 6, now 6")).to_be_visible()
    # Four more people identified in March arrive in a later extract: the page says so by itself.
    extract = tmp_path / "april.csv"
    extract.write_bytes(APRIL)
    loaded = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(extract), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    expect(page.get_by_text(
        "2024-03: submitted 6, now 10: 5 records entered or corrected after it was submitted")).to_be_visible(
        timeout=20_000)
    expect(page.get_by_role("button", name="Submit the figures for March 2024 again")).to_be_visible()


def test_a_shared_link_opens_its_page_and_filters_after_sign_in(seed, app_url, page):
    from tests.browser.conftest import EMAIL, PASSWORD
    from tests.test_dashboard import LIST as HAND_LIST

    seed(HAND_LIST, "march.csv")
    page.goto(f"{app_url}/by_name_list?list_population=Families")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="By-name list", exact=True)).to_be_visible()
    expect(page.get_by_text("1 of 5 match")).to_be_visible()  # Carl, the only family
