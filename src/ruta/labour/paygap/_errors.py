"""The pay-gap exception tree (all user-facing)."""

from __future__ import annotations

from ruta.labour._errors import LabourError

__all__ = ["PayGapError", "SurveyError"]


class PayGapError(LabourError):
    """A pay-gap analysis cannot run as asked: the message says which option to change."""


class SurveyError(PayGapError):
    """The survey file is unreadable, lacks a mapped column, or a column has the wrong form."""
