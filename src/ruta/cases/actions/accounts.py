"""Managing accounts: list, create, disable, enable, reset a password, set a role, and the
sessions of an account (listed and revoked).

Least privilege: only administrators manage accounts (``actor=None`` is the operator at
the ``ruta users`` command line, who holds the database anyway). An administrator with a
country manages the accounts of that country only, and gives no other; one without a
country manages every account. Nobody may disable themself or leave the service without
an active administrator. Every change appends an audit event naming the actor, the
account and its role before and after -- never a password.

A disabled account loses its page sessions and API tokens at once (the rows are
deleted, so even a request already holding the token is refused on its next call).

Examples:
    >>> generated_password()[:0], len(generated_password()) >= 20
    ('', True)
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, delete, func, select, true
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role
from ruta.cases.actions.authentication import (
    _COUNTRY,
    do_create_user,
    hash_password,
    hash_token,
)
from ruta.cases.audit import append_event
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError, word
from ruta.cases.passwords import check_password
from ruta.cases.workflow import ROLES
from ruta.i18n import N_, Text
from ruta.store.models import AuthToken, RecoveryCode, User

__all__ = [
    "LAST_ADMIN",
    "OWN_ACCOUNT",
    "OWN_ROLE",
    "AccountView",
    "SessionView",
    "do_create_user",
    "do_disable_user",
    "do_enable_user",
    "do_reset_password",
    "do_reset_second_factor",
    "do_revoke_other_sessions",
    "do_revoke_session",
    "do_revoke_user_sessions",
    "do_set_role",
    "generated_password",
    "get_user",
    "list_sessions",
    "list_users",
]

_NEEDS_COUNTRY = frozenset({"caseworker", "supervisor", "auditor"})

#: Refusals that the administrators' pages put in their own words: they tell them by
#: these catalog messages (a refusal's ``message.message``), never by the English text.
LAST_ADMIN = N_(
    "%(user)s is the last active administrator; make another account admin first, then %(doing)s"
)
OWN_ACCOUNT = N_("you cannot disable your own account; ask another administrator")
OWN_ROLE = N_("you cannot change your own role; ask another administrator")


@dataclass(frozen=True)
class AccountView:
    """What a list of accounts shows (never a hash or a secret)."""

    username: str
    role: str
    country: str | None
    office: str | None
    active: bool
    totp: bool
    created_at: datetime
    last_login: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, timestamps in ISO 8601 (the ``ruta users list --format json`` keys)."""
        return {
            "username": self.username,
            "role": self.role,
            "country": self.country,
            "office": self.office,
            "active": self.active,
            "totp": self.totp,
            "created_at": self.created_at.isoformat(),
            "last_login": self.last_login.isoformat() if self.last_login else None,
        }


@dataclass(frozen=True)
class SessionView:
    """A page session or an API token as its owner (or an administrator) sees it."""

    id: str
    kind: str
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime
    client: str | None
    user_agent: str | None
    current: bool


def generated_password() -> str:
    """A random password for a reset: 24 URL-safe characters (144 bits)."""
    return secrets.token_urlsafe(18)


def _check_admin(actor: User | None, doing: str) -> None:
    if actor is not None:
        check_role(actor, {"admin"}, doing)


def _scope(actor: User | None) -> ColumnElement[bool]:
    # An administrator of one country sees that country's accounts, and applicants (who
    # have no country) are nobody's to manage but a country-less administrator's.
    if actor is None or actor.country is None:
        return true()
    return User.country == actor.country


def _view(user: User) -> AccountView:
    return AccountView(
        username=user.username,
        role=user.role,
        country=user.country,
        office=user.office,
        active=user.active,
        totp=user.totp_enabled,
        created_at=user.created_at,
        last_login=user.last_login_at,
    )


def list_users(
    session: Session,
    actor: User | None,
    *,
    role: str | None = None,
    country: str | None = None,
    active: bool | None = None,
    search: str | None = None,
) -> list[AccountView]:
    """The accounts in the actor's scope, by username, optionally filtered.

    Raises:
        PermissionDeniedError: the actor is not an administrator.
        CasesError: an unknown role or a malformed country (named in ``field``).
    """
    _check_admin(actor, N_("list accounts"))
    query = select(User).where(_scope(actor)).order_by(User.username)
    if role:
        _check_role_name(role)
        query = query.where(User.role == role)
    if country:
        _check_country(country)
        query = query.where(User.country == country)
    if active is not None:
        query = query.where(User.active.is_(active))
    if search:
        query = query.where(User.username.contains(search.lower(), autoescape=True))
    return [_view(u) for u in session.scalars(query)]


