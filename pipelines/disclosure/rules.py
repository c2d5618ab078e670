"""How a count reaches a funder. Every count from 0 to 10 reads "fewer than 11", and every larger one
is rounded to the nearest 10 (11 to 14 read "10"). A rounded number stands for a range of ten, so
most ways of combining figures (a total less its other parts, this month's list less last month's)
give a range as wide as "fewer than 11" says; where they would not, `audit` hides more.

Figures worked out from counts are worked out from the shown counts (a net change, a balance gap), or
shown only with their counts and coarsely (an average to whole days, a percentage to whole percent),
so that none can be turned back into an exact count.
"""

from __future__ import annotations

FEWER_THAN = 11
STEP = 10
SMALL_WORDS = "fewer than 11"


def count(value: int | None) -> int | None:
    """A count as a funder sees it: None for 0 to 10 ("fewer than 11"), else rounded to the nearest 10."""
    if value is None or value < FEWER_THAN:
        return None
    return STEP * ((int(value) + STEP // 2) // STEP)


def interval(shown: int | None) -> tuple[int, int | None]:
    """What a shown count says the true count is, at the least and the most."""
    if shown is None:
        return 0, FEWER_THAN - 1
    if shown == STEP:
        return FEWER_THAN, STEP + STEP // 2 - 1
    return shown - STEP // 2, shown + STEP // 2 - 1


def whole(value: float | None) -> int | None:
    """An average or a percentage to a whole number: close enough for a trend, too coarse to undo."""
    return None if value is None else int(value + 0.5)
