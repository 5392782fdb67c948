"""People who sign in, their tokens, second factors, and failed logins."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ruta.store.models._base import Base, _now

__all__ = ["AuthToken", "LoginAttempt", "RecoveryCode", "User"]


class User(Base):
    """A person who signs in: applicant, caseworker, supervisor, auditor or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(3))
    office: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    #: The RFC 6238 secret, encrypted (``ruta.cases.totp``); set at enrolment.
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Time step of the last accepted code: a code is refused at or before it (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None]


def _handle() -> str:
    return secrets.token_urlsafe(16)


class AuthToken(Base):
    """A page session or an API bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: ``session``, ``api``, or a sign-in half done: ``mfa`` (code to give), ``enrol``.
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]
    #: A public handle to revoke it by (pages never carry the token's hash).
    id: Mapped[str | None] = mapped_column(String(32), default=_handle)
    last_seen_at: Mapped[datetime | None]
    client: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (Index("ix_auth_tokens_id", "id", unique=True),)


class RecoveryCode(Base):
    """A single-use code that stands in for the second factor; hashed like a password."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """A failed login, kept to rate-limit guessing across server processes."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=_now)
    username: Mapped[str | None] = mapped_column(String(80))
    client: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_login_attempts_key_at", "key", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )
