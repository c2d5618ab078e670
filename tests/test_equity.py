"""Golden tests of the equity measures: groups, bands, representation, ratios and the sentences."""

import datetime as dt
import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines import intervals
from pipelines.equity import (
    AMERICAN_INDIAN,
    ASIAN,
    BLACK,
    HISPANIC,
    MIDDLE_EASTERN,
    MULTIRACIAL,
    PACIFIC_ISLANDER,
    UNKNOWN,
    WHITE,
    Measures,
    age_band,
    infant_age_band,
    is_hispanic,
    largest_gaps,
    mean_ratio,
    race_categories,
    race_groups,
    rate_ratios,
    representation,
    tally,
)


def long(pairs, person="person_id", dtype=pl.String):
    return pl.DataFrame(pairs, schema={person: dtype, "group": pl.String}, orient="row")


# --- groups ---------------------------------------------------------------------------------------------

def test_race_groups_from_a_by_name_list():
    bnl = pl.DataFrame({
        "person_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9"],
        "race": ["White (HUD)", "Black or African American (HUD)", "American Indian or Alaska Native (HUD)",
                 "Asian (HUD)", "Native Hawaiian or Other Pacific Islander (HUD)", "Multiple races (HUD)",
                 "Client doesn't know (HUD)", "Data not collected (HUD)", None],
        "ethnicity": ["Non-Hispanic/Non-Latino (HUD)", "Hispanic/Latino (HUD)", "Data not collected (HUD)",
                      "Non-Hispanic/Non-Latino (HUD)", "Non-Hispanic/Non-Latino (HUD)", "Non-Hispanic/Non-Latino (HUD)",
                      "Hispanic/Latino (HUD)", "Data not collected (HUD)", None],
    })
    expected = long([
        ("A1", WHITE),
        # Black and Hispanic: one race, so not Multiracial (HUD's and the census's multiracial leave Hispanic out)
        ("A2", BLACK), ("A2", HISPANIC),
        ("A3", AMERICAN_INDIAN), ("A4", ASIAN), ("A5", PACIFIC_ISLANDER),
        # "Multiple races" without saying which: Multiracial only, no single race guessed
        ("A6", MULTIRACIAL),
        # race not known but ethnicity is: Hispanic, and not Unknown
        ("A7", HISPANIC),
        ("A8", UNKNOWN), ("A9", UNKNOWN),
    ])
    assert_frame_equal(race_groups(bnl, race="race", hispanic="ethnicity"), expected)
    # counting Hispanic as one of two or more makes A2 (and A2 only) Multiracial too
    broad = race_groups(bnl, race="race", hispanic="ethnicity", multiracial_counts_hispanic=True)
    assert broad.filter(pl.col("person_id") == "A2")["group"].to_list() == [BLACK, HISPANIC, MULTIRACIAL]
    assert broad.filter(pl.col("group") == MULTIRACIAL)["person_id"].to_list() == ["A2", "A6"]
    assert broad.filter(pl.col("person_id") != "A2").equals(expected.filter(pl.col("person_id") != "A2"))


def test_race_groups_from_early_intervention_multi_select():
    referrals = pl.DataFrame({
        "child_id": [1, 2, 3, 4, 5, 6, 7, 8, 8],
        "race_ethnicity": ["Black; White", "Asian", "african american", "Latino", "Native American; Pacific Islander",
                           "Middle Eastern", "Refused", "Other", "Unknown"],
        "hispanic": ["No", "Yes", "no", None, "N", "No", "Unknown", "No", "No"],
    })
    expected = long([
        (1, BLACK), (1, WHITE), (1, MULTIRACIAL),
        (2, ASIAN), (2, HISPANIC),
        (3, BLACK), (4, HISPANIC),
        (5, AMERICAN_INDIAN), (5, PACIFIC_ISLANDER), (5, MULTIRACIAL),
        (6, MIDDLE_EASTERN),
        (7, UNKNOWN),
        # "Other" is no HUD category: unknown, like refused (two rows for child 8 pooled into one)
        (8, UNKNOWN),
    ], person="child_id", dtype=pl.Int64)
    got = race_groups(referrals, person="child_id", race="race_ethnicity", hispanic="hispanic")
    assert_frame_equal(got, expected)


