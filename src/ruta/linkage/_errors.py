"""The linkage package's exception tree (all user-facing, all :class:`RutaError`)."""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import RutaError

__all__ = ["LinkageError", "RegistryError", "SecretError"]


class LinkageError(RutaError):
    """Any linkage input error: the message names the field, the value and the expected form."""

    #: Said from the linkage catalog by every caller that says errors in a language
    #: (``ruta.cli.main`` for ``ruta review``, the API's problem details), not only by the
    #: ``ruta link`` commands, which say them themselves.
    domain: ClassVar[str | None] = "linkage"


class RegistryError(LinkageError):
    """A registry file is unreadable, has the wrong columns, or a row is invalid."""


class SecretError(LinkageError):
    """The shared secret for the keyed encodings is missing or too weak."""
