"""Every page with Streamlit's AppTest, on a small hand-worked database (list date Sun 31 Mar 2024)."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import live, signin
from pipelines import figures, store, submissions
from pipelines.periods import Period
from pipelines.programs import PROGRAMS
from tests.conftest import APP, ROOT, app_as, bfz_csv, ingest, pick

DATA_PAGES = ("flow", "by_name_list", "agenda", "monthly_figures", "equity")

HEADER = ("Client ID,First Name,Last Name,Date of Identification,Returned to Active Date,Housing Move-In Date,"
          "Inactive Date,Household Type,Chronic Status,Veteran Status,VI-SPDAT Score,Contact")
LIST = bfz_csv(
    "A,Ana,Reyes,3/5/2024,,,,Single Adult,Yes,No,10,Dana Ruiz",
    "B,Ben,Cole,1/10/2024,,3/10/2024,,Single Adult,No,No,7,Dana Ruiz",
    "C,Carl,Ortiz,2/1/2024,,,,Family,No,No,5,Sam Okoro",
    "D,Dee,Park,3/28/2024,,,,Youth,No,No,3,Sam Okoro",
    "E,Eve,Stone,1/15/2024,3/31/2024,,2/10/2024,Single Adult,Yes,Yes,8,Pat Nguyen",
    "F,Fay,Lund,12/1/2023,,,,Single Adult,No,No,14,Pat Nguyen",
    header=HEADER,
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    with store.opened(path) as conn:
        assert ingest(conn, LIST, "march.csv").status == "loaded"
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    return path


def run(page: str | None = None, **query) -> AppTest:
    app = app_as()
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict:
    return {m.label: (m.value, m.delta) for m in app.metric}


def test_flow_shows_the_week_of_the_list_date(db):
    app = run()
    assert app.title[0].value == "Flow"
    assert app.subheader[0].value == "All, week of Mon 25 Mar 2024"
    # Week of Mon 25 Mar: D identified, E back from inactive; nobody left. The week before: A, C, F.
    assert metrics(app) == {
        "Actively homeless": ("5", "+2"),
        "Inflow": ("2", "+2"),
        "Outflow": ("0", "+0"),
        "Net change": ("2", "+2"),
    }
    with store.opened(db) as conn:
        (cli,) = figures.flow(conn, "homelessness",
                              [Period(dt.date(2024, 3, 25), dt.date(2024, 3, 31), "week")], "All")
    assert (cli["actively_homeless"], cli["inflow"], cli["outflow"], cli["net_change"]) == (5, 2, 0, 2)
    assert "Harbor" not in app.sidebar.markdown[0].value  # no community name set: a neutral title
    assert app.sidebar.caption[0].value.endswith("The list as of Sun 31 Mar 2024.")


def test_flow_population_and_months_come_from_the_link(db):
    app = run(population="Chronic", by="Monthly")
    assert app.subheader[0].value == "Chronic, March 2024"
    # March, chronic single adults: A identified, E back from inactive; February had E leave.
    assert metrics(app) == {
        "Actively homeless": ("2", "+2"),
        "Inflow": ("2", "+2"),
        "Outflow": ("0", "-1"),
        "Net change": ("2", "+3"),
    }
    assert app.query_params["population"] == "Chronic" and app.query_params["by"] == "Monthly"
    assert app.get("download_button")[0].proto.label == "Download these figures (CSV)"


def test_flow_changing_population_updates_the_figures(db):
    app = run(by="Monthly")
    app.selectbox(key="population").select("Families").run()
    assert app.subheader[0].value == "Families, March 2024"
    assert metrics(app)["Actively homeless"] == ("1", "+0")


def names(app: AppTest) -> list[str]:
    return app.dataframe[0].value["Name"].tolist()


def test_by_name_list_in_triage_order_with_reasons(db):
    app = run("by_name_list")
    # Chronic first (A 10, E 8), then by assessment score: F 14, C 5, D 3. B is housed.
    assert names(app) == ["Ana Reyes", "Eve Stone", "Fay Lund", "Carl Ortiz", "Dee Park"]
    table = app.dataframe[0].value
    assert table["Rank"].tolist() == [1, 2, 3, 4, 5]
    assert table["Status"].tolist() == ["Active", "Returned", "Active", "Active", "New"]
    assert table["Population"].tolist()[:2] == ["Single adult · Chronic", "Single adult · Veteran · Chronic"]
    assert table["Last event"].tolist()[1] == "Returned to active"


@pytest.mark.parametrize(
    "control, expected",
    [
        (("list_population", "Veteran"), ["Eve Stone"]),
        (("list_population", "Families"), ["Carl Ortiz"]),
        (("new", True), ["Eve Stone", "Dee Park"]),
        (("quiet", True), ["Fay Lund", "Carl Ortiz"]),
        (("find", "park"), ["Dee Park"]),
        (("find", "F"), ["Fay Lund"]),
    ],
)
def test_by_name_list_filters(db, control, expected):
    app = run("by_name_list")
    key, value = control
    if key == "list_population":
        app.selectbox(key=key).select(value).run()
    elif key == "find":
        app.text_input(key=key).input(value).run()
    else:
        app.toggle(key=key).set_value(value).run()
    assert not app.exception
    assert names(app) == expected


def test_selecting_a_person_shows_their_history(db):
    app = run("by_name_list")
    pick(app, "list_table", 1)
    assert not app.exception
    assert app.subheader[0].value == "Eve Stone, rank 2"
    # Eve is ahead of Fay (rank 3, with a higher score) because she is chronically homeless.
    assert any(m.value == "**Why rank 2:** chronically homeless puts them ahead of rank 3. In full: chronically "
               "homeless; assessment score 8; 76 days since identification; identified 15 Jan 2024."
               for m in app.markdown)
    assert any(c.value == "Single adult · veteran · chronically homeless · assessment score 8 · contact: Pat Nguyen"
               for c in app.caption)
    history = app.dataframe[1].value
    assert history["What"].tolist() == ["Identified", "Moved to inactive", "Returned to active",
                                        "Single adult, veteran, chronically homeless, assessment score 8"]
    assert history["Date"].tolist()[:2] == ["Mon 15 Jan 2024", "Sat 10 Feb 2024"]
    assert set(history["From"]) == {"upload 1: march.csv"}
    assert set(history["Recorded by"]) == {"tester"}


def test_a_search_typed_while_a_panel_is_open_closes_it_rather_than_swap_the_person(db):
    app = run("by_name_list")
    pick(app, "list_table", 1)
    assert app.subheader[0].value == "Eve Stone, rank 2"
    # Row 2 of the search's rows is someone else: the pick was Eve's, so it is dropped, not moved.
    app.text_input(key="find").input("a").run()
    assert not app.exception
    assert not [s.value for s in app.subheader if ", rank " in s.value]
    pick(app, "list_table", 0)
    assert app.subheader[0].value.endswith(", rank 1")


def test_markdown_in_a_name_or_a_plan_shows_as_typed(tmp_path, monkeypatch):
    pixel = "![x](http://tracker.example/p.png)"
    path = tmp_path / "hostile.duckdb"
    with store.opened(path) as conn:
        ingest(conn, bfz_csv(f"A,{pixel},**Bold**,3/5/2024,,,,Single Adult,Yes,No,10,{pixel}", header=HEADER), "x.csv")
        store.set_setting(conn, "", "community_name", f"Town {pixel}")
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    app = run("by_name_list")
    pick(app, "list_table", 0)
    shown = [e.value for e in [*app.subheader, *app.markdown, *app.caption, *app.sidebar.markdown]]
    assert any(v.startswith("\\!\\[x\\](http://tracker.example/p.png) \\*\\*Bold\\*\\*, rank 1") for v in shown), shown
    assert not [v for v in shown if "](" in v.replace("\\](", "")], shown  # no link or image left to follow
    assert "### Town \\!\\[x\\]" in " ".join(shown)


def test_equity_without_a_reference_population_says_so_and_shows_averages_as_averages(tmp_path, monkeypatch):
    path = tmp_path / "sample.duckdb"
    sample = sorted((ROOT / "sample_cases").glob("bnl-*.csv"))[-1]
    with store.opened(path) as conn:
        ingest(conn, sample.read_bytes(), sample.name)
    monkeypatch.setenv("BYNAMES_DATABASE", str(path))
    app = run("equity")
    assert app.info[0].value.startswith("No reference population is loaded, so who is over- or under-represented")
    days = next(d.value for d in app.dataframe if "Average days" in d.value.columns)
    assert list(days.columns) == ["Group", "Ratio", "Placements", "Average days", "Note"]
    app = app_as("funder").run()
    app.switch_page("views/equity.py").run()
    assert not app.exception
    assert "Load one" not in app.info[0].value  # a funder cannot; a data lead can
    cells = [v for d in app.dataframe for v in d.value.drop(columns=["Group", "Note"]).to_numpy().ravel()]
    assert "hidden" in cells and None not in cells and "None" not in cells


def test_monthly_figures_match_the_cli(db):
    app = run("monthly_figures")
    # The months the list covers, newest first; the list ends on 31 March, so March is complete.
    assert app.selectbox(key="month").options == ["March 2024", "February 2024", "January 2024", "December 2023"]
    assert app.selectbox(key="month").value == "2024-03"
    assert not app.info
    table = app.dataframe[0].value
    shown = dict(zip(table["Figure"], table["All"]))
    with store.opened(db) as conn:
        cli = figures.monthly_submission(conn, "homelessness", dt.date(2024, 3, 1))["populations"]["All"]
    assert (shown["Actively homeless"], cli["actively_homeless"]) == ("5", 5)
    assert (shown["Housing placements"], cli["housing_placements"]) == ("1", 1)
    assert (shown["Inflow"], cli["inflow"]) == ("3", 3)
    assert (shown["Average days to housing"], cli["avg_days_to_housing"]) == ("60.0", 60.0)


def test_upload_with_warnings_is_confirmed_then_loaded_and_changes_the_figures(db):
    app = run("uploads")
    extra = bfz_csv("G,Gus,Hale,3/30/2024,,,,Single Adult,No,No,2,Dana Ruiz",
                    "G,Gus,Hale,3/31/2024,,,,Single Adult,No,No,2,Dana Ruiz", header=HEADER)
    app.file_uploader(key="extract").upload("april.csv", extra).run()
    assert not app.exception
    assert "2 rows, 1 warning(s)" in app.warning[0].value
    assert app.dataframe[0].value[["Severity", "Check", "Rows", "First rows"]].values.tolist() == [
        ["Warning", "Repeated client ID", 1, "2"]]
    with store.opened(db) as conn:
        assert conn.execute("SELECT count(*) FROM uploads").fetchall() == [(1,)]  # nothing written yet
    app.button(key="load").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("april.csv loaded as upload 2: 2 rows")
    history = app.dataframe[-1].value
    assert history["File"].tolist() == ["april.csv", "march.csv"]
    # The report it was loaded with opens from the history.
    app.file_uploader(key="extract").clear().run()
    pick(app, "history", 0)
    assert not app.exception
    assert any(m.value == "**Upload 2: april.csv**" for m in app.markdown)
    assert app.dataframe[-2].value["Check"].tolist() == ["Repeated client ID"]
    app.switch_page("views/flow.py").run()
    assert metrics(app)["Actively homeless"] == ("6", "+3")


def test_a_file_with_errors_is_refused_and_nothing_changes(db):
    before = db.read_bytes()
    app = run("uploads")
    app.file_uploader(key="extract").upload("bad.csv", bfz_csv("H,,,not a date,,,,Youth,No,No,1,", header=HEADER))
    app.run()
    assert "bad.csv cannot be loaded" in app.error[0].value
    assert app.dataframe[0].value[["Check", "Rows"]].values.tolist() == [["Unparseable date", 1]]
    assert app.expander[0].label == "Unparseable date: 1 row"
    assert app.dataframe[1].value[["Row", "Column", "Value"]].values.tolist() == [
        [2, "Date of Identification", "not a date"]]
    assert not [b for b in app.button if b.key == "load"]
    assert db.read_bytes() == before


def test_a_file_already_loaded_is_recognised_before_load_is_offered(db):
    app = run("uploads")
    app.file_uploader(key="extract").upload("march again.csv", LIST).run()
    assert not app.exception
    assert app.info[0].value.startswith("march again.csv is already loaded (upload 1, ")
    assert app.info[0].value.endswith("loading it again would change nothing.")
    assert not [b for b in app.button if b.key == "load"]


def test_rollback_asks_first_then_removes_the_upload(db):
    app = run("uploads")
    app.button(key="rollback").click().run()
    assert any(m.value.startswith("Roll back upload 1, **march.csv** (6 rows)?") for m in app.markdown)
    with store.opened(db) as conn:
        assert conn.execute("SELECT status FROM uploads").fetchall() == [("loaded",)]
    app.button(key="confirm_rollback").click().run()
    assert not app.exception
    with store.opened(db) as conn:
        assert conn.execute("SELECT status FROM uploads").fetchall() == [("rolled back",)]
        assert conn.execute("SELECT count(*) FROM records").fetchall() == [(0,)]
    assert app.dataframe[-1].value["Status"].tolist() == ["Rolled Back"]
    assert "rolled back" in app.success[0].value


def test_empty_database_says_how_to_load_a_list(tmp_path, monkeypatch):
    monkeypatch.setenv("BYNAMES_DATABASE", str(tmp_path / "empty.duckdb"))
    app = app_as().run()
    assert "No list loaded yet" in app.sidebar.caption[0].value


@pytest.mark.parametrize("program", list(PROGRAMS))
@pytest.mark.parametrize("role", list(signin.PAGES_BY_ROLE))
def test_every_page_on_an_empty_database_says_what_to_do_and_nothing_breaks(tmp_path, monkeypatch, role, program):
    monkeypatch.setenv("BYNAMES_DATABASE", str(tmp_path / "empty.duckdb"))
    app = app_as(role)
    app.query_params["program"] = program
    app.run()
    for page in signin.PAGES_BY_ROLE[role]:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, app.exception)
        assert not app.metric, page  # no zeros with arrows
        if page in DATA_PAGES:
            (info,) = app.info
            assert info.value.startswith(f"No {PROGRAMS[program].word('list')} is loaded for"), page
            assert ("Load one on the Uploads page" in info.value) == (role in ("data lead", "admin")), page


def test_nothing_about_the_data_shows_before_sign_in(db):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.sidebar.markdown and not app.sidebar.caption  # no community, count or upload date
    assert [e.label for e in app.text_input] == ["Email", "Password"]


def test_flow_range_from_the_link(db):
    app = run(by="Monthly", range=["2024-01-01", "2024-02-29"])
    assert app.subheader[0].value == "All, February 2024"
    # February: B, C, F active; C identified; E went inactive. January: B, E, F active; B and E identified.
    assert metrics(app) == {
        "Actively homeless": ("3", "+0"),
        "Inflow": ("1", "-1"),
        "Outflow": ("1", "+1"),
        "Net change": ("0", "-2"),
    }


def test_a_list_dated_mid_week_shows_the_last_whole_week_and_month(db):
    with store.opened(db) as conn:
        ingest(conn, bfz_csv("G,Gus,Hale,4/3/2024,,,,Youth,No,No,2,", header=HEADER), "april.csv")
    app = run()
    assert app.subheader[0].value == "All, week of Mon 25 Mar 2024"
    app.get("button_group")[0].set_value("month").run()
    assert app.subheader[0].value == "All, March 2024"
    assert app.sidebar.caption[0].value.endswith("The list as of Wed 3 Apr 2024.")
    app.switch_page("views/monthly_figures.py").run()
    assert app.selectbox(key="month").value == "2024-04"
    assert app.info[0].value.startswith("The list runs to Wed 3 Apr 2024: April 2024 is not over in the data yet")
    app.selectbox(key="month").select("2024-03").run()
    assert not app.info


def page_text(app) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error")
             for e in getattr(app, kind)]
    parts += [m.label + " " + str(m.value) for m in app.metric]
    parts += [d.value.to_csv(index=False) for d in app.dataframe]
    return "\n".join(str(p) for p in parts)


def test_a_funder_sees_trends_with_small_counts_hidden_and_no_person(db):
    app = app_as("funder").run()
    assert not app.exception
    # Five people: every count is under 11, even a 0; a difference of counts not shown is hidden.
    assert {m.label: m.value for m in app.metric} == {
        "Actively homeless": "fewer than 11", "Inflow": "fewer than 11", "Outflow": "fewer than 11",
        "Net change": "hidden"}
    seen = page_text(app)
    app.switch_page("views/monthly_figures.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    shown = dict(zip(table["Figure"], table["All"]))
    assert (shown["Actively homeless"], shown["Housing placements"], shown["Returned from housing"]) == (
        "fewer than 11", "fewer than 11", "fewer than 11")
    seen += page_text(app)
    for person in ("Ana", "Reyes", "Ben", "Cole", "Carl", "Ortiz", "Dee", "Park", "Eve", "Stone", "Fay", "Lund"):
        assert person not in seen
    assert "5" not in table.drop(columns="Figure").to_csv(index=False)  # the 5 active people appear nowhere



def test_reference_population_is_checked_then_loaded_from_the_uploads_page(db):
    app = run("uploads")
    app.file_uploader(key="reference_file").upload("town.csv", b"geography,group,population\nTown,All,-5\n").run()
    app.button(key="load_reference").click().run()
    assert not app.exception
    assert "town.csv was not loaded" in app.error[0].value
    assert app.dataframe[0].value["Check"].tolist() == ["Not a whole number"]
    app.file_uploader(key="reference_file").upload(
        "town.csv", b"geography,group,population\nTown,All,1000\nTown,White,600\n").run()
    app.button(key="load_reference").click().run()
    assert app.success[0].value == "town.csv is the reference population now: 2 rows"
    with store.opened(db) as conn:
        assert conn.execute('SELECT "group", population FROM reference_population ORDER BY 1').fetchall() == [
            ("All", 1000), ("White", 600)]


@pytest.mark.parametrize("role, submits", [("data lead", True), ("admin", True), ("case team", False),
                                           ("funder", False)])
def test_monthly_figures_submission_by_role(db, role, submits):
    app = app_as(role).run()
    app.switch_page("views/monthly_figures.py").run()
    assert not app.exception, app.exception
    buttons = [b.label for b in app.button]
    assert ("Submit the figures for March 2024" in buttons) is submits
    assert any("needs the figures submitted for 2023-12, 2024-01, 2024-02" in c.value for c in app.caption)
    if not submits:
        return
    app.button(key="submit").click().run()
    assert not app.exception, app.exception
    assert "kept as submitted: 5 actively homeless" in app.success[0].value
    assert any(t.value.startswith("March 2024 was submitted by ") for t in app.text)
    assert "2024-03: submitted 5, now 5" in [t.value for t in app.text]
    with store.opened(db) as conn:
        (kept,) = submissions.listed(conn, "homelessness")
    assert (kept["month"], kept["submitted_by"]) == (dt.date(2024, 3, 1), f"{role.replace(' ', '')}@example.org")


def test_new_data_lets_a_click_on_another_page_go_first(monkeypatch):
    """The watch noticing new data while the user picks another page must not send them back: a request
    pending in Streamlit preempts a run at its next Streamlit call, and a rerun asked for after the click
    would be folded into it with the page the click left."""
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests, ScriptRequestType

    requests = ScriptRequests()
    asked = []

    def a_streamlit_call():
        pending = requests.on_scriptrunner_yield()
        if pending is not None:
            asked.append(pending.rerun_data.page_script_hash)
            raise InterruptedError  # what the script runner does: the run ends here

    monkeypatch.setattr(live.data, "version", lambda wait=None: ("new data",))
    monkeypatch.setattr(live.st, "session_state", {"data_version": ("old data",)})
    monkeypatch.setattr(live.st, "empty", a_streamlit_call)
    monkeypatch.setattr(live.st, "rerun", lambda scope: requests.request_rerun(RerunData(page_script_hash="list")))

    requests.request_rerun(RerunData(page_script_hash="uploads"))  # the click, while the version was read
    with pytest.raises(InterruptedError):
        live.rerun_if_changed()
    assert asked == ["uploads"]
    assert "refreshed_for_data" not in live.st.session_state  # the click was the user's: idle time starts again

    live.rerun_if_changed()  # no click: the page it is on reruns
    assert requests.on_scriptrunner_yield().type == ScriptRequestType.RERUN
    assert live.st.session_state["refreshed_for_data"] is True
