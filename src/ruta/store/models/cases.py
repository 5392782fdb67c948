"""Case files: applicants, applications, household, workflow steps, documents, notes, decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ruta.partial_dates import join_partial, parse_partial_date, split_partial
from ruta.store._types import JSONType
from ruta.store.models._base import Base, _now, _uuid

__all__ = [
    "Applicant",
    "Application",
    "BirthDate",
    "Decision",
    "Document",
    "HouseholdMember",
    "Note",
    "Transition",
]


#: SQL that keeps a birth date's precision to the values :mod:`ruta.partial_dates` knows.
_PRECISION_CHECK = "date_of_birth_precision IN ('day', 'month', 'year')"


class BirthDate:
    """A birth date known to the day, the month or the year, in two columns.

    The DATE column ``date_of_birth`` holds the first day the birth may be (the day itself
    when it is known), so SQL ranges, sorting and the statistics' ages keep working on a
    real date type; ``date_of_birth_precision`` (``day``, ``month`` or ``year``) says how
    much of it is known. Python reads and writes both through :attr:`date_of_birth`, the ISO
    form of the contract (``1990-05-17``, ``1990-05`` or ``1990``), so no caller can take
    the stored first day for a known birthday.
    """

    birth_first_day: Mapped[date] = mapped_column("date_of_birth", Date, key="birth_first_day")
    birth_precision: Mapped[str] = mapped_column(
        "date_of_birth_precision",
        String(5),
        key="birth_precision",
        default="day",
        server_default="day",
    )

    @property
    def date_of_birth(self) -> str:
        """The birth date as ISO 8601 at its precision: ``1990-05-17``, ``1990-05``, ``1990``."""
        return join_partial(self.birth_first_day, self.birth_precision)

    @date_of_birth.setter
    def date_of_birth(self, value: str | date) -> None:
        self.birth_first_day, self.birth_precision = split_partial(parse_partial_date(value))


class Applicant(BirthDate, Base):
    """The person an application is about: identity, contact and languages."""

    __tablename__ = "applicants"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(200))
    surname_1: Mapped[str] = mapped_column(String(200))
    surname_2: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(3))
    document_type: Mapped[str] = mapped_column(String(40))
    document_number: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    __table_args__ = (CheckConstraint(_PRECISION_CHECK, name="ck_applicants_birth_precision"),)


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
    #: The registry duplicate search (ruta.cases.actions.duplicates); None without a registry.
    duplicate_search: Mapped[dict[str, Any] | None]

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


class HouseholdMember(BirthDate, Base):
    """A dependant on an application; minors name their guardian."""

    __tablename__ = "household_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(200))
    surname_1: Mapped[str] = mapped_column(String(200))
    surname_2: Mapped[str | None] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(30))
    nationality: Mapped[str | None] = mapped_column(String(3))
    guardian: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (
        CheckConstraint(_PRECISION_CHECK, name="ck_household_members_birth_precision"),
    )


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
    #: When the case's next step was recorded (this step's spell ended); None while this
    #: is the case's current step. Set by the action that records the next step.
    ended_at: Mapped[datetime | None]
    #: When the approval or denial that closed this step's episode was taken (the first
    #: at or after this step, itself included); None until one is. Set by that decision.
    closed_at: Mapped[datetime | None]
    #: The final decision this step records (a step written by the decision action).
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", name="fk_transitions_decision_id")
    )


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
    #: The engine's assessment the outcome was compared with (``ruta.cases.override``);
    #: None on decisions taken before the comparison existed.
    engine_assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    #: The outcome goes against that assessment; ``override_reason`` says why.
    override: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    override_reason: Mapped[str | None] = mapped_column(Text)
