"""95% intervals for the equity measures: Wilson for proportions, exact Poisson for counts, and for
a ratio of two means (days to housing) the normal interval of its logarithm.

Every function takes plain numbers and returns plain floats, with None wherever the quantity is
undefined (a zero base, a zero rate to divide by), so callers never see NaN or infinity.
"""

from __future__ import annotations

import math


def _stats():
    """scipy.stats, imported on first use: it takes a second to import, which every process that only
    loads uploads (the command line, the reading process) would pay for nothing."""
    import scipy.stats

    return scipy.stats


Interval = tuple[float | None, float | None]
Ratio = tuple[float | None, float | None, float | None]
NO_INTERVAL: Interval = (None, None)
NO_RATIO: Ratio = (None, None, None)


def _alpha(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return 1 - confidence


def _z(confidence: float) -> float:
    return float(_stats().norm.ppf(1 - _alpha(confidence) / 2))


def _check_counts(*counts: float) -> None:
    for count in counts:
        if count < 0:
            raise ValueError(f"counts and bases cannot be negative, got {count}")


def wilson(events: int, base: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for the proportion events/base; (None, None) when base is 0."""
    _check_counts(events, base)
    if events > base:
        raise ValueError(f"{events} events out of a base of {base}")
    if base == 0:
        return NO_INTERVAL
    z = _z(confidence)
    p = events / base
    shrink = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / shrink
    half = z / shrink * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base))
    # at no events or all events a limit is exactly 0 or 1; floating error must not move it
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == base else min(1.0, centre + half)
    return low, high


def poisson_exact(count: int, confidence: float = 0.95) -> Interval:
    """Exact (Garwood) interval for the mean of a Poisson count."""
    _check_counts(count)
    alpha = _alpha(confidence)
    # chi-square(2k)/2 is gamma(k): the textbook Garwood limits in scipy's more direct form
    low = 0.0 if count == 0 else float(_stats().gamma.ppf(alpha / 2, count))
    return low, float(_stats().gamma.ppf(1 - alpha / 2, count + 1))


def proportion_ratio(e1: int, n1: int, e2: int, n2: int, confidence: float = 0.95) -> Ratio:
    """(e1/n1) ÷ (e2/n2) with the MOVER-R interval built on the two Wilson intervals.

    Donner & Zou (2012) / Newcombe: the limits solve (p1 - R p2)^2 = d1^2 + R^2 d2^2, where d1, d2
    are the distances from each proportion to the relevant end of its own Wilson interval.
    """
    if n1 == 0 or n2 == 0 or e2 == 0:
        return NO_RATIO
    p1, p2 = e1 / n1, e2 / n2
    l1, u1 = wilson(e1, n1, confidence)
    l2, u2 = wilson(e2, n2, confidence)
    both = p1 * p2
    if e1 == 0:
        low = 0.0
    else:
        # the rationalised root: stays finite where u2 = 2 p2 makes the textbook denominator 0
        c = l1 * (2 * p1 - l1)
        low = c / (both + math.sqrt(both * both - c * u2 * (2 * p2 - u2)))
    a = l2 * (2 * p2 - l2)
    high = (both + math.sqrt(max(0.0, both * both - a * u1 * (2 * p1 - u1)))) / a
    return p1 / p2, low, high


def rate_ratio(c1: int, t1: float, c2: int, t2: float, confidence: float = 0.95) -> Ratio:
    """(c1/t1) ÷ (c2/t2) with the exact conditional interval.

    Given c1 + c2 events, c1 is binomial with p = R t1 / (R t1 + t2); the Clopper-Pearson limits on
    p become limits on R through R = p / (1 - p) × t2 / t1.
    """
    _check_counts(c1, c2)
    if t1 <= 0 or t2 <= 0 or c2 == 0:
        return NO_RATIO
    alpha = _alpha(confidence)
    p_low = 0.0 if c1 == 0 else float(_stats().beta.ppf(alpha / 2, c1, c2 + 1))
    p_high = float(_stats().beta.ppf(1 - alpha / 2, c1 + 1, c2))
    scale = t2 / t1
    return c1 / t1 / (c2 / t2), p_low / (1 - p_low) * scale, p_high / (1 - p_high) * scale


def mean_ratio(n1: int, mean1: float, var1: float, n2: int, mean2: float, var2: float,
               confidence: float = 0.95) -> Ratio:
    """Ratio of two means with the interval of its logarithm by the delta method: each log mean has
    variance var / (n × mean²). Waits for housing vary widely from person to person; treating the days
    as Poisson counts would give intervals far too narrow."""
    if n1 < 2 or n2 < 2 or mean1 <= 0 or mean2 <= 0:
        return NO_RATIO
    ratio = mean1 / mean2
    spread = _z(confidence) * math.sqrt(var1 / (n1 * mean1**2) + var2 / (n2 * mean2**2))
    return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)
