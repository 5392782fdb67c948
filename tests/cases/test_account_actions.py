"""Account actions: least privilege, last administrator, revocation, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cases.conftest import PASSWORD

from ruta.cases import actions
from ruta.cases.actions.authentication import (
    do_create_user,
    do_login,
    use_password_profile,
    user_for_token,
)
from ruta.cases.errors import (
    AuthenticationError,
    CasesError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from ruta.store.models import AuditEvent, User


def _token(session, username, kind="session"):
    return do_login(
        session,
        username=username,
        password=PASSWORD,
        client="198.51.100.1",
        kind=kind,
        hours=1,
        attempts_per_minute=5,
        user_agent="pytest",
    )[1]


def test_only_admins_manage_accounts(session, cast):
    for actor in (cast.supervisor, cast.caseworker, cast.auditor, cast.applicant):
        with pytest.raises(PermissionDeniedError):
            actions.list_users(session, actor)
        with pytest.raises(PermissionDeniedError):
            actions.do_disable_user(session, actor, "cw-col")


def test_list_filters_and_never_shows_hashes(session, cast):
    names = [a.username for a in actions.list_users(session, cast.admin, role="caseworker")]
    assert names == ["cw-col", "cw-per", "cw2-col"]
    per = actions.list_users(session, cast.admin, country="PER")
    assert [a.username for a in per] == ["cw-per"]
    row = per[0].to_dict()
    assert set(row) == {
        "username",
        "role",
        "country",
        "office",
        "active",
        "totp",
        "created_at",
        "last_login",
    }
    assert not any("argon2" in str(v) for v in row.values())
    with pytest.raises(CasesError) as bad:
        actions.list_users(session, cast.admin, role="king")
    assert bad.value.field == "role"


def test_disable_revokes_sessions_and_tokens_at_once(session, cast):
    page, api = _token(session, "cw-col"), _token(session, "cw-col", "api")
    actions.do_disable_user(session, cast.admin, "cw-col")
    for token, kind in ((page, "session"), (api, "api")):
        with pytest.raises(AuthenticationError):
            user_for_token(session, token, kind)
    with pytest.raises(AuthenticationError):
        _token(session, "cw-col")
    actions.do_enable_user(session, cast.admin, "cw-col")
    assert user_for_token(session, _token(session, "cw-col"), "session").username == "cw-col"


def test_admin_cannot_disable_themself_or_the_last_admin(session, cast):
    with pytest.raises(PermissionDeniedError):
        actions.do_disable_user(session, cast.admin, "root")
    with pytest.raises(ConflictError) as last:
        actions.do_disable_user(session, None, "root")
    assert "last active administrator" in str(last.value)
    with pytest.raises(ConflictError):
        actions.do_set_role(session, None, "root", "auditor", country="COL")
    do_create_user(session, None, username="root2", password=PASSWORD, role="admin", country=None)
    actions.do_disable_user(session, cast.admin, "root2")
    with pytest.raises(ConflictError):
        actions.do_disable_user(session, None, "root")


def test_country_admin_manages_only_their_country(session, cast):
    col_admin = do_create_user(
        session, None, username="admin-col", password=PASSWORD, role="admin", country="COL"
    )
    assert {a.country for a in actions.list_users(session, col_admin)} == {"COL"}
    with pytest.raises(NotFoundError):
        actions.do_disable_user(session, col_admin, "cw-per")
    with pytest.raises(PermissionDeniedError) as other:
        actions.do_set_role(session, col_admin, "cw-col", "supervisor", country="PER")
    assert other.value.field == "country"
    actions.do_set_role(session, col_admin, "cw-col", "supervisor")
    assert session.scalar(select(User.role).where(User.username == "cw-col")) == "supervisor"


def test_set_role_audits_before_and_after_and_ends_sessions(session, cast):
    token = _token(session, "cw-col")
    actions.do_set_role(session, cast.admin, "cw-col", "auditor", country="PER", office="")
    with pytest.raises(AuthenticationError):
        user_for_token(session, token, "session")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.set_role")).one()
    assert event.actor == "root"
    assert event.data["before"]["role"] == "caseworker" and event.data["before"]["country"] == "COL"
    assert event.data["after"] == {
        "role": "auditor",
        "country": "PER",
        "office": None,
        "active": True,
    }
    with pytest.raises(CasesError) as needs:
        actions.do_set_role(session, cast.admin, "maria", "caseworker")
    assert needs.value.field == "country"


def test_reset_password_generated_or_chosen_never_audited(session, cast):
    token = _token(session, "cw-col")
    user, new = actions.do_reset_password(session, cast.admin, "cw-col")
    assert len(new) >= 20
    with pytest.raises(AuthenticationError):
        user_for_token(session, token, "session")
    with pytest.raises(AuthenticationError):
        _token(session, "cw-col")
    ok = do_login(
        session,
        username="cw-col",
        password=new,
        client="x",
        kind="session",
        hours=1,
        attempts_per_minute=5,
    )
    assert ok[0].id == user.id
    actions.do_reset_password(session, None, "cw-col", "another-strong-sentence")
    for event in session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%"))):
        assert new not in str(event.data) and "another-strong" not in str(event.data)
    with pytest.raises(CasesError) as weak:
        actions.do_reset_password(session, None, "cw-col", "password123")
    assert weak.value.field == "password"


def test_a_reset_password_is_hashed_with_the_profile_in_force(session, cast):
    # The service's password_hashing setting reaches every hash, a reset's too (the accounts
    # module once held the hasher of import time and kept its parameters).
    use_password_profile("cheapest")
    user, _ = actions.do_reset_password(session, cast.admin, "cw-col")
    assert user.password_hash.split("$")[3] == "m=8,t=1,p=1"
    try:
        use_password_profile("rfc9106-low-memory")
        user, _ = actions.do_reset_password(session, cast.admin, "cw-col")
        assert user.password_hash.split("$")[3] == "m=65536,t=3,p=4"
    finally:
        use_password_profile("cheapest")


def test_sessions_listed_and_revoked(session, cast):
    first, second, api = _token(session, "cw-col"), _token(session, "cw-col"), None
    api = _token(session, "cw-col", "api")
    mine = actions.list_sessions(session, cast.caseworker, current_token=first)
    assert len(mine) == 3 and sum(s.current for s in mine) == 1
    assert {s.client for s in mine} == {"198.51.100.1"} and mine[0].user_agent == "pytest"
    other = next(s for s in mine if not s.current and s.kind == "session")
    actions.do_revoke_session(session, cast.caseworker, other.id)
    with pytest.raises(AuthenticationError):
        user_for_token(session, second, "session")
    with pytest.raises(NotFoundError):
        actions.do_revoke_session(session, cast.caseworker2, other.id)
    assert actions.do_revoke_other_sessions(session, cast.caseworker, first) == 1
    with pytest.raises(AuthenticationError):
        user_for_token(session, api, "api")
    assert user_for_token(session, first, "session").username == "cw-col"
    with pytest.raises(PermissionDeniedError):
        actions.list_sessions(session, cast.caseworker, username="cw2-col")
    assert actions.do_revoke_user_sessions(session, cast.admin, "cw-col") == 1
    kinds = {
        e.action
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.revoke%")))
    }
    assert kinds == {"user.revoke_session", "user.revoke_sessions"}
