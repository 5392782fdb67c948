"""Appointment pages: an applicant books, changes or cancels an appointment at an office of
the application's host country; officers see an office's day, mark attendance, and a
supervisor opens slots.

Times are stored in UTC and shown on the office's wall clock (``office_timezone``), in the
page language's date and time formats, because that is the clock the applicant has to be
at the counter by. Every write is an action of ``ruta.cases.actions`` (booking, moving a
booking, cancelling, attendance, opening slots); refusals come back next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from ruta import i18n
from ruta.cases.access import OFFICERS
from ruta.cases.actions import (
    AppointmentView,
    appointments_of,
    do_book_appointment,
    do_cancel_appointment,
    do_mark_attendance,
    do_open_slot_range,
    do_rebook_appointment,
    get_application,
    list_offices,
    list_slots,
    office_day,
    office_timezone,
)
from ruta.cases.errors import CasesError, NotFoundError
from ruta.store.models import Office, User
from ruta.web.deps import PageUser, SessionDep
from ruta.web.i18n import render, request_language
from ruta.web.params import RecordId, form_id
from ruta.web.ui._forms import (
    ErrorList,
    csrf_context,
    form_date,
    form_text,
    gettext_for,
    not_found_page,
)
from ruta.web.ui._forms import verify_csrf as _csrf_ok

__all__ = ["appointment_rows", "router"]

router = APIRouter(tags=["pages: appointments"])

#: How far ahead an applicant is offered free slots.
BOOKING_WINDOW_DAYS = 28
_OPEN_STATUSES = (
    "submitted",
    "in_review",
    "information_requested",
    "decision_proposed",
    "appealed",
)


def _local(moment: datetime, country: str) -> datetime:
    return moment.astimezone(office_timezone(country))


def _day_label(day: date, lang: str) -> str:
    return i18n.format_date(day, lang, "full")


def _time_label(moment: datetime, lang: str) -> str:
    return i18n.format_time(moment, lang)


def _when(moment: datetime, country: str, lang: str) -> str:
    """A slot's start as the office's wall clock, e.g. "martes, 2 de marzo de 2027, 9:00"."""
    local = _local(moment, country)
    return f"{_day_label(local.date(), lang)}, {_time_label(local, lang)}"


def appointment_rows(views: list[AppointmentView], lang: str) -> list[dict[str, Any]]:
    """Bookings shaped for the templates (the case page and the tracking page)."""
    return [
        {
            "id": v.appointment.id,
            "status": v.appointment.status,
            "when": _when(v.slot.starts_at, v.office.country, lang),
            "office": v.office.name,
            "office_code": v.office.code,
            "future": v.slot.starts_at > datetime.now(UTC),
        }
        for v in views
    ]


# --- the applicant: choose an office and a time -------------------------------------------


@dataclass
class _Choice:
    """What the booking page shows: the case, its bookings and the free slots."""

    application_id: str
    status: str
    current: dict[str, Any] | None
    history: list[dict[str, Any]]
    offices: list[dict[str, Any]]
    office_names: list[tuple[str, str]]


def _free_slots_by_office(
    session: Session, user: User, offices: list[Office], lang: str, only: str | None
) -> list[dict[str, Any]]:
    """Free slots of the next weeks, grouped by office, then by the office's local day."""
    now = datetime.now(UTC)
    grouped = []
    for office in offices:
        if only and office.code != only:
            continue
        end = now + timedelta(days=BOOKING_WINDOW_DAYS)
        slots = list_slots(session, user, office.code, now, end, free_only=True)
        days: dict[date, list[dict[str, Any]]] = {}
        for slot in slots:
            local = _local(slot.starts_at, office.country)
            days.setdefault(local.date(), []).append(
                {
                    "id": slot.id,
                    "time": _time_label(local, lang),
                    "free": slot.capacity - slot.booked,
                }
            )
        grouped.append(
            {
                "code": office.code,
                "name": office.name,
                "days": [
                    {"key": d.isoformat(), "label": _day_label(d, lang), "slots": s}
                    for d, s in days.items()
                ],
            }
        )
    return grouped


def _choice(
    session: Session, user: User, app_id: str, lang: str, only: str | None
) -> _Choice | None:
    try:
        app = get_application(session, user, app_id)  # the audited read of the case file
        rows = appointment_rows(appointments_of(session, user, app_id), lang)
    except NotFoundError:
        return None
    current = next((r for r in rows if r["status"] == "booked"), None)
    offices = list_offices(session, user, app.host_country)
    return _Choice(
        application_id=app.id,
        status=app.status,
        current=current,
        history=[r for r in rows if r is not current],
        offices=_free_slots_by_office(session, user, offices, lang, only),
        office_names=[(o.code, o.name) for o in offices],
    )


