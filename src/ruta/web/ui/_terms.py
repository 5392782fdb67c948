"""Acronyms explained on their first use on a page (issue 15 §2: RUMV, SC-2, CRNM ...).

The terms, their official names and short explanations in every language are data
(``ruta/web/data/terms.yaml``, each with its source). A page gets one :class:`TermExplainer`;
the first time a term appears in a text it is explained (``explain``), an ``<abbr>`` with
its official name followed by the explanation in brackets; after that, or in a heading
(``mark``), it is only an ``<abbr>``.

Examples:
    >>> terms = TermExplainer("en")
    >>> str(terms.mark("PPT"))
    '<abbr title="Permiso por Protección Temporal">PPT</abbr>'
    >>> str(terms.explain("Register in the RUMV, then ask for the PPT & wait."))[:70]
    'Register in the <abbr title="Registro Único de Migrantes Venezolanos">'
    >>> "(Colombia's registry" in terms.explain("RUMV RUMV")
    False
    >>> str(terms.explain("PEPFF <b>"))  # not a term; text is escaped
    'PEPFF &lt;b&gt;'
    >>> str(terms.define("PEP Tutor (PPT)"))[-90:]  # the PPT was explained above
    'Permanencia">PEP</abbr>: an earlier Colombian permit for Venezuelans, replaced by the PPT.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from markupsafe import Markup, escape

__all__ = ["Term", "TermExplainer", "load_terms"]

_TERMS = Path(__file__).resolve().parent.parent / "data" / "terms.yaml"


@dataclass(frozen=True)
class Term:
    """An acronym: its official name (None when the reference gives none) and explanations."""

    abbr: str
    name: str | None
    explains: dict[str, str]

    def title(self, lang: str) -> str:
        return self.name or self.explains.get(lang) or self.explains["en"]


@lru_cache(maxsize=1)
def load_terms() -> dict[str, Term]:
    """Every spelling of every term (``MERCOSUL`` and ``MERCOSUR`` are the same term)."""
    data = yaml.safe_load(_TERMS.read_text(encoding="utf-8"))
    found: dict[str, Term] = {}
    for abbr, entry in data["terms"].items():
        term = Term(abbr=str(abbr), name=entry.get("name"), explains=dict(entry["explains"]))
        for spelling in [str(abbr), *entry.get("also", [])]:
            found[spelling] = term
    return found


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # Longest first, and not inside a longer word or code (PEP in PEPFF, PPT in PPT-2).
    spellings = sorted(load_terms(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, spellings)) + r")(?![\w-])")


class TermExplainer:
    """The terms of one page: explained on first use, marked afterwards."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.seen: set[str] = set()

    def _abbr(self, spelling: str, term: Term) -> str:
        return f'<abbr title="{escape(term.title(self.lang))}">{escape(spelling)}</abbr>'

    def mark(self, text: str | None) -> Markup:
        """``text`` (escaped) with its terms in ``<abbr>``; nothing counts as explained."""
        return self._render(text or "", explain=False)

    def explain(self, text: str | None) -> Markup:
        """``text`` (escaped) with each term not yet explained on this page explained."""
        return self._render(text or "", explain=True)

    def define(self, text: str | None) -> Markup:
        """The terms of ``text`` (a heading, marked only) not yet explained on this page,
        each as "TERM: explanation." (empty when there are none)."""
        terms = load_terms()
        parts = []
        for match in _pattern().finditer(text or ""):
            term = terms[match.group(1)]
            if term.abbr not in self.seen:
                self.seen.add(term.abbr)
                explanation = term.explains.get(self.lang) or term.explains["en"]
                parts.append(f"{self._abbr(match.group(1), term)}: {escape(explanation)}.")
        return Markup(" ".join(parts))  # noqa: S704 - every piece is escaped

    def _render(self, text: str, *, explain: bool) -> Markup:
        terms = load_terms()
        parts: list[str] = []
        last = 0
        for match in _pattern().finditer(text):
            spelling = match.group(1)
            term = terms[spelling]
            parts.append(str(escape(text[last : match.start()])))
            parts.append(self._abbr(spelling, term))
            if explain and term.abbr not in self.seen:
                self.seen.add(term.abbr)
                explanation = term.explains.get(self.lang) or term.explains["en"]
                parts.append(f" ({escape(explanation)})")
            last = match.end()
        parts.append(str(escape(text[last:])))
        return Markup("".join(parts))  # noqa: S704 - every piece above is escaped
