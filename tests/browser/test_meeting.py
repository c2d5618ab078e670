"""A whole case conference in a real browser: open the agenda, update two people, mark one moved in,
download the pack and find both people in it, in triage order."""

import io
import re

import pypdf
import pytest
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


@pytest.mark.both_stores
def test_a_whole_meeting(store_kind, seed, app_url, page, tmp_path):
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


def metric(page, label: str) -> int:
    value = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).get_by_test_id(
        "stMetricValue")
    return int(value.inner_text().replace(",", ""))


def monthly(page) -> None:
    """Flow's figures for the latest whole month (December 2025 in the sample)."""
    expect(page.get_by_test_id("stMetricLabel").first).to_have_text("Open referrals")
    page.get_by_text("Monthly", exact=True).click()
    expect(page.get_by_role("heading", name="All children, December 2025")).to_be_visible()
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")


def record(page, client_id: str, what: str, day: str) -> None:
    status = panel(page, client_id).get_by_test_id("stForm").filter(has_text="Record a change of status")
    expect(status.get_by_role("spinbutton", name="year, On")).to_have_count(1)
    # The choices open with the arrow keys, as a keyboard user opens them; a page redrawn meanwhile
    # (after the save before) closes them again, so they are opened until they stay open.
    choice = page.get_by_role("option", name=what, exact=True)
    for _ in range(5):
        expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
        status.get_by_label("What happened").focus()
        page.keyboard.press("ArrowDown")
        try:
            expect(choice).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    choice.click()
    for part, value in zip(("year", "month", "day"), day.split("-")):
        status.get_by_role("spinbutton", name=f"{part}, On").click()
        page.keyboard.type(value)
    status.get_by_role("button", name="Record").click()


def opened_child(page) -> tuple[str, str]:
    """The name and ID of the child whose panel just opened."""
    heading = page.get_by_role("heading", name=re.compile(r", rank \d+$"))
    expect(heading).to_be_visible()
    name = heading.inner_text().rsplit(", rank", 1)[0]
    panel_key = page.locator("[class*='st-key-person-']").first.get_attribute("class")
    client_id = re.search(r"st-key-person-(\S+)", panel_key).group(1)
    return name, client_id


def test_a_whole_early_intervention_meeting(db, seed, page, request):
    """The team records an IFSP meeting held and a family that left: the 45-day clock section, the
    exits, the referral list and the month's figures show both at once; the pack is the agenda."""
    from tests.browser.test_equity import load_samples

    load_samples(seed, db)
    app_url = request.getfixturevalue("app_url")
    sign_in(page, app_url)
    page.goto(f"{app_url}/?program=early_intervention")  # the session outlives the address typed in
    monthly(page)
    open_before, leaving_before = metric(page, "Open referrals"), metric(page, "Leaving")
    page.get_by_role("link", name="By-name list").click()
    listed = page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ match"))
    expect(listed).to_be_visible()
    on_list = int(listed.inner_text().split(" of ")[0].replace(",", ""))

    page.get_by_role("link", name="Case conference").click()
    clock = page.get_by_role("heading", name=re.compile(r"^45-day clock about to run out, or run out \(\d+\)$"))
    expect(clock).to_be_visible()
    waiting = int(re.search(r"\((\d+)\)", clock.inner_text()).group(1))
    exited = page.get_by_role("heading", name=re.compile(r"^Exited since the last meeting \(\d+\)$"))
    exits = int(re.search(r"\((\d+)\)", exited.inner_text()).group(1))

    select_row(page, 1, 0)  # the child with the least time left on the 45-day clock
    name, child = opened_child(page)
    form = panel(page, child).get_by_test_id("stForm").filter(has_text="Record the meeting's decision")
    expect(form.get_by_label("Housing match")).to_have_count(0)  # a homelessness question
    form.get_by_label("Next step").fill("Confirm the IFSP with the family")
    form.get_by_label("Owner (service coordinator)").fill("Rosa")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved the plan for {name} (revision 1).")).to_be_visible()
    record(page, child, "Initial IFSP meeting", "2025-12-30")
    expect(page.get_by_text(f"Case conference: initial IFSP meeting on 2025-12-30 for {name}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"45-day clock about to run out, or run out ({waiting - 1})")
           ).to_be_visible()

    select_row(page, 0, 0)  # a child referred since the last meeting, whose family moved away
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    other, other_id = opened_child(page)
    assert other_id != child
    record(page, other_id, "Exited", "2025-12-31")
    expect(page.get_by_text(f"Case conference: exited on 2025-12-31 for {other}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Exited since the last meeting ({exits + 1})")).to_be_visible()

    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    with page.expect_download() as download:
        page.get_by_role("button", name="Meeting pack (PDF)").click()
    pages = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
    assert len(pages) <= 10
    text = "\n".join(p.extract_text() for p in pages)
    assert "Confirm the IFSP with the family" in text

    page.get_by_role("link", name="By-name list").click()
    expect(page.get_by_text(f"{on_list - 1:,} of {on_list - 1:,} match")).to_be_visible()
    page.get_by_role("link", name="Flow").click()
    monthly(page)
    assert metric(page, "Leaving") == leaving_before + 1
    assert metric(page, "Open referrals") == open_before - 1


def tab_to(page, target, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as someone without a mouse does."""
    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    expect(target).to_have_count(1)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement || e.contains(document.activeElement)"):
            return
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def test_a_meeting_with_the_keyboard_alone(seed, app_url, page):
    from tests.browser.conftest import EMAIL, PASSWORD

    seed(LIST, "march.csv")
    page.goto(app_url)
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed in as {EMAIL}")).to_have_count(1)

    tab_to(page, page.get_by_role("link", name="Case conference"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New since the last meeting (1)")).to_be_visible()
    # A table takes the focus as a whole; the arrow keys move in it and Shift+Space picks the row.
    tab_to(page, page.get_by_test_id("stDataFrame").first.locator("canvas").first)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Space")
    expect(page.get_by_role("heading", name="Ana Reyes, rank 1")).to_be_visible()

    form = panel(page, "A").get_by_test_id("stForm").filter(has_text="Record the meeting's decision")
    tab_to(page, form.get_by_label("Next step"))
    page.keyboard.type("Get ID from DMV")
    page.keyboard.press("Tab")
    page.keyboard.type("Dana")
    tab_to(page, form.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved the plan for Ana Reyes (revision 1).")).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Reyes, rank 1")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Meeting pack (PDF)"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert text.index("Ana Reyes") < text.index("Get ID from DMV")

    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
