"""The attacker's view of a release: for each suppressed cell, the tightest interval that
linear programming derives from everything published.

Variables are the finest cells (details) of every table of the group, non-negative.
Every published cell fixes the sum of its details in every table that can express it (or
bounds it, when counts are rounded: a count published as ``r`` after rounding to base
``b`` lies in ``[r - b + 1, r + b - 1]``); a withheld cell has the same sum in every
table that can express it, so tables published from the same units are attacked
together. Minimising and maximising a suppressed cell's sum over that polytope gives the
interval an attacker can prove. The LPs are solved with HiGHS (``highspy``); only the
objective changes from one cell to the next, so each solve restarts from the last basis.
This is the linear relaxation of the integer problem; for counts the interval is then
rounded inward to whole numbers, as an attacker who knows counts are integers would.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from ruta.stats._tables import Group

if TYPE_CHECKING:
    import highspy
    import numpy as np
    import numpy.typing as npt
    from scipy import sparse

    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

# NumPy, SciPy and HiGHS are imported by the functions that compute with them: together
# they take seconds to load, and the web service imports this package at start-up.

__all__ = ["Interval", "attack_intervals"]


@dataclass(frozen=True, slots=True)
class Interval:
    """What an attacker can prove about one suppressed cell: ``lower <= value <= upper``."""

    cell: int
    lower: float
    upper: float

    @property
    def width(self) -> float:
        """``upper - lower`` (infinite when nothing bounds the cell from above)."""
        return self.upper - self.lower


def _representations(group: Group) -> list[sparse.csr_matrix]:
    """Per table, a (cells x details) matrix: the details whose sum is each group cell.

    A cell is representable in every table whose attributes include the ones the cell
    fixes, whether or not that table publishes it: decisions by pathway in one table and
    approvals by pathway in another are linked because the second table's details, summed
    over the outcome, are decisions too.
    """
    import numpy as np
    from scipy import sparse

    attributes = group.population.attributes
    radix = np.array([group.total(a) + 1 for a in attributes], dtype=np.int64)
    strides = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
    totals = np.array([group.total(a) for a in attributes], dtype=np.int64)
    encoded = group.keys @ strides
    order = np.argsort(encoded)
    sorted_codes = encoded[order]
    out = []
    for table in group.tables:
        columns = [attributes.index(a) for a in table.attributes]
        sizes = [group.total(a) for a in table.attributes]
        grid = (
            np.ascontiguousarray(np.indices(tuple(sizes)).reshape(len(sizes), -1).T)
            if sizes
            else np.zeros((1, 0), dtype=np.int64)
        )
        rows, cols = [], []
        for size in range(len(columns) + 1):
            for kept in combinations(range(len(columns)), size):
                keys = np.tile(totals, (len(grid), 1))
                for j in kept:
                    keys[:, columns[j]] = grid[:, j]
                codes = keys @ strides
                at = np.searchsorted(sorted_codes, codes)
                at = np.minimum(at, len(sorted_codes) - 1)
                found = sorted_codes[at] == codes
                rows.append(order[at[found]])
                cols.append(np.nonzero(found)[0])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        out.append(
            sparse.csr_matrix((np.ones(len(row)), (row, col)), shape=(len(group.keys), len(grid)))
        )
    return out


class _Problem:
    """The constraint system of one group for a given suppression pattern."""

    def __init__(
        self, group: Group, suppressed: BoolArray, low: FloatArray, high: FloatArray
    ) -> None:
        import numpy as np
        from scipy import sparse

        blocks = _representations(group)
        placed = sparse.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]
        self.size = placed.shape[1]
        offsets = np.cumsum([0] + [b.shape[1] for b in blocks])
        exact, ranged, links = [], [], []
        exact_rhs, range_low, range_high = [], [], []
        upper = np.full(self.size, np.inf)
        self.first: dict[int, sparse.csr_matrix] = {}
        for index, block in enumerate(blocks):
            wide = sparse.csr_matrix(
                (block.data, block.indices + offsets[index], block.indptr),
                shape=(block.shape[0], self.size),
            )
            present = np.diff(wide.indptr) > 0
            published = present & ~suppressed
            is_exact = published & (low == high)
            exact.append(wide[is_exact])
            exact_rhs.append(low[is_exact])
            is_range = published & ~is_exact
            ranged.append(wide[is_range])
            range_low.append(low[is_range])
            range_high.append(high[is_range])
            zero_rows = published & (high <= 0)
            if zero_rows.any():
                upper[np.unique(wide[zero_rows].indices)] = 0.0
            for cell in np.flatnonzero(present & suppressed):
                row = wide[int(cell)]
                first = self.first.setdefault(int(cell), row)
                if first is not row:
                    links.append(first - row)
        matrix = sparse.vstack([*exact, *ranged, *links], format="csr")
        row_low = np.concatenate([*exact_rhs, *range_low, np.zeros(len(links))])
        row_high = np.concatenate([*exact_rhs, *range_high, np.zeros(len(links))])
        self.highs = _model(matrix, row_low, row_high, upper)
        self.costed: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)

    def bound(self, cell: int, sense: str) -> float:
        """The least (``min``) or greatest (``max``) value of ``cell`` over the polytope."""
        import highspy
        import numpy as np

        row = self.first[cell]
        columns = np.asarray(row.indices, dtype=np.int32)
        # Only the objective changes between solves: HiGHS restarts from the last basis.
        if len(self.costed):
            self.highs.changeColsCost(len(self.costed), self.costed, np.zeros(len(self.costed)))
        self.highs.changeColsCost(len(columns), columns, np.asarray(row.data, dtype=np.float64))
        self.costed = columns
        self.highs.changeObjectiveSense(
            highspy.ObjSense.kMinimize if sense == "min" else highspy.ObjSense.kMaximize
        )
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return float("inf")
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"disclosure audit LP failed: {self.highs.modelStatusToString(status)}"
            )
        return float(self.highs.getInfo().objective_function_value)


_FIRST = threading.Lock()
_BANNER_SHOWN = False


def _new_highs() -> highspy.Highs:
    """A HiGHS solver; the first one's start-up banner is discarded.

    Why: HiGHS prints its banner from C++ when the first solver of a process is built,
    on file descriptor 1, where it would corrupt a CLI's stdout (an export piped on).
    """
    import highspy

    global _BANNER_SHOWN
    with _FIRST:
        if _BANNER_SHOWN:
            return highspy.Highs()  # type: ignore[no-untyped-call]  # highspy: untyped init
        sys.stdout.flush()
        saved, sink = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy: untyped init
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(sink)
        _BANNER_SHOWN = True
        return highs


def _model(
    matrix: sparse.csr_matrix, row_low: FloatArray, row_high: FloatArray, upper: FloatArray
) -> highspy.Highs:
    """A HiGHS model of ``row_low <= matrix @ x <= row_high``, ``0 <= x <= upper``."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(matrix.shape[1]), int(matrix.shape[0])
    lp.col_cost_ = np.zeros(matrix.shape[1])
    lp.col_lower_ = np.zeros(matrix.shape[1])
    lp.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
    lp.row_lower_ = row_low
    lp.row_upper_ = row_high
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    highs = _new_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    # Primal simplex: between two solves only the objective changes, so the last basis
    # stays primal feasible and primal simplex restarts from it; the default (dual
    # simplex) loses dual feasibility with every new objective. Same intervals, measured
    # 2x (exact counts) to 7x (rounded counts: ranged rows) faster on the demo's audits.
    highs.setOptionValue("simplex_strategy", 4)
    highs.passModel(lp)
    return highs


