"""Notes on a case file, and the supervisor's backlog figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application, scope_filter
from ruta.cases.actions._common import check_reason
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.i18n import N_
from ruta.store.models import Application, Note, Transition, User

__all__ = ["backlog", "do_add_note", "history", "list_notes", "notes_of", "steps_of"]


def do_add_note(session: Session, actor: User, application_id: str, text: str) -> Note:
    """Add a caseworker's note (officers)."""
    check_role(actor, OFFICERS, N_("write notes"))
    body = check_reason(text, field="text")
    app = load_application(session, actor, application_id)
    note = Note(application_id=app.id, author_id=actor.id, text=body, at=clock_now(session))
    session.add(note)
    session.flush()
    append_event(session, actor, "note.add", "application", app.id, {"note": note.id})
    finish(session)
    return note


def list_notes(session: Session, actor: User, application_id: str) -> list[Note]:
    """Notes of a case in scope, oldest first (applicants see none)."""
    return notes_of(session, actor, load_application(session, actor, application_id))


def notes_of(session: Session, actor: User, app: Application) -> list[Note]:
    """Notes of ``app``, already loaded in ``actor``'s scope (applicants see none)."""
    if actor.role == "applicant":
        return []
    query = select(Note).where(Note.application_id == app.id).order_by(Note.id)
    return list(session.scalars(query))


def history(session: Session, actor: User, application_id: str) -> list[Transition]:
    """Every workflow step of a case in scope, oldest first."""
    return steps_of(session, load_application(session, actor, application_id))


def steps_of(session: Session, app: Application) -> list[Transition]:
    """Every workflow step of ``app`` (already loaded in scope), oldest first."""
    query = select(Transition).where(Transition.application_id == app.id).order_by(Transition.id)
    return list(session.scalars(query))


def backlog(session: Session, actor: User, days: int = 14) -> dict[str, object]:
    """Counts by status and decisions per day over the last ``days`` (dashboard)."""
    check_role(actor, OFFICERS | {"auditor"}, N_("see the backlog"))
    scope = scope_filter(actor)
    by_status = dict(
        session.execute(
            select(Application.status, func.count()).where(scope).group_by(Application.status)
        ).all()
    )
    since = clock_now(session) - timedelta(days=days)
    decided = session.scalars(
        select(Application.decided_at).where(scope, Application.decided_at >= since)
    ).all()
    per_day: dict[str, int] = {}
    for at in decided:
        if at is not None:
            key = at.date().isoformat()
            per_day[key] = per_day.get(key, 0) + 1
    return {"by_status": {str(k): int(v) for k, v in by_status.items()}, "decided_per_day": per_day}
