"""Weighted least squares for both groups and the pooled models, from chunked moments.

Pass one accumulates each group's weighted cross-products ``X'WX`` and ``X'Wy``; the
pooled models (with the migrant dummy as in Jann 2008 and Fortin 2008, and without it as
in Neumark 1988) are sums of the group blocks, so the data are read once for all four
regressions. Pass two accumulates the outer products of the influence functions of every
estimate (coefficients of all four models, covariate means, mean log wages): their sum is
the linearization (sandwich) covariance that survey statistics uses for sampling weights,
and it treats the covariate means as random, as Jann (2008) does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ruta.i18n import N_, Text
from ruta.labour.paygap._design import Design
from ruta.labour.paygap._errors import PayGapError

__all__ = ["CHUNK_ROWS", "Fit", "Layout", "fit_models", "point_fit"]

Floats = NDArray[np.float64]
# Rows per chunk: about 16 MB of design rows at 30 regressors, and big enough for BLAS.
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class Layout:
    """Positions of each estimate in the parameter vector ``theta``."""

    k: int

    def block(self, name: str) -> slice:
        """``beta_nat``, ``xbar_nat``, ``beta_mig``, ``xbar_mig``, ``beta_pooled`` (k + 1:
        the last is the migrant dummy), ``beta_neumark``, ``ybar`` (nationals, migrants)."""
        k = self.k
        starts = {
            "beta_nat": (0, k),
            "xbar_nat": (k, k),
            "beta_mig": (2 * k, k),
            "xbar_mig": (3 * k, k),
            "beta_pooled": (4 * k, k + 1),
            "beta_neumark": (5 * k + 1, k),
            "ybar": (6 * k + 1, 2),
        }
        start, size = starts[name]
        return slice(start, start + size)

    @property
    def size(self) -> int:
        """Length of ``theta``."""
        return 6 * self.k + 3


@dataclass(frozen=True)
class Fit:
    """Point estimates ``theta`` and, when computed, their covariance."""

    layout: Layout
    theta: Floats
    cov: Floats | None


def _chunks(start: int, stop: int) -> list[tuple[int, int]]:
    return [(a, min(a + CHUNK_ROWS, stop)) for a in range(start, stop, CHUNK_ROWS)]


def _solve(h: Floats, b: Floats, design: Design, among: str) -> Floats:
    try:
        factor = np.linalg.cholesky(h)
    except np.linalg.LinAlgError:
        empty = [design.names[i] for i in range(min(h.shape[0], design.k)) if h[i, i] <= 0]
        if empty:
            raise PayGapError(
                N_(
                    "%(levels)s never occurs %(among)s: merge the level with another or drop "
                    "the covariate"
                ),
                field="covariates",
                levels=", ".join(empty),
                among=among,
            ) from None
        raise PayGapError(
            N_(
                "the covariates are collinear %(among)s (one is a combination of others): "
                "drop one of the covariates that measure the same thing"
            ),
            field="covariates",
            among=among,
        ) from None
    return np.asarray(np.linalg.solve(factor.T, np.linalg.solve(factor, b)))


def _group_moments(
    design: Design, weights: Floats, y: Floats, start: int, stop: int
) -> tuple[Floats, Floats]:
    k = design.k
    h = np.zeros((k, k))
    b = np.zeros(k)
    for a, z in _chunks(start, stop):
        x = design.rows(a, z)
        # X' diag(w) X as (sqrt(w) X)'(sqrt(w) X): numpy hands A.T @ A to BLAS syrk, which
        # does half the work of a general product.
        root = np.sqrt(weights[a:z])
        xs = x * root[:, None]
        h += xs.T @ xs
        b += xs.T @ (root * y[a:z])
    return h, b


def point_fit(design: Design, weights: Floats) -> tuple[Fit, tuple[Floats, ...]]:
    """All four regressions, means and mean log wages for one set of weights.

    Returns:
        The fit (no covariance) and the Hessians ``(H_nat, H_mig, H_pooled, H_neumark)``.
    """
    survey, k = design.survey, design.k
    y, split, n = survey.log_wage, survey.n_nationals, survey.n
    layout = Layout(k)
    h_a, b_a = _group_moments(design, weights, y, 0, split)
    h_b, b_b = _group_moments(design, weights, y, split, n)
    h_n, b_n = h_a + h_b, b_a + b_b
    h_p = np.zeros((k + 1, k + 1))
    h_p[:k, :k], h_p[:k, k], h_p[k, :k], h_p[k, k] = h_n, h_b[:, 0], h_b[0, :], h_b[0, 0]
    b_p = np.append(b_n, b_b[0])
    theta = np.empty(layout.size)
    # TRANSLATORS: the sample a regression runs on, inside "the covariates are collinear
    # %(among)s" and "%(levels)s never occurs %(among)s".
    pooled = Text(N_("among the pooled sample"))
    nationals, migrants = Text(N_("among nationals")), Text(N_("among migrants"))
    theta[layout.block("beta_nat")] = _solve(h_a, b_a, design, nationals)
    theta[layout.block("beta_mig")] = _solve(h_b, b_b, design, migrants)
    theta[layout.block("beta_pooled")] = _solve(h_p, b_p, design, pooled)
    theta[layout.block("beta_neumark")] = _solve(h_n, b_n, design, pooled)
    # Row 0 of X'WX is sum(w * x) and entry (0, 0) is sum(w): the weighted means.
    theta[layout.block("xbar_nat")] = h_a[0] / h_a[0, 0]
    theta[layout.block("xbar_mig")] = h_b[0] / h_b[0, 0]
    theta[layout.block("ybar")] = (b_a[0] / h_a[0, 0], b_b[0] / h_b[0, 0])
    return Fit(layout, theta, None), (h_a, h_b, h_p, h_n)


def fit_models(design: Design) -> Fit:
    """Point estimates and their linearization covariance (two passes over the rows)."""
    survey, k = design.survey, design.k
    w, y = survey.weight, survey.log_wage
    fit, (h_a, h_b, h_p, h_n) = point_fit(design, w)
    layout, theta = fit.layout, fit.theta
    beta_p, beta_n = theta[layout.block("beta_pooled")], theta[layout.block("beta_neumark")]
    cov = np.zeros((layout.size, layout.size))
    inv_p, inv_n = np.linalg.inv(h_p), np.linalg.inv(h_n)
    groups = (
        ("nat", 0, survey.n_nationals, h_a, 0.0),
        ("mig", survey.n_nationals, survey.n, h_b, 1.0),
    )
    for name, start, stop, h_g, dummy in groups:
        beta_g, xbar_g = theta[layout.block(f"beta_{name}")], theta[layout.block(f"xbar_{name}")]
        ybar_g, total_w = xbar_g @ beta_g, h_g[0, 0]
        width = 4 * k + 2
        meat = np.zeros((width, width))
        for a, z in _chunks(start, stop):
            x, wc, yc = design.rows(a, z), w[a:z], y[a:z]
            scores = np.empty((z - a, width))
            scores[:, :k] = x * (wc * (yc - x @ beta_g))[:, None]
            scores[:, k : 2 * k] = (x - xbar_g) * wc[:, None]
            e_p = wc * (yc - x @ beta_p[:k] - dummy * beta_p[k])
            scores[:, 2 * k : 3 * k] = x * e_p[:, None]
            scores[:, 3 * k] = dummy * e_p
            scores[:, 3 * k + 1 : 4 * k + 1] = x * (wc * (yc - x @ beta_n))[:, None]
            scores[:, 4 * k + 1] = wc * (yc - ybar_g)
            meat += scores.T @ scores
        # Influence function = bread @ score, per estimate; scatter into theta's order.
        bread = np.zeros((layout.size, width))
        bread[layout.block(f"beta_{name}"), :k] = np.linalg.inv(h_g)
        bread[layout.block(f"xbar_{name}"), k : 2 * k] = np.eye(k) / total_w
        bread[layout.block("beta_pooled"), 2 * k : 3 * k + 1] = inv_p
        bread[layout.block("beta_neumark"), 3 * k + 1 : 4 * k + 1] = inv_n
        bread[layout.block("ybar").start + (1 if name == "mig" else 0), 4 * k + 1] = 1 / total_w
        cov += bread @ meat @ bread.T
    n = survey.n
    return Fit(layout, theta, cov * n / (n - 1))
