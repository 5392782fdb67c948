"""Texts kept in YAML data (rule packs, vocabularies): one entry per language.

A *text* in a YAML file is a mapping from language codes to strings::

    title:
      es: Residencia temporal MERCOSUR
      pt: Residência temporária MERCOSUL
      ...

Every language of :data:`~ruta.i18n.LANGUAGES` must be there, non-empty, with the same
``{placeholders}`` as the English text. A file may say, at its top level, which languages
no native speaker has reviewed yet::

    review:
      ht: unreviewed

Languages it does not list are reviewed (written by the file's authors).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, get_args

from ruta.i18n._languages import LANGUAGES, LOCALES_DIR

__all__ = [
    "REVIEW_KEY",
    "REVIEW_STATUSES",
    "ReviewStatus",
    "TextProblem",
    "review_languages",
    "text_files",
    "text_nodes",
    "text_problems",
    "unreviewed_languages",
    "yaml_document",
]

REVIEW_KEY: Final = "review"
#: Whether a native speaker has reviewed a language's texts in a file.
ReviewStatus = Literal["reviewed", "unreviewed"]
REVIEW_STATUSES: Final[tuple[str, ...]] = get_args(ReviewStatus)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class TextProblem:
    """One text that is incomplete: where it is and what is wrong, for a translator."""

    where: str
    lang: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where} [{self.lang}]: {self.problem}"


def _is_text(node: Mapping[Any, Any]) -> bool:
    # A text names English or Spanish (every text has both) and holds only strings.
    return ("en" in node or "es" in node) and all(isinstance(v, str) for v in node.values())


def text_nodes(data: Any, where: str = "") -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every text in a parsed YAML document, with its dotted path.

    Examples:
        >>> doc = {"title": {"es": "Hola", "en": "Hello"}, "items": [{"text": {"en": "A"}}]}
        >>> [path for path, _ in text_nodes(doc)]
        ['title', 'items.0.text']
    """
    if isinstance(data, Mapping):
        if _is_text(data):
            yield where, data
            return
        for key, value in data.items():
            if key != REVIEW_KEY or where:
                yield from text_nodes(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_nodes(value, f"{where}.{index}" if where else str(index))


def text_problems(data: Any, source: str = "") -> list[TextProblem]:
    """Texts that miss a language, are empty, or lose a placeholder of the English text.

    Examples:
        >>> doc = {"q": {"es": "¿{pais}?", "pt": "", "en": "{country}?", "ht": "{country}?"}}
        >>> doc["q"]["xx"] = "?"
        >>> for problem in text_problems(doc):
        ...     print(problem)
        q [pt]: empty
        q [fr]: missing
        q [es]: placeholders {pais} differ from the English text ({country})
        q [xx]: not a supported language
    """
    problems: list[TextProblem] = []
    prefix = f"{source}: " if source else ""
    for where, node in text_nodes(data):
        wanted = set(_PLACEHOLDER.findall(node.get("en", "")))
        for lang in LANGUAGES:
            value = node.get(lang)
            if value is None:
                problems.append(TextProblem(prefix + where, lang, "missing"))
            elif not value.strip():
                problems.append(TextProblem(prefix + where, lang, "empty"))
        for lang, value in node.items():
            if lang not in LANGUAGES:
                problems.append(TextProblem(prefix + where, str(lang), "not a supported language"))
            elif lang != "en" and value.strip() and set(_PLACEHOLDER.findall(value)) != wanted:
                found = ", ".join(sorted(f"{{{p}}}" for p in _PLACEHOLDER.findall(value)))
                expected = ", ".join(sorted(f"{{{p}}}" for p in wanted))
                problems.append(
                    TextProblem(
                        prefix + where,
                        lang,
                        f"placeholders {found or 'none'} differ from the English text "
                        f"({expected or 'none'})",
                    )
                )
    problems.extend(_review_problems(data, prefix))
    return problems


def _review_problems(data: Any, prefix: str) -> list[TextProblem]:
    review = data.get(REVIEW_KEY) if isinstance(data, Mapping) else None
    if review is None:
        return []
    if not isinstance(review, Mapping):
        expected = "expected a mapping such as {ht: unreviewed}"
        return [TextProblem(prefix + REVIEW_KEY, "*", expected)]
    return [
        TextProblem(
            prefix + REVIEW_KEY,
            str(lang),
            f"got {status!r}; expected a supported language and one of "
            f"{', '.join(REVIEW_STATUSES)}",
        )
        for lang, status in review.items()
        if lang not in LANGUAGES or status not in REVIEW_STATUSES
    ]


def review_languages(review: Mapping[str, str]) -> Mapping[str, str]:
    """A file's ``review`` mapping, if it names only supported languages (a schema check).

    Raises:
        ValueError: Naming the unknown languages and the supported ones.

    Examples:
        >>> review_languages({"ht": "unreviewed"})
        {'ht': 'unreviewed'}
    """
    unknown = sorted(set(review) - set(LANGUAGES))
    if unknown:
        raise ValueError(
            f"review names {', '.join(unknown)}; expected languages of {', '.join(LANGUAGES)}"
        )
    return review


def unreviewed_languages(data: Any) -> frozenset[str]:
    """The languages a YAML document's top-level ``review`` marks as not reviewed.

    Examples:
        >>> sorted(unreviewed_languages({"review": {"fr": "unreviewed", "es": "reviewed"}}))
        ['fr']
        >>> unreviewed_languages({"title": {"en": "x"}})
        frozenset()
    """
    review = data.get(REVIEW_KEY) if isinstance(data, Mapping) else None
    if not isinstance(review, Mapping):
        return frozenset()
    return frozenset(str(lang) for lang, status in review.items() if status == "unreviewed")


def text_files(root: Path | None = None) -> list[Path]:
    """The YAML files shipped in the ``ruta`` package that hold texts, by path.

    Scenario tests (``*.tests.yaml``) are left out: their names are for developers.

    Examples:
        >>> any(path.name == "vocabulary.yaml" for path in text_files())
        True
    """
    base = root or LOCALES_DIR.parent
    return [
        path
        for path in sorted(base.rglob("*.yaml"))
        if not path.name.endswith(".tests.yaml")
        and next(text_nodes(yaml_document(path)), None) is not None
    ]


def yaml_document(path: Path) -> Any:
    """A YAML file parsed safely (the loader every text check uses)."""
    import yaml

    # libyaml's safe loader when PyYAML was built with it: the same documents, read about
    # ten times faster (the translators' page reads every text file).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
