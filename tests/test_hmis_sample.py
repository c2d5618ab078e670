"""The generated HMIS export: it reads cleanly, and the reader finds in it exactly the states its stories
say, person by person, in both versions of the spec and through the CLI and the store."""

import datetime as dt

import polars as pl
import pytest

from pipelines import agenda, cli, figures, store
from pipelines.hmis import export as hmis_export
from pipelines.hmis import sample as hmis_sample
from pipelines.hmis import spec as hmis_spec
from pipelines.periods import Period
from pipelines.programs import FAMILY, SINGLE_ADULT, YOUTH
from tests.conftest import uploaded_on_page

CLIENTS = 4000
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def sample():
    return hmis_sample.draw(CLIENTS, seed=11)


def derived(data: bytes):
    export, report = hmis_export.open_export(data, "export.zip", TODAY)
    assert export is not None, report.findings
    return hmis_export.derive(export), report


def test_every_client_is_found_in_the_state_their_story_ends_in(sample):
    result, report = derived(hmis_sample.export_zip(sample))
    assert report.findings == []
    found = result.statuses.select("PersonalID", pl.col("identified").list.first().alias("identified"), "state")
    compared = sample.expected.join(found, on="PersonalID", how="full", suffix="_found")
    wrong = compared.filter(pl.col("PersonalID").is_null() | pl.col("PersonalID_found").is_null()
                            | (pl.col("state") != pl.col("state_found"))
                            | (pl.col("identified") != pl.col("identified_found")))
    assert wrong.height == 0, wrong.head(10)
    # Every kind of ending is there to be checked.
    assert set(sample.expected["state"]) == {"active", "housed", "inactive"}
    assert result.counts["clients"] == CLIENTS
    assert result.counts["active_at_end"] == sample.expected.filter(pl.col("state") == "active").height


def test_households_have_one_head_and_families_have_children(sample):
    heads = sample.tables["Enrollment"].group_by("HouseholdID").agg(
        heads=(pl.col("RelationshipToHoH") == 1).sum(), members=pl.len())
    assert heads["heads"].to_list() == [1] * heads.height
    assert heads["members"].max() > 1
    result, _ = derived(hmis_sample.export_zip(sample))
    assert set(result.enrollments["household_type"].drop_nulls()) == {SINGLE_ADULT, FAMILY, YOUTH}


def test_an_fy2024_and_an_fy2026_copy_give_the_same_list(sample):
    fy2026, _ = derived(hmis_sample.export_zip(sample, hmis_spec.FY2026))
    fy2024, report = derived(hmis_sample.export_zip(sample, hmis_spec.FY2024))
    assert report.findings == []
    # Sex (FY2026) and gender (FY2024) are different questions; everything else is the same.
    assert fy2024.people.drop("gender").equals(fy2026.people.drop("gender"))
    assert set(fy2024.people["gender"].drop_nulls()) <= {"Woman", "Man", "Data not collected"}


def test_the_same_seed_gives_the_same_export_and_another_seed_another():
    def export(seed):
        return hmis_sample.export_zip(hmis_sample.draw(300, seed=seed))

    assert export(3) == export(3)
    assert export(3) != export(4)


def test_generated_through_the_cli_it_loads_and_the_figures_count_its_active_people(tmp_path):
    export, db = tmp_path / "export.zip", tmp_path / "hmis.duckdb"
    assert cli.main(["generate", "--records", "1500", "--out", str(export), "--seed", "5"]) == 0
    assert cli.main(["ingest", str(export), "--db", str(db)]) == 0
    expected = hmis_sample.draw(1500, seed=5).expected
    active = expected.filter(pl.col("state") == "active").height
    end = dt.date(2025, 12, 31)
    with store.opened(db, read_only=True) as conn:
        (day,) = figures.flow(conn, "homelessness", [Period(end, end, "day")], "All")
        ranked, _ = agenda.ranked_list(conn, "homelessness", end)
        rows_read = conn.execute("SELECT rows_read FROM uploads").fetchone()[0]
    assert rows_read == 1500
    assert day["actively_homeless"] == active
    assert ranked.height == active


def test_a_data_lead_loads_a_generated_export_through_the_uploads_page_and_the_list_shows_it(tmp_path, monkeypatch):
    drawn = hmis_sample.draw(1200, seed=8)
    active = drawn.expected.filter(pl.col("state") == "active").height
    app = uploaded_on_page(tmp_path, monkeypatch, "county-export.zip", hmis_sample.export_zip(drawn))
    app.button(key="load").click().run()
    assert app.success[0].value.startswith("county-export.zip loaded as upload 1: 1,200 rows")
    app.switch_page("views/by_name_list.py").run()
    assert not app.exception, app.exception
    assert f"**{active:,}** of {active:,} match." in app.markdown[0].value
