"""The one translation system: supported languages and the Babel catalogs of every package.

Every user-facing text outside the rule packs lives in a gettext catalog under
``ruta/locales/<lang>/LC_MESSAGES/<domain>.po``, one domain per package (``web`` for the
pages, ``pathways``, ``permits``, ``cli``, ``labour``, ``stats`` ...). Message ids are the
English text. Catalogs are compiled in memory at first use, so neither ``make`` nor a wheel
build needs a compile step, and a command loads only the domains it uses.

This module is the only list of supported languages. It imports nothing from the web, the
database or the settings, so every package may use it.

Examples:
    >>> language_of("pt-BR")
    'pt'
    >>> language_of("es-419")
    'es'
    >>> language_of("de") is None
    True
    >>> translator("fr", "web").gettext("Continue")
    'Continuer'
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ruta.errors import RutaError

__all__ = [
    "LANGUAGES",
    "LOCALES_DIR",
    "N_",
    "UnsupportedLanguage",
    "gettext",
    "language_of",
    "require_language",
    "translator",
]

#: Supported languages, in the order they are offered, with their own names.
LANGUAGES: Final[dict[str, str]] = {
    "es": "Español",
    "pt": "Português",
    "en": "English",
    "fr": "Français",
}
LOCALES_DIR: Final = Path(__file__).parent / "locales"


class UnsupportedLanguage(RutaError, ValueError):
    """A language tag that no supported language matches: a user error (CLI exit 2, HTTP 422)."""


def language_of(tag: str | None) -> str | None:
    """The supported language of a BCP 47 tag: region and script subtags fall back.

    Args:
        tag: A tag such as ``pt``, ``pt-BR``, ``es_419`` or ``ht-HT`` (any case).

    Returns:
        A key of :data:`LANGUAGES`, or ``None`` when the tag names no supported language.

    Examples:
        >>> language_of("FR-ca")
        'fr'
        >>> language_of("") is None
        True
    """
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def require_language(tag: str, *, field: str = "lang") -> str:
    """Like :func:`language_of`, but an unsupported tag is an error naming ``field``.

    Raises:
        UnsupportedLanguage: With a message that lists the supported languages.

    Examples:
        >>> require_language("en-GB")
        'en'
        >>> require_language("de", field="--lang")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.i18n.UnsupportedLanguage: --lang: got 'de'; expected one of es, pt, en, fr ...
    """
    lang = language_of(tag)
    if lang is None:
        expected = ", ".join(LANGUAGES)
        raise UnsupportedLanguage(
            f"got {tag!r}; expected one of {expected} (a region such as pt-BR is accepted)",
            field=field,
        )
    return lang


@cache
def translator(lang: str, domain: str) -> NullTranslations:
    """The catalog of one package's texts in one language, compiled once per process.

    Args:
        lang: A supported language or a BCP 47 tag that falls back to one.
        domain: The catalog's domain (``web``, ``pathways``, ``permits`` ...).

    Returns:
        A gettext translations object (``gettext`` / ``ngettext`` / ``pgettext``).

    Raises:
        UnsupportedLanguage: When ``lang`` is not supported.
        FileNotFoundError: When the package has no catalog in that language: a packaging
            error that the catalog completeness test prevents.
    """
    code = require_language(lang)
    po_path = LOCALES_DIR / code / "LC_MESSAGES" / f"{domain}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=code, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def gettext(lang: str, domain: str, message: str) -> str:
    """One message of ``domain`` in ``lang``; the English id when it has no translation.

    Examples:
        >>> gettext("es", "web", "Continue")
        'Continuar'
    """
    return translator(lang, domain).gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown.

    Examples:
        >>> N_("Residence permit")
        'Residence permit'
    """
    return message
