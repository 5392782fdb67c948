"""``--lang ht`` and regional tags (``ht-HT``, ``fr-CA``) on the commands that speak."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ruta.cli._lang import LANG_HELP, cli_language
from ruta.i18n import LANGUAGES, UnsupportedLanguage

RUTA = [sys.executable, "-c", "from ruta.cli import main; main()"]
EXAMPLES = Path(__file__).parents[2] / "examples"


def ruta(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RUTA, *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("ht", "ht"),
        ("ht-HT", "ht"),
        ("HT_ht", "ht"),
        ("fr-CA", "fr"),
        ("es-419", "es"),
        ("pt-BR", "pt"),
    ],
)
def test_the_option_takes_every_language_and_its_regions(tag: str, lang: str) -> None:
    assert cli_language(tag) == lang
    assert all(code in LANG_HELP for code in LANGUAGES)


def test_an_unsupported_language_names_the_option() -> None:
    with pytest.raises(UnsupportedLanguage, match="--host-lang: got 'de-HT'"):
        cli_language("de-HT", "--host-lang")


def test_pathways_commands_speak_kreyol() -> None:
    checked = ruta(
        "pathways",
        "check",
        str(EXAMPLES / "profile-bolivian-in-argentina.json"),
        "--as-of",
        "2026-11-28",
        "--lang",
        "ht-HT",
    )
    assert checked.returncode == 0, checked.stderr
    assert "OU KA APLIKE" in checked.stdout and "Pwochen etap" in checked.stdout
    listed = ruta("pathways", "list", "--country", "COL", "--lang", "ht")
    assert listed.returncode == 0 and "konfyans" in listed.stdout
    explained = ruta("pathways", "explain", "col.ppt", "--lang", "ht")
    assert explained.returncode == 0 and "Kondisyon" in explained.stdout


def test_pension_totalization_speaks_kreyol() -> None:
    done = ruta("labour", "pension", str(EXAMPLES / "pensions" / "periods.json"), "--lang", "ht")
    assert done.returncode == 0, done.stderr
    assert "Totalizasyon pansyon" in done.stdout and "Ajantin" in done.stdout
