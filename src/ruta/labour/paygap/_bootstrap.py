"""Bootstrap standard errors: every figure re-estimated on resampled survey rows.

A replication draws ``n`` rows with replacement (as ``statsmodels`` and Stata's
``bootstrap`` do) and turns the draw into frequency weights (survey weight times the number
of times the row was drawn), so no data are copied. A replication where a group or a level
vanishes, which makes a regression singular, is not used and is counted in ``failed``.
The generator is NumPy's PCG64 seeded by the user: the same seed gives the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ruta.i18n import N_
from ruta.labour.paygap._errors import PayGapError

__all__ = ["BootstrapResult", "bootstrap"]

Floats = NDArray[np.float64]
Figures = Callable[[Floats], dict[tuple[str, ...], float]]


@dataclass(frozen=True)
class BootstrapResult:
    """Replication standard errors per figure."""

    replications: int
    seed: int
    failed: int
    se: dict[tuple[str, ...], float]


def bootstrap(
    figures: Figures,
    weights: Floats,
    replications: int,
    seed: int,
    on_replication: Callable[[], None] | None = None,
) -> BootstrapResult:
    """Standard deviation of every figure over ``replications`` resamples.

    Args:
        figures: Computes every figure from a weight vector.
        weights: The survey weights.
        replications: Number of resamples (at least 2).
        seed: Seed of the random generator.
        on_replication: Called after each replication (a progress bar's ``advance``).

    Examples:
        >>> w = np.ones(50)
        >>> x = np.arange(50.0)
        >>> r = bootstrap(lambda v: {("mean",): float(v @ x / v.sum())}, w, 200, seed=1)
        >>> 1.5 < r.se[("mean",)] < 2.6  # sd(x) / sqrt(50) = 2.04
        True
    """
    if replications < 2:
        raise PayGapError(
            N_(
                "got %(replications)s; expected at least 2 replications "
                "(199 or more for a standard error)"
            ),
            field="bootstrap",
            replications=str(replications),
        )
    rng = np.random.default_rng(seed)
    n = weights.size
    draws: dict[tuple[str, ...], list[float]] = {}
    failed = 0
    for _ in range(replications):
        counts = np.bincount(rng.integers(0, n, size=n), minlength=n)
        try:
            with np.errstate(all="ignore"):
                values = figures(weights * counts)
        except (PayGapError, np.linalg.LinAlgError):
            values = {}
        if not values or not all(np.isfinite(v) for v in values.values()):
            failed += 1
        else:
            for key, value in values.items():
                draws.setdefault(key, []).append(value)
        if on_replication is not None:
            on_replication()
    se = {
        key: float(np.std(np.asarray(v), ddof=1)) if len(v) > 1 else float("nan")
        for key, v in draws.items()
    }
    return BootstrapResult(replications, seed, failed, se)
