"""Appointments: office slots, booking, reminders, no-show marking and re-release.

A slot's ``booked`` counter is changed with a conditional ``UPDATE`` (``booked <
capacity``), so two bookings racing for the last place cannot both win, on SQLite or
PostgreSQL. Colombia's programme saw 45% no-shows: marking a no-show gives the place back
to the slot so the office can take a walk-in or another booking.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.audit import append_event
from ruta.cases.errors import CasesError, ConflictError, NotFoundError
from ruta.store.models import Appointment, Office, Slot, User

__all__ = [
    "do_book_appointment",
    "do_cancel_appointment",
    "do_create_office",
    "do_mark_attendance",
    "do_mark_reminded",
    "do_open_slots",
    "due_reminders",
    "free_slots",
]


def do_create_office(session: Session, actor: User, code: str, name: str) -> Office:
    """Create an office in the supervisor's country."""
    check_role(actor, {"supervisor", "admin"}, "create offices")
    if not code or session.get(Office, code) is not None:
        raise ConflictError(f"office code {code!r} is empty or taken", field="code")
    office = Office(code=code, country=actor.country or "", name=name)
    session.add(office)
    append_event(session, actor, "office.create", "office", code, {"name": name})
    finish(session)
    return office


def do_open_slots(
    session: Session, actor: User, office_code: str, starts: list[datetime], capacity: int = 1
) -> list[Slot]:
    """Open appointment slots at an office of the supervisor's country."""
    check_role(actor, {"supervisor"}, "open appointment slots")
    office = session.get(Office, office_code)
    if office is None or office.country != actor.country:
        raise NotFoundError(f"no office {office_code!r} in your country", field="office")
    if capacity < 1:
        raise CasesError(f"capacity must be at least 1 (got {capacity})", field="capacity")
    slots = [Slot(office_code=office_code, starts_at=s, capacity=capacity) for s in starts]
    session.add_all(slots)
    session.flush()
    data = {"slots": len(slots), "capacity": capacity}
    append_event(session, actor, "slot.open", "office", office_code, data)
    finish(session)
    return slots


def free_slots(session: Session, office_code: str, after: datetime, limit: int = 50) -> list[Slot]:
    """Future slots at an office with places left, earliest first."""
    query = (
        select(Slot)
        .where(Slot.office_code == office_code, Slot.starts_at > after, Slot.booked < Slot.capacity)
        .order_by(Slot.starts_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def do_book_appointment(
    session: Session, actor: User, application_id: str, slot_id: int
) -> Appointment:
    """Book a place for an application (one active booking per application)."""
    app = load_application(session, actor, application_id, for_update=True)
    active = session.scalar(
        select(Appointment).where(
            Appointment.application_id == app.id, Appointment.status == "booked"
        )
    )
    if active is not None:
        raise ConflictError("this application already has a booking; cancel it first", field="slot")
    slot = session.get(Slot, slot_id)
    if slot is None or slot.starts_at <= datetime.now(UTC):
        raise NotFoundError(f"no future slot {slot_id}", field="slot")
    taken = session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult at runtime
        raise ConflictError("that slot has just been taken; choose another", field="slot")
    appt = Appointment(slot_id=slot_id, application_id=app.id, status="booked")
    session.add(appt)
    session.flush()
    data = {"appointment": appt.id, "slot": slot_id}
    append_event(session, actor, "appointment.book", "application", app.id, data)
    finish(session)
    return appt


def _release(session: Session, slot_id: int) -> None:
    session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked > 0).values(booked=Slot.booked - 1)
    )


def _appointment(session: Session, actor: User, appointment_id: int) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise NotFoundError(f"no appointment {appointment_id}", field="appointment")
    load_application(session, actor, appt.application_id)
    return appt


def do_cancel_appointment(session: Session, actor: User, appointment_id: int) -> Appointment:
    """Cancel a booking and give the place back."""
    appt = _appointment(session, actor, appointment_id)
    if appt.status != "booked":
        raise ConflictError(f"the appointment is {appt.status}, not booked", field="status")
    appt.status = "cancelled"
    _release(session, appt.slot_id)
    data = {"appointment": appt.id}
    append_event(session, actor, "appointment.cancel", "application", appt.application_id, data)
    finish(session)
    return appt


def do_mark_attendance(
    session: Session, actor: User, appointment_id: int, attended: bool
) -> Appointment:
    """Record attendance; a no-show re-releases the place (officers)."""
    check_role(actor, OFFICERS, "mark attendance")
    appt = _appointment(session, actor, appointment_id)
    if appt.status != "booked":
        raise ConflictError(f"the appointment is {appt.status}, not booked", field="status")
    appt.status = "attended" if attended else "no_show"
    if not attended:
        _release(session, appt.slot_id)
    data = {"appointment": appt.id, "status": appt.status}
    append_event(session, actor, "appointment.attendance", "application", appt.application_id, data)
    finish(session)
    return appt


def due_reminders(session: Session, now: datetime, hours: int) -> list[Appointment]:
    """Booked appointments starting within ``hours`` that have not been reminded."""
    query = (
        select(Appointment)
        .join(Slot, Slot.id == Appointment.slot_id)
        .where(
            Appointment.status == "booked",
            Appointment.reminded_at.is_(None),
            Slot.starts_at > now,
            Slot.starts_at <= now + timedelta(hours=hours),
        )
        .order_by(Slot.starts_at)
    )
    return list(session.scalars(query))


def do_mark_reminded(session: Session, appointment_ids: list[int]) -> int:
    """Record that reminders went out (the system acts; one audit event per batch)."""
    now = datetime.now(UTC)
    result = session.execute(
        update(Appointment)
        .where(Appointment.id.in_(appointment_ids), Appointment.reminded_at.is_(None))
        .values(reminded_at=now)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult at runtime
    append_event(session, None, "appointment.remind", "appointment", "*", {"count": count})
    finish(session)
    return count
