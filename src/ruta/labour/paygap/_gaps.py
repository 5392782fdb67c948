"""Raw and ILO factor-weighted gaps, on weighted means and medians of hourly wages.

Percent gaps follow the ILO: ``(w_nat - w_mig) / w_nat``, positive when migrants earn
less. Standard errors: linearization (influence functions) for means and ratios of means,
Woodruff (1952) intervals for medians, the method of R's ``survey::svyquantile``.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from ruta.labour.paygap._survey import Survey

__all__ = [
    "Cells",
    "FactorWeighted",
    "GroupWages",
    "LevelGap",
    "cells_of",
    "factor_weighted",
    "gap_by_level",
    "group_wages",
    "weighted_median",
]

Floats = NDArray[np.float64]
_Z = NormalDist().inv_cdf(0.975)


def weighted_median(
    values: Floats, weights: Floats, order: NDArray[np.intp], p: float = 0.5
) -> float:
    """The lower weighted ``p``-quantile; ``order`` sorts ``values``.

    Examples:
        >>> v = np.array([3.0, 1.0, 2.0])
        >>> weighted_median(v, np.array([1.0, 1.0, 5.0]), np.argsort(v))
        2.0
    """
    cum = np.cumsum(weights[order])
    at = int(np.searchsorted(cum, p * cum[-1], side="left"))
    return float(values[order[min(at, order.size - 1)]])


@dataclass(frozen=True)
class GroupWages:
    """Weighted hourly-wage summaries of one group."""

    respondents: int
    weighted: float
    mean: float
    mean_if: Floats  # influence function of the mean, on the group's rows
    median: float
    median_se: float
    median_log: float
    median_log_se: float


def _woodruff(values: Floats, weights: Floats, order: NDArray[np.intp]) -> tuple[float, float]:
    median = weighted_median(values, weights, order)
    total = weights.sum()
    influence = weights * ((values <= median) - 0.5) / total
    n = values.size
    se_cdf = float(np.sqrt((influence**2).sum() * n / max(n - 1, 1)))
    lo = weighted_median(values, weights, order, max(0.5 - _Z * se_cdf, 0.0))
    hi = weighted_median(values, weights, order, min(0.5 + _Z * se_cdf, 1.0))
    return median, (hi - lo) / (2 * _Z)


def group_wages(
    survey: Survey,
    weights: Floats,
    migrants: bool,
    order: NDArray[np.intp] | None = None,
    with_se: bool = True,
) -> GroupWages:
    """Means and medians of one group under ``weights`` (``order`` sorts its wages);
    ``with_se=False`` skips the medians' standard errors (NaN), as bootstrap draws do."""
    rows = slice(survey.n_nationals, survey.n) if migrants else slice(0, survey.n_nationals)
    wage, w = survey.wage[rows], weights[rows]
    order = np.argsort(wage, kind="stable") if order is None else order
    total = float(w.sum())
    mean = float(w @ wage / total)
    if with_se:
        median, median_se = _woodruff(wage, w, order)
        log_median, log_se = _woodruff(np.log(wage), w, order)
    else:
        # The lower weighted median commutes with the logarithm (a monotone map).
        median, median_se = weighted_median(wage, w, order), float("nan")
        log_median, log_se = float(np.log(median)), float("nan")
    return GroupWages(
        int(np.count_nonzero(w)),
        total,
        mean,
        w * (wage - mean) / total,
        median,
        median_se,
        log_median,
        log_se,
    )


