"""The data quality report of an HMIS export, grouped by project, on an export built by hand."""

from pipelines import cli
from pipelines.hmis import export as hmis_export
from tests.conftest import uploaded_on_page
from tests.hmis_builder import PROJECTS, TODAY, client, enrollment, event, exit_row, export_zip, living_situation


def complete(eid: str, pid: str, project: str, entry: str, **more) -> dict:
    """An enrollment with every 3.917 and 3.08 answer given."""
    fields = dict(LengthOfStay=2, DateToStreetESSH="2025-05-01", TimesHomelessPastThreeYears=1,
                  MonthsHomelessPastThreeYears=101, disabling=0)
    return enrollment(eid, pid, project, entry, **(fields | more))


EXPORT = dict(
    clients=[client("P1"), client("P2"), client("K", "2018-01-01", veteran=99), client("P3"), client("P4"),
             client("P5"), client("P6", veteran=99), client("P7"), client("P8", None)],
    projects={**PROJECTS, "SO2": 4},
    project_fields={"TH": {"OperatingStartDate": "2020-01-01", "OperatingEndDate": "2025-08-31"},
                    "ES": {"ProjectName": "Harbor Shelter"}},
    enrollments=[
        complete("E1", "P1", "ES", "2025-06-01"),
        complete("E2", "P2", "ES", "2025-06-01", household="F", DateToStreetESSH=None, disabling=99),
        complete("E3", "K", "ES", "2025-06-01", household="F", relationship=2, LengthOfStay=None),  # a child
        complete("E4", "P3", "SO", "2025-06-01"),
        complete("E5", "P4", "SO", "2025-12-01"),
        complete("E6", "P5", "SO2", "2025-11-01"),
        complete("E7", "P6", "TH", "2025-09-15"),
        complete("E8", "P7", "ES", "2025-10-01", household="HX", relationship=2),
        complete("E9", "P8", "ES", "2025-10-01"),
    ],
    exits=[exit_row("E1", "P1", "2025-07-01", 99), exit_row("E2", "P2", "2025-07-01", 410),
           exit_row("E3", "K", "2025-07-01", 410)],
    situations=[living_situation("E4", "P3", "2025-06-01", 116), living_situation("E5", "P4", "2025-12-01", 116)],
    # P8 referred to supportive housing in October with no result by 31 December; P7 in December.
    events=[event("E9", "P8", "2025-10-01", 14), event("E8", "P7", "2025-12-15", 13)],
)


def test_each_projects_problems_are_counted_with_the_enrollments_each_check_applies_to():
    rows, report = hmis_export.read_hmis_export(export_zip(**EXPORT), "county.zip", TODAY)
    assert rows is not None
    # The projects whose worst check fails the largest share of their enrollments come first.
    assert report.quality == [
        {"project": "SO2", "kind": "street outreach",
         "check": "outreach project records no contacts: each day enrolled counts as one", "count": 1, "of": 1},
        # Entered two weeks after the project closed; P6's veteran status is "not collected".
        {"project": "TH", "kind": "transitional housing", "check": "veteran status missing or not known", "count": 1,
         "of": 1},
        {"project": "TH", "kind": "transitional housing",
         "check": "entry or exit outside the project's operating dates", "count": 1, "of": 1},
        # Harbor Shelter: E1, E2, E3 (a child: 3.917 not asked of her), E8 (no head), E9 (no birth date).
        {"project": "Harbor Shelter", "kind": "emergency shelter",
         "check": "prior living situation (3.917) incomplete, so chronic status is unknown", "count": 1, "of": 4},
        {"project": "Harbor Shelter", "kind": "emergency shelter",
         "check": "disabling condition (3.08) missing or not known", "count": 1, "of": 5},
        {"project": "Harbor Shelter", "kind": "emergency shelter",
         "check": "date of birth missing, so household type is unknown", "count": 1, "of": 5},
        {"project": "Harbor Shelter", "kind": "emergency shelter", "check": "household without a head", "count": 1,
         "of": 5},
        {"project": "Harbor Shelter", "kind": "emergency shelter", "check": "exit destination not known", "count": 1,
         "of": 3},
        {"project": "Harbor Shelter", "kind": "emergency shelter",
         "check": "referral to a housing opening with no result after 30 days", "count": 1, "of": 2},
        # Outreach that records contacts: P3 last seen on 1 June, 213 days before 31 December.
        {"project": "SO", "kind": "street outreach",
         "check": "open outreach enrollment with no contact in the last 90 days", "count": 1, "of": 2},
    ]


def test_the_inactivity_setting_is_the_period_the_outreach_check_uses():
    _, report = hmis_export.read_hmis_export(export_zip(**EXPORT), "county.zip", TODAY, inactivity_days=240)
    assert not [q for q in report.quality if q["check"].startswith("open outreach")]


def test_bynames_ingest_prints_the_report_grouped_by_project(tmp_path, capsys):
    path = tmp_path / "county.zip"
    path.write_bytes(export_zip(**EXPORT))
    assert cli.main(["ingest", str(path), "--db", str(tmp_path / "b.duckdb")]) == 0
    err = capsys.readouterr().err
    assert "Data quality by project (these do not stop the upload):" in err
    assert "  TH (transitional housing): entry or exit outside the project's operating dates: 1 of 1 enrollments" in err
    assert err.count("Harbor Shelter (emergency shelter):") == 6


def test_the_uploads_page_shows_the_report_grouped_by_project(tmp_path, monkeypatch):
    app = uploaded_on_page(tmp_path, monkeypatch, "county.zip", export_zip(**EXPORT))
    [table] = [d.value for d in app.dataframe if "Failing" in d.value.columns]
    assert table.shape == (10, 6)
    # Numbers first, so they stay on screen beside the project.
    assert list(table.columns) == ["Project", "Failing", "Of", "Share", "Check", "Kind"]
    assert table.iloc[-1].to_dict() == {
        "Project": "SO", "Failing": 1, "Of": 2, "Share": 50.0,
        "Check": "open outreach enrollment with no contact in the last 90 days", "Kind": "street outreach"}
    assert [e.label for e in app.expander if e.label.startswith("Data quality")] == [
        "Data quality by project: 4 projects to look at"]
