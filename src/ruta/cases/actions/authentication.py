"""Signing in: users, passwords, second factors, sessions, bearer tokens, login limits.

The actions that create an account or sign one in live here, with the other actions; the
administrators' account management is :mod:`ruta.cases.actions.accounts`.

Passwords are hashed with Argon2id; tokens are 256-bit random strings of which only the
SHA-256 is stored, so a database leak does not hand out live sessions. Failed logins are
counted in the database (not in process memory) so the limit holds across server workers.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, delete, func, select, update
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
    word,
)
from ruta.cases.passwords import check_password
from ruta.cases.totp import (
    SealError,
    accepted_step,
    new_recovery_codes,
    new_secret,
    normalise_code,
    provisioning_uri,
    seal,
    unseal,
)
from ruta.cases.workflow import ROLES
from ruta.i18n import N_
from ruta.store.models import AuthToken, LoginAttempt, RecoveryCode, User

__all__ = [
    "LAST_SEEN_EVERY",
    "PENDING_MINUTES",
    "SECOND_FACTOR_ROLES",
    "SignIn",
    "check_password_strength",
    "do_begin_enrolment",
    "do_confirm_enrolment",
    "do_create_user",
    "do_login",
    "do_logout",
    "do_register_applicant",
    "do_revoke_token",
    "do_second_factor",
    "do_sign_in",
    "enrolling_user",
    "hash_password",
    "hash_token",
    "needs_second_factor",
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
        raise CasesError(
            N_("%(name)s: use one of %(profiles)s"),
            field="password_hashing",
            name=repr(name),
            profiles=", ".join(_PROFILES),
        )
    _HASHER = PasswordHasher.from_parameters(_PROFILES[name])
    _DUMMY.clear()


def hash_password(password: str) -> str:
    """The Argon2 hash of ``password`` with the parameters :func:`use_password_profile` chose.

    Modules that hash a password call this rather than holding the hasher: a hasher bound
    at import would keep the parameters of that moment, not the service's setting.

    Examples:
        >>> hash_password("correct-horse-battery").startswith("$argon2id$")
        True
    """
    return _HASHER.hash(password)


def _dummy_hash() -> str:
    """A real hash of an unguessable password, verified when the user is unknown so that
    the response time does not reveal which usernames exist."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = hash_password(secrets.token_urlsafe(16))
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
        check_role(actor, {"admin"}, N_("create users"))
    _check_username(username, 80)
    if role not in ROLES:
        raise CasesError(
            N_("%(role)s is not a role; use one of %(roles)s"),
            field="role",
            role=repr(role),
            roles=", ".join(ROLES),
        )
    if country is not None and not _COUNTRY.match(country):
        raise CasesError(
            N_("%(country)s is not an ISO 3166-1 alpha-3 code such as COL"),
            field="country",
            country=repr(country),
        )
    if country is None and role in ("caseworker", "supervisor", "auditor"):
        raise CasesError(
            N_("a %(role)s needs a country (ISO alpha-3)"), field="country", role=word(role)
        )
    check_password(password, username)
    if _taken(session, username):
        raise ConflictError(N_("username %(user)s is taken"), field="username", user=repr(username))
    return _insert_user(session, actor, username, password, role, country, office)


def _check_username(username: str, longest: int) -> None:
    if not _USERNAME.match(username) or len(username) > longest:
        raise CasesError(
            N_(
                "%(user)s is not a username: use 2-%(longest)s lowercase letters, digits, "
                "'.', '_', '-', starting with a letter or digit"
            ),
            field="username",
            user=repr(username),
            longest=str(longest),
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
        password_hash=hash_password(password),
        role=role,
        country=country,
        office=office or None,
    )
    session.add(user)
    session.flush()
    append_event(session, actor, "user.create", "user", str(user.id), {"role": role}, case=None)
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


