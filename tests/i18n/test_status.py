"""Translation status: what is translated and what awaits a native speaker, per language."""

from __future__ import annotations

import pytest

from ruta.i18n import (
    LANGUAGES,
    domains,
    review_status,
    text_files,
    translation_status,
    unreviewed_languages,
    unreviewed_summary,
    yaml_document,
)
from ruta.i18n.__main__ import main


def test_every_language_has_a_row_for_every_catalog_and_text_folder() -> None:
    rows = translation_status()
    catalogs = {(r.lang, r.domain) for r in rows if r.kind == "catalog"}
    assert catalogs == {(lang, domain) for lang in LANGUAGES for domain in domains()}
    assert {r.domain for r in rows if r.kind == "texts"} >= {"pathways/packs", "pathways/data"}
    for row in rows:
        assert 0 <= row.unreviewed <= row.translated <= row.messages


def test_kreyol_is_complete_and_wholly_unreviewed_the_others_are_reviewed() -> None:
    for row in translation_status():
        if row.lang == "ht":
            assert row.translated == row.messages == row.unreviewed > 0
        else:
            assert row.unreviewed == 0
    assert set(unreviewed_summary()) == {"ht"}


@pytest.mark.parametrize("domain", domains())
def test_every_kreyol_catalog_says_it_is_unreviewed_in_its_header(domain: str) -> None:
    assert review_status("ht", domain) == "unreviewed"
    assert review_status("es", domain) == "reviewed"


@pytest.mark.parametrize("path", text_files(), ids=lambda p: p.name)
def test_every_text_file_marks_kreyol_unreviewed(path: object) -> None:
    assert unreviewed_languages(yaml_document(path)) == frozenset({"ht"})


def test_check_reports_unreviewed_languages_without_failing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "text files: 0 problems" in out
    assert "ht (Kreyòl ayisyen): " in out and "not yet reviewed by a native speaker" in out
