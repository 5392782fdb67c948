"""Issued permits and the per-country status-list counter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ruta.store.models._base import Base, _now

__all__ = ["PermitCounter", "PermitRecord"]


class PermitRecord(Base):
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
