"""HUD HMIS CSV exports (FY2024, FY2026) as a Built for Zero by-name list, touching no database.

`read_hmis_export` takes the uploaded zip and returns one row per person who was ever homeless in it,
with every identification, return, move-in and inactive date of their history (lists of dates, since
the store keeps every fact) and their attributes as they stand at the export's end (chronic status and
coordinated entry as they stood on the day a person left the list, for those who have), and a
validation report in HUD's three groups with the data quality by project. `derive` does the deriving
on already read tables and also gives the per-enrollment chronic results, the chronic history and
the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from pipelines.bfz_list import RECORD_COLUMNS
from pipelines.hmis import archive, chronic, contacts, continuum, coordinated_entry, quality, spec, statuses
from pipelines.hmis.checks import check
from pipelines.hmis.tables import BLOCKING, WARNING_GROUP, HmisExport, add, read_export
from pipelines.programs import FAMILY, SINGLE_ADULT, YOUTH
from pipelines.report import ERROR, ValidationReport

YOUTH_UNTIL = 25
_READ_MEMBERS = {f"{name.lower()}.csv" for name in spec.FILES}  # the rest of the spec's files are not needed
_PERSON_COLUMNS = {
    "row", "client_id", "ordinal", "identified", "returned", "moved_in", "inactive", "household_type", "veteran",
    "chronic", "race", "ethnicity", "gender", "age", "assessment_score", "contact_worker", "first_name",
    "last_name", "bnl_status", "extra", "birth_date", "ssn", "prioritized", "assessed_on", "referral",
}


class Derived(NamedTuple):
    people: pl.DataFrame  # the by-name list rows: RECORD_COLUMNS
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
    households = _household_types(enrolled, tables["Client"])
    at_entry = chronic.at_entry(enrolled, tables["Disabilities"]).join(households, on="EnrollmentID", how="left")
    left = walked.filter(pl.col("state") != statuses.ACTIVE).select(
        "PersonalID", day=pl.max_horizontal(pl.col("moved_in").list.max(), pl.col("inactive").list.max()))
    chronic_history = chronic.history(spans, at_entry, as_of, left)
    entry = coordinated_entry.latest(tables, left, as_of)
    people = _people(walked, tables["Client"], at_entry, chronic_history, entry, as_of)
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


def age_on(birth: pl.Expr, day: pl.Expr) -> pl.Expr:
    def month_day(d: pl.Expr) -> pl.Expr:
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)  # Int8 parts would overflow

    before_birthday = month_day(day) < month_day(birth)
    return (day.dt.year() - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int32)


def _household_types(enrolled: pl.DataFrame, clients: pl.DataFrame) -> pl.DataFrame:
    """Each enrollment's household type from its household's ages at entry: a child with an adult is a
    family; everyone under 25 (unaccompanied youth 18-24, or minors alone) is youth; other adult-only
    households are single adults. A member of unknown age leaves the type unknown unless it is a family."""
    ages = enrolled.join(clients.select("PersonalID", "DOB"), on="PersonalID", how="left").select(
        "EnrollmentID", pl.coalesce("HouseholdID", "EnrollmentID").alias("household"),
        age_on(pl.col("DOB"), pl.col("EntryDate")).alias("age_at_entry"),
    )
    age = pl.col("age_at_entry")
    kinds = ages.group_by("household").agg(
        child=(age < spec.ADULT_AGE).any(), adult=(age >= spec.ADULT_AGE).any(), unknown=age.is_null().any(),
        youth=(age < YOUTH_UNTIL).all(),
    )
    kind = (pl.when(pl.col("child") & pl.col("adult")).then(pl.lit(FAMILY))
            .when(pl.col("unknown")).then(pl.lit(None, pl.String))
            .when(pl.col("youth")).then(pl.lit(YOUTH))
            .otherwise(pl.lit(SINGLE_ADULT)))
    return ages.join(kinds.select("household", kind.alias("household_type")), on="household").select(
        "EnrollmentID", "age_at_entry", "household_type")


def _people(walked: pl.DataFrame, clients: pl.DataFrame, at_entry: pl.DataFrame, chronic_history: pl.DataFrame,
            entry: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    latest = (at_entry.sort("PersonalID", "EntryDate", "EnrollmentID")
              .group_by("PersonalID", maintain_order=True).agg(pl.col("household_type").last()))
    veteran = pl.col("VeteranStatus")
    return (
        walked.join(clients, on="PersonalID", how="left")
        .join(latest, on="PersonalID", how="left")
        .join(chronic_history.select("PersonalID", pl.col("chronic")), on="PersonalID", how="left")
        .join(entry, on="PersonalID", how="left")
        .with_columns(
            pl.col("PersonalID").alias("client_id"),
            pl.lit(1, pl.Int32).alias("ordinal"),
            # The store's populations need a yes or no: "doesn't know" and the like are not yes.
            (veteran == 1).fill_null(False).alias("veteran"),
            pl.col("chronic").fill_null(False),
            _race(), _ethnicity(), _gender(clients),
            age_on(pl.col("DOB"), pl.lit(as_of)).alias("age"),
            pl.col("FirstName").alias("first_name"), pl.col("LastName").alias("last_name"),
            pl.col("DOB").alias("birth_date"), pl.col("SSN").alias("ssn"),
            *[pl.lit(None, dtype).alias(c) for c, dtype in (
                ("assessment_score", pl.Float64), ("contact_worker", pl.String), ("bnl_status", pl.String),
                ("extra", pl.String))],
        )
        .sort("row")
        # RECORD_COLUMNS is the Built for Zero reader's; any column it gains that an export lacks is empty.
        .select([c if c in _PERSON_COLUMNS else pl.lit(None).alias(c) for c in RECORD_COLUMNS])
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
