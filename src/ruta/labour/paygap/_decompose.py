"""Oaxaca-Blinder decompositions as bilinear functions of the fitted parameters.

Every reported figure (twofold parts for each reference, threefold parts, and each
variable's or level's share of them) is ``sum_j m_j (A theta)_j (B theta)_j`` in the
expanded space of :mod:`._design`, for fixed matrices ``A``, ``B`` and a 0/1 mask ``m``.
That one form gives the value, its exact gradient for the delta method, and cheap
re-evaluation for every bootstrap replication.

Conventions (Jann 2008): group A = nationals, group B = migrants, gap
``R = ybar_A - ybar_B``. Twofold with reference coefficients ``b*``: explained
``(xbar_A - xbar_B)' b*``, unexplained ``xbar_A'(b_A - b*) + xbar_B'(b* - b_B)``.
Threefold from the migrants' viewpoint: endowments ``(xbar_A - xbar_B)' b_B``,
coefficients ``xbar_B'(b_A - b_B)``, interaction ``(xbar_A - xbar_B)'(b_A - b_B)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ruta.labour.paygap._design import Design
from ruta.labour.paygap._moments import Layout

__all__ = ["REFERENCES", "THREEFOLD", "Component", "components"]

Floats = NDArray[np.float64]

#: Twofold reference coefficients: the pooled model with the migrant dummy (Jann 2008,
#: Fortin 2008), the pooled model without it (Neumark 1988), nationals' and migrants'.
REFERENCES: Final = ("pooled", "neumark", "nationals", "migrants")
THREEFOLD: Final = ("endowments", "coefficients", "interaction")


@dataclass(frozen=True)
class Component:
    """One reported figure: its key and its bilinear form."""

    key: tuple[str, ...]
    terms: tuple[tuple[Floats, Floats], ...]
    mask: Floats

    def value(self, theta: Floats) -> float:
        """The figure at ``theta``."""
        return float(sum((self.mask * (a @ theta)) @ (b @ theta) for a, b in self.terms))

    def gradient(self, theta: Floats) -> Floats:
        """Its derivative with respect to ``theta``."""
        out = np.zeros(theta.size)
        for a, b in self.terms:
            out += a.T @ (self.mask * (b @ theta)) + b.T @ (self.mask * (a @ theta))
        return out


def _pick(layout: Layout, block: str, k: int) -> Floats:
    """The matrix that reads the first ``k`` entries of ``block`` out of theta."""
    out = np.zeros((k, layout.size))
    start = layout.block(block).start
    out[np.arange(k), start + np.arange(k)] = 1.0
    return out


def components(design: Design, layout: Layout, normalize: bool = True) -> list[Component]:
    """Every figure of the decomposition, in report order.

    Keys: ``("twofold", ref, part)``, ``("threefold", part)``, then per term
    ``("detailed", ref, term, part)`` and ``("detailed", "threefold", term, part)``, and
    for categorical terms the same with ``term=level`` (``"education=primary"``).
    """
    k = design.k
    t, s = design.normalization(normalize)
    xa, xb = s @ _pick(layout, "xbar_nat", k), s @ _pick(layout, "xbar_mig", k)
    ba, bb = t @ _pick(layout, "beta_nat", k), t @ _pick(layout, "beta_mig", k)
    dx, db = xa - xb, ba - bb
    ref = {
        "pooled": t @ _pick(layout, "beta_pooled", k),
        "neumark": t @ _pick(layout, "beta_neumark", k),
        "nationals": ba,
        "migrants": bb,
    }
    forms: dict[tuple[str, str], tuple[tuple[Floats, Floats], ...]] = {}
    for name in REFERENCES:
        forms[name, "explained"] = ((dx, ref[name]),)
        forms[name, "unexplained"] = ((xa, ba - ref[name]), (xb, ref[name] - bb))
    forms["threefold", "endowments"] = ((dx, bb),)
    forms["threefold", "coefficients"] = ((xb, db),)
    forms["threefold", "interaction"] = ((dx, db),)
    everything = np.ones(design.k_expanded)
    out = [
        Component(("twofold", r, p), forms[r, p], everything)
        for r in REFERENCES
        for p in ("explained", "unexplained")
    ]
    out += [Component(("threefold", p), forms["threefold", p], everything) for p in THREEFOLD]
    groups = (*REFERENCES, "threefold")
    for term in design.terms:
        masks = [(term.name, list(term.expanded))]
        if term.categorical:
            masks += [
                (f"{term.name}={lvl}", [pos])
                for lvl, pos in zip(term.levels, term.expanded, strict=True)
            ]
        for label, positions in masks:
            mask = np.zeros(design.k_expanded)
            mask[positions] = 1.0
            for group in groups:
                parts = THREEFOLD if group == "threefold" else ("explained", "unexplained")
                out += [
                    Component(("detailed", group, label, p), forms[group, p], mask) for p in parts
                ]
    return out
