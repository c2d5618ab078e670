"""The case conference page and a person's panel, with AppTest on a hand-worked list.

The meeting is on Sun 31 Mar 2024; the last one was a week before.
"""

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import agenda, case_conference, figures, store
from pipelines.periods import Period
from pipelines.programs import HOMELESSNESS
from tests.conftest import app_as, bfz_csv, ingest, pick

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status,VI-SPDAT Score")
LIST = bfz_csv(
    "A,Ana,Reyes,3/27/2024,,,,Single Adult,Yes,No,10",      # new this week
    "B,Ben,Cole,1/10/2024,,3/28/2024,,Single Adult,No,No,7",  # housed this week
    "C,Carl,Ortiz,1/2/2024,,,,Family,No,No,5",                # nothing recorded since 2 Jan, never discussed
    "E,Eve,Stone,1/15/2024,3/31/2024,,2/10/2024,Single Adult,Yes,Yes,8",  # back on the list this week
    "F,Fay,Lund,3/10/2024,,,,Single Adult,No,No,14",          # on the list three weeks
    header=HEADER,
)
MEETING = dt.date(2024, 3, 31)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "meeting.duckdb"
    with store.opened(path) as conn:
        ingest(conn, LIST, "march.csv")
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    return path


def person(db, client_id):
    with store.opened(db) as conn:
        return conn.execute("SELECT person_id FROM people WHERE client_id = ?", [client_id]).fetchall()[0][0]


def meeting_page() -> AppTest:
    app = app_as()
    app.run()
    app.switch_page("views/agenda.py").run()
    assert not app.exception, app.exception
    return app


def tables(app: AppTest) -> dict[str, list[str]]:
    heads = [s.value for s in app.subheader]
    frames = [d.value for d in app.dataframe]
    listed = [h for h in heads if not h.endswith("(0)")]
    return {h.rsplit(" (", 1)[0]: f["Name"].tolist() for h, f in zip(listed, frames)}


def test_the_agenda_sections(db):
    app = meeting_page()
    assert app.date_input(key="meeting").value == MEETING
    assert tables(app) == {
        agenda.SECTIONS["new"]: ["Ana Reyes"],
        agenda.SECTIONS["returned"]: ["Eve Stone"],
        agenda.SECTIONS["housed"]: ["Ben Cole"],
    }
    # Carl has had nothing recorded since 2 January, but the list carries no contact dates and he has
    # never been discussed: he is counted once, not listed as out of contact.
    assert any(c.value.startswith("4 of 4 on the list have nothing recorded at a meeting yet") for c in app.caption)


def planned(**plan) -> dict:
    return {"entry_date": dt.date(2024, 1, 2), "entry_kind": "identified", "last_event_date": dt.date(2024, 1, 2),
            "plan_changed_at": None, "matched_since": None, "due_date": None, **plan}


def test_sections_name_only_what_the_data_shows():
    at = dt.datetime.combine
    ranked = pl.DataFrame([
        planned(),  # never discussed: in no section
        planned(plan_changed_at=at(dt.date(2024, 1, 20), dt.time(10))),  # worked on, then 71 days of nothing
        planned(plan_changed_at=at(dt.date(2024, 3, 20), dt.time(10)), due_date=dt.date(2024, 3, 27)),  # overdue
        planned(plan_changed_at=at(dt.date(2024, 3, 28), dt.time(10)), due_date=dt.date(2024, 3, 27)),  # updated
        planned(plan_changed_at=at(dt.date(2024, 3, 25), dt.time(10)),
                matched_since=at(dt.date(2024, 2, 20), dt.time(9))),  # matched 40 days ago, not moved in
    ]).with_row_index("rank", offset=1)
    found = agenda.sections(ranked, pl.DataFrame(), MEETING, agenda.AgendaSettings(), HOMELESSNESS)
    assert found["no_contact"]["rank"].to_list() == [2]
    assert found["stalled"]["rank"].to_list() == [2, 5]
    assert found["stalled"]["why_stalled"].to_list() == ["no recorded progress", "matched to housing, not moved in"]
    assert found["overdue"]["rank"].to_list() == [3]


def test_a_plan_that_moved_recently_is_not_stalled_and_a_long_match_is(db):
    with store.opened(db) as conn:
        case_conference.save_plan(conn, person(db, "C"), 0, "dana", next_step="Call", housing_match="Matched")
    app = meeting_page()
    # Carl's plan changed today, long after the meeting date: his progress date is today's.
    stalled = tables(app).get(agenda.SECTIONS["stalled"], [])
    assert "Carl Ortiz" not in stalled


def open_panel(app: AppTest, section: str, row: int) -> AppTest:
    pick(app, f"agenda_{section}", row)
    assert not app.exception, app.exception
    return app


