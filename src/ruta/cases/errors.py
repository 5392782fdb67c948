"""Exception tree of the casework domain.

The web layer maps each class to an HTTP status (problem+json); the CLI prints any of
them on stderr with exit code 2.
"""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = [
    "AuthenticationError",
    "CasesError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
]


class CasesError(RutaError):
    """Base of the casework errors; on its own it means invalid input (HTTP 422)."""


class NotFoundError(CasesError):
    """No such record, or one outside the caller's scope (HTTP 404, never 403, so that
    a caseworker of one country cannot learn that another country's case exists)."""


class PermissionDeniedError(CasesError):
    """The caller may see the record but their role may not do this (HTTP 403)."""


class ConflictError(CasesError):
    """The record's state does not allow this now, e.g. a transition not in the workflow
    or a reused idempotency key with a different body (HTTP 409)."""


class AuthenticationError(CasesError):
    """Wrong username or password, or a missing, expired or revoked token (HTTP 401)."""


class RateLimitedError(CasesError):
    """Too many attempts (failed logins, new accounts ...); the message says when to try
    again (HTTP 429 with ``Retry-After: retry_after``)."""

    def __init__(self, message: str, *, field: str | None = None, retry_after: int = 60) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
