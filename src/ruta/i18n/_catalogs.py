"""Babel catalogs: one ``<domain>.po`` per package and language, compiled in memory."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ruta.i18n._languages import LANGUAGES, LOCALES_DIR, require_language
from ruta.i18n._texts import REVIEW_STATUSES

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog
    from babel.support import NullTranslations

__all__ = [
    "N_",
    "REVIEW_HEADER",
    "catalog_path",
    "domains",
    "gettext",
    "read_catalog",
    "review_status",
    "translator",
]

#: The catalog header field that says whether a native speaker has reviewed the catalog's
#: translations: ``X-Review-Status: unreviewed``. Absent means reviewed. An ``X-`` field is
#: one that gettext, Poedit and Weblate keep as they found it; Babel drops unknown header
#: fields when it rewrites a catalog, so ``make i18n`` carries it over itself.
REVIEW_HEADER: Final = "X-Review-Status"
_REVIEW_LINE = re.compile(rf'^"{REVIEW_HEADER}:\s*([^\\"]*?)\s*(?:\\n)?"$', re.MULTILINE)
#: The same mark as a line of the catalog's header comment, which every tool keeps, Babel
#: included: a catalog rewritten by a tool that drops unknown header fields keeps its mark.
REVIEW_COMMENT: Final = "# Review-Status:"
_REVIEW_COMMENT_LINE = re.compile(rf"^{REVIEW_COMMENT}\s*(\S+)", re.MULTILINE)


def catalog_path(lang: str, domain: str) -> Path:
    """Where the catalog of ``domain`` in ``lang`` lives (it may not exist yet).

    Examples:
        >>> catalog_path("fr", "web").relative_to(LOCALES_DIR).as_posix()
        'fr/LC_MESSAGES/web.po'
    """
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def domains() -> list[str]:
    """Every catalog domain: those with a ``.po`` file in any supported language.

    Examples:
        >>> "web" in domains()
        True
    """
    folders = (catalog_path(lang, "any").parent for lang in LANGUAGES)
    return sorted({path.stem for folder in folders for path in folder.glob("*.po")})


def read_catalog(lang: str, domain: str) -> Catalog:
    """The parsed catalog (messages with their flags and comments), as Babel reads it.

    Raises:
        FileNotFoundError: When the package has no catalog in that language.
    """
    # Babel is imported here, not at the top: every command imports this package for
    # LANGUAGES, and most never translate a message.
    from babel.messages.pofile import read_po

    with catalog_path(lang, domain).open("rb") as po_file:
        return read_po(po_file, locale=lang, domain=domain)


def header_review_status(text: str) -> str | None:
    r"""The value of the review field in a catalog's text, or ``None`` when it has none.

    The header field ``X-Review-Status`` wins; without it, the header comment's
    ``# Review-Status:`` line (what survives a tool that drops unknown fields).

    Examples:
        >>> header_review_status('msgid ""\nmsgstr ""\n"X-Review-Status: unreviewed\\n"\n')
        'unreviewed'
        >>> header_review_status('msgid ""\nmsgstr ""\n"Language: fr\\n"\n') is None
        True
        >>> header_review_status('# Review-Status: unreviewed\nmsgid ""\nmsgstr ""\n')
        'unreviewed'
    """
    header, _, _ = text.partition("\n\n")  # the header entry is the first block
    match = _REVIEW_LINE.search(header) or _REVIEW_COMMENT_LINE.search(header)
    return match.group(1) if match else None


def review_status(lang: str, domain: str) -> str:
    """Whether a native speaker has reviewed a catalog: ``reviewed`` or ``unreviewed``.

    A catalog whose header has no ``X-Review-Status`` field is reviewed (written by the
    project's own translators); a value other than those two is reported by
    ``python -m ruta.i18n check`` and read here as unreviewed.

    Examples:
        >>> review_status("fr", "web")
        'reviewed'
        >>> review_status("ht", "web")
        'unreviewed'
    """
    path = catalog_path(lang, domain)
    value = header_review_status(path.read_text(encoding="utf-8")) if path.exists() else None
    if value is None:
        return "reviewed"
    return value if value in REVIEW_STATUSES else "unreviewed"


@cache
def translator(lang: str, domain: str) -> NullTranslations:
    """The catalog of one package's texts in one language, compiled once per process.

    Fuzzy entries are left out, as ``msgfmt`` does: a translation a tool only guessed is
    never shown; the English text is.

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
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    code = require_language(lang)
    if code != lang:
        return translator(code, domain)
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(code, domain))
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def gettext(lang: str, domain: str, message: str) -> str:
    """One message of ``domain`` in ``lang``; the English id when it has no translation.

    Examples:
        >>> gettext("es", "web", "Continue")
        'Continuar'
        >>> gettext("pt-BR", "web", "Continue")
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