def test_the_panel_saves_a_plan_and_shows_its_history(db):
    app = open_panel(meeting_page(), "new", 0)
    assert app.subheader[-1].value == "Ana Reyes, rank 1"
    app.text_input[0].input("Get ID from DMV")
    app.text_input[1].input("Dana")
    app.multiselect[0].select("Missing ID")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "Saved the plan for Ana Reyes (revision 1)."
    with store.opened(db) as conn:
        plan = case_conference.current_plan(conn, person(db, "A"))
    assert (plan.next_step, plan.owner, plan.barriers, plan.recorded_by) == (
        "Get ID from DMV", "Dana", ("Missing ID",), "admin@example.org")


def test_a_second_panel_that_saves_after_the_first_is_refused(db):
    first = open_panel(meeting_page(), "new", 0)
    second = open_panel(meeting_page(), "new", 0)
    first.text_input[0].input("First team's step")
    first.form_submit_button[0].click().run()
    second.text_input[0].input("Second team's step")
    second.form_submit_button[0].click().run()
    assert "saved this plan" in second.error[0].value
    with store.opened(db) as conn:
        assert case_conference.current_plan(conn, person(db, "A")).next_step == "First team's step"


def test_moved_in_from_the_panel_moves_the_figures(db):
    march = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month")
    with store.opened(db) as conn:
        (before,) = figures.flow(conn, "homelessness", [march], "All")
    app = open_panel(meeting_page(), "new", 0)
    next(box for box in app.selectbox if box.label == "What happened").select("moved_in")
    app.date_input[-1].set_value(dt.date(2024, 3, 30))
    app.form_submit_button[1].click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Case conference: moved into housing on 2024-03-30 for Ana Reyes.")
    # The page is drawn again on the new data: Ana has left "new" for "housed".
    assert tables(app)[agenda.SECTIONS["housed"]] == ["Ben Cole", "Ana Reyes"]
    assert agenda.SECTIONS["new"] not in tables(app)
    with store.opened(db) as conn:
        (after,) = figures.flow(conn, "homelessness", [march], "All")
    assert (before["housing_placements"], after["housing_placements"]) == (1, 2)
    assert (before["actively_homeless"], after["actively_homeless"]) == (4, 3)


def test_a_move_in_recorded_by_mistake_is_undone_from_the_housed_section(db):
    app = open_panel(meeting_page(), "new", 0)
    next(box for box in app.selectbox if box.label == "What happened").select("moved_in")
    app.date_input[-1].set_value(dt.date(2024, 3, 30))
    app.form_submit_button[1].click().run()
    assert tables(app)[agenda.SECTIONS["housed"]] == ["Ben Cole", "Ana Reyes"]
    pick(app, "agenda_housed", 1)
    assert app.subheader[-1].value == "Ana Reyes"
    assert any(c.value.startswith("Case conference: moved into housing on 2024-03-30, recorded by admin@")
               for c in app.caption)
    app.button(key=next(b.key for b in app.button if b.key and "_undo_" in b.key)).click().run()
    assert not app.exception
    assert app.success[0].value == "Undone for Ana Reyes: Case conference: moved into housing on 2024-03-30."
    assert tables(app)[agenda.SECTIONS["new"]] == ["Ana Reyes"]
    assert tables(app)[agenda.SECTIONS["housed"]] == ["Ben Cole"]


def test_settings_page_changes_the_triage_policy(db):
    app = app_as()
    app.run()
    app.switch_page("views/settings.py").run()
    assert not app.exception, app.exception
    assert app.multiselect(key="policy_keys").value == ["chronic", "assessment_score", "days_since_identification",
                                                        "identified"]
    app.multiselect(key="policy_keys").set_value(["identified"])
    app.run()
    app.get("button_group")[0].set_value("asc").run()
    app.button(key="save_settings").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Saved. Triage order: earliest identified first."
    with store.opened(db) as conn:
        assert store.setting(conn, "homelessness", "triage_policy") == ["identified asc"]
    app.switch_page("views/by_name_list.py").run()
    # Carl (2 Jan), Eve (15 Jan), Fay (10 Mar), Ana (27 Mar): identification order now.
    assert app.dataframe[0].value["Name"].tolist() == ["Carl Ortiz", "Eve Stone", "Fay Lund", "Ana Reyes"]


def test_the_agenda_offers_the_meeting_pack(db):
    app = meeting_page()
    assert app.get("download_button")[0].proto.label == "Meeting pack (PDF)"


def test_sections_are_short_until_asked_for_all(tmp_path, monkeypatch):
    path = tmp_path / "busy.duckdb"
    with store.opened(path) as conn:
        ingest(conn, bfz_csv(*[f"N{i},New,Person{i},3/{25 + i % 5}/2024,,,,Single Adult,No,No,{i}" for i in range(8)],
                             header=HEADER), "busy.csv")
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    app = meeting_page()
    assert app.subheader[0].value == "New since the last meeting (8)"
    assert len(app.dataframe[0].value) == 5
    app.toggle(key="all_new").set_value(True).run()
    assert len(app.dataframe[0].value) == 8
    # Every pick still opens the person on that row.
    pick(app, "agenda_new", 7)
    assert app.subheader[-1].value.endswith(", rank 8")
