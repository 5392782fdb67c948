"""``/api/v1/applications/{id}/notes``: the officers' internal notes on a case file.

Applicants never see notes (the list is empty for them and writing is refused); reading
the notes is a read of the case file and is audited through ``get_application``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from ruta.cases import actions
from ruta.cases.schemas import StrictInput
from ruta.web.deps import ApiUser, SessionDep

__all__ = ["NoteIn", "NotePublic", "router"]

router = APIRouter(prefix="/applications", tags=["notes"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or expired bearer token"},
    404: {"description": "No such application in your scope"},
    422: {"description": "Invalid input (problem+json naming the field)"},
}

ApplicationId = Annotated[str, Path(min_length=1, max_length=36)]


class NoteIn(StrictInput):
    """A note for the case file (officers)."""

    text: str = Field(min_length=1, max_length=2000)


class NotePublic(BaseModel):
    """A note on a case file."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: str
    author_id: int
    at: datetime
    text: str


@router.get("/{application_id}/notes", responses=_PROBLEMS)
def list_notes(
    application_id: ApplicationId, session: SessionDep, user: ApiUser
) -> list[NotePublic]:
    """Notes of a case, oldest first (an audited read; empty for applicants)."""
    actions.get_application(session, user, application_id)  # records the read
    return [NotePublic.model_validate(n) for n in actions.list_notes(session, user, application_id)]


@router.post(
    "/{application_id}/notes",
    status_code=201,
    responses={**_PROBLEMS, 403: {"description": "Officers only"}},
)
def add_note(
    application_id: ApplicationId, body: NoteIn, session: SessionDep, user: ApiUser
) -> NotePublic:
    """Add a note (caseworkers and supervisors; audited)."""
    return NotePublic.model_validate(actions.do_add_note(session, user, application_id, body.text))
