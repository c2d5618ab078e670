"""One Continuum of Care from an export that holds several: which enrollments are whose, by hand."""


import pytest

from pipelines import cli, loading
from pipelines.hmis import export as hmis_export
from tests.conftest import uploaded_on_page
from tests.hmis_builder import PROJECTS, TODAY, client, enrollment, export_zip

# ES2 is XX-501's project, every other one XX-500's (ProjectCoC.csv); enrollments may say otherwise.
TWO_COCS = dict(
    clients=[client(p) for p in ("P1", "P2", "P3", "P4", "P5")],
    projects={**PROJECTS, "ES2": 0},
    cocs={"ES2": "XX-501"},
    enrollments=[
        enrollment("E1", "P1", "ES", "2025-06-01"),  # the project's only CoC: XX-500
        enrollment("E2", "P2", "ES2", "2025-06-01"),  # XX-501
        enrollment("E3", "P3", "ES", "2025-07-01", EnrollmentCoC="XX-501"),  # its own code comes first
        enrollment("E4", "P4", "ES", "2025-07-01", household="H", EnrollmentCoC="XX-501"),
        enrollment("E5", "P5", "ES", "2025-07-01", household="H", relationship=2),  # the head's: XX-501
        enrollment("E6", "P2", "SO", "2025-08-01"),  # P2 in XX-500 too
    ],
)


def people(coc=None) -> tuple[set, list]:
    rows, report = hmis_export.read_hmis_export(export_zip(**TWO_COCS), "state.zip", TODAY, coc=coc)
    return (None if rows is None else set(rows["client_id"])), report.findings


def test_without_a_choice_every_continuum_is_read_and_the_data_lead_is_told_which_there_are():
    found, findings = people()
    assert found == {"P1", "P2", "P3", "P4", "P5"}
    [several] = [f for f in findings if f.rule == "warning_several_continuums"]
    assert "2 Continuums of Care: XX-501 (4 enrollments), XX-500 (2 enrollments). All are read" in several.message


def test_choosing_one_keeps_its_enrollments_by_their_own_code_then_the_heads_then_the_projects():
    assert people("XX-501")[0] == {"P2", "P3", "P4", "P5"}
    assert people("XX-500")[0] == {"P1", "P2"}


def test_a_person_counts_in_one_continuum_by_the_enrollments_there_only():
    rows, _ = hmis_export.read_hmis_export(export_zip(**TWO_COCS), "state.zip", TODAY, coc="XX-500")
    p2 = rows.filter(rows["client_id"] == "P2").row(0, named=True)
    # In XX-500 P2 was first met by outreach on 1 August; the June shelter stay was in XX-501.
    assert [d.isoformat() for d in p2["identified"]] == ["2025-08-01"]


def test_a_continuum_the_export_does_not_hold_is_refused_with_the_ones_it_does():
    found, findings = people("CA-500")
    assert found is None
    [refused] = [f for f in findings if f.rule == "blocking_continuum_not_in_export"]
    assert refused.message.endswith("it holds XX-501 (4 enrollments), XX-500 (2 enrollments)")
    assert refused.value == "CA-500"


def test_a_continuum_can_be_chosen_for_an_hmis_export_only():
    rows, report = loading.check(b"Client ID,Date of Identification\n1,2025-01-01\n", "list.csv", TODAY, coc="XX-500")
    assert rows is None and [f.rule for f in report.findings] == ["coc_without_hmis"]


@pytest.mark.parametrize("coc, on_list", [("XX-500", 2), ("XX-501", 4)])
def test_bynames_ingest_coc_loads_that_continuum_and_each_is_an_upload_of_its_own(tmp_path, capsys, coc, on_list):
    path = tmp_path / "state.zip"
    path.write_bytes(export_zip(**TWO_COCS))
    db = str(tmp_path / "b.duckdb")
    assert cli.main(["ingest", str(path), "--db", db, "--coc", coc]) == 0
    assert f"state.zip (CoC {coc}) loaded as upload 1: {on_list} rows" in capsys.readouterr().out
    other = "XX-501" if coc == "XX-500" else "XX-500"
    assert cli.main(["ingest", str(path), "--db", db, "--coc", other]) == 0
    assert "loaded as upload 2" in capsys.readouterr().out
    assert cli.main(["ingest", str(path), "--db", db, "--coc", coc]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_the_uploads_page_offers_the_continuums_and_loads_the_one_chosen(tmp_path, monkeypatch):
    app = uploaded_on_page(tmp_path, monkeypatch, "state.zip", export_zip(**TWO_COCS))
    chooser = app.selectbox(key="coc")
    assert chooser.options == ["All of them, as one list", "XX-501 (4 enrollments)", "XX-500 (2 enrollments)"]
    chooser.select("XX-500").run()
    assert not app.exception, app.exception
    assert not [w for w in app.warning if "Continuums of Care" in w.value]
    app.button(key="load").click().run()
    assert app.success[0].value.startswith("state.zip (CoC XX-500) loaded as upload 1: 2 rows")


def test_the_uploads_page_asks_nothing_of_an_export_with_one_continuum(tmp_path, monkeypatch):
    files = dict(TWO_COCS, cocs={}, enrollments=TWO_COCS["enrollments"][:1])
    app = uploaded_on_page(tmp_path, monkeypatch, "county.zip", export_zip(**files))
    assert not [s for s in app.selectbox if s.key == "coc"]
