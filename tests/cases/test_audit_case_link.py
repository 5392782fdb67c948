"""Every audit event names its case, so an auditor sees all that concerns a case
(issue 16, finding 2): permit suspensions and revocations were written with entity
"permit" and never shown, because the audit API returned only "application" events.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select, text
from tests.cases.conftest import eligible_submission, submission
from tests.cases.test_audit_accounts import _tamper

from ruta.cases import actions, verify_chain
from ruta.cases.audit import GENESIS, append_event, event_hash
from ruta.store import upgrade
from ruta.store.migrate import alembic_config
from ruta.store.models import AuditEvent, PermitRecord, ReviewPairRow, User


@pytest.fixture
def permitted(session, cast, tmp_path):
    """An approved case whose permit a supervisor then suspended: (application id, permit)."""
    app, _ = actions.do_submit_application(session, cast.caseworker, eligible_submission())
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_propose_decision(session, cast.caseworker, app.id, "approved", ["all met"])
    actions.do_decide(session, cast.supervisor, app.id, "approved", ["all met"], keys_dir=tmp_path)
    permit = session.scalars(
        select(PermitRecord).where(PermitRecord.application_id == app.id)
    ).one()
    actions.do_set_permit_status(
        session,
        cast.supervisor,
        permit.permit_id,
        "suspended",
        "forged entry stamp",
        keys_dir=tmp_path,
    )
    return app.id, permit


def test_an_auditor_sees_a_permits_suspension_in_its_case(session, cast, permitted):
    app_id, permit = permitted
    events, _total = actions.list_audit_events(session, cast.auditor, application_id=app_id)
    about_permit = [(e.action, e.entity_id) for e in events if e.entity_type == "permit"]
    assert ("permit.status", permit.permit_id) in about_permit
    everything, _ = actions.list_audit_events(session, cast.auditor)
    assert "permit.status" in {e.action for e in everything}
    # Another country's auditor sees none of it.
    from tests.cases.conftest import PASSWORD

    from ruta.cases.actions.authentication import do_create_user

    per = do_create_user(
        session, None, username="aud-per", password=PASSWORD, role="auditor", country="PER"
    )
    theirs, _ = actions.list_audit_events(session, per)
    assert all(e.application_id != app_id for e in theirs)


def test_an_intake_review_pair_decision_is_linked_to_its_case(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    pair = ReviewPairRow(
        registry_name="col-registry", country="COL", record_id_a=f"application:{app.id}",
        record_id_b="R-17", probability=0.8, record_a={}, record_b={}, differing_fields=[],
    )  # fmt: skip
    session.add(pair)
    session.commit()
    actions.do_decide_review_pair(session, cast.caseworker, pair.id, "distinct", "other mother")
    events, _ = actions.list_audit_events(session, cast.auditor, application_id=app.id)
    assert "review_pair.decide" in {e.action for e in events}


def test_a_writer_must_say_which_case_its_event_concerns(session, cast):
    with pytest.raises(TypeError, match="case="):
        append_event(session, cast.supervisor, "permit.status", "permit", "P-1", {})
    session.rollback()


def test_the_link_is_covered_by_the_hash(database, session, cast, permitted):
    assert verify_chain(session).intact
    target = session.scalars(
        select(AuditEvent.id).where(AuditEvent.action == "permit.status")
    ).one()
    session.close()
    # Hiding the suspension from the case's auditors by unlinking it breaks the chain.
    _tamper(database, f"UPDATE audit_events SET application_id = NULL WHERE id = {target}")
    with database.sessionmaker() as fresh:
        report = verify_chain(fresh)
    assert not report.intact and report.broken_event == target


def test_migration_links_earlier_events_and_keeps_their_hashes(database, session, permitted):
    """Events written before migration 0004 get their case from their entity (the
    application, a permit) and still verify with the hash they were written with."""
    app_id, permit = permitted
    session.close()
    command.downgrade(alembic_config(database.url), "0003")
    # Chain 0 as revision 0003 wrote it: an application event, then a permit event.
    with database.engine.begin() as conn:
        _lift_guard(conn, database.backend)
        conn.execute(text("DELETE FROM audit_events"))
        first = _old_event(conn, 1, "application", app_id, GENESIS)
        last = _old_event(conn, 2, "permit", permit.permit_id, first)
        conn.execute(text("UPDATE audit_head SET seq = 0, hash = :g"), {"g": GENESIS})
        conn.execute(text("UPDATE audit_head SET seq = 2, hash = :h WHERE id = 0"), {"h": last})
    upgrade(database.url)
    with database.sessionmaker() as fresh:
        links = fresh.execute(
            select(AuditEvent.entity_type, AuditEvent.application_id).order_by(AuditEvent.seq)
        ).all()
        assert [tuple(row) for row in links] == [("application", app_id), ("permit", app_id)]
        assert verify_chain(fresh).intact
        # New events on the same chain are linked and hashed with the link.
        auditor = fresh.scalars(select(User).where(User.username == "aud-col")).one()
        actions.list_audit_events(fresh, auditor, application_id=app_id)
        assert verify_chain(fresh).intact


def _lift_guard(conn, backend: str) -> None:
    if backend == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    else:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def _old_event(conn, seq, entity_type, entity_id, prev) -> str:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    digest = event_hash(
        chain=0, seq=seq, at=at, actor="ana", action=f"{entity_type}.x", entity_type=entity_type,
        entity_id=entity_id, data={}, prev_hash=prev,
    )  # fmt: skip
    conn.execute(
        text(
            "INSERT INTO audit_events (chain, seq, at, actor, action, entity_type, entity_id, "
            "data, prev_hash, hash) VALUES (0, :seq, :at, 'ana', :action, :etype, :eid, '{}', "
            ":prev, :hash)"
        ),
        {"seq": seq, "at": at, "action": f"{entity_type}.x", "etype": entity_type,
         "eid": entity_id, "prev": prev, "hash": digest},
    )  # fmt: skip
    return digest
