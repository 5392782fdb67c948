"""One normalisation of people's names, in every script, for matching and for print.

Registries of the region hold names typed in Latin script with Spanish, Portuguese, French
and Haitian Creole accents, and increasingly names in other scripts (Cyrillic, Chinese,
Arabic) or with Latin letters that Unicode does not decompose (Ł, Ø, Đ, Æ). Matching needs
one comparable ASCII form of all of them; a printed permit needs a Latin form its fonts can
show. Both come from here, so that deduplication, the privacy-preserving encodings, the
intake search, the review queue and the permit card agree on what a name "is".

Letters that are an ASCII letter plus accents (á, ñ, ç, ò, ü) lose the accents, as they
always have (the sound-alike keys of :mod:`ruta.linkage` depend on it); every other
character is transliterated by anyascii (Ł → L, Ø → O, Đ → D, Æ → AE, Олена → Olena,
王芳 → WangFang, محمد → mhmd). Arabic and Hebrew are written without most vowels, so their
transliteration is consonantal: it matches other records in the same script, not a
Latin spelling chosen by a clerk ("Mohammed"); see docs/linkage.md.

This module imports no pandas, Splink or web code: the permits package uses it.

Examples:
    >>> fold("Łukasz Øster Đorđe 王芳 Олена")
    'lukasz oster dorde wangfang olena'
    >>> fold("Jean-Wòdlèy Sentil")
    'jean wodley sentil'
    >>> latin1("Łukasz Žofia Peña 王芳")
    'Lukasz Zofia Peña WangFang'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["fold", "latin1", "to_latin"]

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Apostrophes inside a name join its parts (D'Ávila, O'Neill); other punctuation separates.
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc\u02bb`")


@lru_cache(maxsize=4096)
def _latin_char(char: str, keep_latin1: bool) -> str:
    if char.isascii() or (keep_latin1 and ord(char) < 256):
        return char
    parts = unicodedata.normalize("NFD", char)
    if parts[0].isascii() and all(unicodedata.combining(p) for p in parts[1:]):
        # An ASCII letter with accents: the letter (as the registries have always folded).
        return parts[0]
    return anyascii(char)


def to_latin(text: str) -> str:
    """The name in ASCII Latin letters, case kept: accents dropped, other scripts transliterated.

    Args:
        text: A name as written, in any script.

    Returns:
        An ASCII string (punctuation and spacing as transliterated).

    Examples:
        >>> to_latin("Đorđe Ærø")
        'Dorde Aero'
        >>> to_latin("Иван Петров")
        'Ivan Petrov'
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(_latin_char(c, False) for c in text)


def latin1(text: str) -> str:
    """The name as the permit card's Latin-1 fonts can print it.

    Characters of Latin-1 (all of Spanish, Portuguese, French and Haitian Creole) are kept as
    written; every other character gets the same transliteration as :func:`fold` uses.

    Examples:
        >>> latin1("Loudmia Pòl")
        'Loudmia Pòl'
        >>> latin1("Łucja Œuvray")
        'Lucja Oeuvray'
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(_latin_char(c, True) for c in text)


def fold(text: str) -> str:
    """Fold a name into its comparison form: lower-case ASCII letters and single spaces.

    NFKC first (full-width and compatibility letters), then case folding, accents dropped,
    other scripts transliterated, hyphens read as spaces, apostrophes joined, any other
    character a separator.

    Args:
        text: A name as written.

    Returns:
        Lower-case ASCII letters and single spaces.

    Examples:
        >>> fold("  MARÍA-JOSÉ  Ñúñez ")
        'maria jose nunez'
        >>> fold("Gonçalves D'Ávila")
        'goncalves davila'
        >>> fold("Søren Åse"), fold("Олена Ковальчук"), fold("Loudmia Pòl")
        ('soren ase', 'olena kovalchuk', 'loudmia pol')
    """
    text = unicodedata.normalize("NFKC", text)
    # Transliterate before lower-casing: case folding first would turn letters such as the
    # Greek iota subscript into a separate letter that the printed (Latin) forms never show.
    if not text.isascii():
        text = "".join(_latin_char(c, False) for c in text)
    text = text.lower()
    text = text.replace("-", " ").translate(_APOSTROPHES)
    return _SPACES.sub(" ", _NON_LETTER.sub(" ", text)).strip()
