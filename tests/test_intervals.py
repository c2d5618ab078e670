"""95% intervals against hand arithmetic and published values (to 4 decimals)."""

import math

import pytest

from pipelines.intervals import poisson_exact, proportion_ratio, rate_ratio, wilson


def near(actual, expected, places=4):
    assert actual is not None
    assert round(actual, places) == round(expected, places), (actual, expected)


def test_wilson_8_of_20():
    # z = 1.959964, z² = 3.841459, p = 0.4, n = 20
    # shrink = 1 + z²/n = 1.1920729; centre = (0.4 + z²/40) / 1.1920729 = 0.4961460 / 1.1920729 = 0.4161125
    # half = z / 1.1920729 × sqrt(0.4 × 0.6 / 20 + z²/1600) = 1.6441645 × sqrt(0.012 + 0.0024009)
    #      = 1.6441645 × 0.1200038 = 0.1973060  ->  0.4161125 ∓ 0.1973060 = 0.2188 to 0.6134
    low, high = wilson(8, 20)
    near(low, 0.2188)
    near(high, 0.6134)


def test_wilson_at_the_edges():
    # 0 of 10: low is exactly 0, high = (z²/n) / (1 + z²/n) = 0.3841459 / 1.3841459 = 0.2775
    low, high = wilson(0, 10)
    assert low == 0.0
    near(high, 0.2775)
    # 10 of 10 mirrors it: 1 - 0.2775 = 0.7225, and the top is exactly 1
    low, high = wilson(10, 10)
    near(low, 0.7225)
    assert high == 1.0


def test_wilson_other_confidence():
    # 90%: z = 1.644854, z² = 2.705543; shrink = 1.1352772; centre = (0.4 + 0.0676386) / 1.1352772 = 0.4119158
    # half = 1.6448536 / 1.1352772 × sqrt(0.012 + 0.0016910) = 1.4488564 × 0.1170084 = 0.1695284
    low, high = wilson(8, 20, confidence=0.90)
    near(low, 0.2424)
    near(high, 0.5814)


def test_wilson_undefined_and_invalid():
    assert wilson(0, 0) == (None, None)
    with pytest.raises(ValueError):
        wilson(21, 20)
    with pytest.raises(ValueError):
        wilson(-1, 20)
    with pytest.raises(ValueError):
        wilson(8, 20, confidence=1.5)


@pytest.mark.parametrize(("count", "low", "high"), [
    # 0: low is 0; high solves e^-μ = 0.025, μ = -ln 0.025 = 3.6889
    (0, 0.0, 3.6889),
    # 1: low solves 1 - e^-μ = 0.025, μ = -ln 0.975 = 0.0253; high solves e^-μ (1 + μ) = 0.025, μ = 5.5716
    (1, 0.0253, 5.5716),
    # 10: the textbook table of exact Poisson limits (e.g. Sahai & Khurshid 1993): 4.7954 to 18.3904,
    # also found by bisection on P(X >= 10 | μ) = 0.025 and P(X <= 10 | μ) = 0.025
    (10, 4.7954, 18.3904),
])
def test_poisson_exact_garwood(count, low, high):
    got_low, got_high = poisson_exact(count)
    near(got_low, low)
    near(got_high, high)


def test_poisson_exact_rejects_negative_counts():
    with pytest.raises(ValueError):
        poisson_exact(-1)


def test_proportion_ratio_published_value():
    # Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017), ch. 4, with their
    # reference implementation (R contingencytables::MOVER_R_Wilson_CI_ratio_2x2): 7/34 vs 1/34,
    # ratio 7.0000, MOVER-R Wilson 95% interval 1.1537 to 41.9763. Here u2 (0.149) > 2 p2 (0.059): the
    # quadratic's leading coefficient is negative, the case the rationalised lower root must survive.
    ratio, low, high = proportion_ratio(7, 34, 1, 34)
    near(ratio, 7.0)
    near(low, 1.1537)
    near(high, 41.9763)


