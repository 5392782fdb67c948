"""Notifications through /api/v1 on SQLite and PostgreSQL: an applicant's choices, the
supervisor's undelivered messages and retry, problem+json for bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.web.api.test_applications_api import body, submit

from ruta.cases import actions
from ruta.cases.outbox import claim_batch, mark_failed, mark_sending
from ruta.store.models import User


def test_applicant_sets_whatsapp_and_the_next_message_uses_it(client, api_headers, database):
    me = api_headers("rosa", "applicant")
    assert client.get("/api/v1/me/notifications", headers=me).json() == {
        "channel": "email",
        "opted_out": False,
        "language": None,
        "email": None,
        "phone": None,
    }
    bad = client.put(
        "/api/v1/me/notifications", json={"channel": "whatsapp", "phone": "12"}, headers=me
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "phone" in bad.text
    unknown = client.put("/api/v1/me/notifications", json={"channel": "fax"}, headers=me)
    assert unknown.status_code == 422 and "channel" in unknown.text
    ok = client.put(
        "/api/v1/me/notifications",
        json={"channel": "whatsapp", "phone": "+51 987 654 321", "language": "pt-BR"},
        headers=me,
    )
    assert ok.status_code == 200 and ok.json()["language"] == "pt"
    app_id = submit(client, me, payload=body()).json()["id"]
    cw_headers = api_headers("ana", "caseworker", "COL")
    for to, reason in (("in_review", "picked"), ("information_requested", "a photo")):
        r = client.post(
            f"/api/v1/applications/{app_id}/transitions",
            json={"to": to, "reason": reason},
            headers=cw_headers,
        )
        assert r.status_code in (200, 201), r.text
    with database.sessionmaker() as s:
        officer = s.query(User).filter_by(username="ana").one()
        (message,) = actions.messages_of(s, officer, app_id)
        assert (message.channel, message.recipient, message.language) == (
            "whatsapp",
            "+51 987 654 321",
            "pt",
        )


def test_supervisor_lists_and_retries_undelivered_messages(client, api_headers, database):
    cw = api_headers("ana", "caseworker", "COL")
    payload = body()
    payload["applicant"]["email"] = "rosa@example.org"
    app_id = submit(client, cw, payload=payload).json()["id"]
    for to, reason in (("in_review", "picked"), ("information_requested", "a photo")):
        client.post(
            f"/api/v1/applications/{app_id}/transitions",
            json={"to": to, "reason": reason},
            headers=cw,
        )
    now = datetime.now(UTC)
    lease = timedelta(minutes=5)
    with database.sessionmaker() as s:
        (row,) = claim_batch(s, limit=5, lease=lease, now=now, channels=("email",))
        message_id, token = row.id, row.claim_token
        mark_sending(s, message_id, token, now=now, lease=lease)
        mark_failed(s, message_id, token, error="SMTP 550: no", dead=True, retry_at=now)
    sup = api_headers("boss", "supervisor", "COL")
    assert client.get("/api/v1/notifications/undelivered", headers=cw).status_code == 403
    (listed,) = client.get("/api/v1/notifications/undelivered", headers=sup).json()
    assert listed["id"] == message_id and listed["state"] == "dead"
    assert listed["last_error"] == "SMTP 550: no"
    again = client.post(f"/api/v1/notifications/{message_id}/retry", headers=sup)
    assert again.status_code == 200 and again.json()["state"] == "pending"
    assert client.post(f"/api/v1/notifications/{message_id}/retry", headers=sup).status_code == 409
    per = api_headers("pablo", "supervisor", "PER")
    assert client.post(f"/api/v1/notifications/{message_id}/retry", headers=per).status_code == 404
