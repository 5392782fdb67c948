"""Notifications: the messages each action queues, the applicant's choices, dead letters.

The ``do_*`` actions that change a case call the ``notify_*`` helpers here before they
commit, so the message is written in the same transaction (``ruta.cases.outbox``). The
applicant chooses the channel or opts out (:func:`do_set_notification_preferences`);
supervisors see their country's messages that could not be delivered and send them again
(:func:`list_undelivered`, :func:`do_retry_message`), audited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role, load_application
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, word
from ruta.cases.outbox import outbox_counts, queue_message, reset_for_retry
from ruta.i18n import LANGUAGES, N_, language_of
from ruta.notify import MessageFacts
from ruta.store.models import (
    CHANNELS,
    Application,
    Appointment,
    NotificationPreference,
    Office,
    OutboxMessage,
    Slot,
    User,
)

__all__ = [
    "UNDELIVERED_STATES",
    "do_retry_message",
    "do_set_notification_preferences",
    "get_notification_preferences",
    "list_undelivered",
    "messages_of",
    "notification_counts",
    "notify_appointment",
    "notify_decision",
    "notify_information_request",
    "notify_permit",
    "outbox_of",
]

#: What a supervisor sees on the dead-letters page: refused for good, or maybe not sent.
UNDELIVERED_STATES = ("dead", "unknown")


def _link(app: Application) -> str | None:
    from ruta.settings import get_settings  # lazily, as the permits action reads keys_dir

    base = get_settings().public_url.rstrip("/")
    return f"{base}/track/{app.id}" if base else None


def notify_appointment(
    session: Session, app: Application, appointment: Appointment, kind: str, now: datetime
) -> OutboxMessage:
    """Queue ``appointment_booked`` or ``reminder`` for ``appointment`` (once each)."""
    from ruta.cases.actions.appointments import office_timezone

    slot = session.get(Slot, appointment.slot_id)
    office = session.get(Office, slot.office_code) if slot is not None else None
    facts = MessageFacts(
        reference=app.id,
        office=office.name if office else None,
        when=slot.starts_at if slot else None,
        timezone=office_timezone(office.country).key if office else None,
        link=_link(app),
    )
    return queue_message(session, app, kind, f"appointment:{appointment.id}", facts, now)


def notify_information_request(
    session: Session, app: Application, step_id: int, request: str, now: datetime
) -> OutboxMessage:
    """Queue ``information_requested`` with what the office asks for."""
    facts = MessageFacts(reference=app.id, request=request, link=_link(app))
    return queue_message(session, app, "information_requested", f"step:{step_id}", facts, now)


def notify_decision(
    session: Session,
    app: Application,
    decision_id: int,
    outcome: str,
    appeal_deadline: date | None,
    now: datetime,
) -> OutboxMessage:
    """Queue ``decision`` with the outcome (never its reasons: they stay behind sign-in)."""
    facts = MessageFacts(
        reference=app.id, outcome=outcome, appeal_deadline=appeal_deadline, link=_link(app)
    )
    return queue_message(session, app, "decision", f"decision:{decision_id}", facts, now)


def notify_permit(
    session: Session, app: Application, permit_id: str, now: datetime
) -> OutboxMessage:
    """Queue ``permit_issued``: where to see and print the permit."""
    facts = MessageFacts(reference=app.id, link=_link(app))
    return queue_message(session, app, "permit_issued", f"permit:{permit_id}", facts, now)


def get_notification_preferences(session: Session, actor: User) -> NotificationPreference:
    """The applicant's choices, or the defaults (e-mail, not opted out) when none are stored."""
    check_role(actor, {"applicant"}, N_("choose how the office contacts them"))
    stored = session.get(NotificationPreference, actor.id)
    return stored or NotificationPreference(user_id=actor.id, channel="email", opted_out=False)


def _check_address(channel: str, email: str | None, phone: str | None) -> None:
    if email and (
        "@" not in email
        or email.startswith("@")
        or len(email) > 200
        or any(c.isspace() or ord(c) < 32 for c in email)
    ):
        raise CasesError(N_("write the e-mail address like name@example.com"), field="email")
    digits = (phone or "").replace(" ", "").replace("-", "")
    if phone and not (digits.startswith("+") and digits[1:].isdigit() and 8 <= len(digits) <= 16):
        raise CasesError(
            N_("write the phone number with its country code, like +57 300 123 4567"),
            field="phone",
        )
    if channel in ("sms", "whatsapp") and not phone:
        raise CasesError(
            N_("give a phone number to receive messages by %(channel)s"),
            field="phone",
            channel=channel,
        )


