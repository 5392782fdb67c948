"""Offices, appointment slots and bookings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ruta.store.models._base import Base, _now

__all__ = ["Appointment", "Office", "OfficePathway", "Slot"]


class Office(Base):
    """A migration office where appointments take place.

    ``address`` is the office's street address as the office or its authority publishes
    it, and ``address_source`` where it comes from (a URL or a document): Ruta shows an
    address only with its source. ``pathways`` are the pathways whose applicants the
    office receives; an applicant applies and books only where an office takes the pathway.
    """

    __tablename__ = "offices"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    address_source: Mapped[str | None] = mapped_column(String(500))
    # selectin: a list of offices loads every pathway list in one more query, not one each.
    pathways: Mapped[list[OfficePathway]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OfficePathway.pathway_id"
    )

    @property
    def pathway_ids(self) -> list[str]:
        """The ids of the pathways the office takes, in id order."""
        return [p.pathway_id for p in self.pathways]


class OfficePathway(Base):
    """One pathway an office takes (a row per pair: "which offices take col.ppt" is an
    indexed look-up on both backends, and each pair is unique by its key)."""

    __tablename__ = "office_pathways"
    office_code: Mapped[str] = mapped_column(
        ForeignKey("offices.code", ondelete="CASCADE"), primary_key=True
    )
    pathway_id: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


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
