"""After coarsening, the check that no small count can still be narrowed, and the fix where it can.

Every number a funder receives stands for a range of true values (rules.interval). Identities between
the true counts (a total is its parts, ...) can narrow a small count's range below 1 to 10 even so: an
outflow shown as 20 (15 to 24) made of two counts of at most 10 forces each above 4. The lowest and
highest value each small count can take, given every shown range and every identity, are found by
linear programming (HiGHS, one model whose objective changes from count to count); where the range is
narrower than 1 to 10, a shown count in an identity with it is hidden too (its range becomes "any
number"), and the check runs again. Hiding only widens ranges, so a count found safe stays safe.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np

WIDE = 9  # "1 to 10" spans 9
INF = highspy.kHighsInf


@dataclass
class Model:
    truth: list[float] = field(default_factory=list)
    ranges: list[tuple[float, float]] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)  # terms, lowest, highest

    def cell(self, key: tuple, true: float, shown_range: tuple[float, float | None]) -> None:
        self.index[key] = len(self.truth)
        self.truth.append(true)
        low, high = shown_range
        self.ranges.append((low, INF if high is None else high))

    def knows(self, terms: dict[tuple, float], at_most: bool = False, constant: float = 0.0) -> None:
        """sum(c * count) == constant (<= when `at_most`), kept only where the true counts obey it: an
        attacker who knows how the figures are made knows every such relation."""
        if any(k not in self.index for k in terms):
            return
        total = sum(c * self.truth[self.index[k]] for k, c in terms.items())
        row = {self.index[k]: c for k, c in terms.items()}
        if at_most and total <= constant + 1e-9:
            self.rows.append((row, -INF, constant))
        elif not at_most and abs(total - constant) < 1e-9:
            self.rows.append((row, constant, constant))

    def _solver(self) -> highspy.Highs:
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        # Each count only changes the objective: the primal simplex goes on from the last basis, which
        # stays feasible, and presolving again would only throw that away (about 3x faster here).
        solver.setOptionValue("presolve", "off")
        solver.setOptionValue("simplex_strategy", 4)
        n = len(self.truth)
        lower, upper = np.array([r[0] for r in self.ranges], float), np.array([r[1] for r in self.ranges], float)
        solver.addVars(n, lower, upper)
        for terms, low, high in self.rows:
            columns = np.array(list(terms), dtype=np.int32)
            solver.addRow(low, high, len(columns), columns, np.array(list(terms.values()), float))
        return solver

    def protect(self, keep=lambda key: False) -> set[tuple]:
        """The shown counts to hide so that every true count from 1 to 10 keeps a range as wide as 1 to
        10. Cells for which `keep` is true are hidden only when nothing else will do."""
        keys = {i: k for k, i in self.index.items()}
        near = defaultdict(set)
        for terms, _, _ in self.rows:
            for i in terms:
                near[i].update(terms)
        solver = self._solver()
        hidden = set()
        for i, true in enumerate(self.truth):
            if not 1 <= true <= 10 or not near[i] - {i}:
                continue
            while True:
                low, high = _bounds(solver, i)
                if high - low >= WIDE:
                    break
                partner = self._partner(i, near, keys, keep)
                if partner is None:
                    break
                self.ranges[partner] = (0, INF)
                solver.changeColBounds(partner, 0, INF)
                hidden.add(keys[partner])
        return hidden

    def _partner(self, i: int, near, keys, keep) -> int | None:
        """A shown count to hide for `i`: one we need not keep, from those beside it in an identity,
        else one step further, ... (a kept one only when there is no other); among equals, one big
        enough to leave room (more than 10) but as small as that allows, else a small one."""
        seen, ring, distance, best = {i}, {i}, 0, None
        while ring:
            ring = {j for r in ring for j in near[r]} - seen
            seen |= ring
            distance += 1
            for j in ring:
                if self.ranges[j][1] < INF:
                    big = self.ranges[j][0] > 10
                    rank = (keep(keys[j]), distance, not big, self.truth[j] if big else -self.truth[j])
                    if best is None or rank < best[0]:
                        best = (rank, j)
            if best is not None and not best[0][0]:
                return best[1]
        return None if best is None else best[1]


def _bounds(solver: highspy.Highs, i: int) -> tuple[float, float]:
    ends = []
    for sign in (1.0, -1.0):
        solver.changeColCost(i, sign)
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            ends.append(sign * solver.getInfo().objective_function_value)
        else:
            ends.append(-INF if sign > 0 else INF)
    solver.changeColCost(i, 0.0)
    return ends[0], ends[1]
