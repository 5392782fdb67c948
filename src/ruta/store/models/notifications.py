"""Messages to applicants: their contact preferences and the outbox the notifier delivers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ruta.store.models._base import Base, _now, _uuid

__all__ = ["CHANNELS", "OUTBOX_STATES", "NotificationPreference", "OutboxMessage"]

#: How an applicant may be reached (the HTTP gateway carries sms and whatsapp).
CHANNELS = ("email", "sms", "whatsapp")

#: ``pending`` waits for ``next_attempt_at``; ``claimed`` is leased to a worker that has not
#: started sending; ``sending`` has been handed to a transport under a lease; ``sent`` is
#: done; ``unknown`` is an e-mail whose sender died mid-send (never resent automatically:
#: at most once); ``dead`` ran out of attempts or was refused for good; ``withheld`` was
#: never queued (the applicant opted out or left no address for the channel).
OUTBOX_STATES = ("pending", "claimed", "sending", "sent", "unknown", "dead", "withheld")


class NotificationPreference(Base):
    """How an applicant account wants to hear from the office, or that it does not."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(12))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms', 'whatsapp')", name="ck_notify_pref_channel"),
    )


class OutboxMessage(Base):
    """One rendered message to one applicant, written with the action that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: One message per cause, e.g. ``reminder:appointment:12``: producers may run twice.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    #: The case's host country: whose supervisors see the message if it cannot be sent.
    country: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=_now)
    lease_until: Mapped[datetime | None]
    #: The fencing token of the current claim: a worker whose lease was taken over cannot
    #: mark the row, because its token no longer matches.
    claim_token: Mapped[str | None] = mapped_column(String(36))
    #: Stable across attempts: the gateway's Idempotency-Key and the e-mail's Message-ID.
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True, default=_uuid)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    sent_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'claimed', 'sending', 'sent', 'unknown', 'dead', 'withheld')",
            name="ck_outbox_state",
        ),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
        Index("ix_outbox_country_state", "country", "state"),
    )
