"""Translation status: what is translated and what awaits a native speaker, per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ruta.i18n import (
    LANGUAGES,
    REVIEW_STATUSES,
    catalog_path,
    domains,
    review_status,
    text_files,
    translation_status,
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


def test_kreyol_is_complete_and_counted_unreviewed_where_its_files_say_so() -> None:
    for row in translation_status():
        if row.lang == "ht":
            assert row.translated == row.messages > 0
            if row.kind == "catalog":
                marked = review_status("ht", row.domain) == "unreviewed"
                assert row.unreviewed == (row.translated if marked else 0)
        else:  # written by the project's own translators, with no mark
            assert row.unreviewed == 0
    assert set(unreviewed_summary()) <= {"ht"}


@pytest.mark.parametrize("domain", domains())
def test_every_kreyol_catalog_carries_its_mark_in_the_field_and_the_comment(domain: str) -> None:
    # Kreyòl is a draft: each catalog says explicitly whether it was reviewed, in the header
    # field and in the header comment, and both agree (a tool that dropped the field, or a
    # hand edit of one of them, shows here; make i18n brings the comment in line).
    head = catalog_path("ht", domain).read_text("utf-8").split("\n\n")[0]
    field = re.search(r'^"X-Review-Status: (\w+)\\n"$', head, re.M)
    comment = re.search(r"^# Review-Status: (\w+)", head, re.M)
    assert field is not None and comment is not None
    assert field.group(1) == comment.group(1) == review_status("ht", domain)
    assert review_status("es", domain) == "reviewed"


@pytest.mark.parametrize("path", text_files(), ids=lambda p: p.name)
def test_every_text_file_says_whether_its_kreyol_was_reviewed(path: Path) -> None:
    review = yaml_document(path).get("review") or {}
    assert review.get("ht") in REVIEW_STATUSES


def test_check_reports_unreviewed_languages_without_failing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "text files: 0 problems" in out
    assert "ht (Kreyòl ayisyen): " in out and "not yet reviewed by a native speaker" in out
