"""Exception tree of the pathways package."""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = ["PackError", "PathwaysError", "ProfileError", "UnknownPathwayError"]


class PathwaysError(RutaError):
    """Base of every error the pathways package raises on bad input."""


class PackError(PathwaysError):
    """A rule pack is malformed: the message names the file, the line and the problem."""


class ProfileError(PathwaysError):
    """A profile or population row is invalid: the message names the field and the form."""


class UnknownPathwayError(PathwaysError):
    """A pathway id that no loaded pack defines."""
