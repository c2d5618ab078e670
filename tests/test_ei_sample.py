"""The Early Intervention sample: it reads cleanly, it is the generator's output, and it carries the
two equity gaps the equity pages must reveal."""

import datetime as dt

import polars as pl
import pytest

from pipelines.early_intervention import sample as ei_sample
from pipelines.early_intervention.referrals import read_referrals
from pipelines.reference_population import ALL, HUD_RACE_GROUPS, MULTIRACIAL, RACE_GROUPS, read_reference
from tests.conftest import ROOT, TODAY

REFERRALS = ROOT / "sample_cases" / "ei_referrals.csv"
REFERENCE = ROOT / "sample_cases" / "reference_population.csv"


@pytest.fixture(scope="module")
def referrals():
    frame, report = read_referrals(REFERRALS.read_bytes(), REFERRALS.name, today=TODAY)
    assert report.ok, report.lines(10)
    # The only findings are children referred too close to their 3rd birthday to be evaluated.
    assert {f.rule for f in report.findings} == {"referred_within_45_days_of_third_birthday"}
    return frame


@pytest.fixture(scope="module")
def reference():
    frame, report = read_reference(REFERENCE.read_bytes(), REFERENCE.name)
    assert report.findings == []
    return frame


def test_the_checked_in_samples_are_what_the_generator_writes(tmp_path):
    written = ei_sample.write_sample_cases(tmp_path)
    assert [p.read_bytes() for p in written] == [REFERRALS.read_bytes(), REFERENCE.read_bytes()]


def test_reading_the_extract_gives_back_the_drawn_referrals(referrals):
    drawn = ei_sample.draw_referrals()
    assert referrals.height == drawn.height == 1200
    assert referrals.drop("row", "ordinal", "extra").equals(drawn)
    assert referrals["referred"].min() == dt.date(2025, 1, 1) and referrals["referred"].max() == dt.date(2025, 12, 31)


def test_some_children_are_referred_twice(referrals):
    twice = referrals.filter(pl.col("client_id").is_duplicated())
    assert 20 <= twice["client_id"].n_unique() <= 50
    assert twice.filter(pl.col("ordinal") == 2).height == twice["client_id"].n_unique()


def test_the_reference_population_adds_up(reference):
    totals = reference.filter(pl.col("group") == ALL).drop("geography", "group").row(0)
    races = reference.filter(pl.col("group").is_in(RACE_GROUPS))
    places = reference.filter(~pl.col("group").is_in([*RACE_GROUPS, ALL]))
    assert races.height == 8 and places.height == len(ei_sample.NEIGHBORHOODS)
    assert places.drop("geography", "group").sum().row(0) == totals
    # Race groups overlap (Hispanic and a race; two races and Multiracial), so they add up past All.
    single_or_hispanic = races.filter(pl.col("group") != MULTIRACIAL).drop("geography", "group").sum().row(0)
    assert all(t < s < 1.2 * t for s, t in zip(single_or_hispanic, totals))
    assert reference["geography"].unique().to_list() == [ei_sample.COMMUNITY]
    # children under 1 (indicator 5): about a third of the children under 3 in every row
    assert totals[-1] == 4050 and reference.columns[-2:] == ["children_under_3", "children_under_1"]
    share = pl.col("children_under_1") / pl.col("children_under_3")
    assert reference.select(share.is_between(0.3, 0.36).all()).item()


def test_one_neighbourhood_is_referred_30_percent_less(referrals, reference):
    under_3 = reference.select(pl.col("group").alias("neighborhood"), "children_under_3")
    rates = (
        referrals.group_by("neighborhood").len()
        .join(under_3, on="neighborhood", how="left")
        .group_by(pl.col("neighborhood") == ei_sample.UNDER_REFERRED)
        .agg(rate=pl.col("len").sum() / pl.col("children_under_3").sum() * 1000)
    )
    rate = dict(rates.rows())
    assert referrals["neighborhood"].null_count() == 0
    assert rate[True] / rate[False] == pytest.approx(0.70, abs=0.02)
    assert rate[False] == pytest.approx(1200 / 12000 * 1000, rel=0.1)  # about 1 child in 10 a year


def _race_groups(referrals: pl.DataFrame) -> pl.DataFrame:
    """(row, group) for every group a referral's child is in: each race named, Hispanic, and
    Multiracial for two or more races besides Hispanic."""
    named = referrals.select("row", race=pl.col("race").str.split(";")).explode("race").with_columns(
        pl.col("race").str.strip_chars()).drop_nulls()
    several = named.group_by("row").len().filter(pl.col("len") > 1).select("row", race=pl.lit(MULTIRACIAL))
    hispanic = referrals.filter(pl.col("hispanic")).select("row", race=pl.lit(HUD_RACE_GROUPS[3]))
    return pl.concat([named, several, hispanic]).rename({"race": "group"})