def attack_intervals(
    group: Group,
    suppressed: BoolArray,
    low: FloatArray,
    high: FloatArray,
    cells: Iterable[int] | None = None,
    required: FloatArray | None = None,
) -> list[Interval]:
    """The tightest interval of each suppressed cell (or of ``cells``) of ``group``.

    Args:
        group: The linked tables.
        suppressed: Per cell of the group, whether it is withheld.
        low: Per cell, the least value consistent with what is published (the published
            value, or less when rounded); ignored for suppressed cells.
        high: Per cell, the greatest such value.
        cells: The suppressed cells to attack (default: all).
        required: Per cell, its protection (``_protect.primary``), when only whether it
            holds matters: a cell whose room above its value already gives it (or any
            amount: only its upper bound is judged) is not minimised, and its lower
            bound reads as its value. Half the LPs of a protection that holds.

    Returns:
        One interval per attacked cell, in the order given.
    """
    import numpy as np

    problem = _Problem(group, suppressed, low, high)
    targets = list(np.nonzero(suppressed)[0]) if cells is None else list(cells)
    magnitude = group.population.magnitude
    out = []
    for cell in targets:
        if required is not None:
            value = float(group.values[cell])
            upper = problem.bound(int(cell), "max")
            if not magnitude:
                upper = float(np.floor(upper + 1e-7)) if np.isfinite(upper) else upper
            if magnitude or upper - value >= float(required[cell]) - 1e-6:
                out.append(Interval(int(cell), value, upper))
                continue
        lower = max(0.0, problem.bound(int(cell), "min"))
        upper = problem.bound(int(cell), "max")
        if not group.population.magnitude:
            # Counts are whole numbers: an attacker rounds the LP bounds inward.
            lower = float(np.ceil(lower - 1e-7))
            upper = float(np.floor(upper + 1e-7)) if np.isfinite(upper) else upper
        out.append(Interval(int(cell), lower, upper))
    return out
