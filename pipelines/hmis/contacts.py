"""The evidence of homelessness in an HMIS export, as dated spans per person.

A span is one contact: a single day (an outreach entry or engagement, a bed night, a current living
situation, a service in a homeless project) or a stretch (a stay in an entry/exit shelter, safe haven or
transitional housing, from entry to exit; time in permanent housing before move-in for someone who
came from homelessness, as HUD's performance measures count it; an outreach enrollment in a project
that records no contacts, until the first day it does). A stretch still going at the export's end is
`ongoing`: it reaches past that day. The statuses read `for_status` spans; HUD's chronic definition
reads `for_chronic` ones, which leave out transitional housing and add the time before entry that the
person reported (3.917 DateToStreetESSH).

In street outreach every current living situation is a contact, wherever the person was found (HUD
records outreach contacts that way); elsewhere only a homeless one is evidence of homelessness.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec

SPAN_SCHEMA = {"PersonalID": pl.String, "EnrollmentID": pl.String, "start": pl.Date, "end": pl.Date,
               "ongoing": pl.Boolean, "source": pl.String, "for_status": pl.Boolean, "for_chronic": pl.Boolean}


def enrollments(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Enrollments with their project type, exit date and destination, whether the person was
    literally homeless at entry by HUD's 3.917 logic, and the move-in date that counts for them."""
    frame = (
        tables["Enrollment"]
        .join(tables["Project"].select("ProjectID", "ProjectType"), on="ProjectID", how="left")
        .join(tables["Exit"].select("EnrollmentID", "ExitDate", "Destination"), on="EnrollmentID", how="left")
    )
    return _household_move_in(frame).with_columns(homeless_at_entry=homeless_at_entry())


def _household_move_in(frame: pl.DataFrame) -> pl.DataFrame:
    """HUD collects the move-in date for the head of household only: every member moved in with the
    head, or on joining the household after that, while still enrolled (or on their own move-in date,
    where one is recorded and earlier)."""
    heads = (frame.filter((pl.col("RelationshipToHoH") == spec.HEAD_OF_HOUSEHOLD) & pl.col("MoveInDate").is_not_null()
                          & pl.col("ProjectType").is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS)))
             .group_by("HouseholdID").agg(pl.col("MoveInDate").min().alias("_head_move_in")))
    with_head = pl.max_horizontal("_head_move_in", "EntryDate")
    while_enrolled = pl.col("_head_move_in").is_not_null() & (
        pl.col("ExitDate").is_null() | (with_head <= pl.col("ExitDate")))
    return frame.join(heads, on="HouseholdID", how="left").with_columns(
        MoveInDate=pl.min_horizontal("MoveInDate", pl.when(while_enrolled).then(with_head))).drop("_head_move_in")


