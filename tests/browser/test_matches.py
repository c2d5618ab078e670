"""The review queue of people matched across sources, end to end in a real browser."""

import datetime as dt

from playwright.sync_api import expect

from pipelines import figures, loading, store
from pipelines.periods import Period
from tests.browser.conftest import sign_in
from tests.conftest import bfz_csv, ingest

HEADER = ("Client ID,First Name,Last Name,Date of Birth,SSN,Date of Identification,Returned to Active Date,"
          "Housing Move-In Date,Inactive Date,Household Type,Chronic Status,Veteran Status")


def test_a_data_lead_links_a_near_match_and_the_figures_count_her_once(db, seed, page, request):
    seed(bfz_csv("C1,Catherine,Smith,1980-02-03,,3/1/2024,,,,Single Adult,No,No",
                 "C2,Ben,Cole,1975-06-07,,3/2/2024,,,,Single Adult,No,No", header=HEADER), "county.csv")
    with store.opened(db) as conn:
        shelter = bfz_csv("S1,Katherine,Smyth,1980-02-03,,3/5/2024,,,,Single Adult,No,No",
                          "S2,Dee,Park,1990-01-01,,3/6/2024,,,,Single Adult,No,No", header=HEADER)
        assert ingest(conn, shelter, "shelter.csv", source="Shelter HMIS").status == loading.LOADED
    url = request.getfixturevalue("app_url")
    assert march_active(db) == 4
    sign_in(page, url, "Uploads")
    expect(page.get_by_role("heading", name="Possible matches")).to_be_visible()
    queue = page.get_by_test_id("stDataFrame").filter(has=page.get_by_text("What agrees")).first
    expect(queue).to_be_visible()
    # select the first (only) pair: the row's selection box in the grid
    box = queue.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 52)
    page.get_by_role("button", name="Same person: link pair 1").click()
    expect(page.get_by_text("Pair 1 linked.")).to_be_visible()
    expect(page.get_by_text("No pair of people from different sources is waiting")).to_be_visible()
    assert march_active(db) == 3


def march_active(db) -> int:
    with store.opened(db, read_only=True) as conn:
        (march,) = figures.flow(conn, "homelessness", [Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")],
                                "All")
    return march["actively_homeless"]
