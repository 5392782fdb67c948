"""The bridge to the pathways engine: evaluate, describe the pack, build the checklist.

Kept in one module so that the casework domain depends on a handful of engine calls
(``evaluate``, ``get_pathway``, ``parse_profile``) and nothing else.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ruta.cases.errors import CasesError
from ruta.cases.parameters import permanent_card_months
from ruta.i18n import N_
from ruta.pathways import EvaluationResult, evaluate, get_pathway, parse_profile

__all__ = [
    "Evaluation",
    "add_months",
    "checklist",
    "evaluate_for",
    "host_country",
    "legal_basis",
    "pathway_grants",
]


@dataclass(frozen=True)
class Evaluation:
    """An engine result, typed until it is stored, and the versions that produced it."""

    result: EvaluationResult

    @property
    def engine_version(self) -> str:
        """The engine that produced the result."""
        return self.result.engine_version

    @property
    def packs_version(self) -> str:
        """The rule packs that produced the result."""
        return self.result.packs_version

    def stored(self) -> dict[str, Any]:
        """The result as the case store keeps it (the engine's JSON contract)."""
        return self.result.model_dump(mode="json")


def evaluate_for(
    pathway_id: str, profile: dict[str, Any], as_of: date | None = None
) -> tuple[dict[str, Any], Evaluation]:
    """Validate ``profile`` and evaluate it for one pathway (the profile is parsed once).

    Returns:
        The profile with ``host_country`` filled from the pathway, and the evaluation.

    Raises:
        UnknownPathwayError: ``pathway_id`` is not in any pack (``field="pathway"``).
        ProfileError: the profile is malformed (``field`` names the profile path).

    Examples:
        >>> profile, evaluation = evaluate_for("arg.mercosur-temporary", {})
        >>> profile["host_country"], evaluation.result.results[0].pathway
        ('ARG', 'arg.mercosur-temporary')
        >>> evaluation.stored()["packs_version"] == evaluation.packs_version
        True
    """
    pathway = get_pathway(pathway_id)
    profile = dict(profile)
    profile.setdefault("host_country", pathway.host_country)
    # The engine takes the parsed profile as it is: one validation per submission.
    parsed = parse_profile(profile)
    return profile, Evaluation(evaluate(parsed, as_of=as_of, pathways=[pathway_id]))


def host_country(pathway_id: str) -> str:
    """The ISO alpha-3 country whose pack defines ``pathway_id``."""
    return str(get_pathway(pathway_id).host_country)


def legal_basis(
    pathway_id: str,
    lang: str = "en",
    *,
    findings: Mapping[str, str] | None = None,
    as_of: date | str | None = None,
) -> list[dict[str, Any]]:
    """The pack's conditions with their citations and the engine's finding on each.

    Args:
        findings: Condition id -> ``met``, ``failed`` or ``unknown`` (the engine's
            assessment); a condition it did not reach is ``unknown``.
        as_of: The date the rules were applied for: conditions not in force then are
            left out (all of them are listed without a date).

    Examples:
        >>> basis = legal_basis("col.ppt", findings={"host_country": "met", "venezuelan": "failed"})
        >>> [(b["condition"], b["finding"]) for b in basis][:3]
        [('host_country', 'met'), ('not_host_national', 'unknown'), ('venezuelan', 'failed')]
    """
    pathway = get_pathway(pathway_id)
    found = findings or {}
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return [
        {
            "condition": c.id,
            "citation": str(c.citation),
            "text": c.explain(lang),
            "finding": found.get(c.id, "unknown"),
        }
        for c in pathway.conditions
        if day is None or c.in_force(day)
    ]


def checklist(
    pathway_id: str,
    lang: str = "en",
    profile: dict[str, Any] | None = None,
    as_of: date | None = None,
) -> list[tuple[str, str]]:
    """The documents a pathway asks for, as ``(id, label)`` pairs.

    Without a profile: every document of the pack (what may be uploaded at all). With the
    applicant's profile: the engine's own list for that person on ``as_of``, so that the
    checklist follows the documents' ``when`` rules exactly as the result does (no
    naturalization letter for a national by birth, no document the result never named).
    """
    pathway = get_pathway(pathway_id)
    if profile is None:
        return [(d.id, d.label(lang)) for d in pathway.documents]
    profile = dict(profile)
    profile.setdefault("host_country", pathway.host_country)
    result = evaluate(profile, as_of=as_of, pathways=[pathway_id], lang=lang)
    return [(d.id, d.label) for r in result.results for d in r.documents_to_gather]


def pathway_grants(pathway_id: str, start: date) -> tuple[date, list[str]]:
    """Last day of validity of a permit starting on ``start``, and its rights, from the pack.

    The pack gives a duration in months or a fixed end date (a statute's end); a
    permanent status with neither gets the host country's card validity from
    ``parameters.yaml``.

    Raises:
        CasesError: a temporary status whose pack states neither (``field="pathway"``).
    """
    pathway = get_pathway(pathway_id)
    grants = pathway.grants
    rights = [str(r) for r in grants.rights]
    if grants.duration_months:
        return add_months(start, grants.duration_months) - timedelta(days=1), rights
    if grants.valid_until is not None:
        return grants.valid_until, rights
    if grants.status == "permanent":
        months = permanent_card_months(pathway.host_country)
        return add_months(start, months) - timedelta(days=1), rights
    raise CasesError(
        N_("the pack of %(pathway)s states no permit duration or end date; fix the pack"),
        field="pathway",
        pathway=pathway_id,
    )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end.

    Examples:
        >>> add_months(date(2026, 1, 31), 1)
        datetime.date(2026, 2, 28)
    """
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