def test_proportion_ratio_by_hand():
    # 8/20 vs 4/20: p1 = 0.4 (Wilson 0.2188065 to 0.6134185), p2 = 0.2 (Wilson 0.0806577 to 0.4160174)
    # Lower: R² u2(2 p2 - u2) - 2R p1 p2 + l1(2 p1 - l1) = 0 with u2(2p2 - u2) = -0.0066635,
    #   l1(2 p1 - l1) = 0.1271689: R = 0.1271689 / (0.08 + sqrt(0.0064 + 0.0066635 × 0.1271689))
    #   = 0.1271689 / (0.08 + 0.0851316) = 0.7701
    # Upper: (0.08 + sqrt(0.0064 - 0.0257574 × 0.1144525)) / 0.0257574 with l2(2p2 - l2) = 0.0257574,
    #   u1(2 p1 - u1) = 0.1144525: (0.08 + 0.0587537) / 0.0257574 = 5.3869
    ratio, low, high = proportion_ratio(8, 20, 4, 20)
    near(ratio, 2.0)
    near(low, 0.7701)
    near(high, 5.3869)


def test_proportion_ratio_no_events_in_the_group():
    # 0/20 vs 4/20: ratio 0 and low 0; high = u1 / sqrt(l2 (2 p2 - l2)) with u1 = Wilson top of 0/20
    # = (z²/20) / (1 + z²/20) = 0.1611252: 0.1611252 / sqrt(0.0257574) = 0.1611252 / 0.1604911 = 1.0040
    ratio, low, high = proportion_ratio(0, 20, 4, 20)
    assert (ratio, low) == (0.0, 0.0)
    near(high, 1.0040)


def test_proportion_ratio_undefined():
    assert proportion_ratio(5, 10, 0, 10) == (None, None, None)  # everyone else's proportion is 0
    assert proportion_ratio(0, 0, 3, 10) == (None, None, None)
    assert proportion_ratio(3, 10, 0, 0) == (None, None, None)


def test_rate_ratio_published_values():
    # Fay, "Testing the ratio of two Poisson rates" (vignette of R rateratio.test): 2 events in 17877
    # vs 9 in 16660: rate ratio 0.2070942, 95% interval 0.02177406 to 1.00054910.
    ratio, low, high = rate_ratio(2, 17877, 9, 16660)
    near(ratio, 0.2071)
    near(low, 0.0218)
    near(high, 1.0005)
    # R's poisson.test help page example: 11/800 vs (6+8+7)/(1083+1050+878) -> 1.971488, 0.8584264 to 4.2772659
    ratio, low, high = rate_ratio(11, 800, 21, 3011)
    near(ratio, 1.9715)
    near(low, 0.8584)
    near(high, 4.2773)


def test_rate_ratio_no_events_in_the_group():
    # 0 vs 5 events over equal exposure: of 5 events, the upper Clopper-Pearson limit on the share that
    # fell in the group is 1 - 0.025^(1/5) = 0.5218240, so R < 0.5218240 / 0.4781760 = 1.0913
    ratio, low, high = rate_ratio(0, 10, 5, 10)
    assert (ratio, low) == (0.0, 0.0)
    near(high, 1.0913)


def test_rate_ratio_undefined():
    assert rate_ratio(4, 10, 0, 10) == (None, None, None)  # everyone else's rate is 0
    assert rate_ratio(4, 0, 3, 10) == (None, None, None)
    assert rate_ratio(4, 10, 3, 0) == (None, None, None)
    with pytest.raises(ValueError):
        rate_ratio(-1, 10, 3, 10)


def test_limits_are_ordered_around_the_estimate():
    for e1, n1, e2, n2 in [(1, 30, 29, 30), (15, 40, 15, 40), (30, 30, 1, 30), (3, 1000, 40, 50)]:
        ratio, low, high = proportion_ratio(e1, n1, e2, n2)
        assert low <= ratio <= high and math.isfinite(high)
        ratio, low, high = rate_ratio(e1, n1, e2, n2)
        assert low <= ratio <= high and math.isfinite(high)
