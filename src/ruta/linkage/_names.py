"""Latin American name normalization: folding, particles, compound names, surname order.

The registry keeps the original spelling; these functions derive the comparison forms. Encoded
data (privacy-preserving matching) cannot be re-normalised later, so the same functions run
before encoding.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "PARTICLES",
    "PORTUGUESE_ORDER",
    "fold",
    "given_name_tokens",
    "surname_core",
    "surname_pair",
]

# Multi-word particles first so "de la" wins over "de".
PARTICLES: tuple[str, ...] = (
    "de los",
    "de las",
    "de la",
    "del",
    "de",
    "da",
    "das",
    "do",
    "dos",
    "e",
    "y",
    "la",
    "los",
    "las",
)
# Countries where the registry's first surname is usually the mother's (Portuguese order).
PORTUGUESE_ORDER = frozenset({"BRA", "PRT", "AGO", "MOZ", "CPV"})
_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_PARTICLE_SET = frozenset(p for p in PARTICLES if " " not in p)


def fold(text: str) -> str:
    """Fold a name into its comparison form: NFKC, casefold, accents and punctuation removed.

    Args:
        text: A name as written.

    Returns:
        Lower-case ASCII letters and single spaces.

    Examples:
        >>> fold("  MARÍA-JOSÉ  Ñúñez ")
        'maria jose nunez'
        >>> fold("Gonçalves D'Ávila")
        'goncalves davila'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.replace("-", " ").replace("'", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NON_LETTER.sub(" ", text)).strip()


def given_name_tokens(text: str) -> list[str]:
    """Split given names into an array of folded names, particles dropped.

    Examples:
        >>> given_name_tokens("María de los Ángeles")
        ['maria', 'angeles']
        >>> given_name_tokens("JOSE LUIS")
        ['jose', 'luis']
    """
    return [t for t in fold(text).split(" ") if t and t not in _PARTICLE_SET]


def surname_core(text: str) -> str:
    """Fold a surname and drop its particles ("de la Cruz" and "Cruz" compare equal).

    Examples:
        >>> surname_core("de la Cruz")
        'cruz'
        >>> surname_core("Dos Santos")
        'santos'
    """
    return " ".join(t for t in fold(text).split(" ") if t and t not in _PARTICLE_SET)


def surname_pair(surname_1: str, surname_2: str, nationality: str = "") -> tuple[str, str]:
    """Return (paternal, maternal) surname cores in Spanish order.

    Both surnames typed in the first field are split; for countries with Portuguese order the
    two are swapped so that paternal comes first. A missing second surname stays ``""``.

    Examples:
        >>> surname_pair("García López", "")
        ('garcia', 'lopez')
        >>> surname_pair("Silva", "Santos", "BRA")
        ('santos', 'silva')
        >>> surname_pair("de la Cruz", "")
        ('cruz', '')
    """
    first, second = surname_core(surname_1), surname_core(surname_2)
    if not second and " " in first:
        first, _, second = first.partition(" ")
    elif not first and second:
        first, second = second, ""
    if nationality.upper() in PORTUGUESE_ORDER and first and second:
        first, second = second, first
    return first, second
