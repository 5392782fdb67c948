"""The outbox: messages written with the actions that cause them, and their delivery states.

An action that should tell the applicant something calls :func:`queue_message` before it
commits, so the message exists if and only if the change does (no message about a
decision that rolled back, no decision whose message was lost). The notifier
(``ruta.cases.delivery``) then moves each row through these states::

    pending --claim--> claimed --mark_sending--> sending --mark_sent--> sent
       ^                  |                          |
       |   lease expired  |                          +--failure--> pending (back-off)
       +------------------+                          +--failure, last attempt--> dead
                                                     +--lease expired: gateway--> pending
                                                     +--lease expired: e-mail--> unknown

Why two states before the send: a worker killed after claiming a batch has sent nothing
of the rows still ``claimed``, so they go back to ``pending`` when their lease expires. A
row left ``sending`` may have been delivered. The HTTP gateway deduplicates by the row's
``Idempotency-Key``, so it is simply sent again. SMTP has no such promise (a Message-ID
helps only mailboxes that deduplicate), so an e-mail whose sender died mid-send becomes
``unknown`` and is never resent automatically: at most once per lease. A supervisor sees it
with the dead letters and may send it again (:func:`reset_for_retry`).

Every state change is one conditional ``UPDATE`` on the row's ``claim_token`` (a fencing
token), so a worker that lost its lease cannot overwrite what the next worker did.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ruta.cases.audit import append_event
from ruta.i18n import LANGUAGES, language_of
from ruta.notify import MessageFacts, render_message
from ruta.store.models import (
    OUTBOX_STATES,
    Application,
    NotificationPreference,
    OutboxMessage,
)

__all__ = [
    "COUNTRY_LANGUAGES",
    "RecoveryReport",
    "claim_batch",
    "mark_failed",
    "mark_sending",
    "mark_sent",
    "outbox_counts",
    "queue_message",
    "recover_expired",
    "reset_for_retry",
]

#: The language of a message when the applicant chose none and gave none: the host
#: country's official language (most offices' default answer).
COUNTRY_LANGUAGES: Final = {"BRA": "pt", "HTI": "fr", "GUF": "fr"}

#: Why a message was never queued, as stored in ``last_error`` and shown on the case page.
WITHHELD_OPTED_OUT: Final = "opted out"
WITHHELD_NO_EMAIL: Final = "no e-mail address"
WITHHELD_NO_PHONE: Final = "no phone number"


def _language(app: Application, preference: NotificationPreference | None) -> str:
    for tag in [preference.language if preference else None, *(app.applicant.languages or [])]:
        lang = language_of(tag) if tag else None
        if lang in LANGUAGES:
            return str(lang)
    return COUNTRY_LANGUAGES.get(app.host_country, "es")


def queue_message(
    session: Session,
    app: Application,
    kind: str,
    cause: str,
    facts: MessageFacts,
    now: datetime,
) -> OutboxMessage:
    """Write the message ``kind`` about ``app`` in the caller's transaction (once per cause).

    The applicant's preferences (their account's) choose the channel, the address and the
    language; without them, e-mail when the application gave an address, else SMS. An
    applicant who opted out, or who gave no address for the channel, gets a ``withheld``
    row instead (no text stored) and the case's audit trail says why.

    Args:
        session: The action's session; the caller commits.
        app: The case the message is about.
        kind: One of :data:`ruta.notify.KINDS`.
        cause: What makes this message unique for its kind, e.g. ``appointment:12``; a
            second call with the same kind and cause returns the first row.
        facts: What the message says.
        now: The action's time.

    Returns:
        The outbox row (new or earlier).
    """
    key = f"{kind}:{cause}"
    earlier = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    if earlier is not None:
        return earlier
    applicant = app.applicant
    preference = (
        session.get(NotificationPreference, applicant.user_id) if applicant.user_id else None
    )
    if preference is not None:
        channel = preference.channel
    else:
        channel = "email" if applicant.email or not applicant.phone else "sms"
    if channel == "email":
        recipient = (preference.email if preference else None) or applicant.email
    else:
        recipient = (preference.phone if preference else None) or applicant.phone
    language = _language(app, preference)
    reason = None
    if preference is not None and preference.opted_out:
        reason = WITHHELD_OPTED_OUT
    elif not recipient:
        reason = WITHHELD_NO_EMAIL if channel == "email" else WITHHELD_NO_PHONE
    row = OutboxMessage(
        dedupe_key=key,
        kind=kind,
        application_id=app.id,
        country=app.host_country,
        channel=channel,
        recipient="" if reason else str(recipient),
        language=language,
        state="withheld" if reason else "pending",
        next_attempt_at=now,
        last_error=reason,
        created_at=now,
        idempotency_key=str(uuid.uuid4()),
    )
    if reason is None:
        message = render_message(kind, language, channel, facts)
        row.subject, row.body = message.subject, message.body
    try:
        # Why a savepoint: two producers racing for the same cause (the unique key) must
        # leave the caller's transaction usable; the loser returns the winner's row.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        winner = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        if winner is None:  # pragma: no cover - another constraint failed: a real error
            raise
        return winner
    if reason is not None:
        data = {"message": row.id, "kind": kind, "channel": channel, "reason": reason}
        append_event(session, None, "notification.withheld", "application", app.id, data)
    return row


def claim_batch(
    session: Session,
    *,
    limit: int,
    lease: timedelta,
    now: datetime,
    channels: tuple[str, ...],
) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages of ``channels`` to this worker, and commit.

    PostgreSQL: the candidate rows are locked with ``FOR UPDATE SKIP LOCKED``, so workers
    running side by side take different rows without waiting for each other. SQLite: one
    ``UPDATE ... WHERE id IN (SELECT ... LIMIT n)`` statement inside a ``BEGIN IMMEDIATE``
    transaction (the engine's), which no other writer can interleave with.

    Returns:
        The claimed rows, in the order they became due; each carries the batch's token.
    """
    token = str(uuid.uuid4())
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state == "pending",
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), OutboxMessage.state == "pending")
        .values(state="claimed", claim_token=token, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    _commit(session)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.claim_token == token, OutboxMessage.state == "claimed")
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        # Why: the UPDATE above bypassed the session; rows it already holds are stale.
        .execution_options(populate_existing=True)
    )
    rows = list(session.scalars(query))
    _commit(session)
    return rows


