"""The audit chain (verification, tampering, append-only) and accounts (passwords, tokens,
rate limits)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from tests.cases.conftest import PASSWORD, submission

from ruta.cases import actions, verify_chain
from ruta.cases.actions.authentication import (
    do_create_user,
    do_login,
    do_revoke_token,
    user_for_token,
)
from ruta.cases.errors import AuthenticationError, CasesError, ConflictError, RateLimitedError
from ruta.store.models import AuditEvent, User


def _some_history(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.get_application(session, cast.caseworker, app.id)
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "start")
    return app


def test_chain_of_a_busy_case_verifies(session, cast):
    _some_history(session, cast)
    report = verify_chain(session)
    assert report.intact and report.events >= 12


def test_audit_events_cannot_be_updated_or_deleted(database, session, cast):
    _some_history(session, cast)
    for sql in (
        "UPDATE audit_events SET actor = 'x' WHERE id = 2",
        "DELETE FROM audit_events WHERE id = 2",
    ):
        with pytest.raises(DBAPIError), database.engine.begin() as conn:
            conn.execute(text(sql))


def _tamper(database, sql):
    with database.engine.begin() as conn:
        # A privileged attacker drops the guard first; the chain must still tell.
        if database.backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
            conn.execute(text(sql))


@pytest.mark.parametrize(
    ("verb", "target", "named", "problem"),
    [
        ("UPDATE audit_events SET data = '{\"x\": 1}'", 1, 1, "content"),
        ("DELETE FROM audit_events", 1, 2, "missing"),
        ("DELETE FROM audit_events", 2, 1, "removed"),
    ],
)
def test_tampering_names_the_first_broken_event(
    database, session, cast, verb, target, named, problem
):
    app = _some_history(session, cast)
    # The case's events (create, read, transition) share one chain, in order.
    ids = session.scalars(
        select(AuditEvent.id).where(AuditEvent.entity_id == app.id).order_by(AuditEvent.id)
    ).all()
    assert len(ids) == 3
    session.close()
    _tamper(database, f"{verb} WHERE id = {ids[target]}")
    with database.sessionmaker() as fresh:
        report = verify_chain(fresh)
    assert not report.intact and problem in (report.problem or "")
    assert report.broken_event == ids[named]


def test_passwords_are_argon2_and_logins_issue_revocable_tokens(session, cast):
    user = session.scalar(select(User).where(User.username == "cw-col"))
    assert user.password_hash.startswith("$argon2id$")
    _, token = do_login(
        session,
        username="cw-col",
        password=PASSWORD,
        client="t",
        kind="api",
        hours=1,
        attempts_per_minute=5,
    )
    assert user_for_token(session, token, "api").id == user.id
    with pytest.raises(AuthenticationError):
        user_for_token(session, token, "session")
    do_revoke_token(session, token)
    with pytest.raises(AuthenticationError):
        user_for_token(session, token, "api")


def test_expired_token_is_refused(session, cast):
    _, token = do_login(
        session,
        username="cw-col",
        password=PASSWORD,
        client="t",
        kind="api",
        hours=0,
        attempts_per_minute=5,
    )
    with pytest.raises(AuthenticationError):
        user_for_token(session, token, "api")


def test_failed_logins_are_rate_limited_and_audited(session, cast):
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            do_login(
                session,
                username="cw-col",
                password="wrong",
                client="1.2.3.4",
                kind="api",
                hours=1,
                attempts_per_minute=3,
            )
    with pytest.raises(RateLimitedError):
        do_login(
            session,
            username="cw-col",
            password=PASSWORD,
            client="5.6.7.8",
            kind="api",
            hours=1,
            attempts_per_minute=3,
        )
    failed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
    ).all()
    assert len(failed) == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "Bad Name"}, "username"),
        ({"role": "king"}, "role"),
        ({"country": "co"}, "country"),
        ({"password": "short"}, "password"),
        ({"country": None}, "country"),
    ],
)
def test_user_creation_validates(session, changes, field):
    args = {
        "username": "new-user",
        "password": PASSWORD,
        "role": "caseworker",
        "country": "COL",
    } | changes
    with pytest.raises(CasesError) as err:
        do_create_user(session, None, **args)
    assert err.value.field == field


def test_duplicate_username_and_non_admin_creators_are_refused(session, cast):
    with pytest.raises(ConflictError):
        do_create_user(
            session, None, username="cw-col", password=PASSWORD, role="caseworker", country="COL"
        )
    with pytest.raises(CasesError):
        do_create_user(
            session, cast.supervisor, username="x1", password=PASSWORD, role="admin", country=None
        )
    made = do_create_user(
        session, cast.admin, username="x2", password=PASSWORD, role="auditor", country="PER"
    )
    assert made.role == "auditor"
