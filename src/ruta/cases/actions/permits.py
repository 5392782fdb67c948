"""Permits: issuance on approval through ``ruta.permits``, reading, status changes.

The signing itself belongs to ``ruta.permits.issue_for_application`` (agreed hook); this
module allocates the status-list index, stores the permit row and audits. When the
permits pillar is not installed the approval still succeeds, without a permit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role, load_application
from ruta.cases.actions._common import check_reason
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.eligibility import pathway_grants
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, word
from ruta.i18n import N_
from ruta.store.models import Application, PermitCounter, PermitRecord, User

__all__ = ["do_set_permit_status", "get_permit", "issue_permit"]

PERMIT_STATUSES = ("valid", "suspended", "revoked")


def _development_keys() -> bool:
    # The permits package decides nothing from the environment (issue 14): whether a
    # country without a key may get a development key is the settings' call, made here.
    from ruta.settings import get_settings

    return get_settings().env != "production"


def _default_keys_dir() -> Path:
    from ruta.settings import get_settings

    return get_settings().resolved_keys_dir


def _public_url() -> str | None:
    from ruta.settings import get_settings

    return get_settings().public_url or None


def _next_index(session: Session, country: str) -> int:
    # Why FOR UPDATE: two approvals in one country must never share a status-list slot.
    query = select(PermitCounter).where(PermitCounter.country == country).with_for_update()
    counter = session.scalar(query)
    if counter is None:
        counter = PermitCounter(country=country, next_index=0)
        session.add(counter)
        session.flush()
    index = counter.next_index
    counter.next_index = index + 1
    return index


def issue_permit(
    session: Session, app: Application, *, keys_dir: Path | None, today: date
) -> PermitRecord | None:
    """Issue and store the permit of an approved application (inside the approval).

    Returns:
        The stored permit.
    """
    # A plain import (lazily, for start-up): an approval must never go through without
    # its permit because the permits package failed to import.
    from ruta.permits import issue_for_application

    keys_dir = keys_dir or _default_keys_dir()
    valid_until, rights = pathway_grants(app.pathway_id, today)
    a = app.applicant
    holder = {
        "given_names": a.given_names,
        "surname_1": a.surname_1,
        "surname_2": a.surname_2 or "",
        # ISO at its precision: a permit never states a birthday nobody knows.
        "date_of_birth": a.date_of_birth,
        "nationality": a.nationality,
        "sex": a.sex,
    }
    index = _next_index(session, app.host_country)
    issued = issue_for_application(
        application_id=app.id,
        pathway_id=app.pathway_id,
        host_country=app.host_country,
        holder=holder,
        valid_from=today,
        valid_until=valid_until,
        rights=rights,
        status_index=index,
        keys_dir=Path(keys_dir),
        public_url=_public_url(),
        development_keys=_development_keys(),
    )
    permit = PermitRecord(
        permit_id=issued.permit_id,
        application_id=app.id,
        country=app.host_country,
        payload=issued.payload,
        kid=issued.kid,
        valid_from=issued.valid_from,
        valid_until=issued.valid_until,
        status_index=index,
        status="valid",
        issued_at=clock_now(session),
    )
    session.add(permit)
    return permit


def get_permit(session: Session, actor: User, application_id: str) -> PermitRecord:
    """The current permit of an application in scope (audited as a read).

    Raises:
        NotFoundError: no application in scope, or it has no permit.
    """
    app = load_application(session, actor, application_id)
    query = (
        select(PermitRecord)
        .where(PermitRecord.application_id == app.id)
        .order_by(PermitRecord.issued_at.desc())
        .limit(1)
    )
    permit = session.scalar(query)
    if permit is None:
        raise NotFoundError(
            N_("application %(id)s has no permit (it is %(status)s)"),
            field="id",
            id=app.id,
            status=word(app.status),
        )
    append_event(
        session, actor, "permit.read", "permit", permit.permit_id, case=permit.application_id
    )
    finish(session)
    return permit


def do_set_permit_status(
    session: Session,
    actor: User,
    permit_id: str,
    status: str,
    reason: str,
    *,
    keys_dir: Path | None = None,
) -> PermitRecord:
    """Suspend, revoke or reinstate a permit (supervisors); revocation is final.

    The country's signed status list (``ruta.permits``) changes in the same call, so
    verifiers see the new status at their next list refresh.
    """
    check_role(actor, {"supervisor"}, N_("change permit status"))
    text = check_reason(reason)
    if status not in PERMIT_STATUSES:
        raise CasesError(
            N_("%(status)s is not a permit status; use valid, suspended, revoked"),
            status=repr(status),
        )
    permit = session.get(PermitRecord, permit_id, with_for_update=True)
    if permit is None or permit.country != actor.country:
        raise NotFoundError(
            N_("no permit %(permit)s in your scope"), field="permit_id", permit=repr(permit_id)
        )
    if permit.status == "revoked":
        raise ConflictError(N_("a revoked permit stays revoked; issue a new one"), field="status")
    previous, permit.status = permit.status, status
    # Plain imports: the signed status list must change with the row, or the call fails.
    from ruta.permits import reinstate_permit, revoke_permit, suspend_permit

    change = {"revoked": revoke_permit, "suspended": suspend_permit, "valid": reinstate_permit}
    change[status](
        keys_dir=Path(keys_dir or _default_keys_dir()),
        country=permit.country,
        status_index=permit.status_index,
    )
    data = {"from": previous, "to": status, "reason": text, "index": permit.status_index}
    append_event(
        session,
        actor,
        "permit.status",
        "permit",
        permit.permit_id,
        data,
        case=permit.application_id,
    )
    finish(session)
    return permit
