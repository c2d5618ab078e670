"""Every download from a page leaves a line in the audit trail: who took which file."""

import time

from playwright.sync_api import expect

from pipelines import audit, store
from tests.browser.conftest import EMAIL, sign_in
from tests.browser.test_journeys import MARCH


def exports_recorded(db, count: int) -> list[tuple]:
    # The click's callback runs on the server as the file is handed over: wait for it.
    deadline = time.monotonic() + 20
    while True:
        with store.opened(db, read_only=True) as conn:
            lines = audit.lines(conn)
        found = lines.filter(lines["action"] == audit.EXPORT).select("who", "subject", "detail").reverse().rows()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_figure_downloads_are_recorded(seed, app_url, page, db):
    seed(MARCH, "march.csv")
    sign_in(page, app_url)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename.startswith("flow-homelessness-")
    flow_file = download.value.suggested_filename
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    page.get_by_role("link", name="Monthly figures").click()
    expect(page.get_by_role("heading", name="Monthly figures", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the submission file (CSV)").click()
    assert download.value.suggested_filename == "bfz-submission-2024-03.csv"
    assert exports_recorded(db, 2) == [
        (EMAIL, flow_file, "flow figures: All, by week"),
        (EMAIL, "bfz-submission-2024-03.csv", "Built for Zero submission file"),
    ]
