"""Helpers shared by the action modules: moving a case and validating reasons."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError
from ruta.store.models import Application, Transition, User

__all__ = ["check_reason", "move"]


def check_reason(reason: str, field: str = "reason") -> str:
    """A non-empty reason of at most 2,000 characters, stripped.

    Raises:
        CasesError: naming ``field``.
    """
    text = (reason or "").strip()
    if not text:
        raise CasesError("give a reason: every change in a case file says why", field=field)
    if len(text) > 2000:
        raise CasesError(f"shorten the reason to 2,000 characters (got {len(text)})", field=field)
    return text


def move(session: Session, app: Application, to: str, actor: User, reason: str) -> Transition:
    """Record one workflow step (the caller has checked that it is allowed)."""
    now = clock_now(session)
    step = Transition(
        application_id=app.id,
        from_status=app.status,
        to_status=to,
        actor_id=actor.id,
        at=now,
        reason=reason,
    )
    session.add(step)
    app.status = to
    app.updated_at = now
    if to == "submitted" and app.submitted_at is None:
        app.submitted_at = now
    if to in ("approved", "denied"):
        app.decided_at = now
    return step
