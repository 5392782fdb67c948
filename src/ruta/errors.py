"""The root of Ruta's exception tree.

Every package derives its own errors from :class:`RutaError` (``PathwaysError``,
``PermitsError``, ``LinkageError`` ...). The CLI turns any ``RutaError`` into a message on
stderr and exit code 2; the web layer turns it into a problem+json 422. A ``RutaError``
therefore means "the input was wrong, and the message says how to fix it", never a bug.

A package whose messages are catalog texts (a :class:`ruta.i18n.Text`) names its catalog
in :attr:`RutaError.domain`; :meth:`RutaError.say` then gives the message in a reader's
language, while ``message`` and ``str()`` stay English.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["CatalogError", "RutaError"]


class RutaError(Exception):
    """A user-facing error: bad input, with a message that names the field and the fix.

    Args:
        message: What is wrong and the expected form: English, or a
            :class:`ruta.i18n.Text` (English too, and sayable in any supported language).
        field: The input field (dotted path) the error is about, when there is one.
    """

    #: The catalog domain that translates the package's :class:`ruta.i18n.Text` messages;
    #: ``None``: the messages are English only.
    domain: ClassVar[str | None] = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def say(self, lang: str) -> str:
        """The message in ``lang`` (a supported language): its catalog's translation when
        it is a :class:`ruta.i18n.Text` of a package with a catalog, else as it is.

        Examples:
            >>> RutaError("use YYYY-MM-DD", field="date").say("es")
            'use YYYY-MM-DD'
        """
        # Imported here: ruta.i18n imports this module (its errors derive from RutaError).
        from ruta.i18n import Text, format_number, translator

        if self.domain is None or not isinstance(self.message, Text):
            return self.message
        gettext = translator(lang, self.domain).gettext
        return self.message.say(gettext, lambda value: format_number(value, lang), lang)


class CatalogError(RutaError):
    """A refusal whose message is a text of the subclass's catalog :attr:`domain`, with its
    values: the base of every package's errors that are said in the reader's language.

    Args:
        message: The catalog message (``N_("no office %(code)s")``, a literal: each
            package's test checks its raise sites), or a :class:`ruta.i18n.Text`.
        field: The input field the refusal is about.
        values: The message's placeholders.
    """

    def __init__(
        self, message: str, *, field: str | None = None, **values: str | int | float
    ) -> None:
        from ruta.i18n import Text  # ruta.i18n imports this module (see RutaError.say)

        text = message if isinstance(message, Text) and not values else Text(message, **values)
        super().__init__(text, field=field)
