"""The statistics package's exception tree (all user-facing, all :class:`RutaError`).

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``stats`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what Python callers, the logs and the API read); :meth:`~ruta.errors.RutaError.say` gives
it in the reader's language (``ruta stats ... --lang``).
"""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import CatalogError

__all__ = [
    "DisclosureError",
    "ExportError",
    "ForecastError",
    "PeriodError",
    "SourceError",
    "StatsError",
]


class StatsError(CatalogError):
    """Any statistics input error: the message names the field and the expected form.

    Args:
        message: The catalog message (``N_("%(value)s is not a format")``, a literal: a
            test checks every raise site under ``ruta.stats``), or a :class:`ruta.i18n.Text`.
        field: The input field the refusal is about.
        values: The message's placeholders (paths, codes and numbers; a :class:`Text`
            value is said in the same language).

    Examples:
        >>> from ruta.i18n import N_
        >>> error = ExportError(N_("%(path)s is a directory; give a file name"), path="out")
        >>> str(error)
        'out is a directory; give a file name'
    """

    #: Said from the stats catalog by every caller that says errors in a language
    #: (``ruta.cli.main`` for ``ruta stats``, the API's problem details).
    domain: ClassVar[str | None] = "stats"


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
