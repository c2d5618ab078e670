"""The checks across an HMIS export's files, in the groups of HUD's upload checker.

Blocking (nothing is loaded): duplicate primary keys, an enrollment naming a client or project the
export does not have. Errors (the rows at fault are set aside, the rest loads): an enrollment without
an entry date, exit before entry, an exit whose person is not the enrollment's, a second exit for one
enrollment, a household with no head or several, a move-in date outside its enrollment. Warnings:
rows pointing at enrollments or organizations that are not in the export, move-in dates recorded by
projects that are not permanent housing. (Unreadable dates, dates in the future and codes outside the
spec's lists are found while the files are read: pipelines/hmis/tables.py.)
"""

from __future__ import annotations

import polars as pl

from pipelines.columns import FINDINGS_PER_RULE
from pipelines.hmis import spec
from pipelines.hmis.tables import BLOCKING, ERROR_GROUP, WARNING_GROUP, add, add_rows
from pipelines.report import ValidationReport


def check(tables: dict[str, pl.DataFrame], report: ValidationReport) -> dict[str, pl.DataFrame] | None:
    """The tables with the rows at fault set aside, or None when a blocking check fails."""
    for name, frame in tables.items():
        _unique_keys(name, frame, spec.FILES[name].key, report)
    enrollment = tables["Enrollment"]
    for column, other in (("PersonalID", "Client"), ("ProjectID", "Project")):
        key = spec.FILES[other].key
        unknown = enrollment.filter(~pl.col(column).is_in(tables[other][key].implode()))
        add_rows(report, unknown, BLOCKING, f"unknown_{other.lower()}",
                 f"the enrollment names a {other.lower()} that is not in {other}.csv", "Enrollment", column, column)
    if not report.ok:
        return None
    unknown_org = tables["Project"].filter(
        ~pl.col("OrganizationID").is_in(tables["Organization"]["OrganizationID"].implode()))
    add_rows(report, unknown_org, WARNING_GROUP, "unknown_organization",
             "the project names an organization that is not in Organization.csv", "Project", "OrganizationID",
             "OrganizationID")
    _households(enrollment, report)
    undated = enrollment.filter(pl.col("EntryDate").is_null())
    add_rows(report, undated, ERROR_GROUP, "enrollment_without_entry",
             "the enrollment has no readable EntryDate; set aside with its exit, services and living situations",
             "Enrollment", "EntryDate")
    out = dict(tables)
    dated = ~pl.col("EnrollmentID").is_in(undated["EnrollmentID"].implode())
    enrollment = enrollment.filter(dated)
    all_enrollments = tables["Enrollment"]
    out["Exit"] = _exits(tables["Exit"], all_enrollments, report).filter(dated)
    out["Enrollment"] = _move_ins(enrollment, out["Exit"], tables["Project"], report)
    for name in ("Services", "CurrentLivingSituation", "Disabilities", "Assessment", "Event"):
        out[name] = _known_enrollments(name, tables[name], all_enrollments, report).filter(dated)
    return out


def _unique_keys(name: str, frame: pl.DataFrame, key: str, report: ValidationReport) -> None:
    repeated = (frame.filter(pl.col(key).is_not_null() & pl.col(key).is_duplicated())
                .group_by(key, maintain_order=True).agg(pl.col("row")))
    for value, rows in repeated.head(FINDINGS_PER_RULE).iter_rows():
        add(report, BLOCKING, "duplicate_key",
            f"{key} {value} is on {len(rows)} rows ({', '.join(map(str, rows))}); each must be unique",
            name, rows[1], key, value)
    blank = frame.filter(pl.col(key).is_null())
    add_rows(report, blank, BLOCKING, "blank_key", f"every row of {name}.csv needs a {key}", name, key)


def _households(enrollment: pl.DataFrame, report: ValidationReport) -> None:
    heads = (enrollment.filter(pl.col("HouseholdID").is_not_null())
             .group_by("HouseholdID", maintain_order=True)
             .agg(pl.col("row").first(), (pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD).sum().alias("heads")))
    add_rows(report, heads.filter(pl.col("heads") == 0), ERROR_GROUP, "household_without_head",
             "no member of the household is its head (RelationshipToHoH 1); its type is still read from "
             "its members' ages", "Enrollment", "HouseholdID", "HouseholdID")
    add_rows(report, heads.filter(pl.col("heads") > 1), ERROR_GROUP, "household_with_several_heads",
             lambda r: f"the household has {r['heads']} heads (RelationshipToHoH 1); it should have one",
             "Enrollment", "HouseholdID", "HouseholdID")


