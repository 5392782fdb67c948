"""How far each language is translated and reviewed, per catalog domain and per text area.

What the translators' page (``/translations``) and ``python -m ruta.i18n check`` show, so
that an office knows which texts a native speaker still has to check. A catalog's
translations are unreviewed when its header says ``X-Review-Status: unreviewed``; a YAML
file's texts in a language when its top-level ``review`` says so (:data:`REVIEW_KEY`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ruta.i18n._catalogs import catalog_path, domains, read_catalog, review_status
from ruta.i18n._languages import LANGUAGES
from ruta.i18n._texts import text_files, text_nodes, unreviewed_languages, yaml_document

__all__ = ["TranslationStatus", "text_area", "translation_status", "unreviewed_summary"]

_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/ruta, where text_files() looks

#: The language the message ids and texts are written in: its entries are the source.
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class TranslationStatus:
    """One language's state in one catalog domain or one area of YAML texts."""

    lang: str
    #: A catalog domain (``web``, ``pathways`` ...) or a folder of YAML texts
    #: (``pathways/packs``).
    domain: str
    kind: Literal["catalog", "texts"]
    #: Messages (catalog) or texts (YAML) there are to translate.
    messages: int
    translated: int
    #: Translated but not yet checked by a native speaker.
    unreviewed: int


def _message_key(message: Any) -> Any:
    ident = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
    return ident, message.context


def _translated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
    return not message.fuzzy and bool(strings) and all(strings)


def _catalog_rows() -> list[TranslationStatus]:
    rows: list[TranslationStatus] = []
    for domain in domains():
        source = read_catalog(SOURCE_LANGUAGE, domain)
        wanted = {_message_key(m) for m in source if m.id}
        for lang in LANGUAGES:
            if not catalog_path(lang, domain).exists():
                rows.append(TranslationStatus(lang, domain, "catalog", len(wanted), 0, 0))
                continue
            catalog = read_catalog(lang, domain)
            done = sum(1 for m in catalog if m.id and _message_key(m) in wanted and _translated(m))
            pending = review_status(lang, domain) == "unreviewed" and lang != SOURCE_LANGUAGE
            rows.append(
                TranslationStatus(
                    lang, domain, "catalog", len(wanted), done, done if pending else 0
                )
            )
    return rows


def text_area(path: Path, root: Path | None = None) -> str:
    """The area of a YAML text file: its folder under the ``ruta`` package.

    Examples:
        >>> text_area(_PACKAGE_DIR / "pathways" / "packs" / "col.yaml")
        'pathways/packs'
    """
    return path.parent.relative_to(root or _PACKAGE_DIR).as_posix()


def _text_rows() -> list[TranslationStatus]:
    totals: dict[tuple[str, str], list[int]] = {}
    for path in text_files():
        document = yaml_document(path)
        pending = unreviewed_languages(document)
        nodes: list[Mapping[str, str]] = [node for _, node in text_nodes(document)]
        area = text_area(path)
        for lang in LANGUAGES:
            counts = totals.setdefault((area, lang), [0, 0, 0])
            done = sum(1 for node in nodes if str(node.get(lang) or "").strip())
            counts[0] += len(nodes)
            counts[1] += done
            counts[2] += done if lang in pending and lang != SOURCE_LANGUAGE else 0
    return [
        TranslationStatus(lang, area, "texts", *counts)
        for (area, lang), counts in sorted(totals.items())
    ]


@cache
def translation_status() -> tuple[TranslationStatus, ...]:
    """Every language in every catalog domain and every area of YAML texts.

    Read once per process: catalogs and packs do not change while a service runs.

    Examples:
        >>> rows = translation_status()
        >>> web_ht = next(r for r in rows if r.domain == "web" and r.lang == "ht")
        >>> web_ht.kind, web_ht.translated == web_ht.messages == web_ht.unreviewed
        ('catalog', True)
    """
    return (*_catalog_rows(), *_text_rows())


def unreviewed_summary(rows: tuple[TranslationStatus, ...] | None = None) -> dict[str, int]:
    """Per language, how many translated messages and texts await a native speaker.

    Examples:
        >>> summary = unreviewed_summary()
        >>> summary["ht"] > 0, "fr" in summary
        (True, False)
    """
    summary: dict[str, int] = {}
    for row in translation_status() if rows is None else rows:
        if row.unreviewed:
            summary[row.lang] = summary.get(row.lang, 0) + row.unreviewed
    return summary
