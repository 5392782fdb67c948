"""Notes through /api/v1 on SQLite and PostgreSQL: officers write and read, applicants see
none, other countries get 404, the text is checked."""

from __future__ import annotations

from tests.web.api.test_applications_api import submit

from ruta.cases import verify_chain
from ruta.store.models import AuditEvent


def test_officers_add_and_read_notes(client, api_headers, database):
    cw = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, cw).json()["id"]
    url = f"/api/v1/applications/{app_id}/notes"
    assert client.get(url, headers=cw).json() == []
    r = client.post(
        url, json={"text": "  called the applicant; passport copy on its way  "}, headers=cw
    )
    assert r.status_code == 201, r.text
    note = r.json()
    assert note["text"] == "called the applicant; passport copy on its way"
    assert note["application_id"] == app_id
    sup = api_headers("boss", "supervisor", "COL")
    assert [n["id"] for n in client.get(url, headers=sup).json()] == [note["id"]]
    with database.sessionmaker() as s:
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.id)]
        assert "note.add" in actions and actions.count("application.read") >= 2
        assert verify_chain(s).intact


def test_notes_scope_roles_and_input(client, api_headers):
    cw = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, cw).json()["id"]
    url = f"/api/v1/applications/{app_id}/notes"
    per = api_headers("pedro", "caseworker", "PER")
    assert client.get(url, headers=per).status_code == 404
    assert client.post(url, json={"text": "x"}, headers=per).status_code == 404
    auditor = api_headers("aud", "auditor", "COL")
    assert client.post(url, json={"text": "x"}, headers=auditor).status_code == 403
    for body, field in (({"text": ""}, "text"), ({}, "text"), ({"text": "a" * 2001}, "text")):
        r = client.post(url, json=body, headers=cw)
        assert r.status_code == 422 and r.json()["field"] == field, r.json()
    blank = client.post(url, json={"text": "   "}, headers=cw)
    assert blank.status_code == 422 and blank.json()["field"] == "text"
    assert client.get("/api/v1/applications/nope/notes", headers=cw).status_code == 404
    assert client.get(url).status_code == 401
