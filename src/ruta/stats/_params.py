"""The statistics parameters (``parameters.yaml``): disclosure rules, SLA, bands.

Examples:
    >>> sla_rule("PER").days, sla_rule("PER").source.confidence
    (30, 'MEDIUM')
    >>> sla_rule("ZZZ").source.confidence
    'UNCERTAIN'
    >>> [b.code for b in age_bands()][:2]
    ['Y_LT18', 'Y18T29']
    >>> disclosure_rules().threshold, disclosure_rules().dominance
    (5, 'nk')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = [
    "Band",
    "Cited",
    "DisclosureRules",
    "SlaRule",
    "age_bands",
    "disclosure_rules",
    "expiring_days",
    "sla_rule",
    "waiting_bands",
]


@dataclass(frozen=True, slots=True)
class Cited:
    """A parameter's source and confidence marker (HIGH, MEDIUM or UNCERTAIN)."""

    name: str
    citation: str
    confidence: str

    @property
    def uncertain(self) -> bool:
        """Whether users must be told that the value is not verified."""
        return self.confidence == "UNCERTAIN"


@dataclass(frozen=True, slots=True)
class SlaRule:
    """The longest time to a decision before it counts as an SLA breach."""

    days: int
    counting: str
    source: Cited


@dataclass(frozen=True, slots=True)
class Band:
    """A band of a code list: ``low`` to ``high`` inclusive (``high`` None: no upper end)."""

    code: str
    low: int
    high: int | None


@dataclass(frozen=True, slots=True)
class DisclosureRules:
    """The default disclosure-control rules and what the parameters allow."""

    threshold: int
    thresholds: tuple[int, ...]
    dominance: str
    n: int
    k: float
    p: float
    rounding_bases: tuple[int, ...]
    sources: tuple[Cited, ...]


@cache
def _table() -> dict[str, Any]:
    text = files("ruta.stats").joinpath("parameters.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _cited(name: str, raw: dict[str, Any]) -> Cited:
    return Cited(name, " ".join(str(raw["citation"]).split()), str(raw["confidence"]))


def sla_rule(country: str) -> SlaRule:
    """The SLA of ``country`` (ISO alpha-3), or the documented default."""
    table = _table()["sla"]
    key = country if country in table else "default"
    raw = table[key]
    return SlaRule(int(raw["days"]), str(raw["counting"]), _cited(f"sla.{key}", raw))


def _bands(key: str) -> tuple[Band, ...]:
    rows = _table()[key]
    return tuple(
        Band(str(r["code"]), int(r["from"]), None if r["to"] is None else int(r["to"]))
        for r in rows
    )


def age_bands() -> tuple[Band, ...]:
    """Bands of the AGE code list (completed years)."""
    return _bands("age_bands")


def waiting_bands() -> tuple[Band, ...]:
    """Bands of the WAITING_TIME code list (days since submission)."""
    return _bands("waiting_bands")


def expiring_days() -> tuple[int, Cited]:
    """How many days ahead a permit counts as expiring, with the definition's source."""
    raw = _table()["expiring"]
    return int(raw["days"]), _cited("expiring", raw)


def disclosure_rules() -> DisclosureRules:
    """The disclosure-control defaults and limits."""
    raw = _table()["disclosure"]
    threshold, dominance, rounding = raw["threshold"], raw["dominance"], raw["rounding"]
    return DisclosureRules(
        threshold=int(threshold["default"]),
        thresholds=tuple(int(t) for t in threshold["allowed"]),
        dominance=str(dominance["rule"]),
        n=int(dominance["n"]),
        k=float(dominance["k"]),
        p=float(dominance["p"]),
        rounding_bases=tuple(int(b) for b in rounding["bases"]),
        sources=(
            _cited("disclosure.threshold", threshold),
            _cited("disclosure.dominance", dominance),
            _cited("disclosure.rounding", rounding),
        ),
    )
