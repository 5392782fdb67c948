"""The root of the labour package's exception tree.

Every refusal is a catalog text (:class:`ruta.i18n.Text`) of the ``labour`` catalog: a
message with named placeholders and its values. Its ``message`` is the English sentence
(what Python callers, the logs and the API read); :meth:`~ruta.errors.RutaError.say` gives
it in the reader's language (``ruta labour ... --lang``, the API's ``Accept-Language``,
the pages' language).
"""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import CatalogError

__all__ = ["LabourError"]


class LabourError(CatalogError):
    """Base of every error the labour packages raise on bad input; the message says the fix.

    Args:
        message: The catalog message (``N_("%(path)s does not exist")``, a literal: a test
            checks every raise site under ``ruta.labour`` and in ``ruta labour``), or a
            :class:`ruta.i18n.Text`.
        field: The input field the refusal is about.
        values: The message's placeholders (paths, column names, codes; a :class:`Text`
            value is said in the same language).

    Examples:
        >>> from ruta.i18n import N_
        >>> error = LabourError(N_("%(path)s does not exist"), field="DATA", path="a.csv")
        >>> str(error), error.say("es")
        ('DATA: a.csv does not exist', 'a.csv no existe')
    """

    #: Said from the labour catalog by every caller that says errors in a language
    #: (``ruta.cli.main`` for ``ruta labour``, the API's problem details, the pages).
    domain: ClassVar[str | None] = "labour"
