"""The design matrix of the wage equation, built a chunk of rows at a time.

Columns: the intercept, the numeric covariates, then one dummy per non-base level of each
categorical covariate. The full matrix of a million-row survey is never held in memory:
estimators ask for row slices, so memory stays flat in the number of rows.

The *expanded* space adds the base level of every categorical variable back. Yun's (2005)
normalization maps coefficients there as deviations from each variable's mean level effect
(``T``), and covariate means get the base level's share (``S``), so that detailed
contributions do not depend on which level was left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ruta.i18n import N_
from ruta.labour.paygap._errors import PayGapError
from ruta.labour.paygap._survey import Survey

__all__ = ["INTERCEPT", "Design", "Term"]

INTERCEPT = "(intercept)"
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Term:
    """One covariate of the wage equation and where it sits in both spaces."""

    name: str
    levels: tuple[str, ...]  # expanded-space labels: the base level first for categoricals
    columns: tuple[int, ...]  # design columns (non-base levels only)
    expanded: tuple[int, ...]  # expanded-space positions, one per level
    categorical: bool


@dataclass(frozen=True)
class Design:
    """How design rows are made from a survey, and the normalization maps."""

    survey: Survey
    terms: tuple[Term, ...]
    names: tuple[str, ...]
    _codes: tuple[tuple[int, NDArray[np.int32], NDArray[np.int32]], ...]
    _cache: dict[tuple[int, int], Floats] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, survey: Survey, base_levels: Mapping[str, str] | None = None) -> Design:
        """The design of ``survey``; ``base_levels`` chooses omitted levels (first sorted
        level otherwise)."""
        base_levels = base_levels or {}
        terms = [Term(INTERCEPT, (INTERCEPT,), (0,), (0,), False)]
        names = [INTERCEPT]
        codes = []
        expanded = 1
        for name in survey.columns.covariates:
            if name in survey.numeric:
                terms.append(Term(name, (name,), (len(names),), (expanded,), False))
                names.append(name)
                expanded += 1
                continue
            cat = survey.categorical[name]
            base = base_levels.get(name, cat.levels[0])
            if base not in cat.levels:
                raise PayGapError(
                    N_("level %(level)s does not occur in %(column)s; its levels are %(levels)s"),
                    field=f"base_levels.{name}",
                    level=repr(base),
                    column=repr(name),
                    levels=", ".join(cat.levels),
                )
            b = cat.levels.index(base)
            others = [i for i in range(len(cat.levels)) if i != b]
            # Map each code to its dummy column, the base code to -1 (no dummy).
            column_of = np.full(len(cat.levels), -1, dtype=np.int32)
            column_of[others] = np.arange(len(names), len(names) + len(others), dtype=np.int32)
            codes.append((len(names), cat.codes, column_of))
            terms.append(
                Term(
                    name,
                    (base, *(cat.levels[i] for i in others)),
                    tuple(range(len(names), len(names) + len(others))),
                    tuple(range(expanded, expanded + len(cat.levels))),
                    True,
                )
            )
            names += [f"{name}={cat.levels[i]}" for i in others]
            expanded += len(cat.levels)
        return cls(survey, tuple(terms), tuple(names), tuple(codes))

    @property
    def k(self) -> int:
        """Number of design columns (with the intercept)."""
        return len(self.names)

    @property
    def k_expanded(self) -> int:
        """Number of expanded-space positions (every level of every variable)."""
        return self.terms[-1].expanded[-1] + 1

    def cached(self, limit_bytes: int) -> Design:
        """This design keeping the rows it builds, when they fit in ``limit_bytes``: the
        bootstrap asks for the same chunks once per replication."""
        if self.survey.n * self.k * 8 > limit_bytes:
            return self
        return replace(self, _cache={})

    def rows(self, start: int, stop: int) -> Floats:
        """Design rows ``start:stop`` as a dense float64 array (do not modify it)."""
        if self._cache is not None:
            kept = self._cache.get((start, stop))
            if kept is None:
                kept = self._cache[start, stop] = self._build(start, stop)
            return kept
        return self._build(start, stop)

    def _build(self, start: int, stop: int) -> Floats:
        m = stop - start
        out = np.zeros((m, self.k))
        out[:, 0] = 1.0
        for term in self.terms[1:]:
            if not term.categorical:
                out[:, term.columns[0]] = self.survey.numeric[term.name][start:stop]
        for _first, codes, column_of in self._codes:
            cols = column_of[codes[start:stop]]
            hit = cols >= 0
            out[np.flatnonzero(hit), cols[hit]] = 1.0
        return out

    def normalization(self, normalize: bool) -> tuple[Floats, Floats]:
        """``(T, S)``: expanded coefficients ``T @ beta`` and expanded means ``S @ xbar``.

        Without normalization the base levels get a zero coefficient (the omitted-category
        convention); with it, every level's effect is a deviation from the variable's mean
        effect and the intercept absorbs the means (Yun 2005; Gardeazabal and Ugidos 2004).
        """
        t = np.zeros((self.k_expanded, self.k))
        s = np.zeros((self.k_expanded, self.k))
        for term in self.terms:
            if not term.categorical:
                t[term.expanded[0], term.columns[0]] = 1.0
                s[term.expanded[0], term.columns[0]] = 1.0
                continue
            base, levels = term.expanded[0], term.expanded[1:]
            s[base, 0] = 1.0  # share of the base level: 1 - sum of the others
            s[base, list(term.columns)] = -1.0
            s[list(levels), list(term.columns)] = 1.0
            t[list(levels), list(term.columns)] = 1.0
            if normalize:
                share = 1.0 / len(term.expanded)
                t[list(term.expanded), :] -= share * t[list(levels), :].sum(axis=0)
                t[0, list(term.columns)] += share
        return t, s
