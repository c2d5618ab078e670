"""Small HMIS CSV exports built in the tests: a few rows each, every other column blank."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from pipelines.hmis import spec

EXPORT_DATE = "2026-01-05 10:00:00"
EXPORT_END = dt.date(2025, 12, 31)  # the day the statuses describe
TODAY = dt.date(2026, 1, 15)

# One project of each kind the rules tell apart.
PROJECTS = {
    "ES": 0, "NBN": 1, "TH": 2, "PSH": 3, "SO": 4, "SSO": 6, "SH": 8, "PHO": 9, "RRH": 13,
}


def csv_text(columns, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"not columns of the file: {unknown}"
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return out.getvalue()


def client(pid: str, dob: str = "1980-01-01", veteran: int = 0, **more) -> dict:
    return {"PersonalID": pid, "DOB": dob, "VeteranStatus": veteran, "RaceNone": 99, "FirstName": f"First {pid}",
            "LastName": f"Last {pid}", **more}


def enrollment(eid: str, pid: str, project: str, entry: str, *, household: str | None = None, relationship: int = 1,
               living: int = 116, disabling: int = 0, **more) -> dict:
    return {"EnrollmentID": eid, "PersonalID": pid, "ProjectID": project, "EntryDate": entry,
            "HouseholdID": household or f"H{eid}", "RelationshipToHoH": relationship, "LivingSituation": living,
            "DisablingCondition": disabling, **more}


def exit_row(eid: str, pid: str, date: str, destination: int, xid: str | None = None) -> dict:
    return {"ExitID": xid or f"X{eid}", "EnrollmentID": eid, "PersonalID": pid, "ExitDate": date,
            "Destination": destination}


def service(eid: str, pid: str, date: str, record_type: int = spec.BED_NIGHT, sid: str | None = None) -> dict:
    return {"ServicesID": sid or f"S{eid}-{date}", "EnrollmentID": eid, "PersonalID": pid, "DateProvided": date,
            "RecordType": record_type, "TypeProvided": record_type}


def disability(eid: str, pid: str, kind: int, response: int = 1, indefinite: int | None = 1, stage: int = 1,
               did: str | None = None) -> dict:
    return {"DisabilitiesID": did or f"D{eid}-{kind}-{stage}", "EnrollmentID": eid, "PersonalID": pid,
            "DisabilityType": kind, "DisabilityResponse": response, "IndefiniteAndImpairs": indefinite,
            "DataCollectionStage": stage}


def assessment(eid: str, pid: str, date: str, prioritized: int, level: int = 2, aid: str | None = None) -> dict:
    return {"AssessmentID": aid or f"A{eid}-{date}", "EnrollmentID": eid, "PersonalID": pid, "AssessmentDate": date,
            "AssessmentLocation": "Coordinated entry hub", "AssessmentType": 3, "AssessmentLevel": level,
            "PrioritizationStatus": prioritized}


def event(eid: str, pid: str, date: str, kind: int, result: int | None = None, result_date: str | None = None,
          vid: str | None = None) -> dict:
    return {"EventID": vid or f"V{eid}-{date}-{kind}", "EnrollmentID": eid, "PersonalID": pid, "EventDate": date,
            "Event": kind, "ReferralResult": result, "ResultDate": result_date}


def living_situation(eid: str, pid: str, date: str, situation: int, cid: str | None = None) -> dict:
    return {"CurrentLivingSitID": cid or f"L{eid}-{date}", "EnrollmentID": eid, "PersonalID": pid,
            "InformationDate": date, "CurrentLivingSituation": situation}


def export_files(clients=(), enrollments=(), exits=(), services=(), situations=(), disabilities=(),
                 assessments=(), events=(), version: int = spec.FY2026,
                 csv_version: str | None = None, export_end: dt.date = EXPORT_END, projects=None,
                 cocs: dict[str, str] | None = None, project_fields: dict[str, dict] | None = None) -> dict[str, str]:
    """Each file's CSV text, as an exporting HMIS would write it."""
    projects = PROJECTS if projects is None else projects
    cocs = cocs or {}  # project -> its Continuum of Care, XX-500 unless named
    client_columns = list(spec.columns_of("Client", version))
    clients = list(clients)
    if version == spec.FY2026:
        # HUD's own FY2026 sample spells the Hispanic column this way.
        client_columns = ["HispanicLatinao" if c == spec.HISPANIC_FLAG else c for c in client_columns]
        clients = [{("HispanicLatinao" if k == spec.HISPANIC_FLAG else k): v for k, v in c.items()} for c in clients]
    export = {"ExportID": "E1", "SourceType": 1, "ExportDate": EXPORT_DATE, "ExportStartDate": "2020-01-01",
              "ExportEndDate": export_end.isoformat(), "SoftwareName": "Test HMIS",
              "CSVVersion": f"{version} v1.0" if csv_version is None else csv_version,
              "ExportPeriodType": 3, "ExportDirective": 2, "HashStatus": 1}
    return {
        "Export": csv_text(spec.columns_of("Export", version), [export]),
        "Organization": csv_text(spec.columns_of("Organization", version),
                                 [{"OrganizationID": "O1", "OrganizationName": "Test org", "ExportID": "E1"}]),
        "Project": csv_text(spec.columns_of("Project", version), [
            {"ProjectID": pid, "OrganizationID": "O1", "ProjectName": pid, "ProjectType": kind, "ExportID": "E1",
             **(project_fields or {}).get(pid, {})}
            for pid, kind in projects.items()]),
        "ProjectCoC": csv_text(spec.columns_of("ProjectCoC", version), [
            {"ProjectCoCID": f"C{pid}", "ProjectID": pid, "CoCCode": cocs.get(pid, "XX-500"), "ExportID": "E1"}
            for pid in projects]),
        "Client": csv_text(client_columns, clients),
        "Enrollment": csv_text(spec.columns_of("Enrollment", version), list(enrollments)),
        "Exit": csv_text(spec.columns_of("Exit", version), list(exits)),
        "Services": csv_text(spec.columns_of("Services", version), list(services)),
        "CurrentLivingSituation": csv_text(spec.columns_of("CurrentLivingSituation", version), list(situations)),
        "Disabilities": csv_text(spec.columns_of("Disabilities", version), list(disabilities)),
        "Assessment": csv_text(spec.columns_of("Assessment", version), list(assessments)),
        "Event": csv_text(spec.columns_of("Event", version), list(events)),
    }


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    """A zip of `files` (name without .csv -> text); names with a dot are used as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name if "." in name else f"{name}.csv", content)
    return buffer.getvalue()


def export_zip(*args, **kwargs) -> bytes:
    return zip_bytes(export_files(*args, **kwargs))