@dataclass(frozen=True)
class Cells:
    """The factor-weighted cells: one id per row and each cell's labels."""

    factors: tuple[str, ...]
    ids: NDArray[np.intp]
    labels: tuple[tuple[str, ...], ...]
    order: NDArray[np.intp]  # rows sorted by cell, group, wage: medians per segment

    def medians(self, survey: Survey, weights: Floats) -> tuple[Floats, Floats]:
        """Weighted median wage per (cell, group) and its Woodruff standard error, each of
        shape ``(cells, 2)``; NaN where the cell has no such worker."""
        segment = (self.ids * 2 + survey.migrant)[self.order]
        wage, w = survey.wage[self.order], weights[self.order]
        cum = np.cumsum(w)
        starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
        ends = np.r_[starts[1:], segment.size]
        before = np.where(starts > 0, cum[starts - 1], 0.0)
        totals = cum[ends - 1] - before
        ok = totals > 0

        def quantile(p: Floats) -> Floats:
            at = np.searchsorted(cum, before + p * totals, side="left")
            return np.asarray(wage[np.minimum(np.maximum(at, starts), ends - 1)], dtype=np.float64)

        median = quantile(np.full(starts.size, 0.5))
        # Woodruff (1952): the interval of the CDF at the median, mapped back to wages.
        of_row = np.repeat(np.arange(starts.size), ends - starts)
        total_row = np.where(ok, totals, 1.0)[of_row]
        influence = w * ((wage <= median[of_row]) - 0.5) / total_row
        counts = (ends - starts).astype(float)
        se_cdf = np.sqrt(
            np.bincount(of_row, influence**2, minlength=starts.size)
            * counts
            / np.maximum(counts - 1, 1)
        )
        low = quantile(np.clip(0.5 - _Z * se_cdf, 0.0, 1.0))
        high = quantile(np.clip(0.5 + _Z * se_cdf, 0.0, 1.0))
        out = np.full((2, len(self.labels) * 2), np.nan)
        out[0, segment[starts[ok]]] = median[ok]
        out[1, segment[starts[ok]]] = ((high - low) / (2 * _Z))[ok]
        return out[0].reshape(-1, 2), out[1].reshape(-1, 2)


def cells_of(survey: Survey) -> Cells:
    """Cross the survey's cell factors into one cell id per row."""
    names = tuple(survey.factors)
    if not names:
        ids0 = np.zeros(survey.n, dtype=np.intp)
        return Cells((), ids0, ((),), np.lexsort((survey.wage, survey.migrant, ids0)))
    combined = np.zeros(survey.n, dtype=np.int64)
    for name in names:
        cat = survey.factors[name]
        combined = combined * len(cat.levels) + cat.codes
    unique, ids = np.unique(combined, return_inverse=True)
    labels = []
    for code in unique.tolist():
        parts = []
        for name in reversed(names):
            levels = survey.factors[name].levels
            code, index = divmod(code, len(levels))
            parts.append(levels[index])
        labels.append(tuple(reversed(parts)))
    ids = ids.astype(np.intp)
    return Cells(names, ids, tuple(labels), np.lexsort((survey.wage, survey.migrant, ids)))


@dataclass(frozen=True)
class FactorWeighted:
    """The factor-weighted gap on means (with SE) and on medians, and its cell support."""

    mean_pct: float
    mean_pct_se: float
    median_pct: float
    median_pct_se: float  # cell shares held fixed; Woodruff SEs of each cell's medians
    cells_total: int
    cells_used: int
    coverage: float  # weighted share of wage earners in cells with both groups
    cell_gaps: tuple[tuple[tuple[str, ...], float, float, int, int], ...]


