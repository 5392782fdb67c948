"""``GET /api/v1/audit``: the audit log of the case files in your scope (auditors,
supervisors); reading it is itself recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ruta.cases import actions
from ruta.web.deps import ApiUser, SessionDep, SettingsDep
from ruta.web.params import PageNumber

__all__ = ["router"]

router = APIRouter(tags=["audit"])


class AuditEventPublic(BaseModel):
    """One event of the hash chain."""

    id: int
    chain: int
    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    application_id: str | None = Field(
        description="The case the event concerns, whatever entity it names"
    )
    data: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    """A page of events, newest first."""

    items: list[AuditEventPublic]
    page: int
    total: int


@router.get(
    "/audit",
    responses={
        403: {"description": "Auditors and supervisors only"},
        404: {"description": "No case"},
    },
)
def audit_log(
    session: SessionDep,
    user: ApiUser,
    settings: SettingsDep,
    application_id: Annotated[str | None, Query(max_length=36)] = None,
    page: PageNumber = 1,
) -> AuditPage:
    """Every event that concerns a case file in your scope (permits, documents,
    appointments, review pairs and notes included), optionally of one application."""
    events, total = actions.list_audit_events(
        session, user, application_id=application_id, page=page, page_size=settings.page_size
    )
    items = [
        AuditEventPublic(
            id=e.id,
            chain=e.chain,
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            application_id=e.application_id,
            data=e.data,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in events
    ]
    return AuditPage(items=items, page=page, total=total)