#: Roles that must give a second factor at every sign-in (pages and API).
SECOND_FACTOR_ROLES: Final = frozenset({"supervisor", "admin"})
#: Minutes a half-done sign-in (password given, code not yet) stays usable.
PENDING_MINUTES: Final = 10
_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a correct password.

    ``kind`` is the token's: ``session`` or ``api`` when the user is in; ``mfa`` when the
    page must ask for the code (:func:`do_second_factor`); ``enrol`` when a supervisor or
    an administrator has no second factor yet and must set one up first
    (:func:`do_begin_enrolment`, :func:`do_confirm_enrolment`).
    """

    user: User
    token: str
    kind: str


def needs_second_factor(user: User) -> bool:
    """Whether ``user`` gives a code at sign-in: required roles, and anyone who enrolled."""
    return user.role in SECOND_FACTOR_ROLES or user.totp_enabled


def _retry_after(session: Session, cond: ColumnElement[bool], now: datetime) -> int:
    oldest = session.scalar(select(func.min(LoginAttempt.at)).where(cond))
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + _WINDOW - now).total_seconds()))


def _check_throttle(
    session: Session,
    username: str,
    client: str,
    now: datetime,
    attempts_per_minute: int,
    accounts_per_client: int,
) -> None:
    """Refuse a sign-in when the account, or the address, has failed too often.

    Why two different counts: the account's failures from anywhere stop guessing one
    password from many addresses; the address's count is of *distinct accounts* it failed
    on, which stops spraying many accounts from one address, while an attacker hammering
    one account from an office's proxy address leaves everyone else in that office free
    to sign in.
    """
    since = now - _WINDOW
    account = (LoginAttempt.key == f"user:{username}") & (LoginAttempt.at >= since)
    failures = int(session.scalar(select(func.count()).where(account)) or 0)
    if failures >= attempts_per_minute:
        wait = _retry_after(session, account, now)
        session.rollback()
        raise RateLimitedError(
            N_("too many failed sign-ins for this account; try again in %(wait)s seconds"),
            field="username",
            retry_after=wait,
            wait=str(wait),
        )
    address = (LoginAttempt.client == client) & (LoginAttempt.at >= since)
    accounts = select(func.count(func.distinct(LoginAttempt.username))).where(address)
    if int(session.scalar(accounts) or 0) >= accounts_per_client:
        wait = _retry_after(session, address, now)
        session.rollback()
        raise RateLimitedError(
            N_("too many accounts failed from your address; try again in %(wait)s seconds"),
            field="client",
            retry_after=wait,
            wait=str(wait),
        )


def _record_failure(
    session: Session, user: User | None, username: str, client: str, now: datetime, why: str
) -> None:
    session.add(LoginAttempt(key=f"user:{username}", at=now, username=username, client=client[:64]))
    data = {"client": client} if why == "password" else {"client": client, "failed": why}
    append_event(session, user, "auth.login_failed", "user", username[:80], data, case=None)
    session.commit()


def _issue(
    session: Session,
    user: User,
    kind: str,
    lifetime: timedelta,
    now: datetime,
    client: str,
    user_agent: str,
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=hash_token(token),
            user_id=user.id,
            kind=kind,
            created_at=now,
            expires_at=now + lifetime,
            last_seen_at=now,
            client=client[:64],
            user_agent=user_agent[:200] or None,
        )
    )
    return token


def do_sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    kind: str,
    hours: int,
    attempts_per_minute: int,
    accounts_per_client: int = 20,
    user_agent: str = "",
    otp: str | None = None,
    totp_key: str | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Check a password (and the second factor when one is due) and open a token.

    Args:
        client: The caller's address (``client_identity()``), throttled by the number of
            accounts it fails on.
        kind: ``session`` (page cookie) or ``api`` (bearer token).
        hours: Lifetime of the token.
        attempts_per_minute: Failed attempts allowed per account (from anywhere).
        accounts_per_client: Distinct accounts one address may fail on per minute.
        user_agent: The browser's self-description, shown in the sessions list.
        otp: The authenticator's code or a recovery code. The API needs it for accounts
            with a second factor; a page leaves it out and asks on the next page.
        totp_key: The key sealing second-factor secrets (``RUTA_SECRET_KEY``).
        now: The clock (tests).

    Raises:
        RateLimitedError: too many failures; the message says when to try again.
        AuthenticationError: wrong username, password or code (``field`` says which).
    """
    now = now or datetime.now(UTC)
    username = username.lower()
    _check_throttle(session, username, client, now, attempts_per_minute, accounts_per_client)
    user = session.scalar(select(User).where(User.username == username))
    try:
        ok: bool = _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        _record_failure(session, user, username, client, now, "password")
        raise AuthenticationError(N_("wrong username or password"), field="password")
    if needs_second_factor(user):
        if kind == "api" and not user.totp_enabled:
            session.rollback()
            raise AuthenticationError(
                N_(
                    "this account needs a second factor: sign in on the pages once to set up "
                    "an authenticator app, then send its code in 'otp'"
                ),
                field="otp",
            )
        if otp is None and kind == "api":
            session.rollback()
            raise AuthenticationError(
                N_("send the 6-digit code of your authenticator app (or a recovery code) in 'otp'"),
                field="otp",
            )
        if otp is None:
            pending = "mfa" if user.totp_enabled else "enrol"
            lifetime = timedelta(minutes=PENDING_MINUTES)
            token = _issue(session, user, pending, lifetime, now, client, user_agent)
            finish(session)
            return SignIn(user, token, pending)
        if not _second_factor_ok(session, user, otp, totp_key, now):
            _record_failure(session, user, username, client, now, "second factor")
            raise AuthenticationError(N_("the code is not right or was already used"), field="otp")
    token = _issue(session, user, kind, timedelta(hours=hours), now, client, user_agent)
    _signed_in(session, user, kind, now)
    return SignIn(user, token, kind)