def situation_category(column: str) -> pl.Expr:
    code = pl.col(column)
    return pl.when((code >= 100) & (code < 500)).then(code // 100)


def homeless_at_entry() -> pl.Expr:
    """3.917: shelter, safe haven and outreach enrollments are homeless by definition; elsewhere the
    prior living situation says so, or a short institutional (< 90 days) or other (< 7 nights) stay
    that followed a night on the street or in shelter."""
    category = situation_category("LivingSituation")
    threshold = pl.when(category == spec.INSTITUTIONAL).then(
        pl.col("LengthOfStay").is_in(sorted(spec.UNDER_90_DAYS))
    ).otherwise(pl.col("LengthOfStay").is_in(sorted(spec.UNDER_7_NIGHTS)))
    under = pl.coalesce(pl.col("LOSUnderThreshold") == 1, threshold)
    return (
        pl.col("ProjectType").is_in(sorted(spec.CHRONIC_PROJECTS))
        | (category == spec.HOMELESS)
        | (under & (pl.col("PreviousStreetESSH") == 1))
    ).fill_null(False)


def spans(enrolled: pl.DataFrame, tables: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """Every span of homelessness evidence up to `as_of`, with which rules read it."""
    kind = pl.col("ProjectType")
    in_homeless_project = kind.is_in(sorted(spec.HOMELESS_PROJECTS))
    residential = kind.is_in(sorted(spec.RESIDENTIAL_HOMELESS_PROJECTS))
    counts_for_chronic = kind.is_in(sorted(spec.CHRONIC_PROJECTS))
    situations = tables["CurrentLivingSituation"]
    # An outreach project that records no contacts is read as entry/exit until the first day it does.
    first_contact = (situations.filter(pl.col("InformationDate").is_not_null())
                     .join(enrolled.select("EnrollmentID", "ProjectID"), on="EnrollmentID")
                     .group_by("ProjectID").agg(pl.col("InformationDate").min().alias("_first_contact")))
    enrolled = enrolled.join(first_contact, on="ProjectID", how="left")
    outreach = kind == spec.STREET_OUTREACH
    by_enrollment = outreach & (pl.col("_first_contact").is_null() | (pl.col("_first_contact") > pl.col("EntryDate")))
    stretch_end = pl.when(outreach).then(pl.min_horizontal("ExitDate", "_first_contact")).otherwise(pl.col("ExitDate"))
    stretch = residential | by_enrollment
    entries = enrolled.filter(in_homeless_project).select(
        "PersonalID", "EnrollmentID", start=pl.col("EntryDate"),
        end=pl.when(stretch).then(stretch_end).otherwise(pl.col("EntryDate")),
        source=pl.when(residential).then(pl.lit("stay")).when(stretch).then(pl.lit("enrolled"))
        .otherwise(pl.lit("entry")),
        for_status=pl.lit(True), for_chronic=counts_for_chronic,
    )
    before_move_in = enrolled.filter(kind.is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS))
                                     & pl.col("homeless_at_entry")).select(
        "PersonalID", "EnrollmentID", start=pl.col("EntryDate"),
        end=pl.min_horizontal(pl.col("MoveInDate"), pl.col("ExitDate")),
        source=pl.lit("before_move_in"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
    engagement = enrolled.filter(outreach & pl.col("DateOfEngagement").is_not_null()).select(
        "PersonalID", "EnrollmentID", start=pl.col("DateOfEngagement"), end=pl.col("DateOfEngagement"),
        source=pl.lit("engagement"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
    self_report = enrolled.filter(pl.col("homeless_at_entry")
                                  & (pl.col("DateToStreetESSH") < pl.col("EntryDate"))).select(
        "PersonalID", "EnrollmentID", start=pl.col("DateToStreetESSH"),
        end=pl.col("EntryDate") - pl.duration(days=1),
        source=pl.lit("reported_before_entry"), for_status=pl.lit(False), for_chronic=pl.lit(True),
    )
    points = [_services(enrolled, tables["Services"]), _living_situations(enrolled, situations)]
    frames = [entries, before_move_in, engagement, self_report, *points]
    read = {c: t for c, t in SPAN_SCHEMA.items() if c != "ongoing"}
    out = pl.concat([f.select(list(read)).cast(read) for f in frames])
    # A stretch with no end, or one after `as_of`, is still going on that day.
    return out.filter(pl.col("start") <= as_of).with_columns(
        ongoing=pl.col("end").is_null() | (pl.col("end") > as_of),
        end=pl.min_horizontal(pl.col("end").fill_null(as_of), pl.lit(as_of)),
    ).select(list(SPAN_SCHEMA))


def _within(dated: pl.DataFrame, enrolled: pl.DataFrame, date: str) -> pl.DataFrame:
    """Rows dated inside their enrollment, with its project type; others say nothing about this stay."""
    stay = enrolled.select("EnrollmentID", "EntryDate", "ExitDate", "ProjectType")
    joined = dated.drop("PersonalID").join(stay, on="EnrollmentID", how="inner").join(
        enrolled.select("EnrollmentID", "PersonalID"), on="EnrollmentID")
    return joined.filter((pl.col(date) >= pl.col("EntryDate")) & (pl.col(date) <= pl.col("ExitDate")).fill_null(True))


def _services(enrolled: pl.DataFrame, services: pl.DataFrame) -> pl.DataFrame:
    kind = pl.col("ProjectType")
    bed_night = pl.col("RecordType") == spec.BED_NIGHT
    rows = _within(services.filter(pl.col("DateProvided").is_not_null()), enrolled, "DateProvided").filter(
        bed_night | kind.is_in(sorted(spec.HOMELESS_PROJECTS)))
    return rows.select(
        "PersonalID", "EnrollmentID", start=pl.col("DateProvided"), end=pl.col("DateProvided"),
        source=pl.when(bed_night).then(pl.lit("bed_night")).otherwise(pl.lit("service")),
        for_status=pl.lit(True), for_chronic=bed_night | kind.is_in(sorted(spec.CHRONIC_PROJECTS)),
    )


def _living_situations(enrolled: pl.DataFrame, situations: pl.DataFrame) -> pl.DataFrame:
    dated = situations.filter(pl.col("InformationDate").is_not_null())
    homeless = situation_category("CurrentLivingSituation") == spec.HOMELESS
    return _within(dated, enrolled, "InformationDate").filter(
        homeless | (pl.col("ProjectType") == spec.STREET_OUTREACH)).select(
        "PersonalID", "EnrollmentID", start=pl.col("InformationDate"), end=pl.col("InformationDate"),
        source=pl.lit("living_situation"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
