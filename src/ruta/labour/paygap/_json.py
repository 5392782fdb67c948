"""The analysts' JSON: one object, figures in log points or shares, every one with its SE.

Keys are a contract (``ruta labour paygap --format json``): ``n``, ``dropped``,
``raw_gap.mean_log`` and ``twofold.{pooled,nationals,migrants}.{explained, unexplained,
explained_se, unexplained_se}`` never change meaning. ``*_se`` is the delta-method
standard error; ``*_se_bootstrap`` appears when a bootstrap ran.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ruta.i18n import require_language, translator
from ruta.labour.paygap._analysis import Estimate, Key, PayGap
from ruta.labour.paygap._decompose import REFERENCES, THREEFOLD
from ruta.labour.paygap._design import INTERCEPT

__all__ = ["to_json"]


def _number(value: float | None) -> float | None:
    """JSON has no NaN: a figure that cannot be estimated is null."""
    return None if value is None or not np.isfinite(value) else float(value)


def _put(out: dict[str, Any], name: str, estimate: Estimate) -> None:
    out[name] = _number(estimate.value)
    out[f"{name}_se"] = _number(estimate.se)
    if estimate.se_bootstrap is not None:
        out[f"{name}_se_bootstrap"] = _number(estimate.se_bootstrap)


def _parts(result: PayGap, prefix: Key, parts: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        _put(out, part, result[(*prefix, part)])
    return out


def _detailed(result: PayGap, group: str) -> list[dict[str, Any]]:
    parts = THREEFOLD if group == "threefold" else ("explained", "unexplained")
    rows = []
    for term in result.design.terms:
        row = {"variable": term.name, **_parts(result, ("detailed", group, term.name), parts)}
        if term.categorical:
            row["levels"] = [
                {
                    "level": level,
                    **_parts(result, ("detailed", group, f"{term.name}={level}"), parts),
                }
                for level in term.levels
            ]
        rows.append(row)
    return rows


def _coefficients(result: PayGap) -> dict[str, Any]:
    fit, names = result.fit, result.design.names
    assert fit.cov is not None
    se = np.sqrt(np.diag(fit.cov))
    out: dict[str, Any] = {}
    for label, block in (
        ("nationals", "beta_nat"),
        ("migrants", "beta_mig"),
        ("pooled", "beta_pooled"),
        ("neumark", "beta_neumark"),
    ):
        span = fit.layout.block(block)
        labels = [*names, "migrant"] if block == "beta_pooled" else list(names)
        out[label] = {
            n: {"coef": float(fit.theta[i]), "se": float(se[i])}
            for n, i in zip(labels, range(span.start, span.stop), strict=True)
        }
    return out


def to_json(result: PayGap, lang: str = "en") -> dict[str, Any]:
    """The result as a JSON-ready dict; notes in ``lang``.

    The ``twofold`` references: ``pooled`` is the pooled regression with a migrant dummy
    (Jann 2008; Fortin 2008); ``neumark`` the pooled one without it (Neumark 1988);
    ``nationals`` and ``migrants`` use that group's coefficients.
    """
    language = require_language(lang)
    _ = translator(language, "labour").gettext
    survey, params, fwg = result.survey, result.parameters, result.factor_weighted
    groups = {}
    for label, g in zip(("nationals", "migrants"), result.groups, strict=True):
        groups[label] = {
            "n": g.respondents,
            "weighted": g.weighted,
            "mean_wage": g.mean,
            "median_wage": g.median,
        }
    groups["nationals"]["mean_log_wage"] = float(
        result.fit.theta[result.fit.layout.block("ybar")][0]
    )
    groups["migrants"]["mean_log_wage"] = float(
        result.fit.theta[result.fit.layout.block("ybar")][1]
    )
    factor = _parts(result, ("factor_weighted",), ("mean_pct", "median_pct"))
    factor.update(
        {
            "factors": list(survey.factors),
            "cells": fwg.cells_total,
            "cells_used": fwg.cells_used,
            "coverage": fwg.coverage,
            "min_cell_respondents": params.min_cell_respondents,
            "confidence": params.factor_weighted.confidence,
            "citation": params.factor_weighted.citation,
        }
    )
    out: dict[str, Any] = {
        "n": survey.n,
        "rows_read": survey.rows_read,
        "dropped": dict(survey.dropped),
        "groups": groups,
        "hourly_wage": {
            "derived_from_monthly": survey.hourly_derived,
            "hours_per": survey.columns.hours_per if survey.hourly_derived else None,
            "weeks_per_month": params.weeks_per_month if survey.hourly_derived else None,
        },
        "raw_gap": _parts(
            result, ("raw_gap",), ("mean_log", "mean_pct", "median_log", "median_pct")
        ),
        "factor_weighted": factor,
        "by_group": {
            name: [
                {
                    "level": g.level,
                    "gap": g.gap,
                    "gap_se": g.se,
                    "nationals": g.nationals,
                    "migrants": g.migrants,
                }
                for g in gaps
            ]
            for name, gaps in result.by_group.items()
        },
        "twofold": {
            r: _parts(result, ("twofold", r), ("explained", "unexplained")) for r in REFERENCES
        },
        "threefold": _parts(result, ("threefold",), THREEFOLD),
        "detailed": {
            "normalized": result.normalized,
            "intercept": INTERCEPT,
            **{g: _detailed(result, g) for g in (*REFERENCES, "threefold")},
        },
        "coefficients": _coefficients(result),
        "standard_errors": {
            "delta": _(
                "Delta method: linearization with the survey weights, covariate "
                "means treated as random (Jann 2008)."
            ),
            "bootstrap": None
            if result.bootstrap is None
            else {
                "replications": result.bootstrap.replications,
                "seed": result.bootstrap.seed,
                "failed": result.bootstrap.failed,
            },
        },
        "uncertain": [note for note in (params.factor_weighted.note(language),) if note],
    }
    return out
