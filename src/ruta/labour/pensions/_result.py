"""The answer of a totalization, as plain data (the ``--format json`` contract and more).

The contract keys are ``agreement``, ``total_days`` and ``states`` (each with ``country``,
``days`` and ``pro_rata``: that state's days over ``total_days``); everything else extends
it: the reasons, a citation and confidence for every step, overlaps, gaps, the
under-12-months rule and, with national parameters, the amounts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ruta.labour.pensions._schema import Confidence

__all__ = [
    "Amounts",
    "Candidate",
    "Gap",
    "NotTotalized",
    "OverlapOut",
    "ParametersInfo",
    "PeriodOut",
    "Reason",
    "StateShare",
    "Step",
    "Totalization",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Reason(_Out):
    """A sentence of the answer with the rule it rests on."""

    text: str
    rule: str | None = None
    citation: str | None = None
    confidence: Confidence = "HIGH"
    note: str | None = None


class Step(Reason):
    """One step of the computation: which agreement, adding up, overlaps, shares ..."""

    step: Literal[
        "agreement",
        "precedence",
        "totalization",
        "overlap",
        "months",
        "pre_agreement",
        "minimum_period",
        "pro_rata",
        "amounts",
        "no_agreement",
    ]


class PeriodOut(_Out):
    """A period as credited: days kept after overlaps were resolved."""

    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    days: int
    scheme: str | None = None
    line: int


class Amounts(_Out):
    """Monthly amounts for one state, when national parameters are given."""

    currency: str
    illustrative: bool
    reference_wage: Decimal | None = None
    years_own: Decimal
    years_total: Decimal
    entitled_alone: bool
    entitled_with_totalization: bool
    independent: Decimal | None = None
    theoretical: Decimal | None = None
    pro_rata_amount: Decimal | None = None
    paid: Decimal | None = None
    basis: Literal["independent", "pro_rata", "none"]
    #: Lines of the periods whose monthly wage the reference wage needs and lacks.
    missing_wage_lines: list[int] = Field(default_factory=list)


class StateShare(_Out):
    """One state's part of the totalized periods."""

    country: str
    name: str
    days: int
    pro_rata: float
    months: int
    extra_days: int
    applies_from: dt.date
    minimum_months: int
    minimum_met: bool
    bound_to_pay: bool
    periods: list[PeriodOut]
    amounts: Amounts | None = None


class NotTotalized(_Out):
    """A state whose periods are not added up, with why (one reason per agreement)."""

    country: str
    name: str
    days: int
    reasons: list[Reason]


class OverlapOut(_Out):
    """Days covered by more than one period, and which state kept them."""

    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    days: int
    countries: list[str]
    lines: list[int]
    kept_by: str
    kept_line: int
    rule: Literal["same_state", "compulsory", "earlier", "order"]


class Gap(_Out):
    """A stretch with no contribution in any state."""

    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    days: int


class Candidate(_Out):
    """An agreement that was considered, and whether it could be used."""

    agreement: str
    title: str
    usable: bool
    chosen: bool
    countries: list[str]
    total_days: int
    reason: Reason | None = None


class ParametersInfo(_Out):
    """Which national parameters the amounts use."""

    illustrative: bool
    title: str


class Totalization(_Out):
    """The whole answer for one worker's periods on one date."""

    agreement: str | None
    agreement_title: str | None
    as_of: dt.date
    lang: str
    total_days: int
    total_months: int
    total_extra_days: int
    states: list[StateShare]
    not_totalized: list[NotTotalized]
    overlaps: list[OverlapOut]
    gaps: list[Gap]
    candidates: list[Candidate]
    steps: list[Step]
    confidence: Confidence
    uncertain: bool
    parameters: ParametersInfo | None = None
    version: str

    def to_json(self) -> dict[str, Any]:
        """The answer as JSON-ready data (dates ISO, money as decimal strings)."""
        return self.model_dump(mode="json", by_alias=True)
