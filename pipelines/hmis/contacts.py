"""The evidence of homelessness in an HMIS export, as dated spans per person.

A span is one contact: a single day (an outreach entry, a bed night, a homeless current living
situation, a service in a homeless project) or a stretch (a stay in an entry/exit shelter, safe haven or
transitional housing, from entry to exit; time in permanent housing before move-in for someone who
came from homelessness, as HUD's performance measures count it). The statuses read `for_status`
spans; HUD's chronic definition reads `for_chronic` ones, which leave out transitional housing and add
the time before entry that the person reported (3.917 DateToStreetESSH).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.hmis import spec

SPAN_SCHEMA = {"PersonalID": pl.String, "EnrollmentID": pl.String, "start": pl.Date, "end": pl.Date,
               "source": pl.String, "for_status": pl.Boolean, "for_chronic": pl.Boolean}


def enrollments(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Enrollments with their project type, exit date and destination, and whether the person was
    literally homeless at entry by HUD's 3.917 logic."""
    frame = (
        tables["Enrollment"]
        .join(tables["Project"].select("ProjectID", "ProjectType"), on="ProjectID", how="left")
        .join(tables["Exit"].select("EnrollmentID", "ExitDate", "Destination"), on="EnrollmentID", how="left")
    )
    return frame.with_columns(homeless_at_entry=homeless_at_entry())


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
    until = pl.min_horizontal(pl.col("ExitDate").fill_null(as_of), pl.lit(as_of))
    in_homeless_project = kind.is_in(sorted(spec.HOMELESS_PROJECTS))
    residential = kind.is_in(sorted(spec.RESIDENTIAL_HOMELESS_PROJECTS))
    counts_for_chronic = kind.is_in(sorted(spec.CHRONIC_PROJECTS))
    entries = enrolled.filter(in_homeless_project).select(
        "PersonalID", "EnrollmentID", start=pl.col("EntryDate"),
        end=pl.when(residential).then(until).otherwise(pl.col("EntryDate")),
        source=pl.when(residential).then(pl.lit("stay")).otherwise(pl.lit("entry")),
        for_status=pl.lit(True), for_chronic=counts_for_chronic,
    )
    before_move_in = enrolled.filter(kind.is_in(sorted(spec.PERMANENT_HOUSING_PROJECTS))
                                     & pl.col("homeless_at_entry")).select(
        "PersonalID", "EnrollmentID", start=pl.col("EntryDate"),
        end=pl.min_horizontal(pl.col("MoveInDate"), until),
        source=pl.lit("before_move_in"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
    engagement = enrolled.filter((kind == spec.STREET_OUTREACH) & pl.col("DateOfEngagement").is_not_null()).select(
        "PersonalID", "EnrollmentID", start=pl.col("DateOfEngagement"), end=pl.col("DateOfEngagement"),
        source=pl.lit("engagement"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
    self_report = enrolled.filter(pl.col("homeless_at_entry")
                                  & (pl.col("DateToStreetESSH") < pl.col("EntryDate"))).select(
        "PersonalID", "EnrollmentID", start=pl.col("DateToStreetESSH"),
        end=pl.col("EntryDate") - pl.duration(days=1),
        source=pl.lit("reported_before_entry"), for_status=pl.lit(False), for_chronic=pl.lit(True),
    )
    points = [_services(enrolled, tables["Services"]), _living_situations(enrolled, tables["CurrentLivingSituation"])]
    frames = [entries, before_move_in, engagement, self_report, *points]
    out = pl.concat([f.select(list(SPAN_SCHEMA)).cast(SPAN_SCHEMA) for f in frames], how="vertical")
    return out.filter(pl.col("start") <= as_of).with_columns(pl.min_horizontal("end", pl.lit(as_of)).alias("end"))


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
    homeless = situations.filter(pl.col("InformationDate").is_not_null()
                                 & (situation_category("CurrentLivingSituation") == spec.HOMELESS))
    return _within(homeless, enrolled, "InformationDate").select(
        "PersonalID", "EnrollmentID", start=pl.col("InformationDate"), end=pl.col("InformationDate"),
        source=pl.lit("living_situation"), for_status=pl.lit(True), for_chronic=pl.lit(True),
    )
