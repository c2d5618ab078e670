"""Small numbers for people who must not be able to single anyone out (funders, the public).

Every count from 1 to 10 is hidden, and so is enough else that no hidden count can be worked out
from the figures that are shown: wherever figures add up (inflow is its three kinds, outflow its
three, net change is inflow less outflow, everyone is singles, youth and families), a hidden count
never stands alone. Figures computed from hidden counts (averages, gaps, rates) are hidden with them.
"""

from __future__ import annotations

SMALL = range(1, 11)
# One word for every hidden count: telling the small ones from those hidden to protect them would
# say which are small, and so narrow them down.
HIDDEN_WORDS = "hidden"

# (total, parts): total = sum of parts, so one hidden cell among them could be worked out.
ROW_SUMS = (
    ("inflow", ("newly_identified", "returned_from_housing", "returned_from_inactive")),
    ("outflow", ("housing_placements", "moved_to_inactive", "no_longer_meets_population")),
    ("inflow", ("net_change", "outflow")),  # net change = inflow - outflow
)
COUNTS = ("actively_homeless", "newly_identified", "returned_from_housing", "returned_from_inactive",
          "housing_placements", "moved_to_inactive", "no_longer_meets_population", "inflow", "outflow",
          "net_change")
# Figures worked out from other counts: shown only when every count they come from is.
DERIVED = {
    "avg_days_to_housing": ("housing_placements",),
    "balance_gap": COUNTS,
    "reliability": ("actively_homeless", "net_change"),
}
# Populations that add up: everyone = single adults + youth + families (+ others, taken as none).
POPULATION_SUMS = (("All", ("All Singles", "Youth", "Families")),)


def _close(cells: list[tuple], hidden: set, value) -> bool:
    """Hide one more cell where a relation has exactly one hidden. True if anything changed."""
    changed = False
    for group in cells:
        here = [c for c in group if c in hidden]
        if len(here) == 1:
            shown = [c for c in group if c not in hidden]
            # the smallest other count reveals least; a zero reveals nothing, so prefer non-zero ones
            shown.sort(key=lambda c: (abs(value(c)) == 0, abs(value(c))))
            if shown:
                hidden.add(shown[0])
                changed = True
    return changed


def hide(figures: dict[str, dict]) -> dict[str, dict]:
    """figures: population -> {figure: value}. The same shape, with hidden values as None."""
    hidden = {(pop, key) for pop, row in figures.items() for key in COUNTS
              if key in row and row[key] is not None and abs(row[key]) in SMALL}
    groups = []
    for pop, row in figures.items():
        for total, parts in ROW_SUMS:
            if total in row and all(p in row for p in parts):
                groups.append([(pop, total), *[(pop, p) for p in parts]])
    for total, parts in POPULATION_SUMS:
        if total in figures and all(p in figures for p in parts):
            for key in COUNTS:
                groups.append([(total, key), *[(p, key) for p in parts]])

    def value(cell):
        return figures[cell[0]][cell[1]] or 0

    while _close(groups, hidden, value):
        pass
    out = {}
    for pop, row in figures.items():
        shown = {k: (None if (pop, k) in hidden else v) for k, v in row.items()}
        for key, sources in DERIVED.items():
            if key in shown and any((pop, s) in hidden for s in sources):
                shown[key] = None
        out[pop] = shown
    return out


def hide_series(rows: list[dict]) -> list[dict]:
    """One population's figures period by period: each period's row is closed on its own sums."""
    return [hide({"row": row})["row"] for row in rows]


# Early Intervention's monthly figures. None of them is shown as the sum of others that are shown,
# so hiding the small counts is enough; the rates and medians go with any count they come from.
REFERRAL_COUNTS = ("referrals", "open_referrals", "exits", "lost_exits", "initial_ifsp_meetings",
                   "ifsp_within_45_days", "ifsp_late_exceptional", "overdue_without_ifsp", "services_started",
                   "services_timely")
REFERRAL_DERIVED = {
    "pct_45_day_timeline": ("initial_ifsp_meetings", "ifsp_within_45_days", "ifsp_late_exceptional"),
    "median_days_referral_to_ifsp": ("initial_ifsp_meetings",),
}


def hide_referrals(figures: dict) -> dict:
    hidden = {k for k in REFERRAL_COUNTS if figures.get(k) is not None and abs(figures[k]) in SMALL}
    hidden |= {k for k, sources in REFERRAL_DERIVED.items() if hidden & set(sources)}
    return {k: (None if k in hidden else v) for k, v in figures.items()}
