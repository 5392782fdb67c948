"""The one list of languages and the BCP 47 fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruta.errors import RutaError
from ruta.i18n import (
    LANGUAGES,
    UnsupportedLanguage,
    expected_languages,
    language_of,
    require_language,
)
from ruta.i18n._languages import _read_languages


def test_the_list_starts_with_the_regions_languages_in_order() -> None:
    assert list(LANGUAGES)[:4] == ["es", "pt", "en", "fr"]
    assert LANGUAGES["pt"] == "Português"
    assert expected_languages().endswith(f" or {list(LANGUAGES)[-1]}")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt-BR", "pt"),
        ("es-419", "es"),
        ("fr-CA", "fr"),
        ("EN-gb", "en"),
        ("pt_BR", "pt"),
        ("zh-Hant-TW", None),
        ("de", None),
        ("", None),
        (None, None),
        ("pt BR", None),
        ("*", None),
        ("es-", None),
        ("p", None),
    ],
)
def test_language_of_falls_back_to_the_language(tag: str | None, expected: str | None) -> None:
    assert language_of(tag) == expected


def test_an_unsupported_tag_names_the_field_and_the_languages() -> None:
    with pytest.raises(UnsupportedLanguage) as caught:
        require_language("de-DE", field="--lang")
    error = caught.value
    assert isinstance(error, RutaError) and isinstance(error, ValueError)
    assert error.field == "--lang"
    assert str(error).startswith("--lang: got 'de-DE'; expected one of es, pt, en, fr, ht")


def test_the_list_file_refuses_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "languages.txt"
    path.write_text("# comment\nes Español\n\npt Português\n", encoding="utf-8")
    assert _read_languages(path) == {"es": "Español", "pt": "Português"}
    for bad in ("ES Español\n", "es\n", "es Español\nes Castellano\n"):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError, match=r"languages\.txt:"):
            _read_languages(path)
