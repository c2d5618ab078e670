"""HUD HMIS CSV exports (FY2024, FY2026) as a Built for Zero by-name list, touching no database.

`read_hmis_export` takes the uploaded zip and returns one row per person who was ever homeless in it,
with every identification, return, move-in and inactive date of their history (lists of dates, since
the store keeps every fact), their attributes as they stand at the export's end (household type,
chronic status and coordinated entry as they stood on the day a person left the list, for those who
have), household type and chronic status over time (`over_time`: attributes.py), and a
validation report in HUD's three groups with the data quality by project. `derive` does the deriving
on already read tables and also gives the per-enrollment chronic results, the chronic history and
the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from pipelines.bfz_list import RECORD_COLUMNS
from pipelines.equity import age_in_years
from pipelines.hmis import archive, attributes, chronic, contacts, continuum, coordinated_entry, quality, spec, statuses
from pipelines.hmis.checks import check
from pipelines.hmis.tables import BLOCKING, WARNING_GROUP, HmisExport, add, read_export
from pipelines.report import ERROR, ValidationReport

_READ_MEMBERS = {f"{name.lower()}.csv" for name in spec.FILES}  # the rest of the spec's files are not needed
_PERSON_COLUMNS = {
    "row", "client_id", "ordinal", "identified", "returned", "moved_in", "inactive", "household_type", "veteran",
    "chronic", "race", "ethnicity", "gender", "age", "assessment_score", "contact_worker", "first_name",
    "last_name", "bnl_status", "extra", "birth_date", "ssn", "prioritized", "assessed_on", "referral",
}


class Derived(NamedTuple):
    people: pl.DataFrame  # the by-name list rows: RECORD_COLUMNS and over_time
    enrollments: pl.DataFrame  # one row per enrollment: household type, chronic at entry and why
    chronic: pl.DataFrame  # one row per person with chronic evidence: the three-year history
    statuses: pl.DataFrame  # one row per person: the four date lists, last contact, state at the end
    counts: dict


def read_hmis_export(data: bytes, file_name: str, today: dt.date | None = None, inactivity_days: int = 90,
                     coc: str | None = None):
    """Read an HMIS CSV export zip, of one Continuum of Care when `coc` is given. Returns (rows or
    None, ValidationReport); None when a blocking finding means nothing may be loaded."""
    export, report = open_export(data, file_name, today, coc)
    if export is None:
        return None, report
    derived = derive(export, inactivity_days)
    people = derived.people
    report.quality = quality.by_project(export.tables, derived.enrollments.select("EnrollmentID", "age_at_entry"),
                                        export.as_of, inactivity_days)
    if people.height == 0:
        add(report, BLOCKING, "nobody_homeless",
            f"no one in the export was in contact as homeless up to {export.as_of:%Y-%m-%d}: there is no list to load")
        return None, report
    return people, report


def open_export(data: bytes, file_name: str, today: dt.date | None = None, coc: str | None = None):
    """(HmisExport with checked tables, of `coc` alone when given, or None, ValidationReport)."""
    today = today or dt.date.today()
    report = ValidationReport(file_name)
    try:
        files = archive.members(data, wanted=lambda name: name.lower() in _READ_MEMBERS)
    except archive.RefusedZip as exc:
        add(report, BLOCKING, "refused_zip", str(exc))
        return None, report
    export = read_export(files, report, today)
    tables = None if export is None else check(export.tables, report)
    if tables is not None:
        tables = _one_continuum(tables, coc, report)
    _sort(report)
    if tables is None:
        return None, report
    export.tables = tables
    return export, report


def _one_continuum(tables: dict[str, pl.DataFrame], coc: str | None, report: ValidationReport):
    found = report.continuums = continuum.counts(tables)
    held = ", ".join(f"{code} ({n:,} enrollments)" for code, n in found.items()) or "no CoC codes"
    if coc is None:
        if len(found) > 1:
            add(report, WARNING_GROUP, "several_continuums",
                f"The export holds enrollments of {len(found)} Continuums of Care: {held}. All are read as one "
                "list; to load one Continuum, choose it when uploading (on the command line, --coc).", "Enrollment",
                column="EnrollmentCoC")
        return tables
    if coc not in found:
        add(report, BLOCKING, "continuum_not_in_export",
            f"the export holds no enrollment in the Continuum of Care {coc}; it holds {held}", "Enrollment",
            column="EnrollmentCoC", value=coc)
        return None
    return continuum.only(tables, coc)


def derive(export: HmisExport, inactivity_days: int = 90) -> Derived:
    """The by-name list and what it was derived from, as the export stands at `export.as_of`."""
    tables, as_of = export.tables, export.as_of
    enrolled = contacts.enrollments(tables)
    spans = contacts.spans(enrolled, tables, as_of)
    walked = statuses.walk(statuses.events(enrolled, spans, as_of, inactivity_days), as_of)
    at_entry = (chronic.at_entry(enrolled, tables["Disabilities"])
                .join(attributes.ages_at_entry(enrolled, tables["Client"]), on="EnrollmentID", how="left"))
    each_household = at_entry.select(at="EnrollmentID", household=pl.coalesce("HouseholdID", "EnrollmentID"),
                                     day=pl.lit(as_of))
    at_entry = at_entry.join(attributes.household_type_of(each_household, at_entry).rename({"at": "EnrollmentID"}),
                             on="EnrollmentID", how="left")
    versions, current, chronic_history = attributes.over_time(walked, at_entry, spans, as_of)
    left = walked.filter(pl.col("state") != statuses.ACTIVE).select(
        "PersonalID", day=pl.max_horizontal(pl.col("moved_in").list.max(), pl.col("inactive").list.max()))
    entry = coordinated_entry.latest(tables, left, as_of)
    people = _people(walked, tables["Client"], current.join(versions, on="PersonalID", how="left"), entry, as_of)
    counts = {
        "clients": tables["Client"].height,
        "enrollments": tables["Enrollment"].height,
        "exits": tables["Exit"].height,
        "projects": tables["Project"].height,
        "people_on_list": people.height,
        "active_at_end": int(statuses.actively_homeless(people, as_of).sum()),
        "as_of": as_of,
    }
    return Derived(people, at_entry, chronic_history, walked, counts)


def _sort(report: ValidationReport) -> None:
    """Blocking first, then the groups in HUD's order, then file by file in the spec's order."""
    order = {g: i for i, g in enumerate(("blocking", "error", "warning"))}
    files = {f"{name}.csv": i for i, name in enumerate(spec.SPEC_FILES)}

    def key(f):
        file = (f.column or "").split(":")[0]
        return (f.severity != ERROR, order.get(f.rule.split("_")[0], 3), files.get(file, -1), f.row or 0)

    report.findings.sort(key=key)


def _people(walked: pl.DataFrame, clients: pl.DataFrame, households_and_chronic: pl.DataFrame,
            entry: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    veteran = pl.col("VeteranStatus")
    return (
        walked.join(clients, on="PersonalID", how="left")
        .join(households_and_chronic, on="PersonalID", how="left")
        .join(entry, on="PersonalID", how="left")
        .with_columns(
            pl.col("PersonalID").alias("client_id"),
            pl.lit(1, pl.Int32).alias("ordinal"),
            # The store's populations need a yes or no: "doesn't know" and the like are not yes.
            (veteran == 1).fill_null(False).alias("veteran"),
            pl.col("chronic").fill_null(False),
            _race(), _ethnicity(), _gender(clients),
            age_in_years("DOB", as_of).cast(pl.Int32).alias("age"),
            pl.col("FirstName").alias("first_name"), pl.col("LastName").alias("last_name"),
            pl.col("DOB").alias("birth_date"), pl.col("SSN").alias("ssn"),
            *[pl.lit(None, dtype).alias(c) for c, dtype in (
                ("assessment_score", pl.Float64), ("contact_worker", pl.String), ("bnl_status", pl.String),
                ("extra", pl.String))],
        )
        .sort("row")
        # RECORD_COLUMNS is the Built for Zero reader's; any column it gains that an export lacks is empty.
        .select(*[c if c in _PERSON_COLUMNS else pl.lit(None).alias(c) for c in RECORD_COLUMNS], "over_time")
    )


def _answer(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(spec.ANSWERS, default=None, return_dtype=pl.String)


def _flags(labels: dict[str, str]) -> pl.Expr:
    """The labels of the flags set to 1, joined; null when none is."""
    named = [pl.when(pl.col(flag) == 1).then(pl.lit(label)) for flag, label in labels.items()]
    joined = pl.concat_list(named).list.drop_nulls()
    return pl.when(joined.list.len() > 0).then(joined.list.join("; "))


def _race() -> pl.Expr:
    return pl.coalesce(_flags(spec.RACE_FLAGS), _answer("RaceNone")).alias("race")


def _ethnicity() -> pl.Expr:
    hispanic = pl.col(spec.HISPANIC_FLAG)
    any_race = pl.any_horizontal([pl.col(f) == 1 for f in spec.RACE_FLAGS]).fill_null(False)
    return (pl.when(hispanic == 1).then(pl.lit(spec.HISPANIC))
            .when((hispanic == 0) & any_race).then(pl.lit(f"Not {spec.HISPANIC}"))
            .otherwise(_answer("RaceNone"))).alias("ethnicity")


def _gender(clients: pl.DataFrame) -> pl.Expr:
    """FY2026 records sex; FY2024 records gender as flags. Whichever the export has is used."""
    if "Sex" in clients.columns and clients["Sex"].is_not_null().any():
        sex = pl.col("Sex").replace_strict({**spec.SEX, **spec.ANSWERS}, default=None, return_dtype=pl.String)
        return sex.alias("gender")
    if "GenderNone" in clients.columns:
        return pl.coalesce(_flags(spec.GENDER_FLAGS), _answer("GenderNone")).alias("gender")
    return pl.lit(None, pl.String).alias("gender")