def get_user(session: Session, actor: User | None, username: str) -> User:
    """The account named ``username`` in the actor's scope.

    Raises:
        NotFoundError: no such account in scope (the message names it).
    """
    _check_admin(actor, N_("manage accounts"))
    user = session.scalar(select(User).where(User.username == username.lower(), _scope(actor)))
    if user is None:
        raise NotFoundError(
            N_("no user %(user)s; check the username"), field="username", user=repr(username)
        )
    return user


def _check_role_name(role: str) -> None:
    if role not in ROLES:
        raise CasesError(
            N_("%(role)s is not a role; use one of %(roles)s"),
            field="role",
            role=repr(role),
            roles=", ".join(ROLES),
        )


def _check_country(country: str) -> None:
    if not _COUNTRY.match(country):
        raise CasesError(
            N_("%(country)s is not an ISO 3166-1 alpha-3 code such as COL"),
            field="country",
            country=repr(country),
        )


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(User.role == "admin", User.active.is_(True))
    return int(session.scalar(query) or 0)


def _keep_an_admin(session: Session, user: User, doing: str) -> None:
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise ConflictError(
            LAST_ADMIN,
            field="username",
            user=repr(user.username),
            doing=Text(doing),
        )


def _state(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "country": user.country,
        "office": user.office,
        "active": user.active,
    }


def _audit(
    session: Session, actor: User | None, action: str, user: User, before: dict[str, Any]
) -> None:
    data = {"username": user.username, "before": before, "after": _state(user)}
    append_event(session, actor, action, "user", str(user.id), data, case=None)


def _revoke_all(session: Session, user: User, keep: str | None = None) -> int:
    query = delete(AuthToken).where(AuthToken.user_id == user.id)
    if keep is not None:
        query = query.where(AuthToken.token_hash != keep)
    result: CursorResult[Any] = session.execute(query)  # type: ignore[assignment]  # a DELETE's result is a cursor result
    return int(result.rowcount or 0)


def do_disable_user(session: Session, actor: User | None, username: str) -> User:
    """Disable an account: it can no longer sign in, and its sessions and tokens end now.

    Raises:
        NotFoundError: no such account in scope.
        PermissionDeniedError: an actor disabling themself.
        ConflictError: the last active administrator.
    """
    user = get_user(session, actor, username)
    if actor is not None and actor.id == user.id:
        raise PermissionDeniedError(OWN_ACCOUNT, field="username")
    _keep_an_admin(session, user, N_("disable this one"))
    before = _state(user)
    user.active = False
    revoked = _revoke_all(session, user)
    data: dict[str, Any] = {"username": user.username, "before": before, "after": _state(user)}
    data["sessions_revoked"] = revoked
    append_event(session, actor, "user.disable", "user", str(user.id), data, case=None)
    finish(session)
    return user


def do_enable_user(session: Session, actor: User | None, username: str) -> User:
    """Enable a disabled account again (its old sessions stay revoked).

    Raises:
        NotFoundError: no such account in scope.
    """
    user = get_user(session, actor, username)
    before = _state(user)
    user.active = True
    _audit(session, actor, "user.enable", user, before)
    finish(session)
    return user


def do_reset_password(
    session: Session, actor: User | None, username: str, password: str | None = None
) -> tuple[User, str]:
    """Give an account a new password; its sessions and tokens end (a reset is often
    made because the old password leaked).

    Args:
        password: The new password, or ``None`` for a generated one.

    Returns:
        The user and the new password (to hand over once; only its hash is kept).

    Raises:
        NotFoundError: no such account in scope.
        PasswordPolicyError: a chosen password the policy refuses.
    """
    user = get_user(session, actor, username)
    new = password if password is not None else generated_password()
    check_password(new, user.username)
    user.password_hash = hash_password(new)
    revoked = _revoke_all(session, user)
    data: dict[str, Any] = {"username": user.username, "generated": password is None}
    data["sessions_revoked"] = revoked
    append_event(session, actor, "user.reset_password", "user", str(user.id), data, case=None)
    finish(session)
    return user, new


def do_reset_second_factor(session: Session, actor: User | None, username: str) -> User:
    """Remove an account's authenticator and recovery codes (a lost phone); a supervisor
    or an administrator sets up a new one at the next sign-in.

    Raises:
        NotFoundError: no such account in scope.
    """
    user = get_user(session, actor, username)
    had = user.totp_enabled
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    revoked = _revoke_all(session, user)
    data = {"username": user.username, "had_totp": had, "sessions_revoked": revoked}
    append_event(session, actor, "user.reset_totp", "user", str(user.id), data, case=None)
    finish(session)
    return user


