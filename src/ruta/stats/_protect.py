"""Disclosure control of a group of linked tables: primary and secondary suppression.

1. Primary: a count of 1 .. threshold-1 is confidential (zeros are published); an amount
   is confidential when fewer than ``threshold`` units contribute or when a few dominate
   it ((n,k) or p-percent rule, parameters.yaml).
2. Secondary, first pass: in every sum of a table (a margin and the cells it adds up),
   one withheld cell alone would be the margin minus the others, so a second one is
   withheld, the smallest non-zero other cell.
3. Secondary, proof: the audit (linear programming, ``_audit``) computes the interval an
   attacker can derive for each confidential cell; while one is narrower than its
   protection, another cell in one of its sums is withheld and the cell attacked again.
   Withholding more only widens intervals, so cells that passed keep passing, and the
   loop ends when every confidential cell passes: the protection is proven, not assumed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ruta.stats._audit import Interval, attack_intervals
from ruta.stats._params import DisclosureRules
from ruta.stats._tables import Group

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
    IntArray = npt.NDArray[np.int64]

# NumPy is imported by the functions that compute with it: it is a noticeable part of the
# web service's start-up, which imports this package.

__all__ = ["Protection", "passes", "primary", "protect", "relations"]


@dataclass
class Protection:
    """What disclosure control decided for a group's cells."""

    primary: BoolArray
    suppressed: BoolArray
    required: FloatArray  # per cell: the interval width (counts) or upward room (amounts)
    rounds: int


def passes(interval: Interval, required: float, value: float, magnitude: bool) -> bool:
    """Whether an attacked confidential cell keeps its protection.

    Examples:
        >>> passes(Interval(0, 0.0, 5.0), 5.0, 2.0, magnitude=False)
        True
        >>> passes(Interval(0, 1.0, 3.0), 5.0, 2.0, magnitude=False)
        False
    """
    if magnitude:
        return interval.upper - value >= required - 1e-6
    return interval.width >= required - 1e-6


def primary(group: Group, threshold: int, rules: DisclosureRules) -> tuple[BoolArray, FloatArray]:
    """Confidential cells and the protection each needs.

    Counts need an interval at least ``threshold`` wide. Amounts need upward room of
    the dominance rule's protection level: (n,k) ``100/k * (x1 + .. + xn) - X``;
    p-percent ``p/100 * x1 - (X - x1 - x2)``; and at least ``p/100 * X`` when few
    units contribute.
    """
    import numpy as np

    if not group.population.magnitude:
        sensitive = (group.values > 0) & (group.values < threshold)
        return sensitive, np.where(sensitive, float(threshold), 0.0)
    total, top = group.values, group.top
    few = (group.contributors > 0) & (group.contributors < threshold)
    if rules.dominance == "nk":
        largest = top[:, : rules.n].sum(axis=1) if rules.n <= 2 else top.sum(axis=1)
        level = 100.0 / rules.k * largest - total
    else:
        level = rules.p / 100.0 * top[:, 0] - (total - top[:, 0] - top[:, 1])
    dominated = (total > 0) & (level > 0)
    sensitive = few | dominated
    need = np.maximum(np.where(dominated, level, 0.0), rules.p / 100.0 * total)
    return sensitive, np.where(sensitive, need, 0.0)


def relations(group: Group) -> list[IntArray]:
    """Every complete sum among the group's cells: ``[margin, part, part, ...]``.

    Sums are found over all the group's cells, not table by table: decisions published
    in one table and approvals and denials in two others still add up.
    """
    import numpy as np

    attributes = group.population.attributes
    radix = np.array([group.total(a) + 1 for a in attributes], dtype=np.int64)
    strides = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
    encoded = group.keys @ strides
    present = {int(code): cell for cell, code in enumerate(encoded)}
    cells = np.arange(len(group.keys), dtype=np.int64)
    out: list[IntArray] = []
    for j, attribute in enumerate(attributes):
        total = group.total(attribute)
        parts = group.keys[:, j] != total
        parents = encoded[parts] + (total - group.keys[parts, j]) * strides[j]
        children = cells[parts]
        order = np.argsort(parents, kind="stable")
        parents, children = parents[order], children[order]
        if not len(parents):
            continue
        bounds = np.flatnonzero(np.diff(parents)) + 1
        for members, parent in zip(
            np.split(children, bounds), parents[np.r_[0, bounds]], strict=True
        ):
            margin = present.get(int(parent))
            if margin is not None and len(members) == total:
                out.append(np.concatenate([[margin], members]).astype(np.int64))
    return out