def _signed_in(session: Session, user: User, kind: str, now: datetime) -> None:
    user.last_login_at = now
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"user:{user.username}"))
    append_event(session, user, "auth.login", "user", str(user.id), {"kind": kind}, case=None)
    finish(session)


def do_login(session: Session, *, kind: str, **options: Any) -> tuple[User, str]:
    """:func:`do_sign_in` for callers that only take a finished sign-in.

    Args:
        kind: ``session`` or ``api``, as for :func:`do_sign_in`.
        options: The other keyword arguments of :func:`do_sign_in` (``username``,
            ``password``, ``client``, ``hours``, ``attempts_per_minute`` ...), passed on as
            they are so that its signature is written once.

    Returns:
        The user and the raw token (shown once; only its hash is stored).

    Raises:
        AuthenticationError: as :func:`do_sign_in`, and when a second factor is due but
            no ``otp`` was given (``field="otp"``).
    """
    result = do_sign_in(session, kind=kind, **options)
    if result.kind != kind:
        do_revoke_token(session, result.token)
        raise AuthenticationError(N_("give the code of your authenticator app"), field="otp")
    return result.user, result.token


def _second_factor_ok(
    session: Session, user: User, code: str, totp_key: str | None, now: datetime
) -> bool:
    """Check an authenticator code (not replayed) or spend a recovery code."""
    if user.totp_enabled and user.totp_secret and totp_key is not None:
        secret = unseal(user.totp_secret, totp_key)
        step = accepted_step(secret, code, at=now, last=user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return True
    typed = normalise_code(code)
    if len(typed) != 11:
        return False
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for row in unused:
        try:
            if _HASHER.verify(row.code_hash, typed):
                row.used_at = now
                append_event(
                    session, user, "user.recovery_code_used", "user", str(user.id), {}, case=None
                )
                return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def _pending(session: Session, token: str, kind: str, now: datetime) -> tuple[User, AuthToken]:
    row = session.get(AuthToken, hash_token(token))
    if row is None or row.kind != kind or row.expires_at <= now:
        raise AuthenticationError(N_("sign in again: the sign-in expired"), field="token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError(N_("this account is disabled"), field="token")
    return user, row


def _promote(session: Session, user: User, row: AuthToken, hours: int, now: datetime) -> str:
    """Swap a half-done sign-in for a page session (a new token: the old one is spent)."""
    client, agent = row.client or "", row.user_agent or ""
    session.delete(row)
    token = _issue(session, user, "session", timedelta(hours=hours), now, client, agent)
    _signed_in(session, user, "session", now)
    return token


def do_second_factor(
    session: Session,
    *,
    token: str,
    code: str,
    totp_key: str,
    hours: int,
    attempts_per_minute: int,
    now: datetime | None = None,
) -> str:
    """Finish a page sign-in with the authenticator's code or a recovery code.

    Args:
        token: The pending token (``SignIn.kind == "mfa"``) from :func:`do_sign_in`.

    Returns:
        The page session token that replaces it.

    Raises:
        RateLimitedError: too many wrong codes for the account.
        AuthenticationError: a wrong or replayed code (``field="otp"``), or an expired
            sign-in (``field="token"``).
    """
    now = now or datetime.now(UTC)
    user, row = _pending(session, token, "mfa", now)
    client = row.client or ""
    _check_throttle(session, user.username, client, now, attempts_per_minute, 1 << 30)
    if not _second_factor_ok(session, user, code, totp_key, now):
        _record_failure(session, user, user.username, client, now, "second factor")
        raise AuthenticationError(N_("the code is not right or was already used"), field="otp")
    return _promote(session, user, row, hours, now)


def enrolling_user(session: Session, token: str, now: datetime | None = None) -> User:
    """The user of a pending enrolment token (``SignIn.kind == "enrol"``).

    Raises:
        AuthenticationError: unknown or expired.
    """
    return _pending(session, token, "enrol", now or datetime.now(UTC))[0]


def do_begin_enrolment(session: Session, user: User, *, totp_key: str) -> tuple[str, str]:
    """Give ``user`` a new authenticator secret, pending until a code confirms it.

    Returns:
        The secret (base32, to type in by hand) and the ``otpauth://`` URI for the QR.

    Raises:
        ConflictError: the user already has a second factor.
    """
    if user.totp_enabled:
        raise ConflictError(N_("a second factor is already set up for this account"), field="totp")
    if user.totp_secret:
        try:
            secret = unseal(user.totp_secret, totp_key)
        except SealError:
            secret = new_secret()
    else:
        secret = new_secret()
    user.totp_secret = seal(secret, totp_key)
    session.commit()
    return secret, provisioning_uri(secret, user.username)


def do_confirm_enrolment(
    session: Session,
    user: User,
    *,
    code: str,
    totp_key: str,
    pending_token: str | None = None,
    hours: int = 12,
    now: datetime | None = None,
) -> tuple[list[str], str | None]:
    """Turn the pending secret on with a first code, and issue the recovery codes.

    Args:
        pending_token: An enrolment sign-in to finish into a page session.

    Returns:
        The ten recovery codes (shown once; only their hashes are kept) and the new page
        session token when ``pending_token`` was given.

    Raises:
        AuthenticationError: a wrong code (``field="otp"``).
        ConflictError: nothing pending, or already enabled.
    """
    now = now or datetime.now(UTC)
    if user.totp_enabled or not user.totp_secret:
        raise ConflictError(N_("start the set-up again: no second factor is pending"), field="totp")
    step = accepted_step(unseal(user.totp_secret, totp_key), code, at=now, last=None)
    if step is None:
        raise AuthenticationError(
            N_("the code is not right: type the 6 digits the app shows now"), field="otp"
        )
    user.totp_enabled = True
    user.totp_last_step = step
    codes = _replace_recovery_codes(session, user, now)
    append_event(session, user, "user.totp_enrol", "user", str(user.id), {}, case=None)
    if pending_token is not None:
        _user, row = _pending(session, pending_token, "enrol", now)
        return codes, _promote(session, user, row, hours, now)
    finish(session)
    return codes, None


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(code), created_at=now))
    return codes


def user_for_token(session: Session, token: str, kind: str) -> User:
    """The active user holding an unexpired token of ``kind``.

    Raises:
        AuthenticationError: unknown, expired or revoked token.
    """
    # One round trip for token and user: this runs on every API request.
    digest = hash_token(token)
    query = (
        select(User, AuthToken.kind, AuthToken.expires_at, AuthToken.last_seen_at)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == digest)
    )
    row = session.execute(query).first()
    now = datetime.now(UTC)
    if row is None or row.kind != kind or row.expires_at <= now:
        raise AuthenticationError(
            N_("sign in again: the token is unknown or expired"), field="token"
        )
    user: User = row.User
    if not user.active:
        raise AuthenticationError(N_("this account is disabled"), field="token")
    if row.last_seen_at is None or now - row.last_seen_at > LAST_SEEN_EVERY:
        # At most one write a minute per token: the sessions page needs "last seen", the
        # hot API routes must not pay a write for it on every request.
        session.execute(
            update(AuthToken).where(AuthToken.token_hash == digest).values(last_seen_at=now)
        )
        session.commit()
    return user


#: How stale ``AuthToken.last_seen_at`` may get before a request refreshes it.
LAST_SEEN_EVERY: Final = timedelta(minutes=1)


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
