"""The exception tree of :mod:`ruta.permits`.

A ``PermitsError`` is always a usage problem (a bad key file, a malformed trust list on the
issuing side, an impossible status change). A payload that fails verification is *not* an
error: it yields a :class:`~ruta.permits.VerificationResult` with a reason, because "not
valid" is the normal answer a verifier must be able to give.
"""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = ["KeyStoreError", "PermitsError", "StatusListError", "TrustListError"]


class PermitsError(RutaError):
    """Root of the permits errors: bad input to an issuing or trust operation."""


class KeyStoreError(PermitsError):
    """A key file or key directory is missing, unreadable or inconsistent."""


class TrustListError(PermitsError):
    """A trust list is malformed or its operator signature does not verify."""


class StatusListError(PermitsError):
    """A status list is malformed, unsigned by a trusted key, or a change is not allowed."""
