"""Synthetic labour-force surveys whose true pay-gap decomposition is known exactly.

The population wage equation is shared by both groups except for a migrant penalty,
``log w = x'b + delta * migrant + e``, so every reference (pooled with dummy, nationals,
migrants) has the same population coefficients and the true split is exact:
explained ``(E_nat[x] - E_mig[x])'b``, unexplained ``-delta``. Covariate distributions differ
by group (migrants younger, less often university-educated, more often in elementary
occupations and construction, as in the region's surveys). The sample over-represents
migrants and university graduates, and the expansion weight undoes it, so an unweighted
analysis is biased and a weighted one is not. Columns carry Spanish names, as a Latin
American labour-force survey would (``ingreso_mensual``, ``horas_semana``, ``fex``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

__all__ = ["SurveyTruth", "synthetic_survey"]

EDUCATION: Final = ("primaria", "secundaria", "tecnica", "universitaria")
_EDU_P = {False: (0.20, 0.45, 0.15, 0.20), True: (0.32, 0.43, 0.12, 0.13)}
_EDU_B = (0.0, 0.18, 0.32, 0.62)
_OCC_P = {
    False: (0.04, 0.10, 0.12, 0.10, 0.20, 0.04, 0.12, 0.10, 0.18),
    True: (0.02, 0.05, 0.06, 0.07, 0.27, 0.03, 0.14, 0.08, 0.28),
}
_OCC_B = (0.45, 0.38, 0.22, 0.08, 0.0, -0.10, 0.05, 0.02, -0.12)  # ISCO-08 major groups 1-9
SECTORS: Final = ("A", "C", "F", "G", "I", "P", "Q")
_SEC_P = {
    False: (0.10, 0.14, 0.08, 0.30, 0.10, 0.14, 0.14),
    True: (0.12, 0.12, 0.16, 0.32, 0.16, 0.06, 0.06),
}
_SEC_B = (-0.15, 0.05, 0.04, 0.0, -0.05, 0.10, 0.08)
REGIONS: Final = ("Andina", "Caribe", "Pacifica", "Orinoquia", "Capital")
_REG_P = {False: (0.32, 0.22, 0.14, 0.07, 0.25), True: (0.26, 0.27, 0.08, 0.05, 0.34)}
_REG_B = (0.0, -0.08, -0.10, -0.04, 0.12)
_AGE = {False: (18.0, 65.0), True: (18.0, 55.0)}
_AGE_B = 0.008
_FEMALE_P = 0.45
_FEMALE_B = -0.10
_CONSTANT = 1.6  # log of about 5 currency units an hour


@dataclass(frozen=True)
class SurveyTruth:
    """The population decomposition the synthetic survey was drawn from (log points)."""

    explained: float
    unexplained: float

    @property
    def gap(self) -> float:
        """The population gap in mean log hourly wages, nationals minus migrants."""
        return self.explained + self.unexplained


def _mean_x(migrant: bool) -> float:
    lo, hi = _AGE[migrant]
    return float(
        _AGE_B * (lo + hi) / 2
        + _FEMALE_P * _FEMALE_B
        + np.dot(_EDU_P[migrant], _EDU_B)
        + np.dot(_OCC_P[migrant], _OCC_B)
        + np.dot(_SEC_P[migrant], _SEC_B)
        + np.dot(_REG_P[migrant], _REG_B)
    )


def synthetic_survey(
    n: int,
    seed: int,
    *,
    migrant_penalty: float = 0.10,
    migrant_share: float = 0.2,
    oversample_migrants: float = 3.0,
    oversample_university: float = 2.5,
    messy: bool = False,
) -> tuple[pa.Table, SurveyTruth]:
    """A weighted survey sample of ``n`` wage earners and its population truth.

    Args:
        n: Rows to draw.
        seed: Seed of the random generator.
        migrant_penalty: How much lower migrants' log wage is for equal covariates.
        migrant_share: Migrants' share of wage earners in the population.
        oversample_migrants: Sampling rate of migrants relative to nationals.
        oversample_university: Sampling rate of university graduates relative to others.
        messy: Add what real files have: unreported and zero incomes, a missing weight,
            a missing education, hours not reported.

    Returns:
        The sample (columns ``ingreso_mensual``, ``horas_semana``, ``migrante``, ``fex``,
        ``edad``, ``sexo``, ``educacion``, ``ciuo08``, ``ciiu``, ``region``) and the truth.

    Examples:
        >>> table, truth = synthetic_survey(100, seed=1)
        >>> table.num_rows, round(truth.unexplained, 2)
        (100, 0.1)
    """
    rng = np.random.default_rng(seed)
    # Sample composition: migrants and graduates over-represented by their sampling rates.
    sample_mig = migrant_share * oversample_migrants
    migrant = rng.random(n) < sample_mig / (sample_mig + 1 - migrant_share)
    edu = np.empty(n, dtype=np.intp)
    for group in (False, True):
        rows = np.flatnonzero(migrant == group)
        p = np.asarray(_EDU_P[group]) * (1, 1, 1, oversample_university)
        edu[rows] = rng.choice(4, size=rows.size, p=p / p.sum())
    draws = {}
    for name, probs in (("occ", _OCC_P), ("sec", _SEC_P), ("reg", _REG_P)):
        out = np.empty(n, dtype=np.intp)
        for group in (False, True):
            rows = np.flatnonzero(migrant == group)
            out[rows] = rng.choice(len(probs[group]), size=rows.size, p=probs[group])
        draws[name] = out
    age = np.where(migrant, rng.uniform(*_AGE[True], n), rng.uniform(*_AGE[False], n))
    female = rng.random(n) < _FEMALE_P
    log_wage = (
        _CONSTANT
        + _AGE_B * age
        + _FEMALE_B * female
        + np.take(_EDU_B, edu)
        + np.take(_OCC_B, draws["occ"])
        + np.take(_SEC_B, draws["sec"])
        + np.take(_REG_B, draws["reg"])
        - migrant_penalty * migrant
        + rng.normal(0.0, 0.45, n)
    )
    hours = np.clip(np.round(rng.normal(44, 9, n)), 8, 72)
    income = np.round(np.exp(log_wage) * hours * 52 / 12, 2)
    inclusion = np.where(migrant, oversample_migrants, 1.0) * np.where(
        edu == 3, oversample_university, 1.0
    )
    weight = np.round(1000.0 / inclusion * rng.uniform(0.9, 1.1, n), 3)
    unit = rng.integers(0, 1000, n)
    ciuo = [f"{g + 1}{u:03d}" for g, u in zip(draws["occ"], unit, strict=True)]
    columns: dict[str, object] = {
        "ingreso_mensual": income,
        "horas_semana": hours,
        "migrante": migrant.astype(np.int8),
        "fex": weight,
        "edad": np.floor(age),
        "sexo": np.where(female, "mujer", "hombre"),
        "educacion": np.take(EDUCATION, edu),
        "ciuo08": ciuo,
        "ciiu": np.take(SECTORS, draws["sec"]),
        "region": np.take(REGIONS, draws["reg"]),
    }
    table = pa.table(columns)
    if messy:
        table = _mess(table, rng)
    # edad is whole years, as surveys record it; flooring lowers both groups' mean age by
    # the same half year, so the truth's difference of means is unchanged.
    truth = SurveyTruth(_mean_x(False) - _mean_x(True), migrant_penalty)
    return table, truth


def _mess(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    n = table.num_rows
    income = table.column("ingreso_mensual").to_numpy().copy()
    income[rng.random(n) < 0.01] = 0.0  # unpaid family workers report zero
    unreported = rng.random(n) < 0.03
    hours_missing = rng.random(n) < 0.005
    weight_missing = rng.random(n) < 0.003
    edu_missing = rng.random(n) < 0.004
    return (
        table.set_column(0, "ingreso_mensual", pa.array(income, mask=unreported))
        .set_column(
            1,
            "horas_semana",
            pa.array(table.column("horas_semana").to_numpy(), mask=hours_missing),
        )
        .set_column(
            3,
            "fex",
            pa.array(table.column("fex").to_numpy(), mask=weight_missing),
        )
        .set_column(
            6,
            "educacion",
            pa.array(table.column("educacion").to_pylist(), mask=edu_missing),
        )
    )
