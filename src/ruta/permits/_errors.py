"""The exception tree of :mod:`ruta.permits`.

A ``PermitsError`` is always a usage problem (a bad key file, a malformed trust list on the
issuing side, an impossible status change). A payload that fails verification is *not* an
error: it yields a :class:`~ruta.permits.VerificationResult` with a reason, because "not
valid" is the normal answer a verifier must be able to give.

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``permits`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what Python callers, the logs and the API's clients read); :meth:`~ruta.errors.RutaError.say`
gives it in the reader's language (``ruta permits ... --lang``, the API's
``Accept-Language``).
"""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import CatalogError
from ruta.i18n import Text

__all__ = ["KeyStoreError", "PermitsError", "StatusListError", "TrustListError", "reason_of"]


class PermitsError(CatalogError):
    """Root of the permits errors: bad input to an issuing or trust operation.

    Args:
        message: The catalog message (``N_("key file %(path)s does not exist")``, a
            literal: a test checks every raise site under ``ruta.permits`` and in the
            ``ruta permits`` commands), or a :class:`ruta.i18n.Text`.
        field: The input field the refusal is about.
        values: The message's placeholders (paths, codes and numbers as ``str``, so that
            English reads as it always has; a :class:`Text` value is said in the same
            language).

    Examples:
        >>> from ruta.i18n import N_
        >>> error = KeyStoreError(N_("key file %(path)s does not exist"), path="k.pem", field="key")
        >>> str(error), error.say("es")
        ('key: key file k.pem does not exist', 'el archivo de clave k.pem no existe')
    """

    #: Said from the permits catalog by every caller that says errors in a language
    #: (``ruta.cli.main`` for ``ruta permits``, the API's problem details, the pages).
    domain: ClassVar[str | None] = "permits"


class KeyStoreError(PermitsError):
    """A key file or key directory is missing, unreadable or inconsistent."""


class TrustListError(PermitsError):
    """A trust list is malformed or its operator signature does not verify."""


class StatusListError(PermitsError):
    """A status list is malformed, unsigned by a trusted key, or a change is not allowed."""


def reason_of(exc: BaseException) -> str:
    """An exception as the reason inside another refusal: ``str(exc)`` in English, and
    said in the reader's language when it is itself a permits refusal.

    Examples:
        >>> from ruta.i18n import N_
        >>> inner = TrustListError(N_("issuers must be a list"), field="issuers")
        >>> reason_of(inner), type(reason_of(inner)).__name__, reason_of(ValueError("bad"))
        ('issuers: issuers must be a list', 'Text', 'bad')
    """
    if isinstance(exc, PermitsError) and isinstance(exc.message, Text):
        if exc.field is None:
            return exc.message
        # Not a catalog message: "field: message" reads so in every language, and the
        # message is said from its own catalog message.
        return Text("%(field)s: %(refusal)s", field=exc.field, refusal=exc.message)
    return str(exc)
