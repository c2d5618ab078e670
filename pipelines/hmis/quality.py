"""An HMIS export's data quality as a Continuum of Care's HMIS lead reads it: project by project, how
many enrollments fail each of HUD's completeness and timeliness checks that bear on the list.

These do not stop an upload (the rows are read as the rules say); they tell the data lead which
projects to call. Counted per enrollment, with the number the check applies to beside it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec
from pipelines.hmis.contacts import homeless_at_entry

UNKNOWN_DESTINATIONS = (8, 9, 99, 30)  # doesn't know, prefers not to answer, not collected, no exit interview
REFERRAL_RESULT_DAYS = 30  # a referral to an opening still without a result after this is followed up


def _not_answered(column: str, answers) -> pl.Expr:
    return pl.col(column).is_null() | ~pl.col(column).is_in(sorted(answers))


def _checks(as_of: dt.date, inactivity_days: int) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(what the check says, which enrollments it applies to, which of those fail it)."""
    adult_or_head = (pl.col("age_at_entry") >= spec.ADULT_AGE) | (pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD)
    history_asked = homeless_at_entry()
    prior_incomplete = (
        _not_answered("LivingSituation", spec.PRIOR_LIVING_SITUATIONS - spec.ANSWER_CODES)
        | _not_answered("LengthOfStay", spec.LENGTH_OF_STAY - spec.ANSWER_CODES)
        | (history_asked & (pl.col("DateToStreetESSH").is_null()
                            | _not_answered("TimesHomelessPastThreeYears", spec.TIMES_HOMELESS - spec.ANSWER_CODES)
                            | _not_answered("MonthsHomelessPastThreeYears", spec.MONTHS_HOMELESS - spec.ANSWER_CODES)))
    )
    start, end, entry = pl.col("OperatingStartDate"), pl.col("OperatingEndDate"), pl.col("EntryDate")
    outreach = pl.col("ProjectType") == spec.STREET_OUTREACH
    outside = ((entry < start) | (entry > end) | (pl.col("ExitDate") > end)).fill_null(False)
    open_outreach = (outreach & (pl.col("EntryDate") <= as_of)
                     & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") > as_of)))
    quiet = ((pl.lit(as_of) - pl.col("last_contact")).dt.total_days() >= inactivity_days) & pl.col("records_contacts")
    every = pl.col("EnrollmentID").is_not_null()
    return [
        ("prior living situation (3.917) incomplete, so chronic status is unknown", adult_or_head,
         prior_incomplete),
        ("disabling condition (3.08) missing or not known", every, _not_answered("DisablingCondition", (0, 1))),
        ("date of birth missing, so household type is unknown", every, pl.col("DOB").is_null()),
        ("veteran status missing or not known", pl.col("age_at_entry") >= spec.ADULT_AGE,
         _not_answered("VeteranStatus", (0, 1))),
        ("household without a head", pl.col("HouseholdID").is_not_null(), ~pl.col("household_has_head")),
        ("entry or exit outside the project's operating dates", every, outside),
        ("exit destination not known", pl.col("ExitDate").is_not_null(),
         pl.col("Destination").is_null() | pl.col("Destination").is_in(UNKNOWN_DESTINATIONS)),
        (f"referral to a housing opening with no result after {REFERRAL_RESULT_DAYS} days",
         pl.col("housing_referrals") > 0, pl.col("unanswered_referrals") > 0),
        (f"open outreach enrollment with no contact in the last {inactivity_days} days", open_outreach, quiet),
        ("outreach project records no contacts: each day enrolled counts as one",
         outreach, ~pl.col("records_contacts")),
    ]


def by_project(tables: dict[str, pl.DataFrame], ages: pl.DataFrame, as_of: dt.date,
               inactivity_days: int) -> list[dict]:
    """One dict per project and failed check: project, kind, check, count, of. `ages`: EnrollmentID,
    age_at_entry."""
    enrollment = tables["Enrollment"]
    contacts = pl.concat([
        enrollment.select("EnrollmentID", day=pl.col("EntryDate")),
        enrollment.select("EnrollmentID", day=pl.col("DateOfEngagement")),
        tables["CurrentLivingSituation"].select("EnrollmentID", day=pl.col("InformationDate")),
    ]).filter(pl.col("day") <= as_of).group_by("EnrollmentID").agg(last_contact=pl.col("day").max())
    recording = (tables["CurrentLivingSituation"].join(enrollment.select("EnrollmentID", "ProjectID"),
                                                       on="EnrollmentID")
                 .select("ProjectID").unique().with_columns(records_contacts=pl.lit(True)))
    overdue = pl.lit(as_of) - pl.duration(days=REFERRAL_RESULT_DAYS)
    referrals = (tables["Event"].filter(pl.col("Event").is_in(sorted(spec.HOUSING_REFERRALS))
                                        & (pl.col("EventDate") <= as_of))
                 .group_by("EnrollmentID").agg(
                     housing_referrals=pl.len(),
                     unanswered_referrals=((pl.col("ResultDate").is_null() | (pl.col("ResultDate") > as_of))
                                           & (pl.col("EventDate") < overdue)).sum()))
    heads = enrollment.group_by("HouseholdID").agg(
        household_has_head=(pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD).any())
    frame = (
        enrollment
        .join(tables["Project"].select("ProjectID", "ProjectName", "ProjectType", "OperatingStartDate",
                                       "OperatingEndDate"), on="ProjectID", how="left")
        .join(tables["Exit"].select("EnrollmentID", "ExitDate", "Destination"), on="EnrollmentID", how="left")
        .join(tables["Client"].select("PersonalID", "DOB", "VeteranStatus"), on="PersonalID", how="left")
        .join(ages, on="EnrollmentID", how="left")
        .join(heads, on="HouseholdID", how="left")
        .join(contacts, on="EnrollmentID", how="left")
        .join(recording, on="ProjectID", how="left")
        .join(referrals, on="EnrollmentID", how="left")
        .with_columns(pl.col("records_contacts").fill_null(False),
                      pl.col("housing_referrals", "unanswered_referrals").fill_null(0))
    )
    checks = _checks(as_of, inactivity_days)
    counted = frame.group_by("ProjectID", "ProjectName", "ProjectType").agg(
        *[applies.sum().alias(f"of_{i}") for i, (_, applies, _) in enumerate(checks)],
        *[(applies & fails).fill_null(False).sum().alias(f"count_{i}") for i, (_, applies, fails) in enumerate(checks)],
    )
    # The projects to call first come first: by their worst share of enrollments failing a check.
    worst = pl.max_horizontal([(pl.col(f"count_{i}") / pl.col(f"of_{i}")).fill_nan(0) for i in range(len(checks))])
    counted = counted.filter(worst > 0).sort(worst, pl.col("ProjectName").fill_null(pl.col("ProjectID")), "ProjectID",
                                              descending=[True, False, False])
    out = []
    for row in counted.iter_rows(named=True):
        for i, (words, _, _) in enumerate(checks):
            if row[f"count_{i}"]:
                out.append({"project": row["ProjectName"] or f"Project {row['ProjectID']}",
                            "kind": spec.PROJECT_TYPE_NAMES.get(row["ProjectType"], "unknown kind"),
                            "check": words, "count": row[f"count_{i}"], "of": row[f"of_{i}"]})
    return out
