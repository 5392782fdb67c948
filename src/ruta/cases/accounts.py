"""Users, passwords, sessions, bearer tokens and login rate limiting.

Passwords are hashed with Argon2id; tokens are 256-bit random strings of which only the
SHA-256 is stored, so a database leak does not hand out live sessions. Failed logins are
counted in the database (not in process memory) so the limit holds across server workers.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role
from ruta.cases.audit import append_event
from ruta.cases.errors import (
    AuthenticationError,
    CasesError,
    ConflictError,
    RateLimitedError,
)
from ruta.cases.passwords import check_password
from ruta.cases.workflow import ROLES
from ruta.store.models import AuthToken, LoginAttempt, User

__all__ = [
    "check_password_strength",
    "do_create_user",
    "do_login",
    "do_logout",
    "do_register_applicant",
    "do_revoke_token",
    "hash_token",
    "use_password_profile",
    "user_for_token",
]

_PROFILES = {
    # argon2-cffi's default: Argon2id, 64 MiB, t=3, p=4 (RFC 9106 second recommendation).
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    # For test suites only (settings refuse it in production): microseconds per hash.
    "cheapest": profiles.CHEAPEST,
}
_HASHER = PasswordHasher.from_parameters(_PROFILES["rfc9106-low-memory"])
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_DUMMY: dict[str, str] = {}


def use_password_profile(name: str) -> None:
    """Choose the Argon2 parameters for new hashes (existing hashes carry their own).

    Raises:
        CasesError: unknown profile name.
    """
    global _HASHER
    if name not in _PROFILES:
        raise CasesError(f"{name!r}: use one of {', '.join(_PROFILES)}", field="password_hashing")
    _HASHER = PasswordHasher.from_parameters(_PROFILES[name])
    _DUMMY.clear()


def _dummy_hash() -> str:
    """A real hash of an unguessable password, verified when the user is unknown so that
    the response time does not reveal which usernames exist."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = _HASHER.hash(secrets.token_urlsafe(16))
    return _DUMMY["hash"]


def hash_token(token: str) -> str:
    """The stored form of a session or bearer token.

    Examples:
        >>> hash_token("abc")[:12]
        'ba7816bf8f01'
    """
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(password: str, username: str = "") -> None:
    """Refuse a password the policy does not accept (:mod:`ruta.cases.passwords`).

    Raises:
        PasswordPolicyError: naming the field ``password`` and the rule.
    """
    check_password(password, username)


def do_create_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    password: str,
    role: str,
    country: str | None,
    office: str | None = None,
) -> User:
    """Create a user. ``actor`` is an admin, or ``None`` for the operator's CLI.

    Raises:
        CasesError: a field is malformed (named in ``field``).
        ConflictError: the username is taken.
    """
    if actor is not None:
        check_role(actor, {"admin"}, "create users")
    _check_username(username, 80)
    if role not in ROLES:
        raise CasesError(f"{role!r} is not a role; use one of {', '.join(ROLES)}", field="role")
    if country is not None and not _COUNTRY.match(country):
        raise CasesError(
            f"{country!r} is not an ISO 3166-1 alpha-3 code such as COL", field="country"
        )
    if country is None and role in ("caseworker", "supervisor", "auditor"):
        raise CasesError(f"a {role} needs a country (ISO alpha-3)", field="country")
    check_password(password, username)
    if _taken(session, username):
        raise ConflictError(f"username {username!r} is taken", field="username")
    return _insert_user(session, actor, username, password, role, country, office)


def _check_username(username: str, longest: int) -> None:
    if not _USERNAME.match(username) or len(username) > longest:
        raise CasesError(
            f"{username!r} is not a username: use 2-{longest} lowercase letters, digits, "
            "'.', '_', '-', starting with a letter or digit",
            field="username",
        )


