"""Backlog forecast and staffing: a queue simulated from each office's own history.

Why a simulation and not a time-series model: the questions are counterfactual ("with
how many caseworkers?"), so the model must say how staff turn into decisions. Each week

    backlog[t + 1] = max(backlog[t] + arrivals[t] - capacity[t], 0)

where arrivals are negative binomial (Poisson when the history shows no over-dispersion)
with the mean and variance of recent weeks, and capacity is negative binomial with mean
``caseworkers x decisions per caseworker-week`` and the history's dispersion of exits.
Thousands of paths give the band (10th to 90th percentile), the week the backlog clears
(falls to ``target``) and, with common random numbers across staffing levels, the fewest
caseworkers that clear it before a date with the asked confidence. A state-space model of
the backlog series (statsmodels) would project the trend but cannot answer the staffing
question; and the few parameters here are estimated by moments, so no library is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ruta.i18n import N_
from ruta.stats._errors import ForecastError
from ruta.stats._history import OfficeHistory

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

# NumPy and SciPy are imported by the functions that compute with them: they take seconds
# to load, and the web service imports this package at start-up for pages that may never
# forecast.

__all__ = ["Forecast", "Model", "ProjectedWeek", "fit_model", "forecast_backlog", "simulate"]
MIN_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Model:
    """The fitted queue of one office (per week)."""

    arrival_mean: float
    arrival_variance: float
    per_caseworker: float
    exit_dispersion: float
    caseworkers: float
    weeks_used: int


@dataclass(frozen=True, slots=True)
class ProjectedWeek:
    """The backlog band at the end of one week (10th, 50th, 90th percentile)."""

    week: date
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """An office's projection and the answers to the two planning questions.

    Attributes:
        clear_probability: Chance the backlog clears within the horizon at current staff.
        clears_p10 / clears_p50 / clears_p90: Week it clears (None: not within horizon at
            that percentile).
        deadline: The date asked about (or None).
        caseworkers_needed: Fewest caseworkers that clear it before ``deadline`` with
            ``confidence`` (None: not even with ``max_caseworkers``).
        deadline_probability: Chance of clearing before ``deadline`` with that many.
    """

    ref_area: str
    office: str
    backlog: int
    start: date
    model: Model
    projection: tuple[ProjectedWeek, ...]
    target: int
    clear_probability: float
    clears_p10: date | None
    clears_p50: date | None
    clears_p90: date | None
    deadline: date | None
    confidence: float
    caseworkers_needed: int | None
    deadline_probability: float | None

    def to_json(self) -> dict[str, object]:
        """The JSON contract of ``ruta stats forecast --format json`` (one office)."""

        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "ref_area": self.ref_area,
            "office": self.office,
            "backlog": self.backlog,
            "start": self.start.isoformat(),
            "model": {
                "arrivals_per_week": round(self.model.arrival_mean, 2),
                "arrivals_variance": round(self.model.arrival_variance, 2),
                "decisions_per_caseworker_week": round(self.model.per_caseworker, 2),
                "exit_dispersion": round(self.model.exit_dispersion, 3),
                "caseworkers": round(self.model.caseworkers, 2),
                "weeks_of_history": self.model.weeks_used,
            },
            "projection": [
                {"week": w.week.isoformat(), "p10": w.p10, "p50": w.p50, "p90": w.p90}
                for w in self.projection
            ],
            "clears_at_current_capacity": {
                "target": self.target,
                "probability_within_horizon": round(self.clear_probability, 3),
                "p10": day(self.clears_p10),
                "p50": day(self.clears_p50),
                "p90": day(self.clears_p90),
            },
            "caseworkers_to_clear_before": None
            if self.deadline is None
            else {
                "date": self.deadline.isoformat(),
                "confidence": self.confidence,
                "caseworkers": self.caseworkers_needed,
                "probability": None
                if self.deadline_probability is None
                else round(self.deadline_probability, 3),
            },
        }


def fit_model(history: OfficeHistory, weeks: int = 12) -> Model:
    """Moments of the last ``weeks`` weeks of an office's history.

    Raises:
        ForecastError: fewer than four of those weeks had decisions and active staff.

    Examples:
        >>> from datetime import datetime
        >>> h = OfficeHistory("COL", "BOG-01", tuple(date(2026, 1, 5) + timedelta(weeks=i)
        ...     for i in range(6)), (40,) * 6, (50,) * 6, (5,) * 6, 300, datetime(2026, 2, 16))
        >>> m = fit_model(h)
        >>> m.arrival_mean, m.per_caseworker, m.caseworkers
        (40.0, 10.0, 5.0)
    """
    import numpy as np

    arrivals = np.asarray(history.arrivals[-weeks:], dtype=np.float64)
    exits = np.asarray(history.exits[-weeks:], dtype=np.float64)
    staff = np.asarray(history.caseworkers[-weeks:], dtype=np.float64)
    worked = (staff > 0) & (exits > 0)
    if worked.sum() < MIN_WEEKS:
        raise ForecastError(
            N_(
                "office %(office)s (%(area)s) has %(weeks)s weeks with decisions in the last "
                "%(last)s; a forecast needs at least %(needed)s"
            ),
            field="office",
            office=history.office,
            area=history.ref_area,
            weeks=int(worked.sum()),
            last=len(exits),
            needed=MIN_WEEKS,
        )
    per_worker = float(exits[worked].sum() / staff[worked].sum())
    mean_exits = float(exits[worked].mean())
    dispersion = float(exits[worked].var(ddof=1) / mean_exits) if worked.sum() > 1 else 1.0
    return Model(
        arrival_mean=float(arrivals.mean()),
        arrival_variance=float(arrivals.var(ddof=1)) if len(arrivals) > 1 else 0.0,
        per_caseworker=per_worker,
        exit_dispersion=max(dispersion, 1.0),
        caseworkers=float(staff[worked].mean()),
        weeks_used=len(exits),
    )


def _draws(mean: float, variance_ratio: float, uniforms: FloatArray) -> FloatArray:
    """Negative binomial (Poisson when not over-dispersed) by inverse transform.

    The same uniforms give more for a larger mean (common random numbers), so staffing
    levels are compared on the same weeks. The CDF is tabulated once and searched.
    """
    import numpy as np
    from scipy import stats

    if mean <= 0:
        return np.zeros_like(uniforms)
    if variance_ratio <= 1.0 + 1e-9:
        law = stats.poisson(mean)
    else:
        size = mean / (variance_ratio - 1.0)
        law = stats.nbinom(size, size / (size + mean))
    top = int(law.ppf(1.0 - 1e-12)) + 1
    cdf = law.cdf(np.arange(top + 1))
    return np.searchsorted(cdf, uniforms, side="left").astype(np.float64)


def simulate(
    model: Model,
    backlog: int,
    caseworkers: float,
    weeks: int,
    arrival_uniforms: FloatArray,
    service_uniforms: FloatArray,
) -> FloatArray:
    """Backlog paths (paths x weeks + 1, column 0 is today) for a staffing level."""
    import numpy as np

    ratio = model.arrival_variance / model.arrival_mean if model.arrival_mean > 0 else 1.0
    arrivals = _draws(model.arrival_mean, ratio, arrival_uniforms[:, :weeks])
    capacity = _draws(
        caseworkers * model.per_caseworker, model.exit_dispersion, service_uniforms[:, :weeks]
    )
    paths = np.empty((len(arrivals), weeks + 1))
    paths[:, 0] = backlog
    for week in range(weeks):
        paths[:, week + 1] = np.maximum(paths[:, week] + arrivals[:, week] - capacity[:, week], 0)
    return paths


def _first_clear(paths: FloatArray, target: int) -> FloatArray:
    import numpy as np

    cleared = paths[:, 1:] <= target
    first = np.where(cleared.any(axis=1), cleared.argmax(axis=1) + 1, np.inf)
    return np.where(paths[:, 0] <= target, 0.0, first)


def forecast_backlog(
    history: OfficeHistory,
    *,
    horizon: int = 52,
    deadline: date | None = None,
    confidence: float = 0.9,
    target: int = 0,
    fit_weeks: int = 12,
    paths: int = 2000,
    max_caseworkers: int = 200,
    seed: int = 0,
) -> Forecast:
    """Project an office's backlog and answer the staffing questions.

    Args:
        history: The office's weekly history (``office_histories``).
        horizon: Weeks to project.
        deadline: Date before which the backlog should clear (for the staffing answer).
        confidence: Probability the staffing answer must reach (0.5 to 0.99).
        target: The backlog counts as cleared at or below this many open cases.
        fit_weeks: Weeks of history the model is fitted on.
        paths: Simulated paths.
        max_caseworkers: Largest staff considered.
        seed: Seed of the simulation (same seed, same answer).

    Raises:
        ForecastError: too little history, a deadline not after today, or a confidence
            outside 0.5 to 0.99.
    """
    import numpy as np

    if not 0.5 <= confidence <= 0.99:
        raise ForecastError(
            N_("%(confidence)s is outside 0.5 to 0.99"),
            field="confidence",
            confidence=str(confidence),
        )
    start = history.as_of.date()
    if deadline is not None and deadline <= start:
        raise ForecastError(
            N_("%(deadline)s is not after today (%(today)s)"),
            field="before",
            deadline=str(deadline),
            today=str(start),
        )
    model = fit_model(history, fit_weeks)
    weeks = horizon
    if deadline is not None:
        weeks = max(horizon, (deadline - start).days // 7 + 1)
    rng = np.random.default_rng(seed)
    arrival_u = rng.random((paths, weeks))
    service_u = rng.random((paths, weeks))
    current = simulate(model, history.backlog, model.caseworkers, weeks, arrival_u, service_u)
    bands = np.percentile(current[:, 1 : horizon + 1], [10, 50, 90], axis=0)
    projection = tuple(
        ProjectedWeek(start + timedelta(weeks=i + 1), *(float(b) for b in bands[:, i]))
        for i in range(horizon)
    )
    first = _first_clear(current[:, : horizon + 1], target)

    def when(q: float) -> date | None:
        value = float(np.quantile(first, q, method="higher"))
        return None if not np.isfinite(value) else start + timedelta(weeks=int(value))

    needed, probability = None, None
    if deadline is not None:
        limit = (deadline - start).days // 7
        needed, probability = _staffing(
            model,
            history.backlog,
            limit,
            target,
            confidence,
            max_caseworkers,
            arrival_u,
            service_u,
        )
    return Forecast(
        history.ref_area,
        history.office,
        history.backlog,
        start,
        model,
        projection,
        target,
        float(np.isfinite(first).mean()),
        when(0.1),
        when(0.5),
        when(0.9),
        deadline,
        confidence,
        needed,
        probability,
    )


def _staffing(
    model: Model,
    backlog: int,
    weeks: int,
    target: int,
    confidence: float,
    most: int,
    arrival_u: FloatArray,
    service_u: FloatArray,
) -> tuple[int | None, float | None]:
    """Fewest caseworkers clearing within ``weeks`` with ``confidence`` (binary search)."""

    def chance(k: int) -> float:
        if weeks <= 0:
            return float(backlog <= target)
        runs = simulate(model, backlog, k, weeks, arrival_u, service_u)
        return float((_first_clear(runs, target) <= weeks).mean())

    if chance(most) < confidence:
        return None, chance(most)
    low, high = 0, most  # chance(high) >= confidence; more staff never clears later
    while high - low > 1:
        middle = (low + high) // 2
        if chance(middle) >= confidence:
            high = middle
        else:
            low = middle
    return high, chance(high)