def test_a_true_false_hispanic_column_is_read_as_is():
    referrals = pl.DataFrame({"person_id": [1, 2, 3], "race": ["White", "White", None],
                              "hispanic": [True, False, None]})
    assert_frame_equal(race_groups(referrals, hispanic="hispanic"),
                       long([(1, HISPANIC), (1, WHITE), (2, WHITE), (3, UNKNOWN)], dtype=pl.Int64))


@pytest.mark.parametrize(("text", "groups"), [
    ("Caucasian", {WHITE}),  # whole words: "caucasian" holds "asian" but is not Asian
    ("North African", {MIDDLE_EASTERN}),  # not Black
    ("Black, African American or African", {BLACK}),
    ("American Indian, Alaska Native or Indigenous", {AMERICAN_INDIAN}),
    ("Native Hawaiian or Other Pacific Islander (HUD)", {PACIFIC_ISLANDER}),
    ("Non-Hispanic White", {WHITE}),
    ("Hispanic/Latina/e/o", {HISPANIC}),
    ("Asian Indian", {ASIAN}),
    ("WHITE/BLACK", {WHITE, BLACK}),
    ("Multi-Racial (HUD)", {MULTIRACIAL}),
    ("Indian", set()),  # ambiguous: not guessed
    ("Client doesn't know (HUD)", set()),
    ("Data not collected (HUD)", set()),
    ("", set()),
    (None, set()),
])
def test_race_categories(text, groups):
    assert race_categories(text) == groups


@pytest.mark.parametrize(("value", "expected"), [
    ("Hispanic/Latino (HUD)", True), ("Non-Hispanic/Non-Latino (HUD)", False), ("Yes", True), ("N", False),
    ("Data not collected (HUD)", None), ("Client refused (HUD)", None), (None, None), (True, True),
])
def test_is_hispanic(value, expected):
    assert is_hispanic(value) is expected


# --- age bands ------------------------------------------------------------------------------------------

def test_adult_age_bands():
    ages = pl.DataFrame({"age": [None, -1, 0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 90]})
    assert ages.select(age_band("age"))["age_band"].to_list() == [
        UNKNOWN, UNKNOWN, "under 18", "under 18", "18-24", "18-24", "25-34", "25-34", "35-44", "35-44",
        "45-54", "45-54", "55-64", "55-64", "65+", "65+"]


def test_infant_age_bands_turn_on_the_birthday():
    b = dt.date(2023, 3, 15)
    leap = dt.date(2024, 2, 29)
    days = pl.DataFrame({
        "birth": [b, b, b, b, b, b, b, None, leap, leap],
        "referred": [dt.date(2023, 3, 15), dt.date(2024, 3, 14), dt.date(2024, 3, 15), dt.date(2025, 3, 15),
                     dt.date(2026, 3, 14), dt.date(2026, 3, 15), dt.date(2023, 1, 1), dt.date(2024, 1, 1),
                     dt.date(2025, 2, 28), dt.date(2025, 3, 1)],
    })
    assert days.select(infant_age_band("birth", "referred"))["age_band"].to_list() == [
        "under 1", "under 1", "1 to under 2", "2 to under 3", "2 to under 3", "3 and over",
        UNKNOWN,  # referred before birth: a data error, not an age
        UNKNOWN, "under 1", "1 to under 2"]
    fixed = days.head(3).select(band=infant_age_band("birth", dt.date(2024, 6, 1)))
    assert fixed["band"].to_list() == ["1 to under 2"] * 3


# --- representation -------------------------------------------------------------------------------------

