"""The migration authority's name in a sentence reads right in every language (issue 15 §2).

Most authorities' names need an article in Spanish, Portuguese and French ("la Dirección
Nacional de Migraciones", "a Polícia Federal"), one does not ("Migración Colombia"). A
sentence that puts the name straight after a preposition ("Pregunte a Superintendencia…",
"Faça o pedido junto a Polícia Federal") is wrong for most of them, so the catalogs name the
authority in apposition: "ante la autoridad migratoria, Migración Colombia, …".
"""

from __future__ import annotations

import re

import pytest

from ruta.i18n import LOCALES_DIR
from ruta.web.ui._help import authority

# What would need the name's own article right before it.
BARE = {
    "es": ("a", "ante", "de", "en", "con"),
    "pt": ("a", "à", "junto a", "de", "em", "com"),
    "fr": ("à", "de", "auprès de"),
}
PLACEHOLDER = "%(authority)s"


def _msgstrs(lang: str) -> list[str]:
    from babel.messages.pofile import read_po

    with (LOCALES_DIR / lang / "LC_MESSAGES" / "web.po").open("rb") as handle:
        catalog = read_po(handle)
    return [m.string for m in catalog if m.id and isinstance(m.string, str) and m.string]


@pytest.mark.parametrize("lang", sorted(BARE))
def test_the_authority_is_never_named_right_after_a_bare_preposition(lang: str) -> None:
    texts = [t for t in _msgstrs(lang) if PLACEHOLDER in t]
    assert texts, "the catalog names the authority somewhere"
    for text in texts:
        before = " ".join(text.split(PLACEHOLDER)[0].split()).lower()
        for preposition in BARE[lang]:
            assert not re.search(rf"(^|\s){re.escape(preposition)}$", before), (lang, text)


def test_the_authorities_that_need_an_article_exist() -> None:
    # The rule above matters because of names like these, not only Migración Colombia.
    brazil, peru = authority("BRA"), authority("PER")
    assert brazil is not None and brazil.name.startswith("Polícia")
    assert peru is not None and peru.name.startswith("Superintendencia")
