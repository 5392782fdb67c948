"""Country choices for the pages' select lists, named in the page language.

The names and the ISO 3166-1 alpha-3 list come from the pathways package's country data
(the same list the finder's questions offer), so a code chosen here is one the engine
and the casework schemas accept.

Uninhabited territories (Antarctica, Bouvet Island ...) have no nationals and are not
offered. Names are sorted as a reader of the language expects, not by code points: accents
and case are secondary ("Égypte" among the E, "Åland" among the A).

Examples:
    >>> options = country_options("es", first=["VEN"])
    >>> options[0]
    ('VEN', 'Venezuela')
    >>> ("PER", "Perú") in options
    True
    >>> [code for code, _ in country_options("fr")].index("EGY") < [
    ...     code for code, _ in country_options("fr")].index("ESP")
    True
    >>> "ATA" in dict(country_options("en"))
    False
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from functools import lru_cache

# Private to ruta.pathways but the one source of the country list and its names; asked the
# lead to export it (see the UI report) rather than keep a second copy here.
from ruta.pathways import COUNTRIES, country_name

__all__ = [
    "AMERICAS",
    "collation_key",
    "country_from_text",
    "country_options",
    "region_first",
]

#: The countries of the Americas (UN M49 region 019), offered first where the region matters.
AMERICAS = frozenset(
    [
        "ARG",
        "ATG",
        "BHS",
        "BLZ",
        "BOL",
        "BRA",
        "BRB",
        "CAN",
        "CHL",
        "COL",
        "CRI",
        "CUB",
        "DMA",
        "DOM",
        "ECU",
        "GRD",
        "GTM",
        "GUY",
        "HND",
        "HTI",
        "JAM",
        "KNA",
        "LCA",
        "MEX",
        "NIC",
        "PAN",
        "PER",
        "PRY",
        "SLV",
        "SUR",
        "TTO",
        "URY",
        "USA",
        "VCT",
        "VEN",
    ]
)

#: Territories without a permanent population: nobody holds their nationality or lives there.
_UNINHABITED = frozenset({"ATA", "BVT", "HMD", "SGS", "ATF", "IOT", "UMI"})


def collation_key(name: str) -> tuple[str, str]:
    # Primary strength of the Unicode collation for these languages: letters without their
    # accents and case, then the name itself to order ties. (PyICU would tailor per language
    # but needs the ICU C library; es, pt, en, fr and ht agree at this strength.)
    base = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return base.casefold(), name


@lru_cache(maxsize=8)
def _sorted(lang: str) -> tuple[tuple[str, str], ...]:
    named = ((c, country_name(c, lang)) for c in COUNTRIES if c not in _UNINHABITED)
    return tuple(sorted(named, key=lambda pair: collation_key(pair[1])))


def country_options(
    lang: str, first: Sequence[str] = (), only: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """Every country as ``(alpha-3, name)``, by name, with ``first`` (e.g. held) on top.

    Args:
        lang: Page language.
        first: Codes to list before the others (the person's own nationalities).
        only: Offer only these codes (a page about a region's agreements).

    Returns:
        The options, each code once.
    """
    everything = [p for p in _sorted(lang) if only is None or p[0] in only]
    top = [(code, name) for code, name in everything if code in first]
    return top + [(code, name) for code, name in everything if code not in first]


def region_first(
    options: Sequence[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split a question's country options into the Americas and the rest, each sorted by
    name as a reader expects, without uninhabited territories.

    Examples:
        >>> region_first([("ESP", "España"), ("ATA", "Antártida"), ("PER", "Perú")])
        ([('PER', 'Perú')], [('ESP', 'España')])
    """
    kept = sorted(
        (pair for pair in options if pair[0] not in _UNINHABITED),
        key=lambda pair: collation_key(pair[1]),
    )
    return [p for p in kept if p[0] in AMERICAS], [p for p in kept if p[0] not in AMERICAS]


def country_from_text(text: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The code of the country a person typed: its name as listed (in the page language,
    accents and case aside) or its ISO alpha-3 code; None when it matches none.

    A type-ahead field sends the name the person chose or typed, and a browser without
    ``<datalist>`` sends whatever was typed, so both go through here.

    Examples:
        >>> options = [("PER", "Perú"), ("ESP", "España")]
        >>> country_from_text("  peru ", options), country_from_text("esp", options)
        ('PER', 'ESP')
        >>> country_from_text("Narnia", options) is None
        True
    """
    wanted = collation_key(" ".join(text.split()))[0]
    if not wanted:
        return None
    for code, name in options:
        if wanted in (collation_key(name)[0], code.casefold()):
            return code
    return None
