"""The first dashboard page, run with Streamlit's AppTest against a real sample database."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import figures, store
from tests.conftest import ROOT, bfz_csv, ingest


@pytest.fixture
def sample_db(tmp_path, monkeypatch):
    db = tmp_path / "dash.duckdb"
    with store.opened(db) as conn:
        ingest(conn, bfz_csv(
            "A,3/5/2024,,,,Single Adult,Yes,Yes",
            "B,1/10/2024,,3/10/2024,,Single Adult,No,No",
            "C,2/1/2024,,,,Family,No,No",
        ), "march.csv")
    monkeypatch.setenv("BYNAMES_DB", str(db))
    return db


def test_monthly_figures_page_shows_the_cli_figures(sample_db):
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Monthly figures"
    assert app.date_input[0].value == dt.date(2024, 3, 1)
    table = app.dataframe[0].value
    shown = dict(zip(table["Figure"], table["All"]))
    with store.opened(sample_db) as conn:
        expected = figures.monthly_submission(conn, "homelessness", dt.date(2024, 3, 1))["populations"]["All"]
    assert (shown["Actively homeless"], expected["actively_homeless"]) == ("2", 2)
    assert (shown["Housing placements"], expected["housing_placements"]) == ("1", 1)
    assert (shown["Newly identified"], expected["newly_identified"]) == ("1", 1)
    assert (shown["Average days to housing"], expected["avg_days_to_housing"]) == ("60.0", 60.0)
    assert shown["3-month reliability"] == "–"
    assert "records" in app.sidebar.caption[0].value


def test_empty_database_says_how_to_load_a_list(tmp_path, monkeypatch):
    monkeypatch.setenv("BYNAMES_DB", str(tmp_path / "empty.duckdb"))
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert "No list loaded yet" in app.sidebar.caption[0].value
