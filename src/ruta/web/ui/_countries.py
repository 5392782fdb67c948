"""Country choices for the pages' select lists, named in the page language.

The names and the ISO 3166-1 alpha-3 list come from the pathways package's country data
(the same list the finder's questions offer), so a code chosen here is one the engine
and the casework schemas accept.

Examples:
    >>> options = country_options("es", first=["VEN"])
    >>> options[0]
    ('VEN', 'Venezuela')
    >>> ("PER", "Perú") in options
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

# Private to ruta.pathways but the one source of the country list and its names; asked the
# lead to export it (see the UI report) rather than keep a second copy here.
from ruta.pathways import COUNTRIES, country_name

__all__ = ["country_options"]


@lru_cache(maxsize=8)
def _sorted(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((c, country_name(c, lang)) for c in COUNTRIES), key=lambda p: p[1]))


def country_options(lang: str, first: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Every country as ``(alpha-3, name)``, by name, with ``first`` (e.g. held) on top.

    Args:
        lang: Page language.
        first: Codes to list before the others (the person's own nationalities).

    Returns:
        The options, each code once.
    """
    everything = _sorted(lang)
    top = [(code, name) for code, name in everything if code in first]
    return top + [(code, name) for code, name in everything if code not in first]
