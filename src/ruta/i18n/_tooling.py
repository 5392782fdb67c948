"""``make i18n``: extract each domain's messages, update its catalogs, check them.

Every source file of the ``ruta`` package that the mapping in ``locales/babel.cfg`` reads
(Python and Jinja2 templates) belongs to exactly one catalog domain: its package's (domain
``web`` for ``src/ruta/web``), unless ``locales/domains.cfg`` gives the file or its folder to
another domain (``cli/labour.py`` speaks ``labour``). Catalogs are written sorted by
message, with the files a message comes from but no line numbers, and only when something
changed, so that parallel work on the catalogs merges with few conflicts.
"""

from __future__ import annotations

import configparser
import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ruta.i18n._catalogs import (
    REVIEW_COMMENT,
    REVIEW_HEADER,
    catalog_path,
    domains,
    header_review_status,
    read_catalog,
)
from ruta.i18n._languages import LANGUAGES, LOCALES_DIR
from ruta.i18n._texts import REVIEW_STATUSES

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

__all__ = [
    "MAPPING_FILE",
    "CatalogProblem",
    "all_domains",
    "check_catalog",
    "domain_of",
    "extract",
    "extract_all",
    "update_catalogs",
]

MAPPING_FILE: Final = LOCALES_DIR / "babel.cfg"
DOMAINS_FILE: Final = LOCALES_DIR / "domains.cfg"
_PACKAGE_DIR: Final = LOCALES_DIR.parent
_WIDTH: Final = 100  # the catalogs' line width: long sentences stay on one line or two
_COMMENT_TAGS: Final = ("TRANSLATORS:",)


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    """What is wrong with one message of one catalog, and how to fix it."""

    lang: str
    domain: str
    message: str
    problem: str

    def __str__(self) -> str:
        return f"{self.lang}/{self.domain}.po: {self.message!r}: {self.problem}"


def _claims() -> dict[str, str]:
    """Source paths (files or folders, under src/ruta) given to a domain by domains.cfg."""
    config = configparser.ConfigParser()
    config.read(DOMAINS_FILE, encoding="utf-8")
    return {
        path.strip("/"): domain
        for domain in config.sections()
        for path in config.get(domain, "sources", fallback="").split()
    }


def domain_of(relative: str, claims: dict[str, str] | None = None) -> str:
    """The domain of a source file, by its path under src/ruta.

    Examples:
        >>> domain_of("web/templates/base.html")
        'web'
        >>> domain_of("cli/labour.py"), domain_of("cli/link.py"), domain_of("cli/casework.py")
        ('labour', 'linkage', 'cli')
    """
    claimed = _claims() if claims is None else claims
    parts = relative.split("/")
    for end in range(len(parts), 0, -1):  # the most specific claim wins
        owner = claimed.get("/".join(parts[:end]))
        if owner is not None:
            return owner
    return parts[0]


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    from babel.messages.frontend import parse_mapping_cfg

    with MAPPING_FILE.open(encoding="utf-8") as mapping:
        # Babel's own reader of the mapping (untyped in Babel 2.19).
        method_map, options_map = parse_mapping_cfg(  # type: ignore[no-untyped-call]
            mapping, filename=str(MAPPING_FILE)
        )
    return method_map, options_map


def _sources() -> list[tuple[Path, str, str, str]]:
    """Every file the mapping reads: ``(path, method, pattern, domain)``."""
    from babel.util import pathmatch

    method_map, _options = _mapping()
    claims = _claims()
    found: list[tuple[Path, str, str, str]] = []
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(_PACKAGE_DIR).as_posix()
        if not path.is_file() or "__pycache__" in relative:
            continue
        for pattern, method in method_map:
            if pathmatch(pattern, relative):
                if method != "ignore":
                    found.append((path, method, pattern, domain_of(relative, claims)))
                break
    return found


