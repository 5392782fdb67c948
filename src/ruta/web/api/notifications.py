"""``/api/v1/me/notifications`` and ``/api/v1/notifications``: messages to applicants.

An applicant (a phone app, an NGO's tool) reads and sets how the office contacts them, as on
``/account/notifications``; a supervisor lists the country's undelivered messages and sends
one again, as on ``/casework/notifications`` (audited). Errors are problem+json naming the
field (422), the role (403) or the message (404, 409).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from ruta.cases import actions
from ruta.cases.schemas import LanguageTag, StrictInput
from ruta.web.deps import ApiUser, SessionDep

__all__ = ["PreferencesIn", "PreferencesPublic", "UndeliveredPublic", "router"]

router = APIRouter(tags=["notifications"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or expired bearer token"},
    403: {"description": "Not allowed for this role"},
    422: {"description": "Invalid input (problem+json naming the field)"},
}


class PreferencesIn(StrictInput):
    """How the applicant wants to hear from the office, or ``opted_out``."""

    channel: Literal["email", "sms", "whatsapp"] = "email"
    opted_out: bool = False
    language: LanguageTag | None = None
    email: str | None = Field(None, max_length=200, description="Else the application's.")
    phone: str | None = Field(
        None, max_length=40, description="With the country code, e.g. +57 300 123 4567."
    )


class PreferencesPublic(BaseModel):
    """The applicant's stored choices (the defaults when none are stored)."""

    model_config = ConfigDict(from_attributes=True)

    channel: str
    opted_out: bool
    language: str | None
    email: str | None
    phone: str | None


class UndeliveredPublic(BaseModel):
    """A message that was refused for good (``dead``) or may not have gone out (``unknown``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: str
    kind: str
    channel: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime


@router.get("/me/notifications", responses=_PROBLEMS)
def get_preferences(session: SessionDep, user: ApiUser) -> PreferencesPublic:
    """The signed-in applicant's notification choices."""
    return PreferencesPublic.model_validate(actions.get_notification_preferences(session, user))


@router.put("/me/notifications", responses=_PROBLEMS)
def put_preferences(body: PreferencesIn, session: SessionDep, user: ApiUser) -> PreferencesPublic:
    """Set the channel, language and addresses, or opt out (audited)."""
    stored = actions.do_set_notification_preferences(
        session,
        user,
        channel=body.channel,
        opted_out=body.opted_out,
        language=body.language,
        email=body.email,
        phone=body.phone,
    )
    return PreferencesPublic.model_validate(stored)


@router.get("/notifications/undelivered", responses=_PROBLEMS)
def undelivered(session: SessionDep, user: ApiUser) -> list[UndeliveredPublic]:
    """The supervisor's country's dead letters and e-mails of unknown fate, newest first."""
    return [UndeliveredPublic.model_validate(m) for m in actions.list_undelivered(session, user)]


@router.post(
    "/notifications/{message_id}/retry",
    responses={
        **_PROBLEMS,
        404: {"description": "No such message in your country"},
        409: {"description": "The message is queued or sent"},
    },
)
def retry(
    message_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, user: ApiUser
) -> UndeliveredPublic:
    """Queue a dead or unknown message again (supervisors; audited)."""
    return UndeliveredPublic.model_validate(actions.do_retry_message(session, user, message_id))
