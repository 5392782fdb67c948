"""The statistics package's exception tree (all user-facing, all :class:`RutaError`)."""

from __future__ import annotations

from ruta.errors import RutaError

__all__ = [
    "DisclosureError",
    "ExportError",
    "ForecastError",
    "PeriodError",
    "SourceError",
    "StatsError",
]


class StatsError(RutaError):
    """Any statistics input error: the message names the field and the expected form."""


class PeriodError(StatsError):
    """A reference period that is not ``YYYY-Qn`` or ``YYYY-MM``."""


class SourceError(StatsError):
    """The case store (or a population simulation file) cannot be read as expected."""


class DisclosureError(StatsError):
    """Disclosure-control settings outside what the parameters allow (threshold, rounding)."""


class ExportError(StatsError):
    """An output file cannot be written (format, directory)."""


class ForecastError(StatsError):
    """A forecast question that the history cannot answer (too little data, bad date)."""
