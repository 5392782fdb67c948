"""``ruta link`` in the user's language: errors that stop a run, and ``--lang`` left out.

The errors that stop a run come from the ``linkage`` catalog in the chosen language, the
engine's own reasons inside them included (a bad row's reason inside "line N: ..."); with
``--lang`` left out a command speaks ``RUTA_LANG``, else the locale's language, else English.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.linkage.conftest import run_link

from ruta.cli._lang import language_from_environment
from ruta.i18n import UnsupportedLanguage
from ruta.linkage import RegistryError, read_registry

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _bad_sex(tmp_path: Path) -> Path:
    path = tmp_path / "reg.csv"
    path.write_text(
        "record_id,given_names,surname_1,sex\n1,Ana,Pérez,F\n2,Luis,Soto,?\n3,Eva,Rojas,F\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("lang", "missing", "bad_row"),
    [
        (
            "es",
            "Error: registry: {path} no existe; se esperaba un archivo CSV o Parquet",
            "Error: sex: línea 3: el valor ? no es F, M, X ni vacío",
        ),
        (
            "pt-BR",
            "Erro: registry: {path} não existe; era esperado um arquivo CSV ou Parquet",
            "Erro: sex: linha 3: ",
        ),
        (
            "fr",
            "Erreur : registry : {path} n’existe pas ; un fichier CSV ou Parquet est attendu",
            "Erreur : sex : ligne 3 : la valeur ? n'est ni F, ni M, ni X, ni vide",
        ),
        (
            "ht",
            "Erè: registry: {path} pa egziste; nou tann yon fichye CSV oswa Parquet",
            "Erè: sex: liy 3: ",
        ),
    ],
)
def test_stopping_errors_speak_the_chosen_language(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    missing: str,
    bad_row: str,
) -> None:
    absent = tmp_path / "absent.csv"
    out = tmp_path / "clusters.csv"
    assert run_link(monkeypatch, "dedupe", str(absent), "--out", str(out), "--lang", lang) == 2
    err = capsys.readouterr().err
    assert missing.format(path=absent) in err
    assert "does not exist" not in err and "Traceback" not in err
    # A bad row stops the run: the engine's reason is said in the language too.
    reg = _bad_sex(tmp_path)
    assert run_link(monkeypatch, "dedupe", str(reg), "--out", str(out), "--lang", lang) == 2
    err = capsys.readouterr().err
    assert bad_row in err and "line 3" not in err and "is not F" not in err
    assert not out.exists()


def test_every_link_command_speaks_its_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "KEY"
    key.write_text("short\n")
    reg = _bad_sex(tmp_path)
    enc = ["encode", str(reg), "--secret-file", str(key), "--out", str(tmp_path / "e.pq")]
    assert run_link(monkeypatch, *enc, "--lang", "es") == 2
    assert "Error: secret_file: " in (err := capsys.readouterr().err)
    assert "se esperaban al menos 16 bytes aleatorios" in err
    assert run_link(monkeypatch, "match", str(tmp_path / "a.pq"), str(tmp_path / "b.pq"),
               "--out", str(tmp_path / "m.csv"), "--lang", "fr") == 2  # fmt: skip
    assert "un fichier de `ruta link encode` est attendu" in capsys.readouterr().err
    assert (
        run_link(monkeypatch, "synth", "0", "--out", str(tmp_path / "s.csv"), "--lang", "pt") == 2
    )
    assert "Erro: n: recebido 0; era esperado um número positivo" in capsys.readouterr().err
    # Ruta's own option checks, before any work, and the --max-skipped limit with its first
    # bad row inside.
    out = ["--out", str(tmp_path / "c.csv")]
    assert (
        run_link(monkeypatch, "dedupe", str(reg), *out, "--on-error", "never", "--lang", "ht") == 2
    )
    assert "Erè: on_error: nou resevwa 'never'; nou tann skip oswa stop" in (
        capsys.readouterr().err
    )
    skip = ["--on-error", "skip", "--max-skipped", "0", "--lang", "es"]
    assert run_link(monkeypatch, "dedupe", str(reg), *out, *skip) == 2
    err = capsys.readouterr().err
    assert "Error: max_skipped: 1 de 3 filas de" in err
    assert "la primera: línea 3: sex el valor ? no es F, M, X ni vacío" in err


def test_the_english_sentence_stays_for_logs_and_callers(tmp_path: Path) -> None:
    # The engine's error is still the English sentence for Python callers and logs.
    with pytest.raises(RegistryError) as caught:
        read_registry(_bad_sex(tmp_path))
    assert str(caught.value).startswith("sex: line 3: value ? is not F, M, X or empty")


def test_lang_left_out_is_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RUTA_LANG", raising=False)
    synth = ["synth", "5", "--out", str(tmp_path / "s.csv")]
    monkeypatch.setenv("LANG", "es_CO.UTF-8")
    assert run_link(monkeypatch, *synth) == 0
    assert "escritos 5 registros en" in capsys.readouterr().err
    absent = ["dedupe", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "c.csv")]
    assert run_link(monkeypatch, *absent) == 2
    assert "no existe; se esperaba un archivo CSV o Parquet" in capsys.readouterr().err
    # RUTA_LANG before the locale; --lang before both.
    monkeypatch.setenv("RUTA_LANG", "fr")
    assert run_link(monkeypatch, *absent) == 2
    assert "Erreur : registry : " in capsys.readouterr().err
    assert run_link(monkeypatch, *absent, "--lang", "pt") == 2
    assert "Erro: registry: " in capsys.readouterr().err
    # A language Ruta does not speak: an error naming RUTA_LANG; from the locale, English.
    monkeypatch.setenv("RUTA_LANG", "de")
    assert run_link(monkeypatch, *synth) == 2
    assert "RUTA_LANG: got 'de'; expected one of es, pt, en, fr, ht" in capsys.readouterr().err
    monkeypatch.delenv("RUTA_LANG")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert run_link(monkeypatch, *synth) == 0
    assert "wrote 5 records to" in capsys.readouterr().err
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run_link(monkeypatch, *absent) == 2
    assert "Error: registry: " in capsys.readouterr().err


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ({}, "en"),
        ({"LANG": "pt_BR.UTF-8"}, "pt"),
        ({"LANG": "fr_CA.UTF-8@euro"}, "fr"),
        ({"LC_ALL": "ht_HT.UTF-8", "LANG": "es_ES.UTF-8"}, "ht"),
        ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "es_ES.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:es", "LANG": "en_US.UTF-8"}, "es"),
        ({"LANGUAGE": "es", "LANG": "POSIX"}, "en"),
        ({"LANGUAGE": "es"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_the_locale_as_gettext_reads_it(locale: dict[str, str], lang: str) -> None:
    assert language_from_environment("", locale) == lang
    assert language_from_environment("ht-HT", locale) == "ht"


def test_ruta_lang_must_be_a_language_ruta_speaks() -> None:
    with pytest.raises(UnsupportedLanguage, match="RUTA_LANG: got 'xx'"):
        language_from_environment("xx", {"LANG": "es_ES.UTF-8"})