def homeless_stage():
    """40 people: 20 Black, 10 White, 5 Black and White, 3 Asian, 2 unknown. Known: 38 people."""
    pairs = [(p, BLACK) for p in range(1, 21)] + [(p, WHITE) for p in range(21, 31)]
    pairs += [(p, g) for p in range(31, 36) for g in (BLACK, WHITE, MULTIRACIAL)]
    pairs += [(p, ASIAN) for p in range(36, 39)] + [(p, UNKNOWN) for p in (39, 40)]
    return long(pairs, dtype=pl.Int64)


CITY = pl.DataFrame({"group": [BLACK, WHITE, ASIAN, MULTIRACIAL, HISPANIC], "population": [200, 600, 100, 50, 150]})


def test_representation_golden():
    got = representation(homeless_stage(), CITY, reference_total=1000)
    # Black 20 + 5 = 25 of the 38 known: 0.6578947; city 200/1000 = 0.2; index 3.2894737; +45.789 points
    # White 10 + 5 = 15 of 38: 0.3947368; 0.6; index 0.6578947; -20.526 points
    # Asian 3/38 = 0.0789474 vs 0.1 (index 0.7894737); Multiracial 5/38 = 0.1315789 vs 0.05 (2.6315789)
    # Hispanic: in the city, nobody here: 0 of 38, index 0. Unknown: 2 of all 40, no reference.
    # Shares add up to 48/38: multi-select.
    expected = [
        (ASIAN, 3, 38, 3 / 38, 0.1, 3 / 38 / 0.1, (3 / 38 - 0.1) * 100, True),
        (BLACK, 25, 38, 25 / 38, 0.2, 25 / 38 / 0.2, (25 / 38 - 0.2) * 100, False),
        (HISPANIC, 0, 38, 0.0, 0.15, 0.0, -15.0, True),
        (WHITE, 15, 38, 15 / 38, 0.6, 15 / 38 / 0.6, (15 / 38 - 0.6) * 100, False),
        (MULTIRACIAL, 5, 38, 5 / 38, 0.05, 5 / 38 / 0.05, (5 / 38 - 0.05) * 100, True),
        (UNKNOWN, 2, 40, 0.05, None, None, None, True),
    ]
    assert got.select("group", "count", "base", "share", "reference_share", "index", "difference_pp",
                      "unreliable").rows() == expected
    assert got["index"][1] == pytest.approx(3.2894737) and got["difference_pp"][3] == pytest.approx(-20.5263158)
    for row in got.iter_rows(named=True):
        low, high = intervals.wilson(row["count"], row["base"])
        assert (row["share_low"], row["share_high"]) == (low, high)
        if row["reference_share"]:
            assert (row["index_low"], row["index_high"]) == (low / row["reference_share"],
                                                             high / row["reference_share"])
    assert got["measure"].unique().to_list() == ["representation"]


def test_representation_reference_total_defaults_to_the_sum():
    got = representation(homeless_stage(), CITY)
    # 200 / (200 + 600 + 100 + 50 + 150) = 200 / 1100
    assert got.filter(pl.col("group") == BLACK)["reference_share"].item() == 200 / 1100


def test_representation_reference_total_from_the_all_row():
    with_all = pl.concat([pl.DataFrame({"group": ["All"], "population": [1000]}), CITY])
    got = representation(homeless_stage(), with_all)
    # "All" counts each person once: 200 / 1000, and "All" is no group of its own
    assert got.filter(pl.col("group") == BLACK)["reference_share"].item() == 0.2
    assert "All" not in got["group"].to_list()
    assert representation(homeless_stage(), with_all, reference_total=2000)["reference_share"][1] == 0.1


def test_representation_small_base_is_unreliable():
    stage = long([(p, BLACK) for p in range(12)] + [(p, WHITE) for p in range(12, 29)], dtype=pl.Int64)
    got = representation(stage, CITY)
    # 12 Black people is 10 or more, but the stage has 29 known people: under 30
    assert got["unreliable"].to_list() == [True] * 5


def test_representation_wants_one_row_per_group():
    with pytest.raises(ValueError, match="more than one row"):
        representation(homeless_stage(), pl.concat([CITY, CITY]))


# --- rate ratios ----------------------------------------------------------------------------------------

