"""The labour catalog: every message in the code exists, translated, in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ruta.i18n import LANGUAGES, LOCALES_DIR, translator

SRC = Path(__file__).parents[3] / "src" / "ruta"
# The whole labour package (pensions and paygap) and both of its CLI modules.
SOURCES = [
    (SRC / "labour", "**.py"),
    (SRC / "cli", "labour.py"),
    (SRC / "cli", "_labour_paygap.py"),
]


def _msgids() -> set[str]:
    found = set()
    for directory, pattern in SOURCES:
        for _f, _l, message, _c, _ctx in extract_from_dir(str(directory), [(pattern, "python")]):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_extraction_finds_the_messages() -> None:
    assert {
        "Pension totalization",
        "Why",
        "%(agreement)s: %(state)s is not a party.",
        "Migrant pay gap",
        "Bootstrap SE",
    } <= _msgids()


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_message_is_translated(lang: str) -> None:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "labour.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = [
        m
        for m in sorted(_msgids())
        if (entry := catalog.get(m)) is None or not entry.string or entry.fuzzy
    ]
    assert missing == []
    for entry in catalog:
        if entry.id:
            wanted = set(re.findall(r"%\(\w+\)s", entry.id))
            assert set(re.findall(r"%\(\w+\)s", entry.string)) == wanted, entry.id


def test_translations_are_not_english() -> None:
    assert translator("es", "labour").gettext("Why") == "Por qué"
    assert translator("pt-BR", "labour").gettext("Paid") == "Paga-se"
