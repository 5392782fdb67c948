"""The root of the labour package's exception tree."""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = ["LabourError"]


class LabourError(RutaError):
    """Base of every error the labour packages raise on bad input; the message says the fix."""
