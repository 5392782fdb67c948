"""Notification pages: the applicant's channel and opt-out, the supervisor's dead letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.web.ui.conftest import csrf, main_text

from ruta.cases import actions
from ruta.cases.outbox import claim_batch, mark_failed, mark_sending
from ruta.store.models import AuditEvent, OutboxMessage, User

LEASE = timedelta(minutes=5)


def _messages(site, app_id):
    with site.app.state.sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.application_id == app_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def _request_information(site, app_id):
    with site.app.state.sessionmaker() as session:
        cw = session.get(User, site.user("cw"))
        actions.do_transition(session, cw, app_id, "in_review", "picked")
        actions.do_transition(session, cw, app_id, "information_requested", "a photo")


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("es", "Cómo le contactamos"),
        ("pt", "Como entramos em contato"),
        ("en", "How we contact you"),
        ("fr", "Comment nous vous contactons"),
    ],
)
def test_preferences_page_speaks_the_language(site, applied, lang, title):
    client, _app_id = applied()
    page = client.get("/account/notifications", params={"lang": lang})
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text


def test_applicant_chooses_sms_and_the_next_message_goes_by_sms(site, applied):
    client, app_id = applied()
    page = client.get("/account/notifications", params={"lang": "en"})
    form = {"csrf_token": csrf(page.text), "channel": "sms", "language": "pt", "phone": ""}
    refused = client.post("/account/notifications", data=form)
    assert refused.status_code == 422
    assert "Enter a mobile number to receive SMS or WhatsApp messages" in main_text(refused.text)
    assert 'href="#phone"' in refused.text  # the error summary points at the field
    expired = client.post("/account/notifications", data={**form, "csrf_token": "forged"})
    assert expired.status_code == 422 and "The form expired" in expired.text
    saved = client.post("/account/notifications", data={**form, "phone": "+54 11 5555 0101"})
    assert saved.status_code == 200 and "Your choices are saved." in saved.text
    assert 'value="sms" checked' in saved.text and "+54 11 5555 0101" in saved.text
    _request_information(site, app_id)
    (message,) = _messages(site, app_id)
    assert (message.channel, message.recipient, message.language) == (
        "sms",
        "+54 11 5555 0101",
        "pt",
    )


def test_opt_out_queues_nothing_and_the_case_page_says_so(site, applied):
    client, app_id = applied()
    page = client.get("/account/notifications")
    client.post(
        "/account/notifications",
        data={"csrf_token": csrf(page.text), "channel": "email", "opted_out": "yes"},
    )
    _request_information(site, app_id)
    (message,) = _messages(site, app_id)
    assert message.state == "withheld" and message.body == ""
    case = site.signed_in("cw").get(f"/casework/cases/{app_id}")
    assert "Not sent: the applicant chose to receive no messages" in main_text(case.text)


def test_only_applicants_have_the_preferences_page(site):
    assert site.signed_in("cw").get("/account/notifications").status_code == 404


def _dead_letter(site, client, app_id):
    page = client.get("/account/notifications")
    form = {"csrf_token": csrf(page.text), "channel": "email", "email": "maria@example.org"}
    assert client.post("/account/notifications", data=form).status_code == 200
    _request_information(site, app_id)
    now = datetime.now(UTC)
    with site.app.state.sessionmaker() as session:
        (row,) = claim_batch(session, limit=5, lease=LEASE, now=now, channels=("email", "sms"))
        mark_sending(session, row.id, row.claim_token, now=now, lease=LEASE)
        mark_failed(
            session, row.id, row.claim_token, error="attempt 8: SMTP 451: busy", dead=True,
            retry_at=now,
        )  # fmt: skip
        return row.id


def test_supervisor_sees_dead_letters_and_sends_one_again(site, applied):
    client, app_id = applied()
    message_id = _dead_letter(site, client, app_id)
    assert site.signed_in("cw").get("/casework/notifications").status_code == 404
    sup = site.signed_in("sup")
    page = sup.get("/casework/notifications")
    text = main_text(page.text)
    assert page.status_code == 200 and "attempt 8: SMTP 451: busy" in text
    assert app_id[:8].upper() in text and "Information requested" in text
    forged = sup.post(f"/casework/notifications/{message_id}/retry", data={"csrf_token": "x"})
    assert forged.status_code == 422 and _messages(site, app_id)[0].state == "dead"
    done = sup.post(
        f"/casework/notifications/{message_id}/retry", data={"csrf_token": csrf(page.text)}
    )
    assert done.status_code == 200 and "The message is queued again." in done.text
    assert "No undelivered messages." in done.text
    (message,) = _messages(site, app_id)
    assert message.state == "pending" and message.attempts == 0
    with site.app.state.sessionmaker() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notification.retry")
        ).one()
        assert event.application_id == app_id and event.actor_id == site.user("sup")


def test_another_countrys_supervisor_cannot_retry(site, applied):
    client, app_id = applied()
    message_id = _dead_letter(site, client, app_id)
    with site.app.state.sessionmaker() as session:
        from tests.web.ui.conftest import PASSWORD

        from ruta.cases.actions.authentication import do_create_user

        do_create_user(
            session, None, username="sup-per", password=PASSWORD, role="supervisor", country="PER"
        )
    per = site.signed_in("sup-per")
    page = per.get("/casework/notifications")
    assert "No undelivered messages." in page.text
    response = per.post(
        f"/casework/notifications/{message_id}/retry",
        data={"csrf_token": csrf(page.text)},
        forged=True,  # no page of another country offers it: a request made by hand
    )
    assert response.status_code == 404 and _messages(site, app_id)[0].state == "dead"


def test_messages_speak_the_language_the_applicant_applied_in(site, applied):
    client, app_id = applied()  # the walk and the forms are in English
    page = client.get("/account/notifications")
    form = {"csrf_token": csrf(page.text), "channel": "email", "email": "rosa@example.org"}
    client.post("/account/notifications", data={**form, "language": ""})
    _request_information(site, app_id)
    (message,) = _messages(site, app_id)
    # No language chosen on the page: the application's (en), not the country's (es).
    assert message.language == "en" and message.subject.startswith("The office needs")
