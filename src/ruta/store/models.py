"""The case store's tables as SQLAlchemy 2 typed models.

One model per domain noun. Rows are written only by ``ruta.cases.actions``; this module
holds no behaviour beyond defaults. The Alembic migrations in ``ruta.store.migrations``
create exactly these tables (a test compares them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ruta.store._types import JSONType, UTCDateTime

__all__ = [
    "AUDIT_CHAINS",
    "Applicant",
    "Application",
    "Appointment",
    "AuditEvent",
    "AuditHead",
    "AuthToken",
    "Base",
    "Decision",
    "Document",
    "HouseholdMember",
    "LoginAttempt",
    "Note",
    "Office",
    "Permit",
    "PermitCounter",
    "Slot",
    "Transition",
    "User",
]


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base of every case-store table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSONType,
    }


class User(Base):
    """A person who signs in: applicant, caseworker, supervisor, auditor or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(3))
    office: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class AuthToken(Base):
    """A page session or an API bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]


class LoginAttempt(Base):
    """A failed login, kept to rate-limit guessing across server processes."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=_now)
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)


class Applicant(Base):
    """The person an application is about: identity, contact and languages."""

    __tablename__ = "applicants"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(200))
    surname_1: Mapped[str] = mapped_column(String(200))
    surname_2: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(3))
    document_type: Mapped[str] = mapped_column(String(40))
    document_number: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class Application(Base):
    """One application for one pathway, with the engine result stamped with versions."""

    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"), index=True)
    pathway_id: Mapped[str] = mapped_column(String(80))
    host_country: Mapped[str] = mapped_column(String(3))
    office: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    profile: Mapped[dict[str, Any]]
    eligibility: Mapped[dict[str, Any]]
    engine_version: Mapped[str] = mapped_column(String(40))
    packs_version: Mapped[str] = mapped_column(String(80))
    evaluated_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    applicant: Mapped[Applicant] = relationship(lazy="joined")
    household: Mapped[list[HouseholdMember]] = relationship(
        order_by="HouseholdMember.id", cascade="all, delete-orphan"
    )
    __table_args__ = (
        # Why: the same client retrying with the same key must find its first submission.
        UniqueConstraint("created_by", "idempotency_key", name="uq_applications_idempotency"),
        Index("ix_applications_country_status", "host_country", "status"),
        Index("ix_applications_pathway", "pathway_id"),
    )


class HouseholdMember(Base):
    """A dependant on an application; minors name their guardian."""

    __tablename__ = "household_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(200))
    surname_1: Mapped[str] = mapped_column(String(200))
    surname_2: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    relationship: Mapped[str] = mapped_column(String(30))
    nationality: Mapped[str | None] = mapped_column(String(3))
    guardian: Mapped[str | None] = mapped_column(String(200))


class Transition(Base):
    """One step of the workflow: who moved the case, when, from where to where and why."""

    __tablename__ = "transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=_now)
    reason: Mapped[str] = mapped_column(Text)


class Document(Base):
    """An uploaded document, stored by SHA-256 under the documents directory."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    document_type: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="received")
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=_now)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)


class Note(Base):
    """A caseworker's note on a case file."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=_now)
    text: Mapped[str] = mapped_column(Text)


class Decision(Base):
    """A proposed, then final, decision with reasons, legal basis and appeal deadline."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    legal_basis: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(20))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=_now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    appeal_deadline: Mapped[date | None] = mapped_column(Date)


class Office(Base):
    """A migration office where appointments take place."""

    __tablename__ = "offices"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(200))


class Slot(Base):
    """An appointment slot at an office; ``booked`` never exceeds ``capacity``."""

    __tablename__ = "slots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code"), index=True)
    starts_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(Base):
    """A booking of a slot for an application."""

    __tablename__ = "appointments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="booked")
    booked_at: Mapped[datetime] = mapped_column(default=_now)
    reminded_at: Mapped[datetime | None]


class Permit(Base):
    """A permit issued on approval (payload signed by ``ruta.permits``)."""

    __tablename__ = "permits"
    permit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    country: Mapped[str] = mapped_column(String(3))
    payload: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="valid")
    issued_at: Mapped[datetime] = mapped_column(default=_now)
    __table_args__ = (UniqueConstraint("country", "status_index", name="uq_permits_status_index"),)


class PermitCounter(Base):
    """The next status-list index per issuing country (allocated under a row lock)."""

    __tablename__ = "permit_counters"
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    next_index: Mapped[int] = mapped_column(Integer)


#: Parallel audit chains (see ruta.cases.audit); the migration creates one head per chain.
AUDIT_CHAINS = 128


class AuditHead(Base):
    """The last sequence number and hash of one audit chain (``id`` is the chain).

    Appending locks this row, which serialises appends to the chain so it never forks.
    """

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """One append-only, hash-chained audit event (reads and changes of case files)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
    )
