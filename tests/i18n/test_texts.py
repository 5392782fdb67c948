"""Texts kept in YAML (packs, vocabulary, facts): every language, placeholders, review."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruta.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    text_files,
    text_nodes,
    text_problems,
    unreviewed_languages,
    yaml_document,
)

FILES = text_files()
PACKAGE = LOCALES_DIR.parent


def test_the_packs_and_the_data_files_are_found() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in FILES}
    assert {"pathways/data/facts.yaml", "pathways/data/vocabulary.yaml"} <= names
    assert {"pathways/packs/mercosur.yaml", "pathways/packs/col.yaml"} <= names
    assert not any(name.endswith(".tests.yaml") for name in names)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_text_is_in_every_language(path: Path) -> None:
    document = yaml_document(path)
    assert next(text_nodes(document), None) is not None
    problems = [str(problem) for problem in text_problems(document, path.name)]
    assert problems == [], "\n".join(problems)


def _text(**texts: str) -> dict[str, str]:
    return {lang: texts.get(lang, f"{lang} text") for lang in LANGUAGES}


def test_a_missing_or_empty_language_is_named_with_its_place() -> None:
    text = _text()
    del text["pt"]
    doc = {"pathways": [{"conditions": [{"text": text, "citation": {"instrument": "Ley"}}]}]}
    doc["pathways"][0]["title"] = _text(fr=" ")
    problems = [str(p) for p in text_problems(doc, "x.yaml")]
    assert problems == [
        "x.yaml: pathways.0.conditions.0.text [pt]: missing",
        "x.yaml: pathways.0.title [fr]: empty",
    ]


def test_a_lost_placeholder_is_a_problem() -> None:
    question = {lang: "{country}?" for lang in LANGUAGES}
    question["es"] = "¿Desde cuándo?"
    (problem,) = text_problems({"question": question})
    assert problem.lang == "es" and "{country}" in problem.problem


def test_the_review_status_is_per_language_and_checked() -> None:
    doc = {"review": {"fr": "unreviewed", "es": "reviewed"}, "title": _text()}
    assert unreviewed_languages(doc) == frozenset({"fr"})
    assert text_problems(doc) == []
    assert [p.lang for p in text_problems({"review": {"de": "unreviewed", "fr": "maybe"}})] == [
        "de",
        "fr",
    ]
    assert [p.problem for p in text_problems({"review": ["fr"]})] == [
        "expected a mapping such as {ht: unreviewed}"
    ]


def test_lists_of_codes_and_other_mappings_are_not_texts() -> None:
    doc = {"rights": ["work", "study"], "citation": {"instrument": "Ley 21.325", "article": "1"}}
    assert list(text_nodes(doc)) == []
