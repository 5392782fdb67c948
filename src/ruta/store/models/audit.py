"""The audit chains: one head per chain and the append-only events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ruta.store.models._base import Base

__all__ = ["AUDIT_CHAINS", "AuditEvent", "AuditHead"]


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
    #: The first ``seq`` of the chain whose hash covers the event's case link (migration 0004).
    links_from: Mapped[int] = mapped_column(Integer, server_default=text("1"))


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
    #: The case (application) the event concerns, whatever entity it names; None for
    #: events about no case (accounts, offices, registries, lists).
    application_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_case", "application_id", "id"),
    )
