"""Appointment reads and range openings (ruta.cases.actions.appointments): slots opened on
the office clock, an atomic change of booking, the case's bookings, the office day in
scope and audited, auditors who only read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from tests.cases.conftest import PASSWORD, submission

from ruta.cases import actions, verify_chain
from ruta.cases.actions.authentication import do_create_user
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError
from ruta.store.models import AuditEvent, Slot


def _day() -> date:
    return (datetime.now(UTC) + timedelta(days=3)).date()


@pytest.fixture
def office(session, cast):
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    return "BOG-01"


@pytest.fixture
def app(session, cast):
    return actions.do_submit_application(session, cast.applicant, submission())[0]


def test_slots_open_on_the_office_clock(session, cast, office):
    slots = actions.do_open_slot_range(
        session, cast.supervisor, office, _day(), time(8), time(9, 30), 45, 3
    )
    # Bogotá is UTC-5 all year: 08:00 and 08:45 local.
    assert [s.starts_at.strftime("%H:%M") for s in slots] == ["13:00", "13:45"]
    assert all(s.capacity == 3 and s.booked == 0 for s in slots)
    start = datetime.combine(_day(), time(0), tzinfo=UTC)
    listed = actions.list_slots(session, cast.supervisor, office, start, start + timedelta(days=1))
    assert [s.id for s in listed] == [s.id for s in slots]


@pytest.mark.parametrize(
    ("day", "start", "end", "interval", "capacity", "field"),
    [
        (None, time(9), time(9), 30, 1, "end"),
        (None, time(9), time(10), 4, 1, "interval_minutes"),
        (None, time(0), time(23, 59), 5, 1, "interval_minutes"),
        (None, time(9), time(10), 30, 0, "capacity"),
        (date(2001, 1, 1), time(9), time(10), 30, 1, "date"),
    ],
)
def test_bad_openings_name_the_field(
    session, cast, office, day, start, end, interval, capacity, field
):
    with pytest.raises(CasesError) as caught:
        actions.do_open_slot_range(
            session, cast.supervisor, office, day or _day(), start, end, interval, capacity
        )
    assert caught.value.field == field


def test_only_a_supervisor_of_the_country_opens_slots(session, cast, office):
    with pytest.raises(PermissionDeniedError):
        actions.do_open_slot_range(
            session, cast.caseworker, office, _day(), time(9), time(10), 30, 1
        )
    per_boss = do_create_user(
        session, None, username="jefa-per", password=PASSWORD, role="supervisor", country="PER"
    )
    with pytest.raises(NotFoundError):
        actions.do_open_slot_range(session, per_boss, office, _day(), time(9), time(10), 30, 1)


def test_rebooking_is_one_transaction(session, cast, office, app):
    one, two = actions.do_open_slot_range(
        session, cast.supervisor, office, _day(), time(9), time(10), 30, 1
    )
    first = actions.do_book_appointment(session, cast.applicant, app.id, one.id)
    other = actions.do_submit_application(session, cast.other_applicant, submission())[0]
    actions.do_book_appointment(session, cast.other_applicant, other.id, two.id)
    # The target is full: the change fails and the first booking stays as it was.
    with pytest.raises(ConflictError):
        actions.do_rebook_appointment(session, cast.applicant, first.id, two.id)
    session.expire_all()
    assert [
        v.appointment.status for v in actions.appointments_of(session, cast.applicant, app.id)
    ] == ["booked"]
    assert session.get(Slot, one.id).booked == 1
    three = actions.do_open_slot_range(
        session, cast.supervisor, office, _day(), time(11), time(11, 30), 30, 1
    )[0]
    moved = actions.do_rebook_appointment(session, cast.applicant, first.id, three.id)
    views = actions.appointments_of(session, cast.applicant, app.id)
    assert [(v.appointment.id, v.appointment.status) for v in views] == [
        (moved.id, "booked"),
        (first.id, "cancelled"),
    ]
    assert views[0].office.code == office and session.get(Slot, one.id).booked == 0


def test_office_day_lists_bookings_in_scope_and_is_audited(session, cast, office, app):
    slot = actions.do_open_slot_range(
        session, cast.supervisor, office, _day(), time(9), time(9, 30), 30, 2
    )[0]
    actions.do_book_appointment(session, cast.caseworker, app.id, slot.id)
    rows = actions.office_day(session, cast.caseworker, office, _day())
    assert [(r.application_id, r.applicant_name) for r in rows] == [(app.id, "María José Pérez")]
    assert actions.office_day(session, cast.caseworker, office, _day() + timedelta(days=1)) == []
    with pytest.raises(NotFoundError):
        actions.office_day(session, cast.per_caseworker, office, _day())
    with pytest.raises(PermissionDeniedError):
        actions.office_day(session, cast.applicant, office, _day())
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "office")
    ).all()
    assert events.count("appointment.day_list") == 2
    assert verify_chain(session).intact


def test_auditors_read_but_do_not_book(session, cast, office, app):
    slot = actions.do_open_slot_range(
        session, cast.supervisor, office, _day(), time(9), time(9, 30), 30, 1
    )[0]
    with pytest.raises(PermissionDeniedError):
        actions.do_book_appointment(session, cast.auditor, app.id, slot.id)
    appt = actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    assert [v.appointment.id for v in actions.appointments_of(session, cast.auditor, app.id)] == [
        appt.id
    ]
    with pytest.raises(PermissionDeniedError):
        actions.do_cancel_appointment(session, cast.auditor, appt.id)
    with pytest.raises(NotFoundError):
        actions.appointments_of(session, cast.per_caseworker, app.id)
