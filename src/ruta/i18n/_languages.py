"""The supported languages (read from ``locales/languages.txt``) and BCP 47 fallback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Final

from ruta.errors import CatalogError

__all__ = [
    "LANGUAGES",
    "LOCALES_DIR",
    "UnsupportedLanguage",
    "expected_languages",
    "language_of",
    "require_language",
]

LOCALES_DIR: Final = Path(__file__).parent.parent / "locales"

# A primary language subtag, then any subtags (region, script, variant) of 1-8 letters or
# digits; "_" is accepted too because POSIX locales (pt_BR) are what many systems send.
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def _read_languages(path: Path) -> dict[str, str]:
    # The list is data that a translator edits, so it is a plain text file rather than code
    # (and not YAML: every command imports this module, and ``ruta --help`` must stay fast).
    languages: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        code, _, name = text.partition(" ")
        if not re.fullmatch(r"[a-z]{2,3}", code) or not name.strip() or code in languages:
            raise ValueError(
                f"{path}:{number}: expected a new lower-case language code and its name, "
                f"such as 'pt Português'; got {text!r}"
            )
        languages[code] = name.strip()
    return languages


#: Supported languages, in the order they are offered, with their own names.
LANGUAGES: Final[dict[str, str]] = _read_languages(LOCALES_DIR / "languages.txt")


class UnsupportedLanguage(CatalogError, ValueError):
    """A language tag that none of :data:`LANGUAGES` matches.

    A :class:`~ruta.errors.RutaError` (exit code 2 in the CLI, 422 on the web) and a
    ``ValueError`` (so a pydantic validator that raises it reports the field); its message
    is an ``i18n`` catalog text, said in the reader's language wherever it is shown (the
    API's ``Accept-Language``, a page's language).
    """

    domain: ClassVar[str | None] = "i18n"


def expected_languages() -> str:
    """The supported codes as a help text reads them.

    Examples:
        >>> expected_languages().startswith("es, pt, en")
        True
    """
    codes = list(LANGUAGES)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


def language_of(tag: str | None) -> str | None:
    """The supported language of a BCP 47 tag: region and script subtags fall back.

    Args:
        tag: A tag such as ``pt``, ``pt-BR``, ``es_419`` or ``ht-HT`` (any case).

    Returns:
        A key of :data:`LANGUAGES`, or ``None`` when the tag names no supported language
        or is not a language tag at all.

    Examples:
        >>> language_of("FR-ca")
        'fr'
        >>> language_of("pt_BR")
        'pt'
        >>> language_of("") is None, language_of("pt BR") is None
        (True, True)
    """
    if not tag:
        return None
    match = _TAG.match(tag.strip())
    if match is None:
        return None
    primary = match.group(1).lower()
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
        ruta.i18n.UnsupportedLanguage: --lang: got 'de'; expected one of es, pt, en, fr, ht ...
    """
    lang = language_of(tag)
    if lang is None:
        from ruta.i18n._catalogs import N_  # that module imports this one

        raise UnsupportedLanguage(
            N_("got %(value)s; expected one of %(expected)s (a region such as pt-BR is accepted)"),
            field=field,
            value=repr(tag),
            expected=", ".join(LANGUAGES),
        )
    return lang