def costs(group: Group) -> FloatArray:
    """What withholding each cell costs: its value, times one more for each margin it is.

    Why: readers need totals most; a grand total is withheld only when nothing else can
    protect a cell.
    """
    import numpy as np

    margins = np.zeros(len(group.keys))
    for j, attribute in enumerate(group.population.attributes):
        if attribute not in group.population.hidden:
            margins += group.keys[:, j] == group.total(attribute)
    cost: FloatArray = group.values * (1.0 + margins)
    return cost


def _cheapest(
    candidates: Iterable[int], values: FloatArray, cost: FloatArray, need: float = 0.0
) -> int | None:
    """The cell to withhold: the cheapest that covers ``need``, else the largest."""
    pool = [int(c) for c in candidates]
    if not pool:
        return None
    covering = [c for c in pool if values[c] >= need]
    if covering:
        return min(covering, key=lambda c: (cost[c], c))
    return max(pool, key=lambda c: (values[c], -c))


def _first_pass(
    sums: list[IntArray], suppressed: BoolArray, values: FloatArray, cost: FloatArray
) -> None:
    """Withhold a second cell in every sum that has exactly one withheld (in place)."""
    changed = True
    while changed:
        changed = False
        for members in sums:
            withheld = int(suppressed[members].sum())
            if withheld != 1:
                continue
            others = [int(c) for c in members if not suppressed[c] and values[c] > 0]
            chosen = _cheapest(others, values, cost)
            if chosen is not None:
                suppressed[chosen] = True
                changed = True


def protect(
    group: Group,
    threshold: int,
    rules: DisclosureRules,
    low: FloatArray | None = None,
    high: FloatArray | None = None,
    max_rounds: int = 200,
) -> Protection:
    """Primary and secondary suppression of ``group``, proven by the audit.

    Args:
        group: The linked tables of one population in one country.
        threshold: Minimum contributors of a published cell (3, 5 or 10).
        rules: Dominance and rounding parameters.
        low: What an attacker knows of each published cell (default: its value).
        high: Idem, upper end (they differ when counts are rounded).
        max_rounds: Audit rounds before giving up (each withholds at least one cell).
    """
    import numpy as np

    values = group.values
    low = values if low is None else low
    high = values if high is None else high
    first, required = primary(group, threshold, rules)
    suppressed = first.copy()
    sums = relations(group)
    cost = costs(group)
    member_of: dict[int, list[int]] = {}
    for index, members in enumerate(sums):
        for cell in members:
            member_of.setdefault(int(cell), []).append(index)
    magnitude = group.population.magnitude
    pending = [int(c) for c in np.flatnonzero(first)]
    rounds = 0
    while True:
        _first_pass(sums, suppressed, values, cost)
        if not pending:
            break
        found = attack_intervals(group, suppressed, low, high, pending, required)
        failing = [
            i
            for i in found
            if not passes(i, float(required[i.cell]), float(values[i.cell]), magnitude)
        ]
        rounds += 1
        if not failing or rounds >= max_rounds:
            break
        for interval in failing:
            need = required[interval.cell] - (
                interval.upper - values[interval.cell] if magnitude else interval.width
            )
            near = {
                int(c)
                for s in member_of.get(interval.cell, [])
                for c in sums[s]
                if not suppressed[c] and values[c] > 0
            }
            if not near:
                # Every neighbour is withheld already: reach one sum further out.
                near = {
                    int(c)
                    for s in member_of.get(interval.cell, [])
                    for w in sums[s]
                    if suppressed[w]
                    for t in member_of.get(int(w), [])
                    for c in sums[t]
                    if not suppressed[c] and values[c] > 0
                }
            chosen = _cheapest(near, values, cost, need)
            if chosen is not None:
                suppressed[chosen] = True
        pending = [i.cell for i in failing]
    return Protection(first, suppressed, required, rounds)
