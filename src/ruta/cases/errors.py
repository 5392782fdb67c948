"""Exception tree of the casework domain.

The web layer maps each class to an HTTP status (problem+json); the CLI prints any of
them on stderr with exit code 2.

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``cases`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what the API's clients and the logs read); :meth:`~ruta.errors.RutaError.say` gives it in
the reader's language (the pages, ``--lang``, the API's ``Accept-Language``). A status,
outcome or role inside a refusal is passed through :func:`word`, so that it is said as a
word where the catalog has one; ids, codes and names stay as they are.
"""

from __future__ import annotations

from typing import ClassVar, Final

from ruta.errors import CatalogError
from ruta.i18n import N_, Text

__all__ = [
    "AuthenticationError",
    "CasesError",
    "ConflictError",
    "InvalidValueError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "word",
]

# The codes a refusal may name that a reader should read as words: case statuses, decision
# outcomes, the engine's assessments, roles, appointment and message states. Their English
# stays the code (the API's clients and the tests read it), other languages say the word.
# TRANSLATORS: each of these is a code inside a refusal ("a case that is %(status)s takes
# no more documents"); translate it as the plain word, e.g. in_review: "en revisión".
_WORDS: Final = frozenset(
    {
        N_("draft"),
        N_("submitted"),
        N_("in_review"),
        N_("information_requested"),
        N_("decision_proposed"),
        N_("approved"),
        N_("denied"),
        N_("withdrawn"),
        N_("appealed"),
        N_("eligible"),
        N_("ineligible"),
        N_("undetermined"),
        N_("applicant"),
        N_("caseworker"),
        N_("supervisor"),
        N_("auditor"),
        N_("admin"),
        N_("regional"),
        N_("booked"),
        N_("cancelled"),
        N_("attended"),
        N_("no_show"),
        N_("dead"),
        N_("unknown"),
        N_("merged"),
        N_("distinct"),
        N_("pending"),
    }
)


def word(code: str) -> str:
    """A status, outcome or role as a value of a refusal: the code in English, the word in
    a reader's language where the ``cases`` catalog has one (any other code as it is).

    Examples:
        >>> word("in_review"), type(word("in_review")).__name__, type(word("XYZ")).__name__
        ('in_review', 'Text', 'str')
    """
    return Text(code) if code in _WORDS else code


class CasesError(CatalogError):
    """Base of the casework errors; on its own it means invalid input (HTTP 422).

    Args:
        message: The catalog message (``N_("no office %(code)s")``, a literal: a test
            checks every raise site under ``ruta.cases``), or a :class:`ruta.i18n.Text`.
        field: The input field the refusal is about.
        values: The message's placeholders (ids and codes as ``str``; a status, outcome or
            role through :func:`word`).

    Examples:
        >>> error = NotFoundError(N_("no future slot %(slot)s"), slot="7", field="slot")
        >>> str(error), error.say("es")
        ('slot: no future slot 7', 'no hay un turno futuro 7')
    """

    domain: ClassVar[str | None] = "cases"


class InvalidValueError(CasesError, ValueError):
    """A value a request model's validator refuses: a ``ValueError``, so that pydantic
    reports it at the field (its English ``Value error, ...`` as before), and a catalog
    refusal, which the API says in ``Accept-Language`` (:mod:`ruta.web.validation`).

    Raised without ``field``: pydantic's location names it, and ``str()`` is the sentence.
    """


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

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        retry_after: int = 60,
        **values: str | int | float,
    ) -> None:
        super().__init__(message, field=field, **values)
        self.retry_after = retry_after