def active_people():
    """200 actively homeless: 80 Black (16 housed), 80 White (32), 20 Black and White (6), 10 Asian (2),
    10 unknown (5)."""
    groups = long(
        [(p, BLACK) for p in range(1, 81)] + [(p, WHITE) for p in range(81, 161)]
        + [(p, g) for p in range(161, 181) for g in (BLACK, WHITE, MULTIRACIAL)]
        + [(p, ASIAN) for p in range(181, 191)] + [(p, UNKNOWN) for p in range(191, 201)], dtype=pl.Int64)
    housed = set(range(1, 17)) | set(range(81, 113)) | set(range(161, 167)) | {181, 182} | set(range(191, 196))
    outcomes = pl.DataFrame({"person_id": range(1, 201), "value": [p in housed for p in range(1, 201)]})
    return groups, outcomes


def test_tally_counts_each_person_once_per_group_and_leaves_unknown_out():
    groups, outcomes = active_people()
    # Black 16 + 6 = 22 of 80 + 20 = 100; White 32 + 6 = 38 of 100; totals over the 190 known people:
    # 16 + 32 + 6 + 2 = 56 housed (the 5 unknown housed are not in it)
    expected = pl.DataFrame({
        "group": [ASIAN, BLACK, WHITE, MULTIRACIAL], "events": [2, 22, 38, 6], "base": [10, 100, 100, 20],
        "total_events": [56] * 4, "total_base": [190] * 4,
    })
    assert_frame_equal(tally(groups, outcomes), expected)


def test_tally_counts_units_not_people():
    groups = long([(1, BLACK), (2, BLACK), (2, WHITE), (2, MULTIRACIAL), (3, UNKNOWN)], dtype=pl.Int64)
    # person 1 was housed twice (10 and 20 days), person 2 once (30), person 3 (unknown) once (40)
    placements = pl.DataFrame({"person_id": [1, 1, 2, 3], "days": [10, 20, 30, 40]})
    expected = pl.DataFrame({
        "group": [BLACK, WHITE, MULTIRACIAL], "events": [60, 30, 30], "base": [3, 1, 1],
        "total_events": [60] * 3, "total_base": [3] * 3,
    })
    assert_frame_equal(tally(groups, placements, value="days"), expected)


def test_rate_ratios_proportion_golden():
    got = rate_ratios(tally(*active_people()))
    # everyone else = the known total less the group:
    # Asian 2/10 = 0.2 vs (56 - 2)/(190 - 10) = 54/180 = 0.3 -> 0.6667, only 2 events: unreliable
    # Black 22/100 = 0.22 vs 34/90 = 0.3777778 -> 0.5823529
    # White 38/100 = 0.38 vs 18/90 = 0.2 -> 1.9
    # Multiracial 6/20 = 0.3 vs 50/170 = 0.2941176 -> 1.02; 6 events and 20 people: unreliable
    assert got.select("group", "events", "base", "other_events", "other_base", "unreliable").rows() == [
        (ASIAN, 2, 10, 54, 180, True), (BLACK, 22, 100, 34, 90, False), (WHITE, 38, 100, 18, 90, False),
        (MULTIRACIAL, 6, 20, 50, 170, True)]
    assert got["rate"].to_list() == [0.2, 0.22, 0.38, 0.3]
    assert got["other_rate"].to_list() == [0.3, 34 / 90, 0.2, 50 / 170]
    assert got["ratio"].to_list() == pytest.approx([2 / 3, 0.5823529, 1.9, 1.02])
    for row in got.iter_rows(named=True):
        assert (row["ratio"], row["ratio_low"], row["ratio_high"]) == intervals.proportion_ratio(
            row["events"], row["base"], row["other_events"], row["other_base"])
    assert got["measure"].unique().to_list() == ["proportion"]