def test_referrals_are_at_parity_by_race(referrals, reference):
    groups = _race_groups(referrals)
    assert set(groups["group"]) == set(RACE_GROUPS)
    under_3 = dict(reference.select("group", "children_under_3").rows())
    for group, count in groups.group_by("group").len().rows():
        if count >= 50:
            index = (count / referrals.height) / (under_3[group] / under_3[ALL])
            assert 0.8 < index < 1.25, group


def test_one_race_group_loses_more_children_before_evaluation(referrals):
    lost_more = _race_groups(referrals).filter(pl.col("group") == ei_sample.LOST_MORE)["row"]
    lost = referrals.with_columns(
        in_group=pl.col("row").is_in(lost_more.implode()),
        lost=pl.col("evaluated").is_null() & pl.col("exit_reason").is_in([9, 10]),
    )
    share = dict(lost.group_by("in_group").agg(pl.col("lost").mean()).rows())
    assert share[False] == pytest.approx(0.09, abs=0.03)
    assert share[True] / share[False] > 2.2


def test_the_clocks_are_realistic(referrals):
    met = referrals.filter(pl.col("ifsp").is_not_null()).with_columns(
        days=(pl.col("ifsp") - pl.col("referred")).dt.total_days(),
        service_days=(pl.col("service_start") - pl.col("ifsp")).dt.total_days(),
    )
    assert 0.8 <= (met["days"] <= 45).mean() <= 0.92
    late = met.filter(pl.col("days") > 45)
    assert 0 < late["exceptional"].sum() < late.height  # some late with a family reason, some without
    assert met.filter(pl.col("days") <= 45)["exceptional"].sum() == 0
    assert 0.8 <= (met["service_days"].drop_nulls() <= 30).mean() <= 0.95
    decided = referrals.filter(pl.col("eligible").is_not_null())
    assert decided["eligible"].mean() == pytest.approx(0.70, abs=0.05)
    assert (decided["eligibility_decided"] >= decided["evaluated"]).all()
    transition = referrals.filter(pl.col("transition_conference").is_not_null())
    assert transition.height > 100
    reasons = referrals["exit_reason"].drop_nulls().unique().to_list()
    assert set(reasons) >= {1, 2, 3, 4, 5, 6, 8, 9, 10}
    assert 0.3 <= referrals["exited"].is_null().mean() <= 0.6  # still open at the end of the year


def test_the_transition_columns_are_realistic(referrals):
    with_ifsp = referrals.filter(pl.col("ifsp").is_not_null())
    # asked of children with an IFSP only: mostly yes, some no, a few with nothing recorded
    assert referrals.filter(pl.col("ifsp").is_null())["part_b_potential"].null_count() == \
        referrals.height - with_ifsp.height
    potential = with_ifsp["part_b_potential"]
    assert 0.85 <= potential.mean() <= 0.95 and 0 < potential.null_count() < 0.06 * with_ifsp.height
    assert with_ifsp.filter(pl.col("exit_reason") == 1)["part_b_potential"].drop_nulls().sum() == 0
    # the State is told with the school district or up to 10 days later, for potentially eligible children only
    told = referrals.filter(pl.col("sea_notified").is_not_null())
    gap = (told["sea_notified"] - told["lea_notified"]).dt.total_days()
    assert told["part_b_potential"].all() and gap.min() == 0 and gap.max() <= 10 and (gap == 0).mean() > 0.7
    could_be_told = referrals.filter(pl.col("part_b_potential") & pl.col("lea_notified").is_not_null())
    assert 0.85 <= told.height / could_be_told.height < 1
    # a declined conference has no date
    declined = referrals.filter(pl.col("conference_declined"))
    assert declined.height > 5 and declined["transition_conference"].null_count() == declined.height
    assert declined["part_b_potential"].all()


def test_another_size_and_seed(tmp_path):
    path = ei_sample.write_referral_extract(300, tmp_path / "ei.xlsx", seed=3, last_day=dt.date(2024, 6, 30))
    frame, report = read_referrals(path.read_bytes(), path.name, today=dt.date(2024, 7, 1))
    assert report.ok, report.lines(10)
    assert frame.height == 300 and frame["referred"].max() <= dt.date(2024, 6, 30)
