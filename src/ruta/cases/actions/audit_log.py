"""Reading the audit log (auditors and supervisors), itself an audited read."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role, load_application, scope_filter
from ruta.cases.audit import append_event
from ruta.i18n import N_
from ruta.store.models import Application, AuditEvent, User

__all__ = ["list_audit_events"]


def list_audit_events(
    session: Session,
    actor: User,
    *,
    application_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[AuditEvent], int]:
    """Every event that concerns a case file in the actor's scope, newest first, whatever
    entity it names (the application, a permit, a document, a review pair ...).

    Args:
        application_id: Only the events of this case (404 outside scope).

    Returns:
        The page of events and the total matching.
    """
    check_role(actor, {"auditor", "supervisor"}, N_("read the audit log"))
    in_scope = select(Application.id).where(scope_filter(actor))
    if application_id is not None:
        in_scope = select(Application.id).where(
            Application.id == load_application(session, actor, application_id).id
        )
    # Through the event's own link to its case (ruta.cases.audit), not a list of entities.
    cond = AuditEvent.application_id.in_(in_scope)
    total = int(session.scalar(select(func.count()).select_from(AuditEvent).where(cond)) or 0)
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(cond)
            .order_by(AuditEvent.id.desc())
            .offset((max(page, 1) - 1) * page_size)
            .limit(page_size)
        )
    )
    data = {"application": application_id, "page": page, "returned": len(events)}
    append_event(session, actor, "audit.read", "audit", "*", data, case=None)
    finish(session)
    return events, total
