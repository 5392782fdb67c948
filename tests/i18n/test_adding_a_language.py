"""Adding a language is data only: a languages.txt line, catalogs and pack texts.

The test copies the real locales folder, adds a language there the way docs/translating.md
tells a volunteer to (a line in languages.txt, the English catalogs copied and translated),
points the translation system at the copy, and checks that every part that speaks picks
the language up with no code changed: tags with regions, the catalogs and their check,
the pages and their language switcher, dates, the translators' status. A second test
reads the source for lists of language codes that would have to be edited by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from ruta import i18n
from ruta.i18n import _catalogs, _formats, _languages, _status
from ruta.i18n._tooling import check_catalog
from ruta.web.i18n import render

NEW = "gn"  # Guarani: a language of the region that Ruta does not speak yet
NAME = "Avañe'ẽ"
SRC = Path(i18n.__file__).parents[2]


def _translate(po: str) -> str:
    # A stand-in for a volunteer's work: every msgstr of the English catalog, marked.
    po = re.sub(r'^msgstr(\[\d\])? "(?!")', lambda m: f"{m.group(0)}[gn] ", po, flags=re.M)
    return po.replace("Language: en\\n", f"Language: {NEW}\\n")


@pytest.fixture()
def with_new_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    locales = tmp_path / "locales"
    shutil.copytree(_languages.LOCALES_DIR, locales)
    with (locales / "languages.txt").open("a", encoding="utf-8") as listing:
        listing.write(f"{NEW} {NAME}\n")
    target = locales / NEW / "LC_MESSAGES"
    target.mkdir(parents=True)
    for english in (locales / "en" / "LC_MESSAGES").glob("*.po"):
        (target / english.name).write_text(_translate(english.read_text("utf-8")), "utf-8")
    for module in (_languages, _catalogs, _formats):
        monkeypatch.setattr(module, "LOCALES_DIR", locales)
    # What importing ruta.i18n does with the copy: the one list, read from the file. It is
    # one dict shared by every module that imported it, so updating it reaches them all.
    for code, name in _languages._read_languages(locales / "languages.txt").items():
        monkeypatch.setitem(_languages.LANGUAGES, code, name)
    caches = (
        _catalogs.translator,
        _formats.cldr_has_dates,
        _formats.babel_locale,
        _formats.territory_names,
        _status.translation_status,
    )
    for cached in caches:
        cached.cache_clear()
    yield locales
    for cached in caches:
        cached.cache_clear()


def test_a_new_language_is_picked_up_from_data_alone(with_new_language: Path) -> None:
    assert i18n.language_of(f"{NEW}-PY") == NEW and NEW in i18n.expected_languages()
    assert i18n.gettext(f"{NEW}-PY", "web", "Continue") == "[gn] Continue"
    assert [p for d in i18n.domains() for p in check_catalog(NEW, d)] == []
    assert i18n.format_date(dt.date(2026, 12, 5), NEW)  # CLDR's names, or the i18n catalog's
    rows = [r for r in i18n.translation_status() if r.lang == NEW and r.kind == "catalog"]
    assert rows and all(r.translated == r.messages for r in rows)
    # The pack texts are data too: until they are written, the text check names them.
    pack = SRC / "ruta" / "pathways" / "packs" / "chl.yaml"
    missing = i18n.text_problems(i18n.yaml_document(pack), pack.name)
    assert missing and {p.lang for p in missing} == {NEW}

    app = FastAPI()

    @app.get("/page")
    def page(request: Request):  # type: ignore[no-untyped-def]
        return render(request, "base.html")

    html = TestClient(app).get("/page", headers={"Accept-Language": f"{NEW}-PY,es;q=0.5"}).text
    assert f'<html lang="{NEW}">' in html
    assert f'<span aria-current="true" lang="{NEW}">{NAME}</span>' in html.replace("&#39;", "'")


# Three or more language codes side by side in code: ("es", "pt", "en"), "es|pt|en".
_CODE = "|".join(sorted(i18n.LANGUAGES))
_QUOTED = rf"""["'](?:{_CODE})["']"""
_LIST = re.compile(
    rf"{_QUOTED}(?:\s*[,|]\s*{_QUOTED}){{2,}}|\b(?:{_CODE})(?:[|/](?:{_CODE})){{2,}}\b"
)


def test_no_source_file_lists_the_languages_by_hand() -> None:
    """LANGUAGES (locales/languages.txt) is the only list; examples in docstrings aside."""
    found = []
    for path in sorted((SRC / "ruta").rglob("*")):
        if path.suffix not in {".py", ".html"}:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            code = line.split("#")[0] if path.suffix == ".py" else line  # comments may say
            if ">>>" not in line and _LIST.search(code):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert found == [], "read ruta.i18n.LANGUAGES instead:\n" + "\n".join(found)
