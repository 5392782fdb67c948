"""The exception tree of ``ruta.notify``."""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = ["DeliveryError", "NotifyError"]


class NotifyError(RutaError):
    """A notification could not be rendered or configured (names the field)."""


class DeliveryError(NotifyError):
    """A transport did not deliver a message.

    Attributes:
        permanent: The receiving side refused the message for good (an unknown recipient,
            a malformed request): retrying cannot help, so it goes straight to dead letters.
    """

    def __init__(self, message: str, *, permanent: bool = False, field: str | None = None):
        super().__init__(message, field=field)
        self.permanent = permanent