def _exits(exits: pl.DataFrame, enrollment: pl.DataFrame, report: ValidationReport) -> pl.DataFrame:
    joined = exits.join(enrollment.select("EnrollmentID", pl.col("PersonalID").alias("_person"),
                                          pl.col("EntryDate").alias("_entry")),
                        on="EnrollmentID", how="left")
    orphan = joined.filter(pl.col("_person").is_null())
    add_rows(report, orphan, WARNING_GROUP, "unknown_enrollment",
             "the exit names an enrollment that is not in Enrollment.csv; set aside", "Exit", "EnrollmentID",
             "EnrollmentID")
    same_person = pl.col("PersonalID").is_null() | (pl.col("_person") == pl.col("PersonalID"))
    other_person = joined.filter(pl.col("_person").is_not_null() & ~same_person)
    add_rows(report, other_person, ERROR_GROUP, "exit_person_mismatch",
             lambda r: f"the exit's person is not the enrollment's ({r['_person']}); set aside", "Exit",
             "PersonalID", "PersonalID")
    before = joined.filter(same_person & (pl.col("ExitDate") < pl.col("_entry")))
    add_rows(report, before, ERROR_GROUP, "exit_before_entry",
             lambda r: f"the exit is before the enrollment's entry ({r['_entry']:%Y-%m-%d}); set aside, so the "
                       "enrollment reads as still open", "Exit", "ExitDate", "ExitDate")
    no_date = joined.filter(pl.col("ExitDate").is_null() & pl.col("_person").is_not_null())
    add_rows(report, no_date, ERROR_GROUP, "exit_without_date", "the exit has no readable ExitDate; set aside",
             "Exit", "ExitDate")
    kept = joined.filter(
        pl.col("_person").is_not_null() & same_person & pl.col("ExitDate").is_not_null()
        & (pl.col("ExitDate") >= pl.col("_entry")).fill_null(True)
    )
    second = kept.filter(pl.col("EnrollmentID").is_duplicated() & (pl.int_range(pl.len()).over("EnrollmentID") > 0))
    add_rows(report, second, ERROR_GROUP, "several_exits",
             "the enrollment already has an exit on an earlier row; this one is set aside", "Exit", "EnrollmentID",
             "EnrollmentID")
    return (kept.unique("EnrollmentID", keep="first", maintain_order=True)
            .with_columns(pl.col("_person").alias("PersonalID")).drop("_person", "_entry"))


def _move_ins(enrollment: pl.DataFrame, exits: pl.DataFrame, project: pl.DataFrame,
              report: ValidationReport) -> pl.DataFrame:
    """Move-in dates outside their permanent housing enrollment are blanked; those recorded by other
    projects are reported once and never read: a move-in means keys to a permanent home."""
    joined = enrollment.join(exits.select("EnrollmentID", pl.col("ExitDate").alias("_exit")), on="EnrollmentID",
                             how="left").join(project.select("ProjectID", pl.col("ProjectType").alias("_type")),
                                              on="ProjectID", how="left")
    move_in = pl.col("MoveInDate")
    housing = pl.col("_type").is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS))
    outside = joined.filter(housing & ((move_in < pl.col("EntryDate")) | (move_in > pl.col("_exit"))))
    add_rows(report, outside, ERROR_GROUP, "move_in_outside_enrollment",
             "the move-in date is before the entry or after the exit; read as blank", "Enrollment", "MoveInDate",
             "MoveInDate")
    not_ph = joined.filter(move_in.is_not_null() & ~housing)
    if not_ph.height:
        add(report, WARNING_GROUP, "move_in_outside_permanent_housing",
            f"{not_ph.height:,} enrollments in projects that are not permanent housing have a MoveInDate (the first "
            f"is row {not_ph['row'][0]}); only permanent housing move-ins count as housed", "Enrollment",
            column="MoveInDate")
    bad = (move_in < pl.col("EntryDate")) | (move_in > pl.col("_exit")).fill_null(False)
    return joined.with_columns(pl.when(~bad).then(move_in).alias("MoveInDate")).drop("_exit", "_type")


def _known_enrollments(name: str, frame: pl.DataFrame, enrollment: pl.DataFrame,
                       report: ValidationReport) -> pl.DataFrame:
    known = pl.col("EnrollmentID").is_in(enrollment["EnrollmentID"].implode())
    add_rows(report, frame.filter(~known), WARNING_GROUP, "unknown_enrollment",
             "the row names an enrollment that is not in Enrollment.csv; set aside", name, "EnrollmentID",
             "EnrollmentID")
    return frame.filter(known)