def factor_weighted(
    survey: Survey, weights: Floats, cells: Cells, min_respondents: int
) -> FactorWeighted:
    """``FWG = sum_k (N_k / N) (w_nat,k - w_mig,k) / w_nat,k`` over the cells where both
    groups have at least ``min_respondents`` respondents; ``N`` counts only those cells
    (ILO Global Wage Report 2018/19), and ``coverage`` says how much that leaves out.

    Examples:
        >>> import pyarrow as pa
        >>> from ruta.labour.paygap import ColumnMap, survey_from_table
        >>> table = pa.table({"w": [10.0, 20.0, 5.0, 8.0, 6.0, 9.0], "m": [0, 0, 1, 0, 1, 0],
        ...                   "cell": ["a", "a", "a", "b", "b", "c"]})
        >>> survey = survey_from_table(table, ColumnMap(wage="w", migrant="m",
        ...                                             factors=("cell",)))
        >>> fwg = factor_weighted(survey, survey.weight, cells_of(survey), 1)
        >>> round(fwg.mean_pct, 4), fwg.cells_used, round(fwg.coverage, 3)
        (0.5, 2, 0.833)
    """
    m = len(cells.labels)
    mig = survey.migrant
    present = weights > 0
    count = [np.bincount(cells.ids[present & (mig == g)], minlength=m) for g in (False, True)]
    wsum = [np.bincount(cells.ids, weights * (mig == g), minlength=m) for g in (False, True)]
    wage_sum = [
        np.bincount(cells.ids, weights * survey.wage * (mig == g), minlength=m)
        for g in (False, True)
    ]
    used = (count[0] >= min_respondents) & (count[1] >= min_respondents)
    used &= (wsum[0] > 0) & (wsum[1] > 0)
    mean = [np.where(used, wage_sum[g] / np.where(used, wsum[g], 1.0), np.nan) for g in (0, 1)]
    gap = np.where(used, 1.0 - mean[1] / np.where(used, mean[0], 1.0), 0.0)
    total_used = float((wsum[0] + wsum[1])[used].sum())
    share = np.where(used, (wsum[0] + wsum[1]) / total_used, 0.0)
    fwg = float(share @ gap)
    # Influence of each row: through its cell's share and its group's cell mean.
    row_used = used[cells.ids]
    k = cells.ids
    own_mean = np.where(mig, mean[1][k], mean[0][k])
    own_total = np.where(mig, wsum[1][k], wsum[0][k])
    d_mean = np.where(mig, -share[k] / mean[0][k], share[k] * mean[1][k] / mean[0][k] ** 2)
    influence = np.where(
        row_used,
        weights * (gap[k] - fwg) / total_used
        + d_mean * weights * (survey.wage - own_mean) / np.where(row_used, own_total, 1.0),
        0.0,
    )
    n = survey.n
    se = float(np.sqrt((influence**2).sum() * n / (n - 1)))
    medians, median_se = cells.medians(survey, weights)
    nat_median = np.where(used, medians[:, 0], 1.0)
    median_gap = np.where(used, 1.0 - medians[:, 1] / nat_median, 0.0)
    gap_var = np.where(
        used,
        (median_se[:, 1] / nat_median) ** 2
        + (medians[:, 1] * median_se[:, 0] / nat_median**2) ** 2,
        0.0,
    )
    table = tuple(
        (cells.labels[c], float(share[c]), float(gap[c]), int(count[0][c]), int(count[1][c]))
        for c in range(m)
    )
    return FactorWeighted(
        fwg,
        se,
        float(share @ median_gap),
        float(np.sqrt(share**2 @ gap_var)),
        m,
        int(used.sum()),
        total_used / float(weights.sum()),
        table,
    )


@dataclass(frozen=True)
class LevelGap:
    """The raw mean-log gap inside one level of a variable."""

    level: str
    gap: float
    se: float
    nationals: int
    migrants: int


def gap_by_level(
    survey: Survey, weights: Floats, codes: NDArray[np.int32], levels: tuple[str, ...]
) -> tuple[LevelGap, ...]:
    """``ybar_nat - ybar_mig`` of log hourly wages within each level (linearization SE);
    a level without both groups is left out."""
    m, mig, y = len(levels), survey.migrant, survey.log_wage
    out = []
    stats = []
    for g in (False, True):
        rows = mig == g
        wsum = np.bincount(codes[rows], weights[rows], minlength=m)
        mean = np.bincount(codes[rows], weights[rows] * y[rows], minlength=m) / np.where(
            wsum > 0, wsum, 1.0
        )
        resid = (
            weights[rows]
            * (y[rows] - mean[codes[rows]])
            / np.where(wsum > 0, wsum, 1.0)[codes[rows]]
        )
        var = np.bincount(codes[rows], resid**2, minlength=m)
        count = np.bincount(codes[rows], minlength=m)
        stats.append((wsum, mean, var, count))
    for i, level in enumerate(levels):
        (w_a, m_a, v_a, c_a), (w_b, m_b, v_b, c_b) = stats
        if w_a[i] > 0 and w_b[i] > 0 and c_a[i] > 1 and c_b[i] > 1:
            se = float(np.sqrt(v_a[i] * c_a[i] / (c_a[i] - 1) + v_b[i] * c_b[i] / (c_b[i] - 1)))
            out.append(LevelGap(level, float(m_a[i] - m_b[i]), se, int(c_a[i]), int(c_b[i])))
    return tuple(out)
