"""The store's refusals (``ruta db backup|restore``): catalog texts of the ``cli`` catalog.

The store has no catalog of its own: its refusals reach people only through the ``ruta db``
commands, so their texts live in the ``cli`` catalog (``locales/domains.cfg``). Its
``message`` is the English sentence (the logs, Python callers);
:meth:`~ruta.errors.RutaError.say` gives it in the reader's language (``--lang``, else
``RUTA_LANG`` or the locale's).
"""

from __future__ import annotations

from typing import ClassVar

from ruta.errors import CatalogError

__all__ = ["StoreError"]


class StoreError(CatalogError):
    """A backup or restore refused: the message names the setting or the file to fix.

    Args:
        message: The catalog message (``N_("no backup file at %(path)s")``, a literal: a
            test checks every raise site under ``ruta.store``), or a :class:`ruta.i18n.Text`.
        field: The setting or option the refusal is about.
        values: The message's placeholders (paths, tool names, counts).

    Examples:
        >>> from ruta.i18n import N_
        >>> error = StoreError(N_("no backup file at %(path)s"), path="b.db", field="file")
        >>> str(error), error.say("es")
        ('file: no backup file at b.db', 'no hay ningún archivo de copia de seguridad en b.db')
    """

    #: Said from the cli catalog by ``ruta.cli.main``.
    domain: ClassVar[str | None] = "cli"
