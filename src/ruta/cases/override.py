"""Decisions against the engine's assessment: when an override reason is needed, and what
the legal basis of a decision then says.

An approval of a case the engine assessed ineligible or undetermined, or a denial of one
it assessed eligible, goes against the engine; it needs an explicit override reason, is
recorded as an override, and its legal basis gives each condition's finding (met, failed,
unknown) instead of citing every condition as if it supported the outcome. A withdrawal
ends a case without judging it, so it never goes against the engine.

Which assessment: the one stored at intake (``Application.eligibility``), stamped with the
packs, the engine and the date it applied the rules for. It is the assessment the case
page shows the officers (``ruta.cases.assessment.assess_at_intake``), the profile it
judged does not change after intake, and the proposal and the decision both read it, so
the supervisor confirms exactly the comparison the proposer saw. A re-evaluation with
today's rules (``assess_today``) is offered read-only on the case page: it would judge an
application by rules not in force when it was filed, and could change whether a reason is
needed between the proposal and the decision.

Examples:
    >>> against_engine("approved", "ineligible"), against_engine("approved", "undetermined")
    (True, True)
    >>> against_engine("denied", "eligible"), against_engine("denied", "ineligible")
    (True, False)
    >>> against_engine("withdrawn", "eligible")
    False
"""

from __future__ import annotations

from typing import Any

from ruta.cases.eligibility import legal_basis
from ruta.cases.errors import CasesError, word
from ruta.i18n import N_
from ruta.pathways import get_pathway
from ruta.store.models import Application

__all__ = [
    "OVERRIDE_ENTRY",
    "against_engine",
    "check_override",
    "decision_legal_basis",
    "engine_assessment",
]

#: The ``condition`` of the legal-basis entry that states a decision is an override.
OVERRIDE_ENTRY = "override"

#: The engine's finding on one condition, in the words of a legal basis.
_FINDINGS = {"met": "met", "not_met": "failed", "unknown": "unknown"}

#: The longest override reason, as for every other reason in a case file.
_LONGEST = 2000


def against_engine(outcome: str, engine_status: str) -> bool:
    """Whether deciding ``outcome`` goes against the engine's ``engine_status``."""
    if outcome == "approved":
        return engine_status != "eligible"
    if outcome == "denied":
        return engine_status == "eligible"
    return False


def _stored_result(app: Application) -> dict[str, Any] | None:
    results = (app.eligibility or {}).get("results", [])
    return next((r for r in results if r.get("pathway") == app.pathway_id), None)


def engine_assessment(app: Application) -> dict[str, Any]:
    """The engine's assessment of ``app`` at intake, as a decision records it.

    Returns:
        ``status`` (``eligible``, ``ineligible`` or ``undetermined``; undetermined when the
        stored result has no entry for the case's pathway), ``findings`` (condition of the
        pack -> ``met`` / ``failed`` / ``unknown``, in the engine's order), ``other`` (what
        the engine found outside the pack's conditions, such as a closed application
        window: condition, citation, text and finding), and the ``as_of``,
        ``packs_version`` and ``engine_version`` of the evaluation.
    """
    result = _stored_result(app)
    conditions = {c.id for c in get_pathway(app.pathway_id).conditions}
    findings: dict[str, str] = {}
    other: list[dict[str, str]] = []
    status = "undetermined"
    if result is not None:
        status = str(result.get("status", "undetermined"))
        for reason in result.get("reasons", []):
            condition = str(reason["condition"])
            finding = _FINDINGS.get(str(reason["outcome"]), "unknown")
            if condition in conditions:
                findings[condition] = finding
            else:
                other.append(
                    {
                        "condition": condition,
                        "citation": str(reason.get("citation", "")),
                        "text": str(reason.get("text", "")),
                        "finding": finding,
                    }
                )
    return {
        "status": status,
        "findings": findings,
        "other": other,
        "as_of": (app.eligibility or {}).get("as_of"),
        "packs_version": app.packs_version,
        "engine_version": app.engine_version,
    }


def check_override(
    outcome: str, assessment: dict[str, Any], override_reason: str | None
) -> str | None:
    """The override reason to record, or None for a decision that agrees with the engine.

    A reason given for a decision that agrees with the engine is refused rather than
    dropped: it is text the officer wrote for the record, and an override flag that the
    officer believed set but the file does not show would mislead them.

    Raises:
        CasesError: ``field="override_reason"``: missing (or blank) for a decision against
            the engine, or given for one that agrees with it.
    """
    status = str(assessment["status"])
    given = (override_reason or "").strip()
    if not against_engine(outcome, status):
        if given:
            raise CasesError(
                N_(
                    "the engine assessed this case %(status)s and %(outcome)s agrees with it: "
                    "leave override_reason empty (it is only for a decision against the "
                    "engine's assessment) and give your grounds in the reasons"
                ),
                field="override_reason",
                status=word(status),
                outcome=word(outcome),
            )
        return None
    if not given:
        raise CasesError(
            N_(
                "the engine assessed this case %(status)s; to decide %(outcome)s against that "
                "assessment, give an override reason (override_reason): why the decision "
                "departs from the conditions the engine found failed or could not decide"
            ),
            field="override_reason",
            status=word(status),
            outcome=word(outcome),
        )
    if len(given) > _LONGEST:
        raise CasesError(
            N_("shorten the override reason to 2,000 characters (got %(length)s)"),
            field="override_reason",
            length=str(len(given)),
        )
    return given


def decision_legal_basis(
    app: Application, outcome: str, assessment: dict[str, Any], override_reason: str | None
) -> list[dict[str, Any]]:
    """The legal basis of a decision: each condition with its citation and the engine's
    finding, led by an explicit override entry when the decision goes against the engine.

    Conditions come from the pack (those in force on the assessment's date); a finding the
    engine stated outside the pack's conditions (the pathway's window, the host country)
    is listed too. An override's entry cites the pathway's legal instrument and says that
    the failed and unknown conditions are not grounds for the outcome.
    """
    findings: dict[str, str] = dict(assessment.get("findings", {}))
    entries = [
        *assessment.get("other", []),
        *legal_basis(app.pathway_id, findings=findings, as_of=assessment.get("as_of")),
    ]
    if override_reason is None:
        return entries
    failed = [e["condition"] for e in entries if e["finding"] == "failed"]
    unknown = [e["condition"] for e in entries if e["finding"] == "unknown"]
    pathway = get_pathway(app.pathway_id)
    text = (
        f"Override: {outcome} against the engine's assessment "
        f"({assessment['status']}; failed: {', '.join(failed) or 'none'}; unknown: "
        f"{', '.join(unknown) or 'none'}). The failed and unknown conditions below are not "
        f"grounds for this decision. Override reason: {override_reason}"
    )
    return [
        {
            "condition": OVERRIDE_ENTRY,
            "citation": str(pathway.instrument),
            "text": text,
            "finding": "override",
        },
        *entries,
    ]
