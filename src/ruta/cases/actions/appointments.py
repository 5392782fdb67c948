"""Appointments: office slots, booking, reminders, no-show marking and re-release.

Offices and slots are in the country scope (``ruta.cases.access.office_scope``): a list
shows only the offices the actor may see, a slot of another country's office is "not
found", and a case books only slots of an office in its host country, whoever books.

A case books only at an office that takes its pathway
(:mod:`ruta.cases.actions.offices`).

A slot's ``booked`` counter is changed with a conditional ``UPDATE`` (``booked <
capacity``), so two bookings racing for the last place cannot both win, on SQLite or
PostgreSQL. Colombia's programme saw 45% no-shows: marking a no-show gives the place back
to the slot so the office can take a walk-in or another booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ruta.cases._tx import batch, finish
from ruta.cases.access import OFFICERS, check_role, load_application, scope_filter
from ruta.cases.actions.notifications import notify_appointment
from ruta.cases.actions.offices import get_office
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, word
from ruta.i18n import N_
from ruta.store.models import Applicant, Application, Appointment, Office, Slot, User

__all__ = [
    "MAX_DAYS_AHEAD",
    "MAX_SLOTS_PER_OPENING",
    "AppointmentView",
    "DayEntry",
    "appointments_of",
    "bookings_of",
    "do_book_appointment",
    "do_cancel_appointment",
    "do_mark_attendance",
    "do_mark_reminded",
    "do_open_slot_range",
    "do_open_slots",
    "do_queue_reminders",
    "do_rebook_appointment",
    "due_reminders",
    "free_slots",
    "list_slots",
    "office_day",
    "office_timezone",
    "slot_starts",
]

#: Wall-clock zone of each country's offices: a supervisor opens "09:00" slots in local
#: time and an applicant reads them in local time; the store keeps UTC.
_TIMEZONES = {
    "ARG": "America/Argentina/Buenos_Aires",
    "BOL": "America/La_Paz",
    "BRA": "America/Sao_Paulo",
    "CHL": "America/Santiago",
    "COL": "America/Bogota",
    "CRI": "America/Costa_Rica",
    "DOM": "America/Santo_Domingo",
    "ECU": "America/Guayaquil",
    "GTM": "America/Guatemala",
    "MEX": "America/Mexico_City",
    "PAN": "America/Panama",
    "PER": "America/Lima",
    "PRY": "America/Asuncion",
    "URY": "America/Montevideo",
    "VEN": "America/Caracas",
}
#: Who may book or cancel: the applicant and the officers (auditors only read).
_BOOKERS = OFFICERS | {"applicant"}
#: Slots are opened at most this far ahead (also keeps dates far from the calendar's end).
MAX_DAYS_AHEAD = 366
#: One opening creates at most this many slots (08:00-18:00 at 5-minute intervals is 120).
MAX_SLOTS_PER_OPENING = 200


def do_open_slots(
    session: Session, actor: User, office_code: str, starts: list[datetime], capacity: int = 1
) -> list[Slot]:
    """Open appointment slots at an office of the supervisor's country."""
    check_role(actor, {"supervisor"}, N_("open appointment slots"))
    office = session.get(Office, office_code)
    if office is None or office.country != actor.country:
        raise NotFoundError(
            N_("no office %(code)s in your country"), field="office", code=repr(office_code)
        )
    if capacity < 1:
        raise CasesError(
            N_("capacity must be at least 1 (got %(capacity)s)"),
            field="capacity",
            capacity=str(capacity),
        )
    slots = [Slot(office_code=office_code, starts_at=s, capacity=capacity) for s in starts]
    session.add_all(slots)
    session.flush()
    data = {"slots": len(slots), "capacity": capacity}
    append_event(session, actor, "slot.open", "office", office_code, data, case=None)
    finish(session)
    return slots