def do_set_role(
    session: Session,
    actor: User | None,
    username: str,
    role: str,
    *,
    country: str | None = None,
    office: str | None = None,
) -> User:
    """Change an account's role and its country and office scope.

    Args:
        country: The new country (ISO alpha-3); ``None`` keeps the current one.
        office: The new office; ``None`` keeps it, ``""`` removes it.

    Raises:
        NotFoundError: no such account in scope.
        CasesError: an unknown role, a malformed country, or a role that needs a country.
        PermissionDeniedError: a country administrator giving another country, or
            changing their own role.
        ConflictError: demoting the last active administrator.
    """
    user = get_user(session, actor, username)
    _check_role_name(role)
    if country is not None:
        country = country.upper()
        _check_country(country)
    new_country = country if country is not None else user.country
    if actor is not None and actor.country is not None and new_country != actor.country:
        raise PermissionDeniedError(
            N_("an administrator of %(country)s may give only %(country)s"),
            field="country",
            country=str(actor.country),
        )
    if actor is not None and actor.id == user.id and role != user.role:
        raise PermissionDeniedError(OWN_ROLE, field="role")
    if new_country is None and role in _NEEDS_COUNTRY:
        raise CasesError(
            N_("a %(role)s needs a country (ISO alpha-3)"), field="country", role=word(role)
        )
    if role != "admin":
        _keep_an_admin(session, user, N_("change its role"))
    before = _state(user)
    user.role = role
    user.country = new_country
    if office is not None:
        user.office = office.strip() or None
    # Why revoke: a token opened under the old role must not keep its powers, and a
    # promotion to supervisor or admin must pass through the second factor.
    revoked = _revoke_all(session, user) if before != _state(user) else 0
    data: dict[str, Any] = {"username": user.username, "before": before, "after": _state(user)}
    data["sessions_revoked"] = revoked
    append_event(session, actor, "user.set_role", "user", str(user.id), data, case=None)
    finish(session)
    return user


def _session_views(rows: Sequence[AuthToken], current: str | None) -> list[SessionView]:
    return [
        SessionView(
            id=row.id or "",
            kind=row.kind,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            client=row.client,
            user_agent=row.user_agent,
            current=row.token_hash == current,
        )
        for row in rows
    ]


def list_sessions(
    session: Session, actor: User, *, username: str | None = None, current_token: str = ""
) -> list[SessionView]:
    """The open sessions and API tokens of the actor (or, for an administrator, of
    ``username``), newest first; expired ones are left out.

    Raises:
        NotFoundError: ``username`` unknown or out of scope.
        PermissionDeniedError: a non-administrator asking for someone else's.
    """
    owner = actor if username is None else get_user(session, actor, username)
    now = datetime.now(UTC)
    rows = session.scalars(
        select(AuthToken)
        .where(
            AuthToken.user_id == owner.id,
            AuthToken.expires_at > now,
            AuthToken.kind.in_(("session", "api")),
        )
        .order_by(AuthToken.created_at.desc())
    ).all()
    return _session_views(rows, hash_token(current_token) if current_token else None)


def do_revoke_session(
    session: Session, actor: User, session_id: str, *, username: str | None = None
) -> None:
    """End one session or token of the actor (or, for an administrator, of ``username``).

    Raises:
        NotFoundError: no such session of that account.
    """
    owner = actor if username is None else get_user(session, actor, username)
    row = session.scalar(
        select(AuthToken).where(AuthToken.id == session_id, AuthToken.user_id == owner.id)
    )
    if row is None:
        raise NotFoundError(N_("no such session; it may have ended already"), field="session")
    data = {"username": owner.username, "session": session_id, "kind": row.kind}
    session.delete(row)
    append_event(session, actor, "user.revoke_session", "user", str(owner.id), data, case=None)
    finish(session)


def do_revoke_other_sessions(session: Session, actor: User, current_token: str) -> int:
    """End every session and token of the actor but the one in use.

    Returns:
        How many ended.
    """
    revoked = _revoke_all(session, actor, keep=hash_token(current_token))
    data = {"username": actor.username, "sessions_revoked": revoked}
    append_event(session, actor, "user.revoke_sessions", "user", str(actor.id), data, case=None)
    finish(session)
    return revoked


def do_revoke_user_sessions(session: Session, actor: User | None, username: str) -> int:
    """End every session and token of an account (an administrator's action).

    Returns:
        How many ended.

    Raises:
        NotFoundError: no such account in scope.
    """
    user = get_user(session, actor, username)
    revoked = _revoke_all(session, user)
    data = {"username": user.username, "sessions_revoked": revoked}
    append_event(session, actor, "user.revoke_sessions", "user", str(user.id), data, case=None)
    finish(session)
    return revoked
