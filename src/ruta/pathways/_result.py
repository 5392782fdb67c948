"""The result contract: what ``evaluate`` returns, as pydantic models (JSON via model_dump)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "DeadlineOut",
    "DocumentOut",
    "EvaluationResult",
    "FeeOut",
    "GrantOut",
    "LawVersion",
    "MissingFact",
    "PathwayResult",
    "Reason",
    "RightOut",
    "TransitionOut",
]

Status = Literal["eligible", "ineligible", "undetermined"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reason(_Out):
    """A condition that decided (or could not yet decide) the status."""

    condition: str
    text: str
    citation: str
    outcome: Literal["met", "not_met", "unknown"]
    confidence: Literal["HIGH", "MEDIUM", "UNCERTAIN"]
    discretionary: bool = False


class MissingFact(_Out):
    """A fact the engine needs, the question that asks it, the documents that prove it."""

    fact: str
    question: str
    proves_with: list[str]


class DocumentOut(_Out):
    """A document to gather, with whether the profile already shows a valid one."""

    id: str
    label: str
    status: Literal["have", "to_gather", "check"]
    note: str | None = None
    citation: str


class FeeOut(_Out):
    """A fee (amount as a decimal string) and whether this person is exempt."""

    id: str
    text: str
    amount: str
    currency: str
    exempt: bool | None = None
    exemption: str | None = None


class RightOut(_Out):
    """A right the pathway grants."""

    code: str
    label: str


class DeadlineOut(_Out):
    """A date to act by."""

    id: str
    date: dt.date
    text: str


class GrantOut(_Out):
    """The status granted and for how long (None: indefinite)."""

    status: str
    label: str
    duration_months: int | None
    valid_until: dt.date | None = None


class TransitionOut(_Out):
    """A later pathway this one leads to."""

    to: str
    text: str


class LawVersion(_Out):
    """Which version of a rule that changes over time was applied on as_of."""

    rule: str
    since: dt.date | None
    until: dt.date | None
    citation: str | None = None


class PathwayResult(_Out):
    """The answer for one pathway."""

    pathway: str
    title: str
    host_country: str
    status: Status
    uncertain: bool
    reasons: list[Reason]
    missing: list[MissingFact]
    documents_to_gather: list[DocumentOut]
    fees: list[FeeOut]
    rights: list[RightOut]
    deadlines: list[DeadlineOut]
    next_steps: list[str]
    grants: GrantOut
    transitions: list[TransitionOut]
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    eligible_on: dt.date | None = None
    failed: list[str]
    law_in_force: list[LawVersion] = []
    #: Which pack answered, its version, and whether it ships with Ruta or is a local pack
    #: (``--packs``, ``RUTA_PACKS``) that may replace a shipped pathway of the same id.
    pack: str = ""
    pack_version: str = ""
    pack_origin: Literal["shipped", "local"] = "shipped"


class EvaluationResult(_Out):
    """Results for every pathway evaluated, stamped with the engine and pack versions."""

    as_of: dt.date
    lang: str
    engine_version: str
    packs_version: str
    results: list[PathwayResult]

    def get(self, pathway_id: str) -> PathwayResult:
        """The result of one pathway."""
        for result in self.results:
            if result.pathway == pathway_id:
                return result
        raise KeyError(pathway_id)