def _taken(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None


def _insert_user(
    session: Session,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    country: str | None,
    office: str | None,
) -> User:
    user = User(
        username=username,
        password_hash=_HASHER.hash(password),
        role=role,
        country=country,
        office=office or None,
    )
    session.add(user)
    session.flush()
    append_event(
        session, actor, "user.create", "user", str(user.id), {"role": role}, case=None
    )
    finish(session)
    return user


#: Digits added to the name an applicant asks for (one million names per name).
REGISTRATION_SUFFIX_DIGITS = 6
_NAME_LONGEST = 80 - 1 - REGISTRATION_SUFFIX_DIGITS


def do_register_applicant(session: Session, *, name: str, password: str) -> User:
    """Open an applicant account (self-service) under ``<name>-<six random digits>``.

    Why a suffix: with the name as asked, "this username is taken" would tell anyone
    which people have accounts. With the suffix every request gets the same answer
    (an account under a fresh username that the page shows) and the same work (one
    password hash, one insert), whether or not someone already uses the name.

    Raises:
        CasesError: a malformed name (``field="username"``).
        PasswordPolicyError: the password breaks the policy (``field="password"``).
    """
    name = name.strip().lower()
    _check_username(name, _NAME_LONGEST)
    check_password(password, name)
    # A collision among a million suffixes is rare; each retry costs one indexed look-up,
    # and two requests racing for the same name meet the unique constraint instead.
    while True:
        number = secrets.randbelow(10**REGISTRATION_SUFFIX_DIGITS)
        username = f"{name}-{number:0{REGISTRATION_SUFFIX_DIGITS}d}"
        if _taken(session, username):
            continue
        try:
            return _insert_user(session, None, username, password, "applicant", None, None)
        except IntegrityError:
            session.rollback()


def _recent_failures(session: Session, key: str, since: datetime) -> int:
    query = select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    return int(session.scalar(query) or 0)


def do_login(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    kind: str,
    hours: int,
    attempts_per_minute: int,
) -> tuple[User, str]:
    """Check a password and open a session (``kind="session"``) or an API token.

    Args:
        client: The caller's address, rate-limited separately from the username.
        kind: ``session`` (page cookie) or ``api`` (bearer token).
        hours: Lifetime of the token.
        attempts_per_minute: Failed attempts allowed per username and per client.

    Returns:
        The user and the raw token (shown once; only its hash is stored).

    Raises:
        RateLimitedError: too many failures in the last minute.
        AuthenticationError: wrong username or password.
    """
    now = datetime.now(UTC)
    keys = (f"user:{username.lower()}", f"client:{client}")
    window = now - timedelta(minutes=1)
    if any(_recent_failures(session, k, window) >= attempts_per_minute for k in keys):
        session.rollback()
        raise RateLimitedError("too many failed logins; wait one minute", field="username")
    user = session.scalar(select(User).where(User.username == username.lower()))
    try:
        ok: bool = _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        for k in keys:
            session.add(LoginAttempt(key=k, at=now))
        append_event(
            session,
            user,
            "auth.login_failed",
            "user",
            username[:80],
            {"client": client},
            case=None,
        )
        session.commit()
        raise AuthenticationError("wrong username or password", field="password")
    token = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=hash_token(token),
            user_id=user.id,
            kind=kind,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    append_event(session, user, "auth.login", "user", str(user.id), {"kind": kind}, case=None)
    finish(session)
    return user, token


def user_for_token(session: Session, token: str, kind: str) -> User:
    """The active user holding an unexpired token of ``kind``.

    Raises:
        AuthenticationError: unknown, expired or revoked token.
    """
    # One round trip for token and user: this runs on every API request.
    query = (
        select(User, AuthToken.kind, AuthToken.expires_at)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == hash_token(token))
    )
    row = session.execute(query).first()
    if row is None or row.kind != kind or row.expires_at <= datetime.now(UTC):
        raise AuthenticationError("sign in again: the token is unknown or expired", field="token")
    user: User = row.User
    if not user.active:
        raise AuthenticationError("this account is disabled", field="token")
    return user


def do_revoke_token(session: Session, token: str) -> None:
    """Delete a token (logout); unknown tokens are ignored."""
    row = session.get(AuthToken, hash_token(token))
    if row is not None:
        user = session.get(User, row.user_id)
        session.delete(row)
        append_event(
            session, user, "auth.logout", "user", str(row.user_id), {"kind": row.kind}, case=None
        )
    finish(session)


do_logout = do_revoke_token