def do_set_notification_preferences(
    session: Session,
    actor: User,
    *,
    channel: str,
    opted_out: bool,
    language: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> NotificationPreference:
    """Store how the applicant wants to hear from the office (or that they do not).

    Raises:
        PermissionDeniedError: the actor is not an applicant.
        CasesError: naming ``channel``, ``language``, ``email`` or ``phone``.
    """
    check_role(actor, {"applicant"}, N_("choose how the office contacts them"))
    if channel not in CHANNELS:
        raise CasesError(
            N_("%(channel)s is not a channel; use one of %(channels)s"),
            field="channel",
            channel=repr(channel),
            channels=", ".join(CHANNELS),
        )
    lang = language_of(language) if language else None
    if language and lang not in LANGUAGES:
        raise CasesError(
            N_("%(language)s is not a language Ruta speaks; use one of %(languages)s"),
            field="language",
            language=repr(language),
            languages=", ".join(LANGUAGES),
        )
    email = (email or "").strip() or None
    phone = (phone or "").strip() or None
    if not opted_out:
        _check_address(channel, email, phone)
    stored = session.get(NotificationPreference, actor.id)
    if stored is None:
        stored = NotificationPreference(user_id=actor.id)
        session.add(stored)
    stored.channel, stored.opted_out, stored.language = channel, opted_out, lang
    stored.email, stored.phone = email, phone
    stored.updated_at = clock_now(session)
    # The addresses are personal data: the audit trail records that they changed, not them.
    data = {"channel": channel, "opted_out": opted_out, "language": lang}
    append_event(session, actor, "notification.preferences", "user", str(actor.id), data, case=None)
    finish(session)
    return stored


def list_undelivered(session: Session, actor: User, limit: int = 200) -> list[OutboxMessage]:
    """The supervisor's country's messages that were refused or may not have gone out.

    Newest first. Only what the page shows is read (state, error, kind, case); the text of
    the message stays in the outbox.
    """
    check_role(actor, {"supervisor"}, N_("see undelivered messages"))
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.country == (actor.country or ""),
            OutboxMessage.state.in_(UNDELIVERED_STATES),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def do_retry_message(
    session: Session, actor: User, message_id: int, reason: str | None = None
) -> OutboxMessage:
    """Queue a dead or unknown message of the supervisor's country again (audited).

    Raises:
        NotFoundError: no such message in the supervisor's country.
        ConflictError: the message is not dead or unknown (it is queued or sent).
    """
    check_role(actor, {"supervisor"}, N_("send messages again"))
    row = session.get(OutboxMessage, message_id, with_for_update=True)
    if row is None or row.country != actor.country:
        raise NotFoundError(
            N_("no message %(id)s in your country"), field="message", id=str(message_id)
        )
    if row.state not in UNDELIVERED_STATES:
        raise ConflictError(
            N_("the message is %(state)s; only a dead or unknown message is sent again"),
            field="message",
            state=word(row.state),
        )
    data = {
        "message": row.id,
        "kind": row.kind,
        "from": row.state,
        "attempts": row.attempts,
        "error": (row.last_error or "")[:500],
        "reason": (reason or "").strip()[:500] or None,
    }
    reset_for_retry(row, clock_now(session))
    append_event(session, actor, "notification.retry", "application", row.application_id, data)
    finish(session)
    return row


def messages_of(session: Session, actor: User, application_id: str) -> list[OutboxMessage]:
    """The messages of a case in scope, oldest first, withheld ones included (officers)."""
    return outbox_of(session, load_application(session, actor, application_id))


def outbox_of(session: Session, app: Application) -> list[OutboxMessage]:
    """:func:`messages_of` for ``app``, already loaded in the reader's scope."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.application_id == app.id)
        .order_by(OutboxMessage.id)
    )
    return list(session.scalars(query))


def notification_counts(session: Session) -> dict[str, int]:
    """Outbox rows by state, every state present: the hook for ``/metrics``.

    ``sent`` counts notifications delivered and ``dead`` those that failed for good;
    ``unknown`` are e-mails that may not have gone out; ``pending`` + ``claimed`` +
    ``sending`` is the queue; ``withheld`` were never queued (opt-out, no address).
    """
    return outbox_counts(session)
