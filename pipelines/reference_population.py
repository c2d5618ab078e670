"""The reference population the equity pages compare against: read and validate, touching no database.

One row per geography and group (a HUD race group, a neighbourhood, or "All") with its population,
population in poverty, children under 3 and children under 1. A representation index divides a group's
share of a stage by its share of one of these counts, and OSEP's indicators 5 and 6 divide the children
served by the children under 1 and under 3, so they must be whole, non-negative and consistent.

Race groups are multi-select, as in the equity pages: a race group counts everyone who names it,
alone or with another (Hispanic/Latina/e/o: everyone Hispanic, whatever their race), Multiracial
counts everyone naming two or more races besides Hispanic, and so race groups can add up past the
"All" row, which counts each person once.
"""

from __future__ import annotations

import re

import polars as pl

from pipelines.bfz_list import value_key
from pipelines.columns import add_findings, field_expr, read_extract, sort_findings
from pipelines.report import ERROR, WARNING, ValidationReport

ALL = "All"
# HUD's race and ethnicity categories (FY2024 HMIS data standards), with "Multiracial" derived.
HUD_RACE_GROUPS = (
    "American Indian, Alaska Native or Indigenous",
    "Asian or Asian American",
    "Black, African American or African",
    "Hispanic/Latina/e/o",
    "Middle Eastern or North African",
    "Native Hawaiian or Pacific Islander",
    "White",
)
MULTIRACIAL = "Multiracial"
RACE_GROUPS = (*HUD_RACE_GROUPS, MULTIRACIAL)
# Older census and HUD spellings of the same groups, written as the canonical label on reading.
GROUP_ALIASES = {
    "American Indian or Alaska Native": HUD_RACE_GROUPS[0],
    "American Indian, Alaska Native, or Indigenous": HUD_RACE_GROUPS[0],
    "Asian": HUD_RACE_GROUPS[1],
    "Black or African American": HUD_RACE_GROUPS[2],
    "Black, African American, or African": HUD_RACE_GROUPS[2],
    "Hispanic or Latino": HUD_RACE_GROUPS[3],
    "Hispanic/Latino": HUD_RACE_GROUPS[3],
    "Hispanic/Latina/o": HUD_RACE_GROUPS[3],
    "Native Hawaiian or Other Pacific Islander": HUD_RACE_GROUPS[5],
    "Multi-Racial": MULTIRACIAL,
    "Two or more races": MULTIRACIAL,
    "Total": ALL,
    "All people": ALL,
}

REQUIRED = {
    "geography": ("Geography", "Geo", "Area", "Place"),
    "group": ("Group", "Population Group", "Subgroup"),
    "population": ("Population", "Total Population"),
}
OPTIONAL = {
    "poverty_population": ("Poverty Population", "Population in Poverty", "Population Below Poverty",
                           "Below Poverty"),
    "children_under_3": ("Children Under 3", "Children Under Three", "Children 0 to 2", "Population Under 3",
                         "Under 3"),
    "children_under_1": ("Children Under 1", "Children Under One", "Infants Under 1", "Population Under 1",
                         "Under 1"),
}
COUNTS = ("population", "poverty_population", "children_under_3", "children_under_1")
REFERENCE_COLUMNS = ["geography", "group", *COUNTS]


def _group_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


_CANONICAL = {_group_key(g): g for g in (*RACE_GROUPS, ALL)} | {_group_key(a): g for a, g in GROUP_ALIASES.items()}


def read_reference(data: bytes, file_name: str):
    """Read a reference population CSV. Returns (frame or None, ValidationReport)."""
    report = ValidationReport(file_name)
    extract = read_extract(data, file_name, report, REQUIRED, OPTIONAL)
    if extract is None:
        return None, report
    headers, cells, positions, _, header_of = extract
    # Every cell is trimmed: reference tables are small, so there is nothing to save by checking first.
    padded = {f"c{i}" for cols in positions.values() for i in cols}
    text = cells.select(
        pl.int_range(2, cells.height + 2, dtype=pl.Int64).alias("row"),
        *[field_expr(positions, f, padded).alias(f) for f in REQUIRED | OPTIONAL],
    )
    frame = text.with_columns(
        *[_whole_number(pl.col(f)).alias(f"{f}_n") for f in COUNTS],
        pl.col("group").replace_strict(_canonical_groups(text), default=pl.col("group")).alias("group_label"),
    ).with_columns(
        value_key(pl.col("geography")).alias("geo_key"),
        value_key(pl.col("group_label")).alias("group_key"),
    )
    _check(frame, header_of, report)
    sort_findings(report, headers)
    if not report.ok:
        return None, report
    return frame.select(
        "geography",
        pl.col("group_label").alias("group"),
        *[pl.col(f"{f}_n").alias(f) for f in COUNTS],
    ), report


