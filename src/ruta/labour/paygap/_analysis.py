"""The whole pay-gap analysis of one survey: raw, factor-weighted and decomposed gaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from ruta.labour.paygap._bootstrap import BootstrapResult, bootstrap
from ruta.labour.paygap._decompose import Component, components
from ruta.labour.paygap._design import Design
from ruta.labour.paygap._gaps import (
    Cells,
    FactorWeighted,
    GroupWages,
    LevelGap,
    cells_of,
    factor_weighted,
    gap_by_level,
    group_wages,
)
from ruta.labour.paygap._moments import Fit, fit_models, point_fit
from ruta.labour.paygap._parameters import MethodParameters, method_parameters
from ruta.labour.paygap._survey import Survey

__all__ = ["Estimate", "PayGap", "analyse"]

Floats = NDArray[np.float64]
Key = tuple[str, ...]


@dataclass(frozen=True)
class Estimate:
    """A figure with its delta-method and (when run) bootstrap standard errors."""

    value: float
    se: float | None
    se_bootstrap: float | None = None


@dataclass(frozen=True)
class PayGap:
    """Everything the analysis found; :func:`ruta.labour.paygap.to_json` renders it."""

    survey: Survey
    design: Design
    fit: Fit
    figures: dict[Key, Estimate]
    groups: tuple[GroupWages, GroupWages]
    factor_weighted: FactorWeighted
    by_group: dict[str, tuple[LevelGap, ...]]
    normalized: bool
    parameters: MethodParameters
    bootstrap: BootstrapResult | None

    def __getitem__(self, key: Key) -> Estimate:
        return self.figures[key]


class _Evaluator:
    """Computes every figure from a weight vector (the estimate and each replication)."""

    def __init__(
        self, survey: Survey, design: Design, comps: list[Component], cells: Cells, min_cell: int
    ) -> None:
        self.survey, self.design, self.comps = survey, design, comps
        self.cells, self.min_cell = cells, min_cell
        split = survey.n_nationals
        self.orders = (
            np.argsort(survey.wage[:split], kind="stable"),
            np.argsort(survey.wage[split:], kind="stable"),
        )

    def raw(
        self, weights: Floats, with_se: bool = False
    ) -> tuple[dict[Key, float], tuple[GroupWages, GroupWages]]:
        nat = group_wages(self.survey, weights, False, self.orders[0], with_se)
        mig = group_wages(self.survey, weights, True, self.orders[1], with_se)
        values: dict[Key, float] = {
            ("raw_gap", "mean_pct"): 1.0 - mig.mean / nat.mean,
            ("raw_gap", "median_log"): nat.median_log - mig.median_log,
            ("raw_gap", "median_pct"): 1.0 - mig.median / nat.median,
        }
        return values, (nat, mig)

    def __call__(self, weights: Floats) -> dict[Key, float]:
        fit, _ = point_fit(self.design, weights)
        theta = fit.theta
        out = {c.key: c.value(theta) for c in self.comps}
        ybar = theta[fit.layout.block("ybar")]
        out["raw_gap", "mean_log"] = float(ybar[0] - ybar[1])
        out.update(self.raw(weights)[0])
        fwg = factor_weighted(self.survey, weights, self.cells, self.min_cell)
        out["factor_weighted", "mean_pct"] = fwg.mean_pct
        out["factor_weighted", "median_pct"] = fwg.median_pct
        return out


def analyse(
    survey: Survey,
    *,
    normalize: bool = True,
    base_levels: Mapping[str, str] | None = None,
    replications: int = 0,
    seed: int = 0,
    on_replication: Callable[[], None] | None = None,
    parameters: MethodParameters | None = None,
) -> PayGap:
    """Raw gap, factor-weighted gap and Oaxaca-Blinder decompositions of ``survey``.

    Args:
        survey: The analysis sample (:func:`read_survey`).
        normalize: Express categorical effects as deviations from their mean (Yun 2005),
            so detailed results do not depend on the omitted level.
        base_levels: The omitted level per categorical covariate (first sorted otherwise).
        replications: Bootstrap replications (0: delta-method standard errors only).
        seed: Seed of the bootstrap's random generator.
        on_replication: Called after each bootstrap replication (progress).
        parameters: Method parameters; the shipped ones when omitted.

    Raises:
        PayGapError: Collinear covariates, or a level absent from a group.
    """
    # One BLAS thread: the chunked products are small enough that a second thread gains
    # little on an idle machine, and on a shared one OpenBLAS' spinning threads made the
    # same products up to fifteen times slower (docs/performance.md, Pay gap).
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyse(
            survey, normalize, base_levels, replications, seed, on_replication, parameters
        )


def _analyse(
    survey: Survey,
    normalize: bool,
    base_levels: Mapping[str, str] | None,
    replications: int,
    seed: int,
    on_replication: Callable[[], None] | None,
    parameters: MethodParameters | None,
) -> PayGap:
    params = parameters or method_parameters()
    design = Design.of(survey, base_levels)
    fit = fit_models(design)
    assert fit.cov is not None  # fit_models always computes it
    comps = components(design, fit.layout, normalize)
    evaluator = _Evaluator(survey, design, comps, cells_of(survey), params.min_cell_respondents)
    figures: dict[Key, Estimate] = {}
    for comp in comps:
        grad = comp.gradient(fit.theta)
        figures[comp.key] = Estimate(comp.value(fit.theta), float(np.sqrt(grad @ fit.cov @ grad)))
    ybar = fit.layout.block("ybar")
    gap_grad = np.zeros(fit.layout.size)
    gap_grad[ybar.start], gap_grad[ybar.start + 1] = 1.0, -1.0
    figures["raw_gap", "mean_log"] = Estimate(
        float(fit.theta[ybar][0] - fit.theta[ybar][1]),
        float(np.sqrt(gap_grad @ fit.cov @ gap_grad)),
    )
    _, (nat, mig) = evaluator.raw(survey.weight, with_se=True)
    n = survey.n
    ratio_if = np.concatenate([nat.mean_if * mig.mean / nat.mean**2, -mig.mean_if / nat.mean])
    figures["raw_gap", "mean_pct"] = Estimate(
        1.0 - mig.mean / nat.mean, float(np.sqrt((ratio_if**2).sum() * n / (n - 1)))
    )
    figures["raw_gap", "median_log"] = Estimate(
        nat.median_log - mig.median_log, float(np.hypot(nat.median_log_se, mig.median_log_se))
    )
    ratio = mig.median / nat.median
    figures["raw_gap", "median_pct"] = Estimate(
        1.0 - ratio, float(np.hypot(mig.median_se / nat.median, ratio * nat.median_se / nat.median))
    )
    fwg = factor_weighted(survey, survey.weight, evaluator.cells, params.min_cell_respondents)
    figures["factor_weighted", "mean_pct"] = Estimate(fwg.mean_pct, fwg.mean_pct_se)
    figures["factor_weighted", "median_pct"] = Estimate(fwg.median_pct, fwg.median_pct_se)
    boot = None
    if replications:
        # Replications reuse the design rows: 256 MB holds 1,000,000 rows x 32 columns.
        evaluator.design = design.cached(256 * 2**20)
        boot = bootstrap(evaluator, survey.weight, replications, seed, on_replication)
        figures = {key: Estimate(e.value, e.se, boot.se.get(key)) for key, e in figures.items()}
    by_group = {
        name: gap_by_level(survey, survey.weight, cat.codes, cat.levels)
        for name, cat in survey.factors.items()
    }
    return PayGap(survey, design, fit, figures, (nat, mig), fwg, by_group, normalize, params, boot)
