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
from fastapi.responses import Response
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
from ruta.cases.errors import ConflictError, NotFoundError
from ruta.errors import RutaError
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
from ruta.web.ui._help import Contact, authority
from ruta.web.ui._post import FormPost, see_other

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
            # The office's address with its source when the office set one; otherwise the
            # confirmation points to the authority's official website (help.yaml): Ruta
            # never invents an address.
            "address": v.office.address,
            "address_source": v.office.address_source,
            "office_help": authority(v.office.country),
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
    #: No office of the host country takes the case's pathway: nothing to book here.
    no_office: bool = False
    authority: Contact | None = None


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
    # Only the offices that take the case's pathway receive its applicant.
    offices = [
        o for o in list_offices(session, user, app.host_country) if app.pathway_id in o.pathway_ids
    ]
    return _Choice(
        application_id=app.id,
        status=app.status,
        current=current,
        history=[r for r in rows if r is not current],
        offices=_free_slots_by_office(session, user, offices, lang, only),
        office_names=[(o.code, o.name) for o in offices],
        no_office=not offices,
        authority=authority(app.host_country),
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
    post = await FormPost.read(request, session, user, field="slot")
    _ = post.gettext
    slot_id = _slot_id(post.form)
    current = form_id(post.form, "current")
    if post.check(
        _is_open(session, user, app_id),
        "slot",
        _("This application is closed; there is nothing to book."),
    ):
        post.check(slot_id is not None, "slot", _("Choose a day and time"))

    def act() -> object:
        assert slot_id is not None  # checked above
        if current is not None:
            return do_rebook_appointment(session, user, current, slot_id)
        return do_book_appointment(session, user, app_id, slot_id)

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if exc.field != "slot":
            return post.refusal(exc)
        if isinstance(exc, NotFoundError):
            return ("slot", _("That time is no longer offered. Choose another"))
        if not isinstance(exc, ConflictError):
            return ("slot", _("That office does not take applications for this pathway"))
        return ("slot", _("That time has just been taken. Choose another"))

    target = request.url_for("track_application", app_id=app_id)
    return post.run(
        act,
        done=lambda _booking: see_other(f"{target}#appointment"),
        page=lambda errors: _booking_page(
            request, session, user, app_id, errors, post.text("slot")
        ),
        refusal=refusal,
    )


@router.post("/track/{app_id}/appointment/cancel", name="appointment_cancel")
async def cancel(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Cancel the booking; the place goes back to the office."""
    post = await FormPost.read(request, session, user, field="cancel")
    appointment_id = form_id(post.form, "appointment")
    if appointment_id is None and post.fresh:
        return not_found_page(request, user)
    chosen = appointment_id or 0  # a stale form runs no action
    target = str(request.url_for("appointment_choose", app_id=app_id))
    return post.run(
        lambda: do_cancel_appointment(session, user, chosen, app_id),
        done=lambda _cancelled: see_other(target),
        page=lambda errors: _booking_page(request, session, user, app_id, errors),
    )


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

    if user.role not in OFFICERS:
        return not_found_page(request, user)
    form = await request.form()
    back_to_case = form_text(form, "return_to") == "case"
    field = "appointments" if back_to_case else f"attendance-{appointment_id}"
    post = FormPost(request, session, user, form, field=field)
    attended = post.text("attended")
    app_id = post.text("application_id")
    office, day = post.text("office"), post.text("day")
    post.check(attended in ("yes", "no"), field, post.gettext("Select whether the applicant came"))

    def done(_appointment: object) -> Response:
        if back_to_case:
            return redirect_to_case(request, app_id, "attendance-recorded")
        return see_other(_day_url(request, office, day))

    def page(errors: ErrorList) -> Response:
        if back_to_case:
            return case_page(request, session, user, app_id, errors)
        return _day_page(request, session, user, office, day, errors)

    return post.run(
        lambda: do_mark_attendance(
            session, user, appointment_id, attended == "yes", app_id or None
        ),
        done=done,
        page=page,
    )


@router.post("/casework/appointments/slots", name="office_open_slots")
async def open_slots(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Open a day's slots at an office (supervisors): date, from, until, interval, places."""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="date")
    _ = post.gettext
    office = post.text("office")
    fields = ("date-day", "date-month", "date-year", "start", "end", "interval_minutes")
    values = {k: post.text(k) for k in (*fields, "capacity")}
    day = form_date(post.form, "date")
    start, end = _parse_time(values["start"]), _parse_time(values["end"])
    interval, capacity = values["interval_minutes"], values["capacity"]
    post.check(day, "date", _("Enter a real date, for example 27 3 2027"))
    post.check(start, "start", _("Enter the time of the first appointment, for example 09:00"))
    post.check(end, "end", _("Enter the time the appointments end, for example 13:00"))
    post.check(
        interval.isdigit() and 5 <= int(interval) <= 480,
        "interval_minutes",
        _("Enter the minutes between appointments, 5 to 480"),
    )
    post.check(
        capacity.isdigit() and 1 <= int(capacity) <= 500,
        "capacity",
        _("Enter how many people each time can take, 1 to 500"),
    )

    def act() -> object:
        assert day is not None and start is not None and end is not None  # checked above
        return do_open_slot_range(
            session, user, office, day, start, end, int(interval), int(capacity)
        )

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        field = exc.field if exc.field in ("end", "interval_minutes", "capacity") else "date"
        if exc.field == "role":
            return (field, _("Only a supervisor can open appointment times"))
        if exc.field == "end":
            return (field, _("The end time must be after the start time"))
        if exc.field == "date":
            return (field, _("That day is over. Choose today or a later date"))
        return (field, post.said(exc))

    shown_day = day.isoformat() if day is not None else None
    return post.run(
        act,
        done=lambda _slots: see_other(_day_url(request, office, shown_day or "")),
        page=lambda errors: _day_page(request, session, user, office, shown_day, errors, values),
        refusal=refusal,
    )
