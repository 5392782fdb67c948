"""Appointments through /api/v1 on SQLite and PostgreSQL: offices, opening slots,
booking, cancelling, attendance, scope and problem+json errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.web.api.test_applications_api import body, submit

from ruta.cases import verify_chain

PROBLEM = "application/problem+json"


def tomorrow() -> str:
    return (datetime.now(UTC) + timedelta(days=2)).date().isoformat()


@pytest.fixture
def col(api_headers):
    """A COL caseworker, a COL supervisor with an office, and one submitted case."""
    return {
        "cw": api_headers("ana", "caseworker", "COL"),
        "sup": api_headers("boss", "supervisor", "COL"),
    }


@pytest.fixture
def office(client, col):
    r = client.post(
        "/api/v1/offices", json={"code": "BOG-01", "name": "Bogotá"}, headers=col["sup"]
    )
    assert r.status_code == 201, r.text
    assert r.json()["timezone"] == "America/Bogota"
    return "BOG-01"


def open_day(client, headers, office, **changes):
    body = {
        "date": tomorrow(),
        "start": "09:00",
        "end": "10:00",
        "interval_minutes": 20,
        "capacity": 1,
    }
    body.update(changes)
    return client.post(f"/api/v1/offices/{office}/slots", json=body, headers=headers)


def test_supervisor_opens_slots_in_office_time(client, col, office):
    r = open_day(client, col["sup"], office)
    assert r.status_code == 201, r.text
    slots = r.json()
    # 09:00, 09:20, 09:40 in Bogotá (UTC-5) are 14:00, 14:20, 14:40 UTC.
    assert [s["starts_at"][11:16] for s in slots] == ["14:00", "14:20", "14:40"]
    assert all(s["free"] == 1 and s["office"] == office for s in slots)
    listed = client.get(
        f"/api/v1/offices/{office}/slots",
        params={"from": tomorrow(), "to": tomorrow()},
        headers=col["cw"],
    )
    assert listed.status_code == 200 and [s["id"] for s in listed.json()] == [
        s["id"] for s in slots
    ]
    offices = client.get("/api/v1/offices", headers=col["cw"]).json()
    assert [o["code"] for o in offices] == [office]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "08:00"}, "end"),
        ({"interval_minutes": 1}, "interval_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"date": "2026-02-30"}, "date"),
        ({"start": "9h"}, "start"),
        ({"date": "2001-01-01"}, "date"),
        ({"date": "9999-12-31", "start": "23:00", "end": "23:30"}, "date"),
        ({"start": "00:00", "end": "23:59", "interval_minutes": 5}, "interval_minutes"),
    ],
)
def test_bad_slot_openings_name_the_field(client, col, office, changes, field):
    r = open_day(client, col["sup"], office, **changes)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == field, r.json()


def test_only_supervisors_of_the_country_open_slots(client, col, office, api_headers):
    assert open_day(client, col["cw"], office).status_code == 403
    per_boss = api_headers("jefa", "supervisor", "PER")
    assert open_day(client, per_boss, office).status_code == 404
    assert open_day(client, col["sup"], "NOPE").status_code == 404
    r = client.get("/api/v1/offices/NOPE/slots", headers=col["cw"])
    assert r.status_code == 404 and r.json()["field"] == "office"


def test_slot_listing_window_is_checked(client, col, office):
    r = client.get(
        f"/api/v1/offices/{office}/slots",
        params={"from": "2027-01-10", "to": "2027-01-01"},
        headers=col["cw"],
    )
    assert r.status_code == 422 and r.json()["field"] == "to"
    r = client.get(f"/api/v1/offices/{office}/slots", params={"from": "x"}, headers=col["cw"])
    assert r.status_code == 422 and r.json()["field"] == "from"
    # Near the end of the calendar: a clear 422, not an overflow.
    for params, field in (({"from": "9999-12-31"}, "from"), ({"to": "9999-12-31"}, "to")):
        r = client.get(f"/api/v1/offices/{office}/slots", params=params, headers=col["cw"])
        assert r.status_code == 422 and r.json()["field"] == field


def test_book_cancel_rebook_and_no_show_release_the_place(client, col, office, database):
    slots = open_day(client, col["sup"], office).json()
    app_id = submit(client, col["cw"]).json()["id"]
    base = f"/api/v1/applications/{app_id}/appointments"
    booked = client.post(base, json={"slot_id": slots[0]["id"]}, headers=col["cw"])
    assert booked.status_code == 201, booked.text
    appt = booked.json()
    assert appt["status"] == "booked" and appt["slot_id"] == slots[0]["id"]
    # One active booking per application.
    again = client.post(base, json={"slot_id": slots[1]["id"]}, headers=col["cw"])
    assert again.status_code == 409 and again.json()["field"] == "slot"
    # The slot (capacity 1) is full for another application.
    other = submit(client, col["cw"], key="key-2").json()["id"]
    full = client.post(
        f"/api/v1/applications/{other}/appointments",
        json={"slot_id": slots[0]["id"]},
        headers=col["cw"],
    )
    assert full.status_code == 409 and full.json()["field"] == "slot"
    # Cancelling gives the place back; the other application takes it.
    cancelled = client.post(f"{base}/{appt['id']}/cancel", headers=col["cw"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"{base}/{appt['id']}/cancel", headers=col["cw"]).status_code == 409
    taken = client.post(
        f"/api/v1/applications/{other}/appointments",
        json={"slot_id": slots[0]["id"]},
        headers=col["cw"],
    )
    assert taken.status_code == 201
    # A no-show re-releases the place; attended does not.
    no_show = client.post(
        f"/api/v1/applications/{other}/appointments/{taken.json()['id']}/attendance",
        json={"attended": False},
        headers=col["cw"],
    )
    assert no_show.status_code == 200 and no_show.json()["status"] == "no_show"
    listed = client.get(
        f"/api/v1/offices/{office}/slots",
        params={"from": tomorrow(), "to": tomorrow(), "free": "true"},
        headers=col["cw"],
    ).json()
    assert slots[0]["id"] in [s["id"] for s in listed]
    # DELETE is the same as cancel.
    rebooked = client.post(base, json={"slot_id": slots[1]["id"]}, headers=col["cw"]).json()
    deleted = client.delete(f"{base}/{rebooked['id']}", headers=col["cw"])
    assert deleted.status_code == 200 and deleted.json()["status"] == "cancelled"
    history = client.get(base, headers=col["cw"]).json()
    assert [a["status"] for a in history] == ["cancelled", "cancelled"]
    assert history[0]["office"] == office and history[0]["starts_at"]
    with database.sessionmaker() as s:
        assert verify_chain(s).intact


def test_scope_and_roles(client, col, office, api_headers):
    slots = open_day(client, col["sup"], office).json()
    app_id = submit(client, col["cw"]).json()["id"]
    base = f"/api/v1/applications/{app_id}/appointments"
    per = api_headers("pedro", "caseworker", "PER")
    assert client.post(base, json={"slot_id": slots[0]["id"]}, headers=per).status_code == 404
    assert client.get(base, headers=per).status_code == 404
    auditor = api_headers("aud", "auditor", "COL")
    assert client.post(base, json={"slot_id": slots[0]["id"]}, headers=auditor).status_code == 403
    appt = client.post(base, json={"slot_id": slots[0]["id"]}, headers=col["cw"]).json()
    attend = f"{base}/{appt['id']}/attendance"
    assert client.post(attend, json={"attended": True}, headers=per).status_code == 404
    # The appointment must belong to the application in the path.
    other = submit(client, col["cw"], key="key-2").json()["id"]
    wrong = f"/api/v1/applications/{other}/appointments/{appt['id']}/cancel"
    assert client.post(wrong, headers=col["cw"]).status_code == 404
    bad = client.post(attend, json={"attended": "perhaps"}, headers=col["cw"])
    assert bad.status_code == 422 and bad.json()["field"] == "attended"
    done = client.post(attend, json={"attended": True}, headers=col["cw"])
    assert done.status_code == 200 and done.json()["status"] == "attended"
    assert client.post(attend, json={"attended": False}, headers=col["cw"]).status_code == 409
    missing = client.post(base, json={"slot_id": 999999}, headers=col["cw"])
    assert missing.status_code == 404 and missing.json()["field"] == "slot"
    assert client.post(base, json={}, headers=col["cw"]).json()["field"] == "slot_id"


def test_openapi_documents_the_appointment_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/offices",
        "/api/v1/offices/{office}/slots",
        "/api/v1/applications/{application_id}/appointments",
        "/api/v1/applications/{application_id}/appointments/{appointment_id}/cancel",
        "/api/v1/applications/{application_id}/appointments/{appointment_id}/attendance",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/applications/{application_id}/appointments"]["post"]["responses"]


def test_offices_and_slots_of_another_country_are_out_of_scope(client, col, office, api_headers):
    # Issue 16, finding 3: a COL caseworker listed Lima slots and booked one for a COL case.
    per_boss = api_headers("jefa", "supervisor", "PER")
    lima = client.post("/api/v1/offices", json={"code": "LIM-01", "name": "Lima"}, headers=per_boss)
    assert lima.status_code == 201
    lima_slots = open_day(client, per_boss, "LIM-01").json()
    assert [o["code"] for o in client.get("/api/v1/offices", headers=col["cw"]).json()] == [office]
    listed = client.get("/api/v1/offices", params={"country": "PER"}, headers=col["cw"])
    assert listed.status_code == 200 and listed.json() == []
    slots = client.get("/api/v1/offices/LIM-01/slots", headers=col["cw"])
    assert slots.status_code == 404 and slots.json()["field"] == "office"
    app_id = submit(client, col["cw"]).json()["id"]
    booked = client.post(
        f"/api/v1/applications/{app_id}/appointments",
        json={"slot_id": lima_slots[0]["id"]},
        headers=col["cw"],
    )
    assert booked.status_code == 404 and booked.json()["field"] == "slot"


def test_an_office_has_an_address_with_its_source_and_the_pathways_it_takes(client, col):
    created = client.post(
        "/api/v1/offices",
        json={
            "code": "BOG-02",
            "name": "Bogotá",
            "address": "Calle 100 # 11B-27",
            "address_source": "https://example.org/oficinas",
            "pathways": ["col.ppt"],
        },
        headers=col["sup"],
    )
    assert created.status_code == 201, created.text
    assert created.json()["pathways"] == ["col.ppt"]
    assert created.json()["address_source"] == "https://example.org/oficinas"
    # Left out, the list is every pathway of the country, written out (earlier clients).
    plain = client.post(
        "/api/v1/offices", json={"code": "MED-01", "name": "Medellín"}, headers=col["sup"]
    ).json()
    assert "col.ppt" in plain["pathways"] and all(p.startswith("col.") for p in plain["pathways"])
    taking = client.get("/api/v1/offices", params={"pathway": "col.pep-tutor"}, headers=col["cw"])
    assert [o["code"] for o in taking.json()] == ["MED-01"]
    changed = client.patch(
        "/api/v1/offices/MED-01",
        json={"pathways": ["col.pep-tutor"], "address": "Carrera 1", "address_source": "Res. 9"},
        headers=col["sup"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["pathways"] == ["col.pep-tutor"]
    assert changed.json()["name"] == "Medellín"  # left out, kept
    cleared = client.patch(
        "/api/v1/offices/MED-01", json={"address": None, "address_source": None}, headers=col["sup"]
    )
    assert cleared.json()["address"] is None and cleared.json()["pathways"] == ["col.pep-tutor"]
    assert client.get("/api/v1/offices/MED-01", headers=col["cw"]).json() == cleared.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pathways": ["per.cpp-2023"]}, "pathways"),
        ({"pathways": None}, "pathways"),
        ({"name": None}, "name"),
        ({"address": "Calle 1"}, "address_source"),
        ({"address": "Calle 1", "address_source": "http://example.org"}, "address_source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_office_changes_are_problems_naming_the_field(client, col, office, body, field):
    r = client.patch(f"/api/v1/offices/{office}", json=body, headers=col["sup"])
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM), r.text
    assert r.json()["field"] == field
    assert client.patch(f"/api/v1/offices/{office}", json={}, headers=col["cw"]).status_code == 403
    assert client.patch("/api/v1/offices/NOPE", json={}, headers=col["sup"]).status_code == 404


def test_a_case_books_only_at_an_office_that_takes_its_pathway(client, col):
    app = submit(client, col["cw"]).json()
    client.post(
        "/api/v1/offices",
        json={"code": "BOG-03", "name": "Bogotá", "pathways": []},
        headers=col["sup"],
    )
    slot = open_day(client, col["sup"], "BOG-03").json()[0]
    booked = client.post(
        f"/api/v1/applications/{app['id']}/appointments",
        json={"slot_id": slot["id"]},
        headers=col["cw"],
    )
    assert booked.status_code == 422 and booked.json()["field"] == "slot"
    assert body()["pathway"] in booked.json()["detail"]
