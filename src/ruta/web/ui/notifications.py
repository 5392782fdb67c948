"""Notification pages: the applicant's choices, and the supervisor's undelivered messages.

``/account/notifications`` lets an applicant choose e-mail, SMS or WhatsApp, the language
of the messages and their addresses, or opt out (``do_set_notification_preferences``).
``/casework/notifications`` lists the supervisor's country's dead letters and e-mails of
unknown fate, with the error, and a "Send again" button (``do_retry_message``, audited).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases.actions import (
    do_retry_message,
    do_set_notification_preferences,
    get_notification_preferences,
    list_undelivered,
)
from ruta.cases.errors import NotFoundError
from ruta.errors import RutaError
from ruta.i18n import LANGUAGES
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep
from ruta.web.i18n import render, request_language
from ruta.web.params import RecordId
from ruta.web.ui._forms import ErrorList, csrf_context, gettext_for, not_found_page
from ruta.web.ui._post import FormPost, see_other

__all__ = ["router"]

router = APIRouter(tags=["pages: notifications"])


def _preferences_page(
    request: Request,
    user: User,
    values: dict[str, Any],
    errors: ErrorList,
    *,
    saved: bool = False,
) -> Response:
    _ = gettext_for(request)
    context = {
        **csrf_context(request, user),
        "values": values,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
        "saved": saved,
        "channels": [
            ("email", _("E-mail")),
            ("sms", _("SMS (text message)")),
            ("whatsapp", _("WhatsApp")),
        ],
        "languages": list(LANGUAGES.items()),
    }
    return render(
        request, "account/notifications.html", context, status_code=422 if errors else 200
    )


@router.get("/account/notifications", name="account_notifications")
def preferences(request: Request, user: PageUser, session: SessionDep) -> Response:
    """How the office contacts the applicant, or that it does not."""
    if user.role != "applicant":
        return not_found_page(request, user)
    stored = get_notification_preferences(session, user)
    values = {
        "channel": stored.channel,
        "opted_out": stored.opted_out,
        "language": stored.language or request_language(request),
        "email": stored.email or "",
        "phone": stored.phone or "",
    }
    saved = request.query_params.get("saved") == "1"
    return _preferences_page(request, user, values, [], saved=saved)


@router.post("/account/notifications", name="account_notifications_save")
async def save_preferences(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Store the applicant's choices (CSRF-checked) and show them back."""
    if user.role != "applicant":
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="channel")
    _ = post.gettext
    channel, language = post.text("channel"), post.text("language")
    email, phone = post.text("email"), post.text("phone")
    opted_out = post.text("opted_out") == "yes"
    values: dict[str, Any] = {
        "channel": channel,
        "opted_out": opted_out,
        "language": language,
        "email": email,
        "phone": phone,
    }
    messages = {
        "channel": _("Choose e-mail, SMS or WhatsApp"),
        "language": _("Choose a language"),
        "email": _("Enter an email address in the right format, like name@example.com"),
        "phone": (
            _("Enter a mobile number to receive SMS or WhatsApp messages")
            if not phone
            else _("Enter the mobile number with its country code, for example +57 300 123 4567")
        ),
    }

    def refusal(exc: RutaError) -> tuple[str, str]:
        field = exc.field if exc.field in messages else "channel"
        return (field, messages[field])

    target = request.url_for("account_notifications").path
    return post.run(
        lambda: do_set_notification_preferences(
            session,
            user,
            channel=channel,
            opted_out=opted_out,
            language=language or None,
            email=email,
            phone=phone,
        ),
        done=lambda _preferences: see_other(f"{target}?saved=1"),
        page=lambda errors: _preferences_page(request, user, values, errors),
        refusal=refusal,
    )


def _undelivered_page(
    request: Request, session: SessionDep, user: User, errors: ErrorList, *, retried: bool
) -> Response:
    rows = list_undelivered(session, user)
    context = {
        **csrf_context(request, user),
        "rows": rows,
        "errors": errors,
        "has_errors": bool(errors),
        "retried": retried,
    }
    return render(
        request, "casework/notifications.html", context, status_code=422 if errors else 200
    )


@router.get("/casework/notifications", name="undelivered_messages")
def undelivered(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The country's dead letters and e-mails of unknown fate, newest first (supervisors)."""
    if user.role != "supervisor":
        return not_found_page(request, user)
    retried = request.query_params.get("retried") == "1"
    return _undelivered_page(request, session, user, [], retried=retried)


@router.post("/casework/notifications/{message_id}/retry", name="message_retry")
async def retry(
    request: Request, message_id: RecordId, user: PageUser, session: SessionDep
) -> Response:
    """Queue one message again (audited), then back to the list."""
    if user.role != "supervisor":
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="retry")

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        return ("retry", post.gettext("This message is already queued or sent"))

    target = request.url_for("undelivered_messages").path
    return post.run(
        lambda: do_retry_message(session, user, message_id, post.text("reason") or None),
        done=lambda _message: see_other(f"{target}?retried=1"),
        page=lambda errors: _undelivered_page(request, session, user, errors, retried=False),
        refusal=refusal,
    )