def test_rate_ratios_for_rates_per_child():
    counts = pl.DataFrame({"group": [BLACK, ASIAN], "events": [40, 5], "base": [2000, 500],
                           "total_events": [100, 100], "total_base": [10000, 10000]})
    got = rate_ratios(counts, kind="rate")
    # Black: 40 referrals per 2000 children = 0.02 vs 60 / 8000 = 0.0075 -> 2.6666667, exact Poisson
    # Asian: 5/500 = 0.01 vs 95/9500 = 0.01 -> 1.0, only 5 referrals: unreliable
    assert got.select("group", "rate", "other_rate", "unreliable").rows() == [
        (BLACK, 0.02, 0.0075, False), (ASIAN, 0.01, 0.01, True)]
    assert got.row(0, named=True)["ratio"] == pytest.approx(8 / 3)
    assert got.select("ratio", "ratio_low", "ratio_high").row(0) == intervals.rate_ratio(40, 2000, 60, 8000)
    with pytest.raises(ValueError):
        rate_ratios(counts, kind="odds")


def test_rate_ratio_undefined_when_everyone_else_has_none():
    counts = pl.DataFrame({"group": [WHITE], "events": [12], "base": [40], "total_events": [12], "total_base": [70]})
    row = rate_ratios(counts).row(0, named=True)
    # nobody else housed: 0/30, a ratio with 0 below the line is undefined; and 0 events: unreliable
    assert (row["other_rate"], row["ratio"], row["ratio_low"], row["ratio_high"], row["unreliable"]) == (
        0.0, None, None, None, True)


def test_mean_ratio_days_to_housing():
    groups = long([("p1", BLACK), ("p2", BLACK), ("p3", BLACK), ("p4", WHITE), ("p5", WHITE), ("p6", UNKNOWN)])
    days = pl.DataFrame({"person_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
                         "value": [100.0, 120.0, 140.0, 60.0, 80.0, 500.0]})
    got = mean_ratio(groups, days)
    # Black: mean 120 (variance 400, 3 placements) against White's 70 (variance 200, 2); Unknown's
    # 500 days are nobody's "everyone else". log ratio ln(120/70) +- 1.96 sqrt(400/(3*120^2) + 200/(2*70^2))
    spread = 1.959963984540054 * math.sqrt(400 / (3 * 120**2) + 200 / (2 * 70**2))
    assert got.select("group", "events", "base", "rate", "other_rate", "unreliable").rows() == [
        (BLACK, 360.0, 3.0, 120.0, 70.0, True), (WHITE, 140.0, 2.0, 70.0, 120.0, True)]
    ratio, low, high = got.select("ratio", "ratio_low", "ratio_high").row(0)
    assert (ratio, low, high) == pytest.approx((12 / 7, 12 / 7 * math.exp(-spread), 12 / 7 * math.exp(spread)))
    assert (round(low, 4), round(high, 4)) == (1.2231, 2.4027)
    assert got["measure"].unique().to_list() == ["mean"]


def test_mean_ratio_interval_widens_with_the_spread_of_waits():
    groups = long([(f"p{i}", BLACK if i < 40 else WHITE) for i in range(80)])
    even = pl.DataFrame({"person_id": [f"p{i}" for i in range(80)], "value": [100.0] * 40 + [80.0] * 40})
    spread = even.with_columns(pl.when(pl.int_range(80) % 2 == 0).then(pl.col("value") * 1.9)
                               .otherwise(pl.col("value") * 0.1).alias("value"))
    narrow, wide = mean_ratio(groups, even).row(0, named=True), mean_ratio(groups, spread).row(0, named=True)
    assert narrow["ratio"] == pytest.approx(wide["ratio"]) == pytest.approx(1.25)
    assert narrow["ratio_low"] == narrow["ratio_high"] == pytest.approx(1.25)  # no spread, no doubt
    assert wide["ratio_low"] < 1 < wide["ratio_high"]


# --- sentences ------------------------------------------------------------------------------------------