@cache
def extract_all() -> dict[str, Catalog]:
    """The messages each domain's code and templates use (a template catalog per domain)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    _method_map, options_map = _mapping()
    templates: dict[str, Catalog] = {}
    for path, method, pattern, domain in _sources():
        relative = path.relative_to(_PACKAGE_DIR).as_posix()
        for line, message, comments, context in extract_from_file(
            method,
            path,
            keywords=DEFAULT_KEYWORDS,
            comment_tags=_COMMENT_TAGS,
            options=options_map.get(pattern, {}),
            strip_comment_tags=True,
        ):
            template = templates.setdefault(domain, Catalog(project="Ruta", domain=domain))
            # Line numbers are kept here but not written (they would change on every edit).
            location = (f"ruta/{relative}", line)
            existing = template.get(message, context=context)
            if existing is None:
                template.add(message, None, [location], auto_comments=comments, context=context)
                continue
            if location[0] not in {known for known, _ in existing.locations}:
                existing.locations.append(location)
            existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
    return templates


def extract(domain: str) -> Catalog:
    """The messages the code and templates of ``domain`` use (empty when none)."""
    from babel.messages.catalog import Catalog

    return extract_all().get(domain) or Catalog(project="Ruta", domain=domain)


def all_domains() -> list[str]:
    """Every domain that has a catalog or a message in the code (each needs both)."""
    return sorted(set(domains()) | set(extract_all()))


def _new_catalog(lang: str, domain: str) -> Catalog:
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        locale=lang,
        domain=domain,
        project="Ruta",
        version="0.1",
        copyright_holder="Ruta contributors",
        header_comment=(
            f"# {LANGUAGES[lang]} ({lang}) texts of Ruta's {domain!r} package.\n"
            "# This file is distributed under the same license as the Ruta project.\n"
            "# How to translate and review: docs/translating.md"
        ),
        fuzzy=False,
    )
    return catalog


def _english_fill(catalog: Catalog) -> None:
    # English is the language of the message ids, so its catalog translates each to itself.
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string or ()):
                message.string = (message.id[0], *[message.id[1]] * (catalog.num_plurals - 1))
        elif not message.string:
            message.string = message.id


def _po_bytes(catalog: Catalog, review: str | None = None) -> bytes:
    from babel.messages.pofile import write_po

    if review is not None:
        # The mark twice: the header field translators' tools show, and a header comment
        # line that survives any tool's rewrite (Babel drops unknown fields, keeps comments).
        kept = [
            line
            for line in catalog.header_comment.splitlines()
            if not line.startswith(REVIEW_COMMENT)
        ]
        catalog.header_comment = "\n".join(
            [*kept, f"{REVIEW_COMMENT} {review} (the {REVIEW_HEADER} header field says the same)"]
        )
    buffer = io.BytesIO()
    write_po(
        buffer, catalog, width=_WIDTH, sort_output=True, ignore_obsolete=True, include_lineno=False
    )
    data = buffer.getvalue()
    if review is None:
        return data
    # Babel writes only the header fields it knows: the review field goes in as the header
    # entry's last line (the header entry ends at the first blank line).
    header, blank, rest = data.partition(b"\n\n")
    line = f'"{REVIEW_HEADER}: {review}\\n"'.encode()
    return header + b"\n" + line + blank + rest


def _review_of_new_catalog(lang: str) -> str | None:
    # A language is reviewed as a whole: a new domain's catalog in a language whose other
    # catalogs await review starts unreviewed too.
    for domain in domains():
        path = catalog_path(lang, domain)
        if path.exists() and header_review_status(path.read_text("utf-8")) == "unreviewed":
            return "unreviewed"
    return None


def update_catalogs(names: Iterable[str] | None = None) -> list[Path]:
    """Bring every catalog of ``names`` (all domains by default) in line with the sources.

    New messages are added untranslated (English filled in), messages no longer used are
    dropped, translations and translator comments are kept; nothing is guessed (no fuzzy
    matching). A catalog missing in a language is created.

    Returns:
        The catalog files that changed.
    """
    changed: list[Path] = []
    for domain in names or all_domains():
        template = extract(domain)
        for lang in LANGUAGES:
            path = catalog_path(lang, domain)
            if path.exists():
                catalog = read_catalog(lang, domain)
                review = header_review_status(path.read_text(encoding="utf-8"))
            else:
                catalog, review = _new_catalog(lang, domain), _review_of_new_catalog(lang)
            # A copy per language: Babel inserts the template's own message objects for new
            # messages, and the English fill below must not reach the next language.
            fresh = copy.deepcopy(template)
            catalog.update(fresh, no_fuzzy_matching=True, update_creation_date=False)
            catalog.obsolete.clear()
            if lang == "en":
                _english_fill(catalog)
            data = _po_bytes(catalog, review)
            if not path.exists() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                changed.append(path)
    return changed


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(strings)


def check_catalog(lang: str, domain: str) -> list[CatalogProblem]:
    """Everything that keeps one catalog from being complete and correct.

    A message the sources use must be there, translated and not fuzzy; a message they no
    longer use must be gone; placeholders must match; the catalog must compile.
    """
    from babel.messages.mofile import write_mo

    def problem(message: str, text: str) -> CatalogProblem:
        return CatalogProblem(lang, domain, message, text)

    path = catalog_path(lang, domain)
    if not path.exists():
        return [problem("", f"no catalog {path.relative_to(LOCALES_DIR)}: run make i18n")]
    catalog = read_catalog(lang, domain)
    template = extract(domain)
    problems: list[CatalogProblem] = []
    review = header_review_status(path.read_text(encoding="utf-8"))
    if review is not None and review not in REVIEW_STATUSES:
        problems.append(
            problem("", f"header {REVIEW_HEADER}: got {review!r}; expected reviewed or unreviewed")
        )
    for wanted in template:
        if not wanted.id:
            continue
        key = wanted.id[0] if isinstance(wanted.id, tuple | list) else wanted.id
        message = catalog.get(wanted.id, context=wanted.context)
        if message is None:
            problems.append(problem(key, "missing: run make i18n, then translate it"))
        elif message.fuzzy:
            problems.append(problem(key, "fuzzy: check the translation, then clear the flag"))
        elif not _translated(message):
            problems.append(problem(key, "not translated"))
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if key and template.get(message.id, context=message.context) is None:
            problems.append(problem(key, "no longer used: run make i18n to drop it"))
    for message, errors in catalog.check():
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        problems.extend(problem(key, str(error)) for error in errors)
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as exc:
        problems.append(problem("", f"does not compile: {exc}"))
    return problems