def free_slots(
    session: Session, actor: User, office_code: str, after: datetime, limit: int = 50
) -> list[Slot]:
    """Future slots at an office in the actor's scope with places left, earliest first.

    Raises:
        NotFoundError: no such office in the actor's scope.
    """
    get_office(session, actor, office_code)
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
    check_role(actor, _BOOKERS, N_("book appointments"))
    app = load_application(session, actor, application_id, for_update=True)
    active = session.scalar(
        select(Appointment).where(
            Appointment.application_id == app.id, Appointment.status == "booked"
        )
    )
    if active is not None:
        raise ConflictError(
            N_("this application already has a booking; cancel it first"), field="slot"
        )
    slot = session.get(Slot, slot_id)
    office = session.get(Office, slot.office_code) if slot is not None else None
    # A slot of another country's office does not exist for this case, whoever books.
    if slot is None or office is None or office.country != app.host_country:
        raise NotFoundError(
            N_("no slot %(slot)s at an office of %(country)s"),
            field="slot",
            slot=str(slot_id),
            country=app.host_country,
        )
    if app.pathway_id not in office.pathway_ids:
        # Why refused for officers too: the office would receive someone it cannot serve.
        raise CasesError(
            N_(
                "office %(office)s does not take applications for %(pathway)s; choose a slot "
                "of an office that does (GET /api/v1/offices?pathway=...)"
            ),
            field="slot",
            office=office.code,
            pathway=app.pathway_id,
        )
    now = clock_now(session)
    if slot.starts_at <= now:
        raise NotFoundError(N_("no future slot %(slot)s"), field="slot", slot=str(slot_id))
    taken = session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult at runtime
        raise ConflictError(N_("that slot has just been taken; choose another"), field="slot")
    appt = Appointment(slot_id=slot_id, application_id=app.id, status="booked", booked_at=now)
    session.add(appt)
    session.flush()
    notify_appointment(session, app, appt, "appointment_booked", now)
    data = {"appointment": appt.id, "slot": slot_id}
    append_event(session, actor, "appointment.book", "application", app.id, data)
    finish(session)
    return appt


def _release(session: Session, slot_id: int) -> None:
    session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked > 0).values(booked=Slot.booked - 1)
    )


def _appointment(
    session: Session, actor: User, appointment_id: int, application_id: str | None = None
) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None or (application_id is not None and appt.application_id != application_id):
        raise NotFoundError(
            N_("no appointment %(appointment)s"),
            field="appointment",
            appointment=str(appointment_id),
        )
    load_application(session, actor, appt.application_id)
    return appt


def do_cancel_appointment(
    session: Session, actor: User, appointment_id: int, application_id: str | None = None
) -> Appointment:
    """Cancel a booking and give the place back.

    ``application_id``, when given, must be the booking's case (API paths name both).
    """
    check_role(actor, _BOOKERS, N_("cancel appointments"))
    appt = _appointment(session, actor, appointment_id, application_id)
    if appt.status != "booked":
        raise ConflictError(
            N_("the appointment is %(status)s, not booked"),
            field="status",
            status=word(appt.status),
        )
    appt.status = "cancelled"
    _release(session, appt.slot_id)
    data = {"appointment": appt.id}
    append_event(session, actor, "appointment.cancel", "application", appt.application_id, data)
    finish(session)
    return appt


def do_mark_attendance(
    session: Session,
    actor: User,
    appointment_id: int,
    attended: bool,
    application_id: str | None = None,
) -> Appointment:
    """Record attendance; a no-show re-releases the place (officers)."""
    check_role(actor, OFFICERS, N_("mark attendance"))
    appt = _appointment(session, actor, appointment_id, application_id)
    if appt.status != "booked":
        raise ConflictError(
            N_("the appointment is %(status)s, not booked"),
            field="status",
            status=word(appt.status),
        )
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
    """Queue the reminder message of each appointment and record it as reminded.

    The system acts (one audit event per batch). Each reminder is an outbox row with the
    unique key ``reminder:appointment:<id>``, written in this transaction, so running the
    producer twice, or two producers at once, queues one reminder per appointment; an
    appointment already reminded, or no longer booked, gets none.
    """
    now = clock_now(session)
    query = (
        select(Appointment)
        .where(
            Appointment.id.in_(appointment_ids),
            Appointment.reminded_at.is_(None),
            Appointment.status == "booked",
        )
        .order_by(Appointment.id)
    )
    count = 0
    for appt in session.scalars(query).all():
        app = session.get(Application, appt.application_id)
        if app is None:  # pragma: no cover - a foreign key keeps the case
            continue
        notify_appointment(session, app, appt, "reminder", now)
        result = session.execute(
            update(Appointment)
            .where(Appointment.id == appt.id, Appointment.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        count += int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult at runtime
    append_event(
        session, None, "appointment.remind", "appointment", "*", {"count": count}, case=None
    )
    finish(session)
    return count


def do_queue_reminders(session: Session, now: datetime, hours: int) -> int:
    """Queue the reminders due within ``hours`` of ``now`` (the notifier calls it each pass).

    Returns:
        How many reminders were queued (0 when none were due).
    """
    due = [appt.id for appt in due_reminders(session, now, hours)]
    if not due:
        session.rollback()  # end the read transaction: SQLite's BEGIN IMMEDIATE holds the lock
        return 0
    return do_mark_reminded(session, due)


def do_rebook_appointment(
    session: Session, actor: User, appointment_id: int, slot_id: int
) -> Appointment:
    """Move a booking to another slot in one transaction.

    Why one transaction: cancelling first and then failing to book (the new slot was
    taken meanwhile) would leave the applicant with no appointment at all.
    """
    with batch(session):
        old = do_cancel_appointment(session, actor, appointment_id)
        return do_book_appointment(session, actor, old.application_id, slot_id)


def office_timezone(country: str) -> ZoneInfo:
    """The wall-clock zone of a country's offices (UTC for a country not listed).

    Examples:
        >>> office_timezone("PER").key, office_timezone("ZZZ").key
        ('America/Lima', 'UTC')
    """
    return ZoneInfo(_TIMEZONES.get(country, "UTC"))


def list_slots(
    session: Session,
    actor: User,
    office_code: str,
    start: datetime,
    end: datetime,
    *,
    free_only: bool = False,
    limit: int = 1000,
) -> list[Slot]:
    """Slots of an office in the actor's scope starting in ``[start, end)``, earliest first.

    Raises:
        NotFoundError: no such office in the actor's scope.
    """
    get_office(session, actor, office_code)
    query = select(Slot).where(
        Slot.office_code == office_code, Slot.starts_at >= start, Slot.starts_at < end
    )
    if free_only:
        query = query.where(Slot.booked < Slot.capacity)
    return list(session.scalars(query.order_by(Slot.starts_at, Slot.id).limit(limit)))


def slot_starts(
    country: str, day: date, start: time, end: time, interval_minutes: int
) -> list[datetime]:
    """Start times (UTC) of the slots of one day, from ``start`` up to before ``end``.

    Times are the office's wall clock (see :func:`office_timezone`).

    Raises:
        CasesError: naming ``end`` (not after ``start``) or ``interval`` (out of range or
            too many slots).

    Examples:
        >>> [s.isoformat() for s in slot_starts("PER", date(2027, 3, 1), time(9), time(10), 30)]
        ['2027-03-01T14:00:00+00:00', '2027-03-01T14:30:00+00:00']
    """
    if not 5 <= interval_minutes <= 480:
        raise CasesError(
            N_("the interval must be 5 to 480 minutes (got %(interval)s)"),
            field="interval_minutes",
            interval=str(interval_minutes),
        )
    if end <= start:
        raise CasesError(N_("the end time must be after the start time"), field="end")
    zone = office_timezone(country)
    first = datetime.combine(day, start, tzinfo=zone)
    last = datetime.combine(day, end, tzinfo=zone)
    step = timedelta(minutes=interval_minutes)
    count = int((last - first) / step) + (1 if (last - first) % step else 0)
    if count > MAX_SLOTS_PER_OPENING:
        raise CasesError(
            N_("that makes %(count)s slots; open at most %(limit)s at a time"),
            field="interval_minutes",
            count=str(count),
            limit=str(MAX_SLOTS_PER_OPENING),
        )
    return [(first + k * step).astimezone(UTC) for k in range(count)]


def do_open_slot_range(
    session: Session,
    actor: User,
    office_code: str,
    day: date,
    start: time,
    end: time,
    interval_minutes: int,
    capacity: int,
) -> list[Slot]:
    """Open a day's slots at an office: every ``interval_minutes`` from ``start`` to ``end``.

    Raises:
        PermissionDeniedError: not a supervisor.
        NotFoundError: no such office in the supervisor's country.
        CasesError: naming ``date`` (in the past), ``end``, ``interval`` or ``capacity``.
    """
    check_role(actor, {"supervisor"}, N_("open appointment slots"))
    office = session.get(Office, office_code) if "\x00" not in office_code else None
    if office is None or office.country != actor.country:
        raise NotFoundError(
            N_("no office %(code)s in your country"), field="office", code=repr(office_code)
        )
    if not 1 <= capacity <= 500:
        raise CasesError(
            N_("capacity must be 1 to 500 (got %(capacity)s)"),
            field="capacity",
            capacity=str(capacity),
        )
    now = clock_now(session)
    if day > now.date() + timedelta(days=MAX_DAYS_AHEAD):
        raise CasesError(
            N_("open slots at most %(days)s days ahead (got %(day)s)"),
            field="date",
            days=str(MAX_DAYS_AHEAD),
            day=day.isoformat(),
        )
    starts = slot_starts(office.country, day, start, end, interval_minutes)
    if starts and starts[-1] <= now:
        raise CasesError(N_("the day is over; choose today or a later date"), field="date")
    return do_open_slots(session, actor, office_code, [s for s in starts if s > now], capacity)


@dataclass(frozen=True)
class AppointmentView:
    """A booking with its slot and office, for a case page or the API."""

    appointment: Appointment
    slot: Slot
    office: Office


def appointments_of(session: Session, actor: User, application_id: str) -> list[AppointmentView]:
    """Every booking of a case in scope, newest first (cancelled and past ones too).

    The caller records the read of the case file (``get_application``) as on the other
    case pages; this lists only what that read already covers.
    """
    return bookings_of(session, load_application(session, actor, application_id))


def bookings_of(session: Session, app: Application) -> list[AppointmentView]:
    """:func:`appointments_of` for ``app``, already loaded in the reader's scope."""
    query = (
        select(Appointment, Slot, Office)
        .join(Slot, Slot.id == Appointment.slot_id)
        .join(Office, Office.code == Slot.office_code)
        .where(Appointment.application_id == app.id)
        .order_by(Appointment.id.desc())
    )
    return [AppointmentView(a, s, o) for a, s, o in session.execute(query).all()]


@dataclass(frozen=True)
class DayEntry:
    """One booking on an office's day list."""

    appointment: Appointment
    slot: Slot
    application_id: str
    applicant_name: str


def office_day(session: Session, actor: User, office_code: str, day: date) -> list[DayEntry]:
    """The bookings of one office day (local calendar day), by time (officers; audited).

    Only cases in the officer's scope are listed, so an office-bound caseworker sees the
    same people here as in their queue.

    Raises:
        PermissionDeniedError: not an officer.
        NotFoundError: no such office in the officer's country.
    """
    check_role(actor, OFFICERS, N_("see an office's appointments"))
    office = session.get(Office, office_code) if "\x00" not in office_code else None
    if office is None or office.country != actor.country:
        raise NotFoundError(
            N_("no office %(code)s in your country"), field="office", code=repr(office_code)
        )
    zone = office_timezone(office.country)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    query = (
        select(Appointment, Slot, Application.id, Applicant.given_names, Applicant.surname_1)
        .join(Slot, Slot.id == Appointment.slot_id)
        .join(Application, Application.id == Appointment.application_id)
        .join(Applicant, Applicant.id == Application.applicant_id)
        .where(
            Slot.office_code == office_code,
            Slot.starts_at >= start,
            Slot.starts_at < end,
            Appointment.status != "cancelled",
            scope_filter(actor),
        )
        .order_by(Slot.starts_at, Appointment.id)
    )
    rows = [
        DayEntry(appt, slot, app_id, f"{given} {surname}")
        for appt, slot, app_id, given, surname in session.execute(query).all()
    ]
    # Names of many applicants are read at once: one event for the list (like a queue page).
    data = {"date": day.isoformat(), "appointments": len(rows)}
    append_event(session, actor, "appointment.day_list", "office", office_code, data, case=None)
    finish(session)
    return rows