def test_largest_gaps_sentences():
    shares = representation(homeless_stage(), CITY, reference_total=1000)
    housed = rate_ratios(tally(*active_people()))
    measures = [Measures(shares, "those actively homeless", "the city's population"), Measures(housed, "housed")]
    # by distance from parity, |ln|: Black share 3.29 (1.19), White housed 1.9 (0.64), Black housed
    # 0.58 (0.54), White share 0.66 (0.42). Asian and Multiracial are unreliable; Unknown never a gap.
    # Intervals: White housed 1.186 to 3.077, Black housed 0.371 to 0.911.
    assert largest_gaps(measures) == [
        "Black, African American or African people are 66% of those actively homeless but 20% of the city's "
        "population: 3.3 times their share.",
        "White people are housed at 1.9 times the rate of everyone else (95% interval 1.2 to 3.1).",
        "Black, African American or African people are housed at 0.6 times the rate of everyone else "
        "(95% interval 0.4 to 0.9).",
    ]
    assert largest_gaps(measures, n=4)[-1] == (
        "White people are 39% of those actively homeless but 60% of the city's population: 0.7 times their share.")


def test_largest_gaps_other_wordings():
    # 30 Black people waiting 110 or 130 days (mean 120), 40 White people 80 or 100 (mean 90)
    people = [f"p{i}" for i in range(70)]
    waits = mean_ratio(long([(p, BLACK if i < 30 else WHITE) for i, p in enumerate(people)]).filter(
        pl.col("group") == BLACK).vstack(long([(p, WHITE) for p in people[30:]])),
        pl.DataFrame({"person_id": people, "value": [110.0 + 20 * (i % 2) for i in range(30)]
                      + [80.0 + 20 * (i % 2) for i in range(40)]})).filter(pl.col("group") == BLACK)
    referred = rate_ratios(pl.DataFrame({"group": [BLACK], "events": [40], "base": [2000], "total_events": [100],
                                         "total_base": [10000]}), kind="rate")
    # waits: 1.333, log interval +- 1.96 sqrt(103.45/(30 x 120^2) + 102.56/(40 x 90^2)): 1.273 to 1.396;
    # referrals: 2.667 (1.741 to 4.045)
    measures = [Measures(waits, "wait for housing"), Measures(referred, "referred", who="{group} children")]
    assert largest_gaps(measures) == [
        "Black, African American or African children are referred at 2.7 times the rate of everyone else "
        "(95% interval 1.7 to 4.0).",
        "Black, African American or African people wait for housing 1.3 times as long as everyone else on average "
        "(95% interval 1.3 to 1.4).",
    ]


def test_no_sentence_for_unreliable_or_uncertain_results():
    # 30 of 100 vs 25 of 100: ratio 1.2 but the interval runs past 1, so no gap is claimed
    uncertain = rate_ratios(pl.DataFrame({"group": [WHITE], "events": [30], "base": [100], "total_events": [55],
                                          "total_base": [200]}))
    assert uncertain["ratio_low"].item() < 1 < uncertain["ratio_high"].item()
    stage = long([(p, BLACK) for p in range(9)] + [(p, WHITE) for p in range(9, 40)], dtype=pl.Int64)
    # 9 Black people: unreliable, however large the index. White: 31 of 40 = 77.5% vs 600/1100 = 54.5%: 1.42
    small = representation(stage, CITY)
    measures = [Measures(uncertain, "housed"), Measures(small, "those housed", "the city", who="{group}")]
    assert largest_gaps(measures) == [
        "White are 78% of those housed but 55% of the city: 1.4 times their share."]


def test_people_aged_wording_is_capitalised():
    ages = pl.DataFrame({"person_id": range(100), "age": [20] * 40 + [40] * 60})
    stage = ages.select("person_id", group=age_band("age"))
    reference = pl.DataFrame({"group": ["18-24", "35-44"], "population": [100, 900]})
    got = largest_gaps([Measures(representation(stage, reference), "those actively homeless", "adults in the city",
                                 who="people aged {group}")], n=1)
    # 40 of 100 = 40% vs 100/1000 = 10%: 4.0 times
    assert got == ["People aged 18-24 are 40% of those actively homeless but 10% of adults in the city: 4.0 times "
                   "their share."]
