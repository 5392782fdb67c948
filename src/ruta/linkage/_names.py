"""Latin American name normalization: particles, compound names, surname order, sound-alikes.

The registry keeps the original spelling; these functions derive the comparison forms from
the one folding of every script (:func:`ruta.names.fold`, shared with the permit card).
Encoded data (privacy-preserving matching) cannot be re-normalised later, so the same
functions run before encoding.
"""

from __future__ import annotations

import re

from ruta.names import fold

__all__ = [
    "PARTICLES",
    "PORTUGUESE_ORDER",
    "fold",
    "given_name_tokens",
    "phonetic_key",
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
_PARTICLE_SET = frozenset(p for p in PARTICLES if " " not in p)
# Spellings that sound alike in Spanish and Portuguese, rewritten before the Soundex-style
# code: silent h, b/v, s/z/soft c, qu/k, gue/gui, y/i. Order matters ("ce" before "c").
# ("ll" stays two l's: a dropped l is the commoner error than a ll/y spelling.)
_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"^h", ""),
        # Initial Y/J before a vowel and "Jh" are one name written two ways in the region
        # (Yessica/Jessica, Yohana/Johana, Jhon/Jon), not two names.
        (r"^jh", "j"),
        (r"^y(?=[aeiou])", "j"),
        (r"ph", "f"),
        (r"qu", "k"),
        (r"gu(?=[ei])", "g"),
        (r"c(?=[ei])", "s"),
        (r"v", "b"),
        (r"z", "s"),
        (r"w", "u"),
        (r"y", "i"),
        (r"(?<=[aeiou])h", ""),
    )
)
_SOUND_CODES: dict[str, str] = {
    **dict.fromkeys("bfp", "1"),
    **dict.fromkeys("cgjkqsx", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def given_name_tokens(text: str) -> list[str]:
    """Split given names into an array of folded names, particles dropped.

    Examples:
        >>> given_name_tokens("María de los Ángeles")
        ['maria', 'angeles']
        >>> given_name_tokens("JOSE LUIS")
        ['jose', 'luis']
    """
    return [t for t in fold(text).split(" ") if t and t not in _PARTICLE_SET]


def phonetic_key(name: str) -> str:
    """A Soundex-style code of a folded name's first word, tuned to Spanish and Portuguese.

    Vowels are dropped and consonants grouped by sound, so most single typos (a changed or
    doubled vowel, two swapped letters, a doubled consonant) and the usual spelling variants
    (Valdez/Baldez, Hernández/Ernández, Cecilia/Sesilia) keep the key. It is a blocking key,
    not evidence: pairs it brings together are still scored on the full names.

    Args:
        name: A folded name (:func:`fold`), e.g. ``given_first`` or ``surname_p``.

    Returns:
        Up to four characters: the first letter and three sound digits; ``""`` for no name.

    Examples:
        >>> phonetic_key("valdez"), phonetic_key("baldes")
        ('b432', 'b432')
        >>> phonetic_key("mariano"), phonetic_key("mraiano")
        ('m650', 'm650')
        >>> phonetic_key("hernandez"), phonetic_key("ernandes")
        ('e655', 'e655')
        >>> phonetic_key("yessica"), phonetic_key("jesica"), phonetic_key("jhon")
        ('j220', 'j220', 'j500')
        >>> phonetic_key("")
        ''
    """
    text = name.split(" ", 1)[0]
    for pattern, repl in _SOUND_RULES:
        text = pattern.sub(repl, text)
    if not text:
        return ""
    out, last = text[0], _SOUND_CODES.get(text[0], "")
    for ch in text[1:]:
        code = _SOUND_CODES.get(ch, "")
        if code and code != last:
            out += code
        last = code
    return (out + "000")[:4]


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