def _booking_page(
    request: Request,
    session: Session,
    user: User,
    app_id: str,
    errors: ErrorList,
    selected: str = "",
) -> Response:
    lang = request_language(request)
    only = request.query_params.get("office") or None
    choice = _choice(session, user, app_id, lang, only)
    if choice is None:
        return not_found_page(request, user)
    context = {
        **csrf_context(request, user),
        "choice": choice,
        "only": only or "",
        "can_book": choice.status in _OPEN_STATUSES,
        "selected": selected,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
    }
    return render(request, "appointments/book.html", context, status_code=422 if errors else 200)


@router.get("/track/{app_id}/appointment", name="appointment_choose")
def choose(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Free times at the offices of the host country, by office and day; the booking."""
    return _booking_page(request, session, user, app_id, [])


def _is_open(session: Session, user: User, app_id: str) -> bool:
    """Whether the case is still open (a decided or withdrawn case books nothing)."""
    try:
        return get_application(session, user, app_id).status in _OPEN_STATUSES
    except NotFoundError:
        return True  # the booking action answers "not found" itself


def _slot_id(form: FormData) -> int | None:
    return form_id(form, "slot")


@router.post("/track/{app_id}/appointment", name="appointment_book")
async def book(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Book the chosen time, or move the current booking to it."""
    _ = gettext_for(request)
    form = await request.form()
    slot_id = _slot_id(form)
    errors: ErrorList = []
    if not _csrf_ok(request, form):
        errors.append(("slot", _("The form expired. Try again")))
    elif not _is_open(session, user, app_id):
        errors.append(("slot", _("This application is closed; there is nothing to book.")))
    elif slot_id is None:
        errors.append(("slot", _("Choose a day and time")))
    else:
        current = form_id(form, "current")
        try:
            if current is not None:
                do_rebook_appointment(session, user, current, slot_id)
            else:
                do_book_appointment(session, user, app_id, slot_id)
        except NotFoundError as exc:
            if exc.field != "slot":
                return not_found_page(request, user)
            session.rollback()
            errors.append(("slot", _("That time is no longer offered. Choose another")))
        except CasesError as exc:
            session.rollback()
            message = (
                _("That time has just been taken. Choose another")
                if exc.field == "slot"
                else exc.message
            )
            errors.append(("slot", message))
        else:
            target = request.url_for("track_application", app_id=app_id)
            return RedirectResponse(f"{target}#appointment", status_code=303)
    return _booking_page(request, session, user, app_id, errors, form_text(form, "slot"))


@router.post("/track/{app_id}/appointment/cancel", name="appointment_cancel")
async def cancel(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Cancel the booking; the place goes back to the office."""
    _ = gettext_for(request)
    form = await request.form()
    appointment_id = form_id(form, "appointment")
    if not _csrf_ok(request, form):
        return _booking_page(
            request, session, user, app_id, [("cancel", _("The form expired. Try again"))]
        )
    if appointment_id is None:
        return not_found_page(request, user)
    try:
        do_cancel_appointment(session, user, appointment_id, app_id)
    except NotFoundError:
        return not_found_page(request, user)
    except CasesError as exc:
        session.rollback()
        return _booking_page(request, session, user, app_id, [("cancel", exc.message)])
    target = request.url_for("appointment_choose", app_id=app_id)
    return RedirectResponse(str(target), status_code=303)


# --- officers: an office's day, attendance, opening slots ---------------------------------


def _parse_day(raw: str) -> date | None:
    """An ISO day within ten years of today (farther is a typo, and near the end of the
    calendar the previous/next day links could not be computed)."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if abs((day - datetime.now(UTC).date()).days) <= 3660 else None


def _parse_time(raw: str) -> time | None:
    try:
        return time.fromisoformat(raw) if len(raw) in (4, 5) and ":" in raw else None
    except ValueError:
        return None


def _day_page(
    request: Request,
    session: Session,
    user: User,
    office_code: str | None,
    day_text: str | None,
    errors: ErrorList | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The day view of one office: bookings with attendance, the slots, opening slots."""
    _ = gettext_for(request)
    lang = request_language(request)
    errors = list(errors or [])
    offices = list_offices(session, user)
    by_code = {o.code: o for o in offices}
    office = by_code.get(office_code or "") or by_code.get(user.office or "")
    if office is None and offices:
        office = offices[0]
    zone_country = office.country if office else (user.country or "")
    today = datetime.now(UTC).astimezone(office_timezone(zone_country)).date()
    day = today
    if day_text:
        parsed = _parse_day(day_text)
        if parsed is None:
            errors.append(("day", _("Enter a real date, for example 2027-03-01")))
        else:
            day = parsed
    entries: list[dict[str, Any]] = []
    slots: list[dict[str, Any]] = []
    if office is not None:
        for entry in office_day(session, user, office.code, day):
            entries.append(
                {
                    "id": entry.appointment.id,
                    "time": _time_label(_local(entry.slot.starts_at, office.country), lang),
                    "status": entry.appointment.status,
                    "application_id": entry.application_id,
                    "name": entry.applicant_name,
                }
            )
        zone = office_timezone(office.country)
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        for slot in list_slots(session, user, office.code, start, start + timedelta(days=1)):
            slots.append(
                {
                    "time": _time_label(_local(slot.starts_at, office.country), lang),
                    "capacity": slot.capacity,
                    "booked": slot.booked,
                }
            )
    context = {
        **csrf_context(request, user),
        "offices": [(o.code, o.name) for o in offices],
        "office": office,
        "day": day.isoformat(),
        "day_label": _day_label(day, lang),
        "previous_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat(),
        "entries": entries,
        "slots": slots,
        "is_supervisor": user.role == "supervisor",
        "values": values or {},
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
    }
    status = 422 if errors else 200
    return render(request, "appointments/day.html", context, status_code=status)


@router.get("/casework/appointments", name="office_appointments")
def day_view(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The appointments of one office on one day (``?office=&day=YYYY-MM-DD``)."""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    params = request.query_params
    return _day_page(request, session, user, params.get("office"), params.get("day"))


def _day_url(request: Request, office: str, day: str) -> str:
    base = str(request.url_for("office_appointments"))
    return f"{base}?{urlencode({'office': office, 'day': day})}"


@router.post("/casework/appointments/{appointment_id}/attendance", name="appointment_attendance")
async def attendance(
    request: Request,
    appointment_id: RecordId,
    user: PageUser,
    session: SessionDep,
) -> Response:
    """Mark a booking attended or not; back to the case or the day it came from."""
    from ruta.web.ui.caseworker import case_page, redirect_to_case

    _ = gettext_for(request)
    form = await request.form()
    attended = form_text(form, "attended")
    app_id = form_text(form, "application_id")
    back_to_case = form_text(form, "return_to") == "case"
    office, day = form_text(form, "office"), form_text(form, "day")
    field = "appointments" if back_to_case else f"attendance-{appointment_id}"
    message = ""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    if not _csrf_ok(request, form):
        message = _("The form expired. Try again")
    elif attended not in ("yes", "no"):
        message = _("Select whether the applicant came")
    else:
        try:
            do_mark_attendance(session, user, appointment_id, attended == "yes", app_id or None)
        except NotFoundError:
            return not_found_page(request, user)
        except CasesError as exc:
            session.rollback()
            message = exc.message
    if not message:
        if back_to_case:
            return redirect_to_case(request, app_id, "attendance-recorded")
        return RedirectResponse(_day_url(request, office, day), status_code=303)
    if back_to_case:
        return case_page(request, session, user, app_id, [(field, message)])
    return _day_page(request, session, user, office, day, [(field, message)])


@router.post("/casework/appointments/slots", name="office_open_slots")
async def open_slots(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Open a day's slots at an office (supervisors): date, from, until, interval, places."""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    _ = gettext_for(request)
    form = await request.form()
    office = form_text(form, "office")
    values = {
        k: form_text(form, k)
        for k in (
            "date-day",
            "date-month",
            "date-year",
            "start",
            "end",
            "interval_minutes",
            "capacity",
        )
    }
    errors: ErrorList = []
    day = form_date(form, "date")
    start, end = _parse_time(values["start"]), _parse_time(values["end"])
    interval, capacity = values["interval_minutes"], values["capacity"]
    if not _csrf_ok(request, form):
        errors.append(("date", _("The form expired. Try again")))
    if day is None:
        errors.append(("date", _("Enter a real date, for example 27 3 2027")))
    if start is None:
        errors.append(("start", _("Enter the time of the first appointment, for example 09:00")))
    if end is None:
        errors.append(("end", _("Enter the time the appointments end, for example 13:00")))
    if not interval.isdigit() or not 5 <= int(interval) <= 480:
        errors.append(("interval_minutes", _("Enter the minutes between appointments, 5 to 480")))
    if not capacity.isdigit() or not 1 <= int(capacity) <= 500:
        errors.append(("capacity", _("Enter how many people each time can take, 1 to 500")))
    if not errors and day is not None and start is not None and end is not None:
        try:
            do_open_slot_range(session, user, office, day, start, end, int(interval), int(capacity))
        except NotFoundError:
            return not_found_page(request, user)
        except CasesError as exc:
            session.rollback()
            field = exc.field if exc.field in ("end", "interval_minutes", "capacity") else "date"
            if exc.field == "role":
                message = _("Only a supervisor can open appointment times")
            elif exc.field == "end":
                message = _("The end time must be after the start time")
            elif exc.field == "date":
                message = _("That day is over. Choose today or a later date")
            else:
                message = exc.message
            errors.append((field, message))
        else:
            return RedirectResponse(_day_url(request, office, day.isoformat()), status_code=303)
    shown_day = day.isoformat() if day is not None else None
    return _day_page(request, session, user, office, shown_day, errors, values)
