"""The exception tree of ``ruta.notify``.

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``notify`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what the outbox records as a failed attempt, the logs); :meth:`~ruta.errors.RutaError.say`
gives it in the reader's language (``ruta notify run`` speaks ``RUTA_LANG`` or the locale's).
"""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import CatalogError
from ruta.i18n import N_

__all__ = ["DeliveryError", "NotifyError"]


class NotifyError(CatalogError):
    """A notification could not be rendered or configured (names the field).

    Args:
        message: The catalog message (``N_("no %(x)s")``, a literal: a test checks every
            raise site under ``ruta.notify`` and in ``ruta notify``), or a
            :class:`ruta.i18n.Text`.
        field: The setting or input the refusal is about.
        values: The message's placeholders (settings, codes, a server's own words).

    Examples:
        >>> error = NotifyError(N_("%(kind)s is not a message kind; use one of %(kinds)s"),
        ...     field="kind", kind="'fax'", kinds="decision")
        >>> str(error)
        "kind: 'fax' is not a message kind; use one of decision"
    """

    #: Said from the notify catalog by ``ruta.cli.main`` (``ruta notify run``).
    domain: ClassVar[str | None] = "notify"


class DeliveryError(NotifyError):
    """A transport did not deliver a message.

    Attributes:
        permanent: The receiving side refused the message for good (an unknown recipient,
            a malformed request): retrying cannot help, so it goes straight to dead letters.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        field: str | None = None,
        **values: str | int | float,
    ) -> None:
        super().__init__(message, field=field, **values)
        self.permanent = permanent

    @classmethod
    def unexpected(cls, exc: BaseException) -> DeliveryError:
        """A failed attempt for an error no transport foresaw (its class and its words).

        Examples:
            >>> str(DeliveryError.unexpected(ValueError("100% wrong")))
            'unexpected ValueError: 100% wrong'
        """
        return cls(
            N_("unexpected %(kind)s: %(problem)s"), kind=type(exc).__name__, problem=str(exc)
        )
