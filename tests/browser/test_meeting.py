"""A whole case conference in a real browser: open the agenda, update two people, mark one moved in,
download the pack and find both people in it, in triage order."""

import io
import re

import pypdf
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.test_agenda import LIST

ROW_HEIGHT = 35  # Streamlit's table rows, and its header row


def select_row(page, table_index: int, row: int) -> None:
    """Tables are drawn on a canvas: click the selection box at the start of the row, once the page has
    finished drawing (a click on a table being redrawn is lost)."""
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    table = page.get_by_test_id("stDataFrame").nth(table_index)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)


def panel(page, client_id: str):
    return page.locator(f".st-key-person-{client_id}")


def save_plan(page, client_id: str, step: str, owner: str) -> None:
    form = panel(page, client_id).get_by_test_id("stForm").filter(has_text="Record the meeting's decision")
    # While the page redraws, the panel of the person before can linger for a moment.
    expect(form.get_by_label("Next step")).to_have_count(1)
    expect(form.get_by_label("Next step")).to_have_value("")
    form.get_by_label("Next step").fill(step)
    form.get_by_label("Owner (navigator or case manager)").fill(owner)
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"^Saved the plan for .+ \(revision 1\)\.$"))).to_be_visible()


def test_a_whole_meeting(seed, app_url, page, tmp_path):
    seed(LIST, "march.csv")
    sign_in(page, app_url, "Case conference")
    expect(page.get_by_role("heading", name="New since the last meeting (1)")).to_be_visible()
    # Nobody has been discussed yet and the list carries no contact dates: said once, nobody listed.
    expect(page.get_by_text("4 of 4 on the list have nothing recorded at a meeting yet")).to_be_visible()

    select_row(page, 0, 0)  # Ana, new this week
    expect(page.get_by_role("heading", name="Ana Reyes, rank 1")).to_be_visible()
    save_plan(page, "A", "Get ID from DMV", "Dana")

    select_row(page, 1, 0)  # Eve, back on the list on 31 March, and moved in the same day
    expect(page.get_by_role("heading", name="Eve Stone, rank 2")).to_be_visible()
    status = panel(page, "E").get_by_test_id("stForm").filter(has_text="Record a change of status")
    expect(status.get_by_role("spinbutton", name="year, On")).to_have_count(1)
    for part, value in (("year", "2024"), ("month", "03"), ("day", "31")):
        status.get_by_role("spinbutton", name=f"{part}, On").click()
        page.keyboard.type(value)
    status.get_by_role("button", name="Record").click()  # the first choice: moved into housing
    expect(page.get_by_text("Case conference: moved into housing on 2024-03-31 for Eve Stone")).to_be_visible()
    # The agenda is drawn again on the new data, without leaving the page.
    expect(page.get_by_role("heading", name="Housed since the last meeting: celebrate them (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Back on the list since the last meeting (0)")).to_be_visible()
    expect(page.get_by_text("2 of 3 on the list have nothing recorded at a meeting yet")).to_be_visible()

    # The status just recorded redraws the page: a click on the button being redrawn is lost.
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    with page.expect_download() as download:
        page.get_by_role("button", name="Meeting pack (PDF)").click()
    pdf = download.value.path().read_bytes()
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) <= 10
    text = "\n".join(p.extract_text() for p in pages)
    assert "Everyone on the active list" not in text  # the agenda, not the whole list
    assert text.index("New since the last meeting (1)") < text.index("Ana Reyes") < text.index("Get ID from DMV")
    assert "Eve Stone, moved in Sun 31 Mar 2024" in text

    # The by-name list and the Flow page show the move-in too.
    page.get_by_role("link", name="By-name list").click()
    expect(page.get_by_text("3 of 3 match")).to_be_visible()
    page.get_by_role("link", name="Flow").click()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("3")
