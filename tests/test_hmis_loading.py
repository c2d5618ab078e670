"""HUD's sample HMIS export through the store: the CLI loads it, and the figures, the list and the
pages show it."""

import datetime as dt
import json

import pytest

from pipelines import agenda, cli, figures, loading, store
from pipelines.periods import Period
from tests.conftest import SHARED, app_as, uploaded_on_page

HUD_SAMPLE = SHARED / "data" / "hud" / "sample-hmis-export-fy2026.zip"
needs_hud = pytest.mark.skipif(not HUD_SAMPLE.exists(), reason="../shared is not beside the project")
LAST_DAY = dt.date(2026, 8, 19)  # the day the export was made


@pytest.fixture(scope="module")
def hud_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("hud") / "hud.duckdb"
    assert cli.main(["ingest", str(HUD_SAMPLE), "--db", str(db), "--source", "Square Peg HMIS"]) == 0
    return db


@needs_hud
def test_the_sample_export_loads_and_the_figures_match_its_people(hud_db, capsys):
    with store.opened(hud_db, read_only=True) as conn:
        upload = conn.execute("SELECT format, source, rows_read FROM uploads").fetchall()
        (day,) = figures.flow(conn, "homelessness", [Period(LAST_DAY, LAST_DAY, "day")], "All")
        ranked, _ = agenda.ranked_list(conn, "homelessness", LAST_DAY)
    # 9,645 people have a homeless contact in the export; 1,185 are active at its end, 1,181 of them
    # with a household type (the population "All" needs one)
    assert upload == [("hmis", "Square Peg HMIS", 9645)]
    assert day["actively_homeless"] == 1181
    assert ranked.height == 1185
    assert cli.main(["report", "bfz", "--db", str(hud_db), "--month", "2026-08"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["populations"]["All"]["actively_homeless"] == 1181


@needs_hud
def test_loading_it_again_is_recognised(hud_db):
    with store.opened(hud_db) as conn:
        again = loading.ingest(conn, HUD_SAMPLE.read_bytes(), HUD_SAMPLE.name, who="t", source="Square Peg HMIS")
    assert again.status == loading.SKIPPED


@needs_hud
@pytest.mark.parametrize("page", ["flow", "by_name_list"])
def test_the_pages_show_it(hud_db, monkeypatch, page):
    monkeypatch.setenv("BYNAMES_DATABASE", str(hud_db))
    app = app_as()
    app.run()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    if page == "by_name_list":
        assert "**1,181** of 1,185 match." in app.markdown[0].value  # "All" needs a household type


@needs_hud
def test_a_data_lead_loads_the_export_through_the_uploads_page(tmp_path, monkeypatch):
    app = uploaded_on_page(tmp_path, monkeypatch, HUD_SAMPLE.name, HUD_SAMPLE.read_bytes())
    assert "9,645 rows" in app.warning[0].value  # the sample's warnings are shown before anything is written
    app.text_input(key="source").input("Square Peg HMIS")
    app.button(key="load").click().run()
    assert app.success[0].value.startswith(f"{HUD_SAMPLE.name} loaded as upload 1: 9,645 rows")
