"""``/api/v1/offices`` and ``/api/v1/applications/{id}/appointments``: office slots,
booking, cancelling and attendance.

Routes parse input, call one action from :mod:`ruta.cases.actions` and shape the answer;
the actions check role and scope (a COL officer asking about a PER case gets 404) and
write the audit events. Slot times are UTC in the API; ``POST .../slots`` takes the
office's wall-clock times, as a supervisor plans a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from ruta.cases import actions
from ruta.cases.errors import CasesError
from ruta.cases.schemas import StrictInput
from ruta.i18n import N_
from ruta.store.models import Appointment, Office, Slot
from ruta.web.deps import ApiUser, SessionDep
from ruta.web.params import MAX_ID, RecordId

__all__ = [
    "AppointmentIn",
    "AppointmentPublic",
    "AttendanceIn",
    "OfficeIn",
    "OfficePublic",
    "OfficeUpdate",
    "SlotPublic",
    "SlotsIn",
    "router",
]

router = APIRouter(tags=["appointments"])

#: The longest window one slot listing may cover, and how far from today it may lie.
_MAX_WINDOW_DAYS = 92
_MAX_YEARS = 10

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or expired bearer token"},
    404: {"description": "No such office, slot, application or appointment in your scope"},
    422: {"description": "Invalid input (problem+json naming the field)"},
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible now (slot full, already booked, not booked)"}
}

OfficeCode = Annotated[str, Path(min_length=1, max_length=40, description="Office code")]
ApplicationId = Annotated[str, Path(min_length=1, max_length=36)]
AppointmentId = RecordId


class OfficePublic(BaseModel):
    """A migration office: where it is (with the source of its address) and the pathways
    whose applicants it receives."""

    code: str
    country: str
    name: str
    timezone: str = Field(description="IANA zone of the office's wall clock")
    address: str | None = Field(
        None, description="Street address as the office publishes it; null when not set"
    )
    address_source: str | None = Field(
        None, description="Where the address comes from: a URL or a document"
    )
    pathways: list[str] = Field(
        default_factory=list, description="Ids of the pathways the office takes, in id order"
    )

    @classmethod
    def of(cls, office: Office) -> OfficePublic:
        """Shape one office."""
        zone = actions.office_timezone(office.country).key
        return cls(
            code=office.code,
            country=office.country,
            name=office.name,
            timezone=zone,
            address=office.address,
            address_source=office.address_source,
            pathways=office.pathway_ids,
        )


class SlotPublic(BaseModel):
    """An appointment slot (``starts_at`` in UTC)."""

    id: int
    office: str
    starts_at: datetime
    capacity: int
    booked: int
    free: int

    @classmethod
    def of(cls, slot: Slot) -> SlotPublic:
        """Shape one slot."""
        return cls(
            id=slot.id,
            office=slot.office_code,
            starts_at=slot.starts_at,
            capacity=slot.capacity,
            booked=slot.booked,
            free=max(0, slot.capacity - slot.booked),
        )


class SlotsIn(StrictInput):
    """Open the slots of one day: every ``interval_minutes`` from ``start`` until ``end``
    (office wall-clock time), each with ``capacity`` places."""

    date: date
    start: time = Field(description="First slot, office local time, e.g. 09:00")
    end: time = Field(description="No slot starts at or after this time, e.g. 13:00")
    interval_minutes: int = Field(ge=5, le=480)
    capacity: int = Field(1, ge=1, le=500)


class AppointmentIn(StrictInput):
    """Book a slot for the application."""

    slot_id: int = Field(ge=1, le=MAX_ID)


class AttendanceIn(StrictInput):
    """Whether the applicant came; a no-show gives the place back to the slot."""

    attended: bool


class AppointmentPublic(BaseModel):
    """A booking."""

    id: int
    application_id: str
    slot_id: int
    status: str = Field(description="booked, cancelled, attended or no_show")
    booked_at: datetime
    reminded_at: datetime | None
    starts_at: datetime | None = None
    office: str | None = None

    @classmethod
    def of(cls, appt: Appointment, slot: Slot | None = None) -> AppointmentPublic:
        """Shape one booking (with its slot's time and office when given)."""
        return cls(
            id=appt.id,
            application_id=appt.application_id,
            slot_id=appt.slot_id,
            status=appt.status,
            booked_at=appt.booked_at,
            reminded_at=appt.reminded_at,
            starts_at=slot.starts_at if slot is not None else None,
            office=slot.office_code if slot is not None else None,
        )


@router.get("/offices", responses=_PROBLEMS)
def list_offices(
    session: SessionDep,
    user: ApiUser,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    pathway: Annotated[
        str | None, Query(min_length=1, max_length=80, description="Only offices taking it")
    ] = None,
) -> list[OfficePublic]:
    """The offices in your scope: your country's (officers, auditors), or those of the
    countries where you applied (applicants); ``country`` and ``pathway`` narrow the list."""
    chosen = country.upper() if country else None
    offices = actions.list_offices(session, user, chosen)
    return [OfficePublic.of(o) for o in offices if pathway is None or pathway in o.pathway_ids]


_ADDRESS = Field(None, max_length=500, description="Street address; give its source too")
_SOURCE = Field(None, max_length=500, description="Where the address comes from: URL or document")


class OfficeIn(StrictInput):
    """A new office in your country.

    ``pathways`` left out: the office takes every pathway of your country in the packs in
    use now, written out in the answer (as offices created before the list existed); a
    pathway added to the packs later is taken only once the office adds it.
    """

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    address: str | None = _ADDRESS
    address_source: str | None = _SOURCE
    pathways: list[str] | None = Field(
        None, max_length=200, description="Ids of the pathways the office takes"
    )


class OfficeUpdate(StrictInput):
    """Change an office: the fields sent are set (``null`` clears the address or its
    source), the fields left out keep their value; ``pathways`` replaces the whole list."""

    name: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = _ADDRESS
    address_source: str | None = _SOURCE
    pathways: list[str] | None = Field(None, max_length=200)


@router.post(
    "/offices",
    status_code=201,
    responses={**_PROBLEMS, 403: {"description": "Supervisors only"}, **_CONFLICT},
)
def create_office(body: OfficeIn, session: SessionDep, user: ApiUser) -> OfficePublic:
    """Create an office in your country (supervisors; audited)."""
    office = actions.do_create_office(
        session,
        user,
        body.code,
        body.name,
        address=body.address,
        address_source=body.address_source,
        pathways=body.pathways,
    )
    return OfficePublic.of(office)


@router.get("/offices/{office}", responses=_PROBLEMS)
def get_office(office: OfficeCode, session: SessionDep, user: ApiUser) -> OfficePublic:
    """One office in your scope."""
    return OfficePublic.of(actions.get_office(session, user, office))


@router.patch(
    "/offices/{office}",
    responses={**_PROBLEMS, 403: {"description": "Supervisors only"}},
)
def update_office(
    office: OfficeCode, body: OfficeUpdate, session: SessionDep, user: ApiUser
) -> OfficePublic:
    """Change an office of your country: name, address and its source, pathways taken
    (supervisors; audited with what changed). Bookings already made stay."""
    current = actions.get_office(session, user, office)
    sent = body.model_fields_set
    if "name" in sent and body.name is None:
        raise CasesError(
            N_("an office keeps a name; send a text or leave 'name' out"), field="name"
        )
    if "pathways" in sent and body.pathways is None:
        raise CasesError(N_("send a list (empty: the office takes none)"), field="pathways")
    changed = actions.do_update_office(
        session,
        user,
        office,
        name=body.name if body.name is not None else current.name,
        address=body.address if "address" in sent else current.address,
        address_source=(
            body.address_source if "address_source" in sent else current.address_source
        ),
        pathways=body.pathways if body.pathways is not None else current.pathway_ids,
    )
    return OfficePublic.of(changed)


@router.get("/offices/{office}/slots", responses=_PROBLEMS)
def list_slots(
    office: OfficeCode,
    session: SessionDep,
    user: ApiUser,
    from_: Annotated[date | None, Query(alias="from", description="First day (UTC)")] = None,
    to: Annotated[date | None, Query(description="Last day, inclusive (UTC)")] = None,
    free: Annotated[bool, Query(description="Only slots with places left")] = False,
) -> list[SlotPublic]:
    """Slots of an office in your scope between two days (14 days from today by default)."""
    today = datetime.now(UTC).date()
    for name, value in (("from", from_), ("to", to)):
        if value is not None and abs((value - today).days) > _MAX_YEARS * 366:
            raise CasesError(
                N_("'%(name)s' must be within %(years)s years of today"),
                field=name,
                name=name,
                years=str(_MAX_YEARS),
            )
    first = from_ or today
    last = to or first + timedelta(days=13)
    if last < first:
        raise CasesError(N_("'to' must be on or after 'from'"), field="to")
    if (last - first).days >= _MAX_WINDOW_DAYS:
        raise CasesError(
            N_("ask for at most %(days)s days at a time"), field="to", days=str(_MAX_WINDOW_DAYS)
        )
    start = datetime.combine(first, time(0), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
    slots = actions.list_slots(session, user, office, start, end, free_only=free)
    return [SlotPublic.of(s) for s in slots]


@router.post(
    "/offices/{office}/slots",
    status_code=201,
    responses={**_PROBLEMS, 403: {"description": "Supervisors only"}},
)
def open_slots(
    office: OfficeCode, body: SlotsIn, session: SessionDep, user: ApiUser
) -> list[SlotPublic]:
    """Open a day's slots at an office of your country (supervisors; audited)."""
    slots = actions.do_open_slot_range(
        session,
        user,
        office,
        body.date,
        body.start,
        body.end,
        body.interval_minutes,
        body.capacity,
    )
    return [SlotPublic.of(s) for s in slots]


@router.get("/applications/{application_id}/appointments", responses=_PROBLEMS)
def list_appointments(
    application_id: ApplicationId, session: SessionDep, user: ApiUser
) -> list[AppointmentPublic]:
    """Bookings of a case, newest first (an audited read of the case file)."""
    actions.get_application(session, user, application_id)  # records the read
    views = actions.appointments_of(session, user, application_id)
    return [AppointmentPublic.of(v.appointment, v.slot) for v in views]


@router.post(
    "/applications/{application_id}/appointments",
    status_code=201,
    responses={**_PROBLEMS, **_CONFLICT},
)
def book(
    application_id: ApplicationId, body: AppointmentIn, session: SessionDep, user: ApiUser
) -> AppointmentPublic:
    """Book a place in a future slot (one active booking per application)."""
    appt = actions.do_book_appointment(session, user, application_id, body.slot_id)
    return AppointmentPublic.of(appt)


# One handler, two routes: DELETE for REST clients, POST for clients (and forms) that only
# send POST; either keeps the booking as cancelled rather than erasing it.
@router.delete(
    "/applications/{application_id}/appointments/{appointment_id}",
    responses={**_PROBLEMS, **_CONFLICT},
)
@router.post(
    "/applications/{application_id}/appointments/{appointment_id}/cancel",
    responses={**_PROBLEMS, **_CONFLICT},
)
def cancel(
    application_id: ApplicationId,
    appointment_id: AppointmentId,
    session: SessionDep,
    user: ApiUser,
) -> AppointmentPublic:
    """Cancel a booking; the place goes back to the slot (kept as cancelled, not erased)."""
    appt = actions.do_cancel_appointment(session, user, appointment_id, application_id)
    return AppointmentPublic.of(appt)


@router.post(
    "/applications/{application_id}/appointments/{appointment_id}/attendance",
    responses={**_PROBLEMS, **_CONFLICT, 403: {"description": "Officers only"}},
)
def attendance(
    application_id: ApplicationId,
    appointment_id: AppointmentId,
    body: AttendanceIn,
    session: SessionDep,
    user: ApiUser,
) -> AppointmentPublic:
    """Record whether the applicant came (officers); a no-show re-releases the place."""
    appt = actions.do_mark_attendance(session, user, appointment_id, body.attended, application_id)
    return AppointmentPublic.of(appt)
