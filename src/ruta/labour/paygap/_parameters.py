"""The method parameters (``parameters.yaml``): data with citations, never code literals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MethodParameters", "Provenance", "method_parameters"]

_FILE = Path(__file__).with_name("parameters.yaml")


@dataclass(frozen=True)
class Provenance:
    """Where a method choice comes from and how sure the reference is of it."""

    citation: str
    confidence: str
    uncertain: dict[str, str] | None = None  # language -> note, for UNCERTAIN choices

    def note(self, lang: str) -> str | None:
        """The uncertainty note in ``lang`` (English when that language has none)."""
        if not self.uncertain:
            return None
        return self.uncertain.get(lang, self.uncertain["en"])


@dataclass(frozen=True)
class MethodParameters:
    """Weeks per month for hourly wages; cells of the ILO factor-weighted gap.

    Examples:
        >>> p = method_parameters()
        >>> round(p.weeks_per_month, 3), p.age_bands[:2]
        (4.333, (15, 25))
        >>> p.factor_weighted.confidence
        'UNCERTAIN'
    """

    weeks_per_month: float
    hourly_wage: Provenance
    factors: tuple[str, ...]
    age_bands: tuple[int, ...]
    min_cell_respondents: int
    factor_weighted: Provenance


def _provenance(block: dict[str, Any]) -> Provenance:
    notes = {lang: " ".join(text.split()) for lang, text in block.get("uncertain", {}).items()}
    return Provenance(" ".join(block["citation"].split()), block["confidence"], notes or None)


@cache
def method_parameters() -> MethodParameters:
    """The shipped parameters, read once."""
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    fwg = raw["factor_weighted"]
    return MethodParameters(
        weeks_per_month=float(raw["hourly_wage"]["weeks_per_month"]),
        hourly_wage=_provenance(raw["hourly_wage"]),
        factors=tuple(fwg["factors"]),
        age_bands=tuple(int(a) for a in fwg["age_bands"]),
        min_cell_respondents=int(fwg["min_cell_respondents"]),
        factor_weighted=_provenance(fwg),
    )
