"""Decisions: an officer proposes, a supervisor decides exactly what was proposed.

The four-eyes rule (``ruta.cases.workflow.four_eyes_problem``) is checked here, in the
action every route and command goes through: a denial, or a withdrawal on the office's
initiative, is decided by a supervisor other than its proposer, and a decision that
differs from the proposal is refused (send the case back to review for a new proposal).

A final decision carries the outcome, the reasons, the legal basis (the pack's
conditions with their citations and the engine's finding on each) and, for a denial, the
appeal deadline computed from ``parameters.yaml``. Approval issues the permit in the same
transaction.

A decision against the engine's assessment (``ruta.cases.override``) needs an override
reason, checked here at the proposal and again at the decision, so that no page, API
client or command can approve an ineligible case silently; the decision, its legal basis
and its audit event record the override.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.actions._common import check_reason, move
from ruta.cases.actions.notifications import notify_decision, notify_permit
from ruta.cases.actions.permits import issue_permit
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError, ConflictError, PermissionDeniedError, word
from ruta.cases.override import check_override, decision_legal_basis, engine_assessment
from ruta.cases.parameters import appeal_deadline
from ruta.cases.workflow import PROPOSED_OUTCOMES, four_eyes_problem
from ruta.i18n import N_
from ruta.store.models import Application, Decision, User

__all__ = [
    "check_decide",
    "current_decision",
    "do_decide",
    "do_decision",
    "do_propose_decision",
    "proposed_outcomes",
]

OUTCOMES = PROPOSED_OUTCOMES


def _check_outcome(outcome: str, reasons: list[str]) -> list[str]:
    if outcome not in OUTCOMES:
        raise CasesError(
            N_("%(outcome)s is not an outcome; use one of %(outcomes)s"),
            field="outcome",
            outcome=repr(outcome),
            outcomes=", ".join(OUTCOMES),
        )
    if not reasons:
        raise CasesError(N_("give at least one reason for the decision"), field="reasons")
    return [check_reason(r, f"reasons.{i}") for i, r in enumerate(reasons)]


def current_decision(session: Session, app: Application) -> Decision | None:
    """The latest proposed or final decision of ``app``."""
    query = (
        select(Decision)
        .where(Decision.application_id == app.id, Decision.status != "superseded")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def proposed_outcomes(session: Session, app_ids: list[str]) -> dict[str, str]:
    """Application id -> the outcome proposed and awaiting a supervisor, for a queue page.

    One query for the whole page (no look-up per row); cases without a pending proposal
    are absent.
    """
    if not app_ids:
        return {}
    query = select(Decision.application_id, Decision.outcome).where(
        Decision.application_id.in_(app_ids), Decision.status == "proposed"
    )
    return {app_id: outcome for app_id, outcome in session.execute(query)}


def do_propose_decision(
    session: Session,
    actor: User,
    application_id: str,
    outcome: str,
    reasons: list[str],
    *,
    override_reason: str | None = None,
) -> Decision:
    """Propose an outcome for a case in review (moves it to ``decision_proposed``).

    Args:
        override_reason: Why the outcome goes against the engine's assessment; required
            exactly when it does (see ``ruta.cases.override.check_override``).
    """
    check_role(actor, OFFICERS, N_("propose decisions"))
    texts = _check_outcome(outcome, reasons)
    app = load_application(session, actor, application_id, for_update=True)
    if app.status != "in_review":
        raise ConflictError(
            N_("only a case in_review can get a proposal (it is %(status)s)"),
            status=word(app.status),
        )
    assessment = engine_assessment(app)
    override = check_override(outcome, assessment, override_reason)
    decision = Decision(
        application_id=app.id,
        outcome=outcome,
        reasons=texts,
        legal_basis=decision_legal_basis(app, outcome, assessment, override),
        status="proposed",
        proposed_by=actor.id,
        proposed_at=clock_now(session),
        engine_assessment=assessment,
        override=override is not None,
        override_reason=override,
    )
    session.add(decision)
    move(session, app, "decision_proposed", actor, f"proposed {outcome}: " + "; ".join(texts))
    data = {
        "outcome": outcome,
        "reasons": texts,
        "engine_status": assessment["status"],
        "override": override is not None,
        "override_reason": override,
    }
    append_event(session, actor, "decision.propose", "application", app.id, data)
    finish(session)
    return decision


def check_decide(actor: User, app: Application, proposal: Decision | None, outcome: str) -> None:
    """Refuse a final decision that is not the supervisor's to take.

    Raises:
        PermissionDeniedError: not a supervisor, or the four-eyes rule (the proposer of a
            denial or withdrawal may not decide it).
        ConflictError: the case has no pending proposal, or the decision differs from it.
    """
    check_role(actor, {"supervisor"}, N_("take final decisions"))
    if app.status != "decision_proposed" or proposal is None or proposal.status != "proposed":
        raise ConflictError(
            N_("decide a case with a proposal (this one is %(status)s)"),
            field="status",
            status=word(app.status),
        )
    problem = four_eyes_problem(proposal.outcome, proposal.proposed_by, outcome, actor.id)
    if problem == "differs":
        raise ConflictError(
            N_(
                "the proposal is %(proposed)s; to decide %(outcome)s, send the case back to "
                "review (to in_review, with your reasons) so that a new proposal is made"
            ),
            field="outcome",
            proposed=word(proposal.outcome),
            outcome=word(outcome),
        )
    if problem == "same person":
        raise PermissionDeniedError(
            N_(
                "four eyes: you proposed %(outcome)s; a supervisor other than the proposer "
                "must decide it"
            ),
            field="outcome",
            outcome=word(outcome),
        )


def do_decide(
    session: Session,
    actor: User,
    application_id: str,
    outcome: str,
    reasons: list[str],
    *,
    override_reason: str | None = None,
    keys_dir: Path | None = None,
) -> Decision:
    """Take the final decision on a proposal; approval issues the permit.

    Args:
        override_reason: The supervisor's own reason for deciding against the engine's
            assessment; required exactly when the outcome goes against it.
        keys_dir: Where ``ruta.permits`` finds the signing keys (settings by default).
    """
    texts = _check_outcome(outcome, reasons)
    app = load_application(session, actor, application_id, for_update=True)
    proposal = current_decision(session, app)
    check_decide(actor, app, proposal, outcome)
    assert proposal is not None  # check_decide refused the other case
    # Compared again: the supervisor answers for the final decision, and a proposal made
    # before overrides were checked (or written by other means) must not slip through.
    assessment = engine_assessment(app)
    override = check_override(outcome, assessment, override_reason)
    now = clock_now(session)
    proposal.outcome = outcome
    proposal.reasons = texts
    proposal.legal_basis = decision_legal_basis(app, outcome, assessment, override)
    proposal.engine_assessment = assessment
    proposal.override = override is not None
    proposal.override_reason = override
    proposal.status = "final"
    proposal.decided_by = actor.id
    proposal.decided_at = now
    proposal.appeal_deadline = (
        appeal_deadline(app.host_country, now.date()) if outcome == "denied" else None
    )
    move(session, app, outcome, actor, "; ".join(texts), decision=proposal)
    permit_id = None
    if outcome == "approved":
        permit = issue_permit(session, app, keys_dir=keys_dir, today=now.date())
        permit_id = permit.permit_id if permit is not None else None
    # The applicant hears of the decision, and of the permit, with this transaction.
    notify_decision(session, app, proposal.id, outcome, proposal.appeal_deadline, now)
    if permit_id is not None:
        notify_permit(session, app, permit_id, now)
    data = {
        "outcome": outcome,
        "reasons": texts,
        "permit": permit_id,
        "engine_status": assessment["status"],
        "override": override is not None,
        "override_reason": override,
    }
    append_event(session, actor, "decision.decide", "application", app.id, data)
    finish(session)
    return proposal


def do_decision(
    session: Session,
    actor: User,
    application_id: str,
    outcome: str,
    reasons: list[str],
    *,
    override_reason: str | None = None,
    keys_dir: Path | None = None,
    step: str | None = None,
) -> Decision:
    """The single decision verb: propose when in review, decide when proposed.

    Args:
        step: ``"propose"`` or ``"decide"`` where the caller names the step it means (the
            command line's ``ruta cases propose|decide``: a case in the other state is
            refused, not moved on); ``None`` lets the case's status choose (the API).
    """
    if step is None:
        app = load_application(session, actor, application_id)
        step = "propose" if app.status == "in_review" else "decide"
    if step == "propose":
        return do_propose_decision(
            session, actor, application_id, outcome, reasons, override_reason=override_reason
        )
    return do_decide(
        session,
        actor,
        application_id,
        outcome,
        reasons,
        override_reason=override_reason,
        keys_dir=keys_dir,
    )