def _commit(session: Session) -> None:
    # Why expire: these UPDATEs bypass the session, whose loaded rows would read stale
    # (the service's sessions keep objects across commits).
    session.commit()
    session.expire_all()


def _fenced(message_id: int, token: str, *states: str) -> list[object]:
    return [
        OutboxMessage.id == message_id,
        OutboxMessage.claim_token == token,
        OutboxMessage.state.in_(states),
    ]


def mark_sending(
    session: Session, message_id: int, token: str, *, now: datetime, lease: timedelta
) -> bool:
    """Record that this attempt is about to hand the message over, and commit.

    Returns:
        ``False`` when the lease was lost (another worker owns the row): do not send.
    """
    result = session.execute(
        update(OutboxMessage)
        .where(*_fenced(message_id, token, "claimed"))  # type: ignore[arg-type]
        .values(state="sending", attempts=OutboxMessage.attempts + 1, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    _commit(session)
    return int(result.rowcount) == 1  # type: ignore[attr-defined]  # CursorResult at runtime


def mark_sent(session: Session, message_id: int, token: str, *, now: datetime) -> bool:
    """Record the delivery, and commit (also of a row recovery meanwhile called unknown)."""
    result = session.execute(
        update(OutboxMessage)
        .where(*_fenced(message_id, token, "sending", "unknown"))  # type: ignore[arg-type]
        .values(state="sent", sent_at=now, lease_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    _commit(session)
    return int(result.rowcount) == 1  # type: ignore[attr-defined]  # CursorResult at runtime


def mark_failed(
    session: Session,
    message_id: int,
    token: str,
    *,
    error: str,
    dead: bool,
    retry_at: datetime,
) -> bool:
    """Record a failed attempt: back to ``pending`` at ``retry_at``, or ``dead``; commit."""
    values: dict[str, object] = {"last_error": error[:2000], "lease_until": None}
    if dead:
        values["state"] = "dead"
    else:
        values.update(state="pending", next_attempt_at=retry_at, claim_token=None)
    result = session.execute(
        update(OutboxMessage)
        .where(*_fenced(message_id, token, "sending"))  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    _commit(session)
    return int(result.rowcount) == 1  # type: ignore[attr-defined]  # CursorResult at runtime


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What :func:`recover_expired` did with the rows of workers that stopped."""

    released: int = 0
    resent: int = 0
    unknown: int = 0
    dead: int = 0


#: Shown to supervisors next to an e-mail that may or may not have gone out.
UNKNOWN_EMAIL: Final = (
    "the notifier stopped while handing this e-mail to the mail server, so it may or may not "
    "have been delivered; it is not resent automatically (at most once). Ask the applicant "
    "or the mail server's log, then send it again here if it did not arrive"
)
#: Recorded on a gateway message whose sender stopped mid-send before it is sent again.
GATEWAY_RESENT: Final = (
    "the notifier stopped while posting this message; it is posted again with the same "
    "Idempotency-Key, which the gateway delivers once"
)


def recover_expired(session: Session, *, now: datetime, max_attempts: int) -> RecoveryReport:
    """Take back the rows of workers whose lease expired, by the rule above; commit."""
    expired = [OutboxMessage.lease_until.is_not(None), OutboxMessage.lease_until < now]
    report = RecoveryReport()
    released = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == "claimed", *expired)
        .values(state="pending", claim_token=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    report = replace(report, released=int(released.rowcount))  # type: ignore[attr-defined]
    unknown = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == "sending", OutboxMessage.channel == "email", *expired)
        .values(state="unknown", lease_until=None, last_error=UNKNOWN_EMAIL)
        .execution_options(synchronize_session=False)
    )
    report = replace(report, unknown=int(unknown.rowcount))  # type: ignore[attr-defined]
    gateway = [OutboxMessage.state == "sending", OutboxMessage.channel != "email", *expired]
    dead = session.execute(
        update(OutboxMessage)
        .where(*gateway, OutboxMessage.attempts >= max_attempts)
        .values(state="dead", lease_until=None, last_error=GATEWAY_RESENT)
        .execution_options(synchronize_session=False)
    )
    resent = session.execute(
        update(OutboxMessage)
        .where(*gateway)
        .values(
            state="pending",
            claim_token=None,
            lease_until=None,
            next_attempt_at=now,
            last_error=GATEWAY_RESENT,
        )
        .execution_options(synchronize_session=False)
    )
    _commit(session)
    return replace(
        report,
        dead=int(dead.rowcount),  # type: ignore[attr-defined]
        resent=int(resent.rowcount),  # type: ignore[attr-defined]
    )


def reset_for_retry(row: OutboxMessage, now: datetime) -> None:
    """Queue a dead or unknown message again, with a fresh count of attempts."""
    row.state = "pending"
    row.attempts = 0
    row.next_attempt_at = now
    row.claim_token = None
    row.lease_until = None


def outbox_counts(session: Session) -> dict[str, int]:
    """How many outbox rows are in each state, every state present (zeros included).

    This is the metrics hook: ``sent`` and ``dead`` are the notifications sent and failed;
    ``pending`` + ``claimed`` + ``sending`` is the queue; ``unknown`` needs a person.

    Examples:
        >>> from ruta.store import make_engine, make_sessionmaker, upgrade
        >>> engine = make_engine("sqlite://")
        >>> upgrade(engine)
        >>> with make_sessionmaker(engine)() as session:
        ...     outbox_counts(session)["sent"]
        0
    """
    rows = session.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    ).all()
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update({str(state): int(n) for state, n in rows})
    return counts