def _canonical_groups(text: pl.DataFrame) -> dict[str, str]:
    spellings = [s for s in text["group"].unique().to_list() if s is not None]
    return {s: _CANONICAL[_group_key(s)] for s in spellings if _group_key(s) in _CANONICAL}


def _whole_number(text: pl.Expr) -> pl.Expr:
    """'12,345' and '12345.0' are whole numbers; '12.5', '-3' and 'n/a' are not (null)."""
    digits = text.str.replace_all(r"[,\s]", "")
    return pl.when(digits.str.contains(r"^\d+(\.0*)?$")).then(
        digits.str.extract(r"^(\d+)").cast(pl.Int64, strict=False)
    )


def _check(frame: pl.DataFrame, header_of: dict, report: ValidationReport) -> None:
    add_findings(report, frame.filter(pl.col("geography").is_null()), ERROR, "blank_geography",
                 header_of["geography"], "every row needs a geography")
    add_findings(report, frame.filter(pl.col("group").is_null()), ERROR, "blank_group", header_of["group"],
                 "every row needs a group: a race group, a neighbourhood or All")
    add_findings(report, frame.filter(pl.col("population").is_null()), ERROR, "missing_population",
                 header_of["population"], "every row needs a population")
    for field in COUNTS:
        if field not in header_of:
            continue
        raw, number = pl.col(field), pl.col(f"{field}_n")
        bad = frame.filter(raw.is_not_null() & number.is_null())
        add_findings(report, bad, ERROR, "not_a_whole_number", header_of[field],
                     "not a whole number of people of 0 or more", field)
    for field, rule, what in (("poverty_population", "poverty_above_population", "people in poverty"),
                              ("children_under_3", "children_above_population", "children under 3"),
                              ("children_under_1", "infants_above_population", "children under 1")):
        if field in header_of:
            add_findings(report, frame.filter(pl.col(f"{field}_n") > pl.col("population_n")), ERROR, rule,
                         header_of[field], lambda r, what=what: f"{what} outnumber the whole population "
                                                                f"({r['population_n']})", field)
    if "children_under_1" in header_of and "children_under_3" in header_of:
        # only where the whole population did not already refuse the row, so one row gets one reason
        infants = pl.col("children_under_1_n")
        add_findings(report, frame.filter((infants > pl.col("children_under_3_n"))
                                          & (infants <= pl.col("population_n"))),
                     ERROR, "infants_above_children_under_3", header_of["children_under_1"],
                     lambda r: f"children under 1 outnumber the children under 3 ({r['children_under_3_n']}), "
                               "who include them", "children_under_1")
    keyed = frame.filter(pl.col("geo_key").is_not_null() & pl.col("group_key").is_not_null())
    repeated = keyed.with_columns(pl.col("row").first().over("geo_key", "group_key").alias("first_row")).filter(
        pl.col("row") != pl.col("first_row")
    )
    add_findings(report, repeated, ERROR, "duplicate_group", header_of["group"],
                 lambda r: f"{r['geography']} already has this group on row {r['first_row']}", "group")
    totals = keyed.group_by("geo_key", maintain_order=True).agg(
        pl.col("row").first(), pl.col("geography").first(), (pl.col("group_label") == ALL).any().alias("has_all")
    )
    add_findings(report, totals.filter(~pl.col("has_all")), WARNING, "no_all_row", header_of["group"],
                 lambda r: f"{r['geography']} has no row with the group 'All', so shares of it cannot be "
                            "worked out", "geography")
