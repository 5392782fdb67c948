"""The root of Ruta's exception tree.

Every package derives its own errors from :class:`RutaError` (``PathwaysError``,
``PermitsError``, ``LinkageError`` ...). The CLI turns any ``RutaError`` into a message on
stderr and exit code 2; the web layer turns it into a problem+json 422. A ``RutaError``
therefore means "the input was wrong, and the message says how to fix it", never a bug.
"""

from __future__ import annotations

__all__ = ["RutaError"]


class RutaError(Exception):
    """A user-facing error: bad input, with a message that names the field and the fix.

    Args:
        message: What is wrong and the expected form.
        field: The input field (dotted path) the error is about, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message
