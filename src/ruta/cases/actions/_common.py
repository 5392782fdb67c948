"""Helpers shared by the action modules: moving a case and validating reasons."""

from __future__ import annotations

from sqlalchemy import func, literal, update
from sqlalchemy.orm import Session

from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError
from ruta.i18n import N_
from ruta.store.models import Application, Decision, Transition, User

__all__ = ["CLOSING_STATES", "check_reason", "move"]

#: Steps that close an episode of a case for the statistics: a final approval or denial
#: (an appeal opens the next episode). ``Transition.closed_at`` is the time of one.
CLOSING_STATES = ("approved", "denied")


def check_reason(reason: str, field: str = "reason") -> str:
    """A non-empty reason of at most 2,000 characters, stripped.

    Raises:
        CasesError: naming ``field``.
    """
    text = (reason or "").strip()
    if not text:
        raise CasesError(N_("give a reason: every change in a case file says why"), field=field)
    if len(text) > 2000:
        raise CasesError(
            N_("shorten the reason to 2,000 characters (got %(length)s)"),
            field=field,
            length=str(len(text)),
        )
    return text


def move(
    session: Session,
    app: Application,
    to: str,
    actor: User,
    reason: str,
    *,
    decision: Decision | None = None,
) -> Transition:
    """Record one workflow step (the caller has checked that it is allowed).

    The step before it ends now (``ended_at``); a decision also closes every step of the
    episode it ends, itself included (``closed_at``). Both are written here, in the
    transaction that appends the step, so that the statistics read spells per row.

    Args:
        decision: The final decision the step records (the decision action's step).
    """
    now = clock_now(session)
    steps = update(Transition).where(Transition.application_id == app.id)
    closing = to in CLOSING_STATES
    if closing:
        # The episode's open steps are those no decision has closed yet; the current
        # one among them (no end yet) ends now.
        steps = steps.where(Transition.closed_at.is_(None)).values(
            closed_at=now,
            # Bound with the column's type: UTC on every backend.
            ended_at=func.coalesce(Transition.ended_at, literal(now, Transition.ended_at.type)),
        )
    else:
        steps = steps.where(Transition.ended_at.is_(None)).values(ended_at=now)
    # Pending steps are flushed first (autoflush). Steps already loaded in this session
    # keep their old end until expired: only the statistics read these columns.
    session.execute(steps, execution_options={"synchronize_session": False})
    step = Transition(
        application_id=app.id,
        from_status=app.status,
        to_status=to,
        actor_id=actor.id,
        at=now,
        reason=reason,
        closed_at=now if closing else None,
        decision_id=None if decision is None else decision.id,
    )
    session.add(step)
    app.status = to
    app.updated_at = now
    if to == "submitted" and app.submitted_at is None:
        app.submitted_at = now
    if to in ("approved", "denied"):
        app.decided_at = now
    return step
