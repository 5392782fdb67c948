"""The notifier end to end: from the action to the message a real SMTP server received.

An applicant receives a reminder and a decision by e-mail in their language (es, pt);
SMS go through a real local HTTP gateway; failures are retried with back-off and end as
dead letters; ``ruta notify run --once`` reads its settings. SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.cases.conftest import submission
from tests.notify.servers import TOKEN, http_gateway, smtp_server

from ruta.cases import actions
from ruta.cases.delivery import DeliveryPolicy, run_worker
from ruta.notify import GatewayTransport, SmtpSettings, SmtpTransport, parse_smtp_url
from ruta.store.models import OutboxMessage

FAST = DeliveryPolicy(batch=3, max_attempts=3, retry_base=0.001, retry_max=0.002)


def _smtp(url):
    host, port, _tls = parse_smtp_url(url)
    return SmtpTransport(SmtpSettings(host=host, port=port, mail_from="citas@migracion.example"))


def _apply(session, actor, languages, email):
    body = submission().model_dump(mode="json")
    body["applicant"].update(email=email, languages=languages)
    return actions.do_submit_application(session, actor, submission(**body))[0]


def _rows(session):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _decide(session, cast, app, outcome, keys_dir):
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    # The engine leaves submission() undetermined: an approval is an override, with a reason.
    why = "documents seen at the counter" if outcome == "approved" else None
    actions.do_propose_decision(
        session, cast.caseworker, app.id, outcome, ["reviewed"], override_reason=why
    )
    actions.do_decide(
        session,
        cast.supervisor,
        app.id,
        outcome,
        ["reviewed"],
        keys_dir=keys_dir,
        override_reason=why,
    )


def test_reminder_and_decision_arrive_by_email_in_the_applicants_language(
    ruta, session, cast, monkeypatch, tmp_path
):
    from ruta.settings import get_settings

    # Messages are rendered when their action runs, with the link to the service.
    monkeypatch.setenv("RUTA_PUBLIC_URL", "https://ruta.example")
    get_settings.cache_clear()
    maria = _apply(session, cast.applicant, ["es"], "maria@example.org")
    pedro = _apply(session, cast.other_applicant, ["pt"], "pedro@example.org")
    actions.do_create_office(session, cast.supervisor, "BOG-1", "Bogotá Centro")
    starts = [datetime.now(UTC) + timedelta(hours=20)]
    (slot,) = actions.do_open_slots(session, cast.supervisor, "BOG-1", starts, capacity=2)
    actions.do_book_appointment(session, cast.applicant, maria.id, slot.id)
    actions.do_book_appointment(session, cast.other_applicant, pedro.id, slot.id)
    _decide(session, cast, maria, "denied", tmp_path)
    _decide(session, cast, pedro, "approved", tmp_path)
    with smtp_server() as (mailbox, url):
        monkeypatch.setenv("RUTA_SMTP_URL", url)
        monkeypatch.setenv("RUTA_MAIL_FROM", "citas@migracion.example")
        result = ruta("notify", "run", "--once", "--batch", "2")
    assert result.returncode == 0, result.stderr
    assert "Delivered 7" in result.stdout  # 2 bookings, 2 reminders, 2 decisions, 1 permit
    inbox = {}
    for message in mailbox.messages:
        inbox.setdefault(str(message["To"]), []).append(message)
    # A subject that fits a line of its own but not beside "Subject:" is folded onto the
    # next line (RFC 5322 folding, as Python's generator does it); the parser keeps the
    # fold's leading space, which a mail reader drops. The weekday in it ("segunda-feira")
    # makes this depend on the day the test runs.
    subjects = {to: sorted(str(m["Subject"]).strip() for m in got) for to, got in inbox.items()}
    assert [s.split(" del ")[0] for s in subjects["maria@example.org"]] == [
        "Recordatorio: su cita",
        "Se ha tomado una decisión sobre su solicitud",
        "Su cita",
    ]
    assert [s.split(" em ")[0] for s in subjects["pedro@example.org"]] == [
        "A sua autorização está pronta",
        "Lembrete: o seu atendimento",
        "O seu atendimento",
        "O seu pedido foi aprovado",
    ]
    (denial,) = [m for m in inbox["maria@example.org"] if "decisión" in str(m["Subject"])]
    text = denial.get_content()
    assert "Puede apelar hasta el" in text and f"https://ruta.example/track/{maria.id}" in text
    assert denial["Content-Language"] == "es" and denial["From"] == "citas@migracion.example"
    assert "reviewed" not in text  # the reasons stay behind the sign-in
    rows = _rows(session)
    assert {r.state for r in rows} == {"sent"}
    assert {str(m["Message-ID"]) for m in mailbox.messages} == {
        f"<{r.idempotency_key}@migracion.example>" for r in rows
    }


def _request_information(session, cast, channel="email"):
    if channel != "email":
        actions.do_set_notification_preferences(
            session, cast.applicant, channel=channel, opted_out=False, phone="+573001234567"
        )
    app = _apply(session, cast.applicant, ["es"], "maria@example.org")
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_transition(session, cast.caseworker, app.id, "information_requested", "a photo")
    return app


@pytest.mark.parametrize(
    ("reply", "attempts"), [("451 4.3.0 try again later", 3), ("550 5.1.1 no such user", 1)]
)
def test_failures_are_retried_then_dead_lettered(database, session, cast, reply, attempts):
    _request_information(session, cast)
    with smtp_server() as (mailbox, url):
        mailbox.reply = reply
        total = run_worker(database.sessionmaker, {"email": _smtp(url)}, FAST, once=True)
    (row,) = _rows(session)
    assert (row.state, row.attempts, mailbox.refused) == ("dead", attempts, attempts)
    assert reply.split()[0] in (row.last_error or "") and total.dead == 1
    assert actions.list_undelivered(session, cast.supervisor)[0].id == row.id
    # A supervisor sends it again once the server takes mail: it arrives.
    actions.do_retry_message(session, cast.supervisor, row.id)
    with smtp_server() as (mailbox, url):
        run_worker(database.sessionmaker, {"email": _smtp(url)}, FAST, once=True)
    assert len(mailbox.messages) == 1 and _rows(session)[0].state == "sent"


def test_a_transient_failure_waits_for_its_back_off(database, session, cast):
    _request_information(session, cast)
    slow = DeliveryPolicy(max_attempts=5, retry_base=600, retry_max=3600)
    with smtp_server() as (mailbox, url):
        mailbox.reply = "421 4.7.0 busy"
        run_worker(database.sessionmaker, {"email": _smtp(url)}, slow, once=True)
    (row,) = _rows(session)
    wait = (row.next_attempt_at - datetime.now(UTC)).total_seconds()
    assert row.state == "pending" and row.attempts == 1 and 290 < wait <= 600


def test_sms_goes_through_the_gateway_with_token_and_key(database, session, cast):
    _request_information(session, cast, channel="sms")
    with http_gateway() as (gateway, url):
        gateway.status = 503
        sms = GatewayTransport(url, TOKEN, timeout=5)
        first = run_worker(database.sessionmaker, {"sms": sms}, FAST, once=True)
        assert first.dead == 1 and len(gateway.posts) == 3 and gateway.delivered == {}
        (row,) = _rows(session)
        actions.do_retry_message(session, cast.supervisor, row.id)
        gateway.status = 200
        run_worker(database.sessionmaker, {"sms": sms}, FAST, once=True)
    (row,) = _rows(session)
    assert row.state == "sent" and set(gateway.posts) == {row.idempotency_key}
    payload = gateway.delivered[row.idempotency_key]
    assert payload["channel"] == "sms" and payload["to"] == "+573001234567"
    assert payload["text"].startswith("La oficina necesita más información")


def test_gateway_refusal_is_final_and_jitter_stays_within_bounds(database, session, cast):
    from ruta.notify import retry_delay

    _request_information(session, cast, channel="whatsapp")
    with http_gateway() as (gateway, url):
        gateway.status = 400
        sms = GatewayTransport(url, TOKEN, timeout=5)
        run_worker(database.sessionmaker, {"whatsapp": sms}, FAST, once=True)
    (row,) = _rows(session)
    assert row.state == "dead" and row.attempts == 1 and "400" in (row.last_error or "")
    rng = random.Random(7)
    delays = [retry_delay(4, base=60, cap=3600, rng=rng) for _ in range(200)]
    assert min(delays) >= 240 and max(delays) <= 480 and len(set(delays)) > 100


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({}, "smtp_url"),
        ({"RUTA_SMTP_URL": "mail.example:25"}, "smtp_url"),
        ({"RUTA_SMTP_URL": "smtp://127.0.0.1:2525"}, "mail_from"),
        ({"RUTA_SMS_GATEWAY_URL": "ftp://gw.example"}, "sms_gateway_url"),
    ],
)
def test_bad_settings_name_the_setting(ruta, monkeypatch, env, field):
    for name in ("RUTA_SMTP_URL", "RUTA_MAIL_FROM", "RUTA_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = ruta("notify", "run", "--once")
    assert result.returncode == 2 and f"Error: {field}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unexpected_error_fails_the_message_not_the_worker(database, session, cast):
    _request_information(session, cast)
    _request_information(session, cast)

    class Flaky:
        def __init__(self):
            self.sent = []

        def send(self, envelope):
            if not self.sent:
                self.sent.append(envelope.message_id)
                raise UnicodeError("a library refused the message")
            self.sent.append(envelope.message_id)

    total = run_worker(
        database.sessionmaker, {"email": Flaky()}, DeliveryPolicy(retry_base=600), once=True
    )
    first, second = _rows(session)
    assert (first.state, second.state) == ("pending", "sent") and total.sent == 1
    assert "unexpected UnicodeError" in (first.last_error or "")


def test_an_unmigrated_database_is_named_not_a_traceback(ruta, monkeypatch, tmp_path):
    monkeypatch.setenv("RUTA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("RUTA_SMTP_URL", "smtp://127.0.0.1:2525")
    monkeypatch.setenv("RUTA_MAIL_FROM", "citas@migracion.example")
    result = ruta("notify", "run", "--once")
    assert result.returncode == 2 and "Error: database_url:" in result.stderr
    assert "ruta db upgrade" in result.stderr and "Traceback" not in result.stderr
