"""The outbox: messages written with their actions, in the applicant's language, once each.

Also the applicant's choices (channel, opt-out), the delivery states' rules (claim, lease,
recovery, fencing) and the supervisor's retry, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from tests.cases.conftest import eligible_submission, submission

from ruta.cases import actions, batch
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError
from ruta.cases.outbox import (
    claim_batch,
    mark_failed,
    mark_sending,
    mark_sent,
    recover_expired,
)
from ruta.store.models import AuditEvent, OutboxMessage

LEASE = timedelta(minutes=5)
ALL = ("email", "sms", "whatsapp")


def _outbox(session, **where):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    session.expire_all()
    return list(session.scalars(query))


def _apply(session, actor, *, email="maria@example.org", phone=None, languages=("es",)):
    body = submission().model_dump(mode="json")
    body["applicant"].update(email=email, phone=phone, languages=list(languages))
    return actions.do_submit_application(session, actor, submission(**body))[0]


def _slot(session, cast, hours=20):
    actions.do_create_office(session, cast.supervisor, "BOG-1", "Bogotá Centro")
    start = datetime.now(UTC) + timedelta(hours=hours)
    return actions.do_open_slots(session, cast.supervisor, "BOG-1", [start])[0]


def test_booking_queues_a_message_in_the_applicants_language(session, cast):
    app = _apply(session, cast.applicant, languages=("pt-BR",))
    slot = _slot(session, cast)
    actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    (row,) = _outbox(session)
    assert (row.kind, row.state, row.channel, row.language) == (
        "appointment_booked",
        "pending",
        "email",
        "pt",
    )
    assert row.recipient == "maria@example.org"
    assert row.subject.startswith("O seu atendimento em ")
    assert "Bogotá Centro" in row.body and app.id[:8].upper() in row.body
    # Only what the applicant needs: no identity data travels in an e-mail.
    for private in ("Pérez", "123456789", "1990", "VEN"):
        assert private not in row.body and private not in row.subject


def test_the_message_rolls_back_with_its_action(session, cast):
    app = _apply(session, cast.applicant)
    slot = _slot(session, cast)
    with pytest.raises(RuntimeError), batch(session):
        actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
        raise RuntimeError("the office's system fails after the booking")
    assert _outbox(session) == []


def test_reminders_are_produced_once_per_appointment(session, cast):
    app = _apply(session, cast.applicant)
    slot = _slot(session, cast, hours=20)
    appt = actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    now = datetime.now(UTC)
    assert actions.do_queue_reminders(session, now, 48) == 1
    assert actions.do_queue_reminders(session, now, 48) == 0
    assert actions.do_mark_reminded(session, [appt.id]) == 0
    reminders = _outbox(session, kind="reminder")
    assert len(reminders) == 1 and reminders[0].dedupe_key == f"reminder:appointment:{appt.id}"
    assert reminders[0].subject.startswith("Recordatorio: su cita del ")
    # The key is the database's rule too, not only the producer's.
    session.add(
        OutboxMessage(
            dedupe_key=reminders[0].dedupe_key,
            kind="reminder",
            application_id=app.id,
            country="COL",
            channel="email",
            language="es",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_information_request_and_decision_tell_only_what_is_needed(session, cast, tmp_path):
    app = _apply(session, cast.applicant, languages=("fr",))
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_transition(
        session, cast.caseworker, app.id, "information_requested", "a copy of your passport"
    )
    (asked,) = _outbox(session, kind="information_requested")
    assert "a copy of your passport" in asked.body and asked.language == "fr"
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "received")
    actions.do_propose_decision(session, cast.caseworker, app.id, "denied", ["criminal record"])
    actions.do_decide(session, cast.supervisor, app.id, "denied", ["criminal record"])
    (decision,) = _outbox(session, kind="decision")
    assert decision.subject == "Une décision a été prise sur votre demande"
    assert "faire appel jusqu'au" in decision.body
    assert "criminal record" not in decision.body  # reasons stay behind the sign-in


def test_approval_queues_the_decision_and_the_permit(session, cast, tmp_path):
    body = eligible_submission().model_dump(mode="json")
    body["applicant"].update(email="maria@example.org", languages=["es"])
    app = actions.do_submit_application(session, cast.applicant, eligible_submission(**body))[0]
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_propose_decision(session, cast.caseworker, app.id, "approved", ["met"])
    actions.do_decide(session, cast.supervisor, app.id, "approved", ["met"], keys_dir=tmp_path)
    kinds = [row.kind for row in _outbox(session)]
    assert kinds == ["decision", "permit_issued"]
    assert _outbox(session, kind="decision")[0].subject == "Su solicitud ha sido aprobada"


def test_an_opted_out_applicant_gets_nothing_and_the_case_says_so(session, cast):
    actions.do_set_notification_preferences(
        session, cast.applicant, channel="email", opted_out=True
    )
    app = _apply(session, cast.applicant)
    slot = _slot(session, cast)
    actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    (row,) = _outbox(session)
    assert (row.state, row.last_error, row.body, row.recipient) == ("withheld", "opted out", "", "")
    assert claim_batch(session, limit=10, lease=LEASE, now=datetime.now(UTC), channels=ALL) == []
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.application_id == app.id, AuditEvent.action == "notification.withheld"
        )
    ).all()
    assert len(events) == 1 and events[0].data["reason"] == "opted out"
    assert [m.state for m in actions.messages_of(session, cast.caseworker, app.id)] == ["withheld"]


def test_chosen_channel_and_language_are_used(session, cast):
    actions.do_set_notification_preferences(
        session, cast.applicant, channel="whatsapp", opted_out=False, language="pt",
        phone="+57 300 123 4567",
    )  # fmt: skip
    app = _apply(session, cast.applicant, email=None)
    slot = _slot(session, cast)
    actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    (row,) = _outbox(session)
    assert (row.channel, row.recipient, row.language, row.subject) == (
        "whatsapp",
        "+57 300 123 4567",
        "pt",
        "",
    )
    assert row.body.startswith("O seu atendimento em ")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"channel": "sms"}, "phone"),
        ({"phone": "300 123"}, "phone"),
        ({"email": "maria.example.org"}, "email"),
        ({"email": "maria@example.org\r\nBcc: all@example.org"}, "email"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_preferences_name_the_field(session, cast, changes, field):
    values = {"channel": "email", "opted_out": False, **changes}
    with pytest.raises(CasesError) as err:
        actions.do_set_notification_preferences(session, cast.applicant, **values)
    assert err.value.field == field


def test_only_applicants_choose_preferences(session, cast):
    with pytest.raises(PermissionDeniedError):
        actions.do_set_notification_preferences(
            session, cast.caseworker, channel="email", opted_out=True
        )


def _pending(session, cast, channel="email"):
    if channel != "email":
        actions.do_set_notification_preferences(
            session, cast.applicant, channel=channel, opted_out=False, phone="+573001234567"
        )
    app = _apply(session, cast.applicant)
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_transition(session, cast.caseworker, app.id, "information_requested", "photo")
    return app


def test_recovery_releases_claims_and_never_resends_an_uncertain_email(session, cast):
    _pending(session, cast)
    now = datetime.now(UTC)
    (row,) = claim_batch(session, limit=10, lease=LEASE, now=now, channels=ALL)
    assert row.state == "claimed" and row.claim_token
    later = now + LEASE + timedelta(seconds=1)
    # Claimed but never handed over: safe to send again.
    assert recover_expired(session, now=later, max_attempts=5).released == 1
    (row,) = claim_batch(session, limit=10, lease=LEASE, now=later, channels=ALL)
    assert mark_sending(session, row.id, row.claim_token, now=later, lease=LEASE)
    much_later = later + LEASE + timedelta(seconds=1)
    report = recover_expired(session, now=much_later, max_attempts=5)
    assert (report.unknown, report.resent) == (1, 0)
    (row,) = _outbox(session)
    assert row.state == "unknown" and "at most once" in (row.last_error or "")
    assert claim_batch(session, limit=10, lease=LEASE, now=much_later, channels=ALL) == []


def test_recovery_resends_a_gateway_message_with_the_same_key(session, cast):
    _pending(session, cast, channel="sms")
    now = datetime.now(UTC)
    (row,) = claim_batch(session, limit=10, lease=LEASE, now=now, channels=ALL)
    key = row.idempotency_key
    assert mark_sending(session, row.id, row.claim_token, now=now, lease=LEASE)
    later = now + LEASE + timedelta(seconds=1)
    assert recover_expired(session, now=later, max_attempts=5).resent == 1
    (again,) = claim_batch(session, limit=10, lease=LEASE, now=later, channels=ALL)
    assert again.idempotency_key == key and again.attempts == 1


def test_a_worker_that_lost_its_lease_cannot_mark_the_row(session, cast):
    _pending(session, cast, channel="sms")
    now = datetime.now(UTC)
    (row,) = claim_batch(session, limit=10, lease=LEASE, now=now, channels=ALL)
    stale = row.claim_token
    later = now + LEASE + timedelta(seconds=1)
    recover_expired(session, now=later, max_attempts=5)
    (mine,) = claim_batch(session, limit=10, lease=LEASE, now=later, channels=ALL)
    assert not mark_sending(session, row.id, stale, now=later, lease=LEASE)
    assert mark_sending(session, mine.id, mine.claim_token, now=later, lease=LEASE)
    assert not mark_sent(session, row.id, stale, now=later)
    assert mark_sent(session, mine.id, mine.claim_token, now=later)
    assert actions.notification_counts(session)["sent"] == 1


def test_claims_take_only_channels_with_a_transport(session, cast):
    _pending(session, cast, channel="sms")
    now = datetime.now(UTC)
    assert claim_batch(session, limit=10, lease=LEASE, now=now, channels=("email",)) == []
    assert len(claim_batch(session, limit=10, lease=LEASE, now=now, channels=("sms",))) == 1


def _dead(session, cast):
    app = _pending(session, cast)
    now = datetime.now(UTC)
    (row,) = claim_batch(session, limit=10, lease=LEASE, now=now, channels=ALL)
    mark_sending(session, row.id, row.claim_token, now=now, lease=LEASE)
    mark_failed(session, row.id, row.claim_token, error="550 no such user", dead=True, retry_at=now)
    return app, row


def test_supervisor_retries_a_dead_letter_of_their_country(session, cast):
    app, row = _dead(session, cast)
    (listed,) = actions.list_undelivered(session, cast.supervisor)
    assert listed.id == row.id and listed.last_error == "550 no such user"
    with pytest.raises(PermissionDeniedError):
        actions.do_retry_message(session, cast.caseworker, row.id)
    actions.do_retry_message(session, cast.supervisor, row.id, "address corrected")
    (again,) = _outbox(session)
    assert (again.state, again.attempts) == ("pending", 0)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "notification.retry")
    ).one()
    assert event.application_id == app.id and event.data["from"] == "dead"
    assert event.data["reason"] == "address corrected"
    with pytest.raises(ConflictError):
        actions.do_retry_message(session, cast.supervisor, row.id)
    counts = actions.notification_counts(session)
    assert counts["pending"] == 1 and counts["dead"] == 0 and set(counts) >= {"sent", "unknown"}


def test_another_countrys_supervisor_sees_and_retries_nothing(session, cast):
    from tests.cases.conftest import PASSWORD

    from ruta.cases.actions.authentication import do_create_user

    _app, row = _dead(session, cast)
    per = do_create_user(
        session, None, username="sup-per", password=PASSWORD, role="supervisor", country="PER"
    )
    assert actions.list_undelivered(session, per) == []
    with pytest.raises(NotFoundError):
        actions.do_retry_message(session, per, row.id)


def test_concurrent_claims_never_share_a_message(database, session, cast):
    from concurrent.futures import ThreadPoolExecutor

    for _ in range(6):
        _pending(session, cast)
    now = datetime.now(UTC)

    def claim(_n):
        with database.sessionmaker() as own:
            return [row.id for row in claim_batch(own, limit=2, lease=LEASE, now=now, channels=ALL)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(claim, range(4)))
    taken = [message_id for batch in batches for message_id in batch]
    assert len(taken) == len(set(taken)) == 6  # every row once; the fourth worker got none


def test_due_reminders_mark_is_the_reminder_producer(ruta, session, cast):
    app = _apply(session, cast.applicant)
    slot = _slot(session, cast, hours=20)
    appt = actions.do_book_appointment(session, cast.applicant, app.id, slot.id)
    assert ruta("appointments", "due-reminders", "--mark").returncode == 0
    assert ruta("appointments", "due-reminders", "--mark").returncode == 0
    (reminder,) = _outbox(session, kind="reminder")
    assert reminder.dedupe_key == f"reminder:appointment:{appt.id}"
