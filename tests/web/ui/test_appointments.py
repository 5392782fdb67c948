"""Appointment pages on SQLite and PostgreSQL: the applicant books, changes and cancels at
an office of the host country (times on the office clock, in the page language); officers
see the case's appointments and the office day, mark attendance; a supervisor opens times.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from babel import dates as babel_dates
from tests.web.ui.conftest import Site, csrf, main_text

from ruta.cases.actions import (
    do_create_office,
    do_open_slot_range,
    do_update_office,
    office_timezone,
)


def _day():
    """A weekday-independent future day on the Buenos Aires clock (the ARG offices)."""
    return (datetime.now(UTC).astimezone(office_timezone("ARG")) + timedelta(days=3)).date()


def _offices(site: Site) -> list[int]:
    """Two ARG offices; the first gets 09:00 and 09:30 (one place each). Returns slot ids."""
    with site.acting_as("sup") as (session, boss):
        do_create_office(session, boss, "BUE-01", "Buenos Aires, Retiro")
        do_create_office(session, boss, "COR-01", "Córdoba, Centro")
        slots = do_open_slot_range(session, boss, "BUE-01", _day(), time(9), time(10), 30, 1)
        return [s.id for s in slots]


def _booked(site: Site, app_id: str, slot: int, forged: bool = False):
    """The applicant's signed-in client, after booking ``slot`` from the booking page
    (``forged``: a slot the page does not offer, posted by hand)."""
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}/appointment")
    migrant.post(
        f"/track/{app_id}/appointment",
        data={"csrf_token": csrf(page.text), "slot": str(slot)},
        forged=forged,
    )
    return migrant


def _slot_radios(html: str) -> list[str]:
    return re.findall(r'name="slot" type="radio" value="(\d+)"', html)


def test_applicant_books_changes_and_cancels(site: Site, submitted) -> None:
    slot_ids = _offices(site)
    app_id = submitted()
    migrant = site.migrant(app_id)
    track = main_text(migrant.get(f"/track/{app_id}", params={"lang": "en"}).text)
    assert "You have no appointment" in track and "Book an appointment" in track
    page = migrant.get(f"/track/{app_id}/appointment")
    assert page.status_code == 200
    text = main_text(page.text)
    # Grouped by office, then by the office's day, in the page language's format.
    day_label = babel_dates.format_date(_day(), format="full", locale="en")
    assert "Buenos Aires, Retiro" in text and day_label in text
    assert "9:00" in text and "9:30" in text
    assert _slot_radios(page.text) == [str(i) for i in slot_ids]
    assert 'id="slot"' in page.text  # the error summary's link target exists

    missing = migrant.post(f"/track/{app_id}/appointment", data={"csrf_token": csrf(page.text)})
    assert missing.status_code == 422
    assert 'href="#slot"' in missing.text and "Choose a day and time" in missing.text

    booked = migrant.post(
        f"/track/{app_id}/appointment",
        data={"csrf_token": csrf(page.text), "slot": str(slot_ids[0])},
    )
    assert booked.status_code == 200 and f"/track/{app_id}" in str(booked.url)
    text = main_text(booked.text)
    assert f"{day_label}, 9:00 AM" in text and "Change or cancel the appointment" in text

    # The taken time (one place) is no longer offered; change to the other one.
    page = migrant.get(f"/track/{app_id}/appointment")
    assert _slot_radios(page.text) == [str(slot_ids[1])]
    moved = migrant.post(
        f"/track/{app_id}/appointment",
        data={
            "csrf_token": csrf(page.text),
            "slot": str(slot_ids[1]),
            "current": re.search(r'name="current" value="(\d+)"', page.text).group(1),
        },
    )
    assert f"{day_label}, 9:30 AM" in main_text(moved.text)
    page = migrant.get(f"/track/{app_id}/appointment")
    assert "Earlier appointments" in page.text and "Cancelled" in page.text
    assert _slot_radios(page.text) == [str(slot_ids[0])]  # the first place came back

    appointment = re.search(r'name="appointment" value="(\d+)"', page.text).group(1)
    cancelled = migrant.post(
        f"/track/{app_id}/appointment/cancel",
        data={"csrf_token": csrf(page.text), "appointment": appointment},
    )
    assert cancelled.status_code == 200
    assert "Your booked appointment" not in cancelled.text
    assert _slot_radios(cancelled.text) == [str(i) for i in slot_ids]


def test_booking_page_speaks_the_page_language(site: Site, submitted) -> None:
    _offices(site)
    app_id = submitted()
    migrant = site.migrant(app_id)
    for lang in ("es", "pt", "fr"):
        text = main_text(migrant.get(f"/track/{app_id}/appointment", params={"lang": lang}).text)
        assert babel_dates.format_date(_day(), format="full", locale=lang) in text
    assert (
        "Elija un día y una hora"
        in migrant.get(f"/track/{app_id}/appointment", params={"lang": "es"}).text
    )


def test_a_taken_time_is_reported_next_to_the_field(site: Site, submitted) -> None:
    slot_ids = _offices(site)
    first, second = submitted(), submitted()
    one, two = site.migrant(first), site.migrant(second)
    page_one = one.get(f"/track/{first}/appointment")
    page_two = two.get(f"/track/{second}/appointment")
    one.post(
        f"/track/{first}/appointment",
        data={"csrf_token": csrf(page_one.text), "slot": str(slot_ids[0])},
    )
    late = two.post(
        f"/track/{second}/appointment",
        data={"csrf_token": csrf(page_two.text), "slot": str(slot_ids[0])},
    )
    assert late.status_code == 422
    assert "That time has just been taken. Choose another" in late.text
    assert 'href="#slot"' in late.text


def test_officers_see_the_case_appointments_and_mark_a_no_show(site: Site, submitted) -> None:
    slot_ids = _offices(site)
    app_id = submitted()
    migrant = _booked(site, app_id, slot_ids[0])
    officer = site.signed_in("cw")
    case = officer.get(f"/casework/cases/{app_id}")
    text = main_text(case.text)
    assert "Appointments" in text and "Buenos Aires, Retiro" in text and "Booked" in text
    appointment = re.search(r"/casework/appointments/(\d+)/attendance", case.text).group(1)
    marked = officer.post(
        f"/casework/appointments/{appointment}/attendance",
        data={
            "csrf_token": csrf(case.text),
            "attended": "no",
            "application_id": app_id,
            "return_to": "case",
        },
    )
    assert marked.status_code == 200 and f"/casework/cases/{app_id}" in str(marked.url)
    assert "Did not come" in main_text(marked.text)
    # A no-show gives the place back.
    assert str(slot_ids[0]) in _slot_radios(migrant.get(f"/track/{app_id}/appointment").text)
    # An officer of another country does not see the case nor its appointments.
    other = site.signed_in("cw-per")
    assert other.get(f"/track/{app_id}/appointment").status_code == 404
    refused = other.post(
        f"/casework/appointments/{appointment}/attendance",
        data={
            "csrf_token": csrf(other.get("/casework/appointments").text),
            "attended": "yes",
            "application_id": app_id,
        },
        forged=True,  # the page does not offer it: the request is made by hand
    )
    assert refused.status_code == 404


def test_office_day_lists_bookings_and_supervisor_opens_times(site: Site, submitted) -> None:
    slot_ids = _offices(site)
    app_id = submitted()
    migrant = _booked(site, app_id, slot_ids[1])
    assert migrant.get("/casework/appointments").status_code == 404  # applicants: no
    boss = site.signed_in("sup")
    day = _day().isoformat()
    view = boss.get("/casework/appointments", params={"office": "BUE-01", "day": day})
    assert view.status_code == 200
    text = main_text(view.text)
    assert "María José Pérez" in text and "9:30 AM" in text and "Booked" in text
    assert "Open appointment times" in text
    attended = boss.post(
        re.search(r'action="[^"]*(/casework/appointments/\d+/attendance)"', view.text).group(1),
        data={
            "csrf_token": csrf(view.text),
            "attended": "yes",
            "application_id": app_id,
            "return_to": "day",
            "office": "BUE-01",
            "day": day,
        },
    )
    assert attended.status_code == 200 and "Attended" in main_text(attended.text)

    for wrong in ("31/02", "9999-12-31"):
        bad_day = boss.get("/casework/appointments", params={"office": "BUE-01", "day": wrong})
        assert bad_day.status_code == 422 and 'href="#day"' in bad_day.text
    huge = boss.post(
        "/casework/appointments/99999999999999999999/attendance",
        data={"csrf_token": csrf(view.text), "attended": "yes"},
        forged=True,
    )
    assert huge.status_code == 422

    later = _day() + timedelta(days=1)
    view = boss.get("/casework/appointments", params={"office": "COR-01"})
    form = {
        "csrf_token": csrf(view.text),
        "office": "COR-01",
        "date-day": str(later.day),
        "date-month": str(later.month),
        "date-year": str(later.year),
        "start": "14:00",
        "end": "12:00",
        "interval_minutes": "abc",
        "capacity": "2",
    }
    refused = boss.post("/casework/appointments/slots", data=form)
    assert refused.status_code == 422
    assert 'href="#interval_minutes"' in refused.text
    form["interval_minutes"] = "20"
    refused = boss.post("/casework/appointments/slots", data=form)
    assert refused.status_code == 422 and 'href="#end"' in refused.text
    assert "The end time must be after the start time" in refused.text
    form["end"] = "15:00"
    opened = boss.post("/casework/appointments/slots", data=form)
    assert opened.status_code == 200 and "Córdoba, Centro" in opened.text
    text = main_text(opened.text)
    assert "2:00 PM" in text and "2:40 PM" in text and "3:00 PM" not in text

    caseworker = site.signed_in("cw")
    form["csrf_token"] = csrf(caseworker.get("/casework/appointments").text)
    denied = caseworker.post("/casework/appointments/slots", data=form, forged=True)
    assert (
        denied.status_code == 422 and "Only a supervisor can open appointment times" in denied.text
    )
    per = site.signed_in("cw-per")
    assert "Your country has no offices yet" in per.get("/casework/appointments").text


def test_a_closed_case_books_nothing(site: Site, submitted) -> None:
    slot_ids = _offices(site)
    app_id = submitted()
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    migrant.post(
        f"/track/{app_id}/withdraw",
        data={"csrf_token": csrf(page.text), "withdraw_reason": "I found work elsewhere"},
    )
    page = migrant.get(f"/track/{app_id}/appointment")
    assert "This application is closed" in page.text and _slot_radios(page.text) == []
    forced = migrant.post(
        f"/track/{app_id}/appointment",
        data={"csrf_token": csrf(page.text), "slot": str(slot_ids[0])},
        forged=True,
    )
    assert forced.status_code == 422 and 'href="#slot"' in forced.text


def test_the_confirmation_offers_to_choose_an_office(site: Site, applied) -> None:
    client, app_id = applied()
    page = client.get(f"/applications/{app_id}/confirmation", params={"lang": "en"})
    assert f"/track/{app_id}/appointment" in page.text
    assert "Choose the office where you will show your original documents" in page.text


def test_a_slot_of_another_countrys_office_cannot_be_booked(site: Site, submitted) -> None:
    # Issue 16, finding 3: an ARG case posting the id of a Lima slot.
    with site.app.state.sessionmaker() as session:
        from tests.web.ui.conftest import PASSWORD

        from ruta.cases.actions.authentication import do_create_user

        jefa = do_create_user(
            session, None, username="jefa-per", password=PASSWORD, role="supervisor", country="PER"
        )
        do_create_office(session, jefa, "LIM-01", "Lima, Breña")
        lima = do_open_slot_range(session, jefa, "LIM-01", _day(), time(9), time(10), 30, 1)
    app_id = submitted()
    migrant = _booked(site, app_id, lima[0].id, forged=True)
    page = main_text(migrant.get(f"/track/{app_id}", params={"lang": "en"}).text)
    assert "You have no appointment" in page and "Lima" not in page
    booking = main_text(migrant.get(f"/track/{app_id}/appointment").text)
    assert "Lima" not in booking


def test_the_booking_confirmation_says_when_where_and_what_to_bring(site: Site, submitted) -> None:
    # Issue 15 §2: a booking shows a confirmation number, the time in the page language,
    # the office, where its address is (offices hold none: never invented) and what to bring.
    slot_ids = _offices(site)
    app_id = submitted()
    migrant = _booked(site, app_id, slot_ids[0])
    page = migrant.get(f"/track/{app_id}", params={"lang": "es"})
    text = main_text(page.text)
    reference = re.search(r'id="booking-reference">([^<]+)<', page.text)
    assert reference and reference.group(1).startswith(app_id[:8].upper() + "-")
    assert babel_dates.format_date(_day(), format="full", locale="es") in text
    assert "Buenos Aires, Retiro" in text
    address = re.search(r'id="booking-address">(.*?)</dd>', page.text, re.S)
    assert address and "https://www.argentina.gob.ar/interior/migraciones" in address.group(1)
    assert "Dirección Nacional de Migraciones" in address.group(1)
    assert "originales" in text  # what to bring, in Spanish
    booking = main_text(migrant.get(f"/track/{app_id}/appointment", params={"lang": "es"}).text)
    assert reference.group(1) in booking  # the booking page confirms the same


def test_the_office_address_and_its_source_show_on_the_booking(site: Site, submitted) -> None:
    # Issue 15 §2: when the office has set its address, the booking page, the confirmation
    # and the tracking page show it with where it comes from.
    slot_ids = _offices(site)
    with site.acting_as("sup") as (session, boss):
        do_update_office(
            session,
            boss,
            "BUE-01",
            name="Buenos Aires, Retiro",
            address="Av. Antártida Argentina 1355",
            address_source="https://example.org/oficinas",
            pathways=["arg.mercosur-temporary"],
        )
    app_id = submitted()
    migrant = _booked(site, app_id, slot_ids[0])
    for url in (f"/track/{app_id}", f"/track/{app_id}/appointment"):
        page = migrant.get(url, params={"lang": "pt"})
        address = re.search(r'id="booking-address">(.*?)</dd>', page.text, re.S)
        assert address, url
        assert "Av. Antártida Argentina 1355" in address.group(1)
        assert 'href="https://example.org/oficinas"' in address.group(
            1
        ) and "Fonte:" in address.group(1)
        assert "argentina.gob.ar" not in address.group(1)  # the office's own, not the pointer


def test_the_booking_page_offers_only_offices_that_take_the_pathway(site: Site, submitted) -> None:
    _offices(site)
    with site.acting_as("sup") as (session, boss):
        # Córdoba takes only the permanent residence: not this case's pathway.
        do_update_office(
            session,
            boss,
            "COR-01",
            name="Córdoba, Centro",
            address=None,
            address_source=None,
            pathways=["arg.mercosur-permanent"],
        )
        cordoba = do_open_slot_range(session, boss, "COR-01", _day(), time(9), time(10), 30, 1)
    app_id = submitted()
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}/appointment", params={"lang": "en"})
    assert "Córdoba" not in main_text(page.text)
    assert str(cordoba[0].id) not in _slot_radios(page.text)
    # A Córdoba slot posted by hand is refused next to the field.
    refused = migrant.post(
        f"/track/{app_id}/appointment",
        data={"csrf_token": csrf(page.text), "slot": str(cordoba[0].id)},
        forged=True,
    )
    assert refused.status_code == 422
    assert "That office does not take applications for this pathway" in refused.text
    # No office takes it at all: nothing to book here, and where to ask instead.
    with site.acting_as("sup") as (session, boss):
        do_update_office(
            session,
            boss,
            "BUE-01",
            name="Buenos Aires, Retiro",
            address=None,
            address_source=None,
            pathways=[],
        )
    text = main_text(migrant.get(f"/track/{app_id}/appointment", params={"lang": "en"}).text)
    assert "No office of this service takes applications for this pathway" in text
    assert "https://www.argentina.gob.ar/interior/migraciones" in text
    assert 'name="slot"' not in text
