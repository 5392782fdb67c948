"""The system's reason a file cannot be read (``ruta.i18n.os_reason``): English as the system
says it, every other language from the shared ``i18n`` catalog, chosen by ``errno``; and
said so by every command that quotes it (the store's and the statistics' in their tests)."""

from __future__ import annotations

import copy
import errno
import json
import pickle
from pathlib import Path

import pytest

from ruta.i18n import LANGUAGES, N_, OS_REASONS, Text, os_reason, read_catalog
from ruta.labour.pensions import PensionsError

ENOENT = {
    "en": "No such file or directory",
    "es": "No existe el archivo o el directorio",
    "fr": "Aucun fichier ou dossier de ce nom",
}
EISDIR = {"en": "Is a directory", "es": "Es un directorio", "fr": "Est un répertoire"}


def test_the_reason_is_chosen_by_errno_not_by_the_system_s_words() -> None:
    # A system that words ENOENT otherwise keeps its words in English, and is still said.
    reason = os_reason(FileNotFoundError(errno.ENOENT, "File not found"))
    assert (reason, reason.in_language("es")) == ("File not found", ENOENT["es"])
    unknown = os_reason(OSError(errno.EPROTO, "Protocol error"))
    assert [unknown.in_language(lang) for lang in LANGUAGES] == ["Protocol error"] * len(LANGUAGES)
    bare = os_reason(OSError("no errno at all"))
    assert (bare, bare.in_language("fr")) == ("no errno at all", "no errno at all")


def test_a_refusal_says_the_reason_in_its_reader_s_language_and_english_as_before() -> None:
    exc = OSError(errno.ENOSPC, "No space left on device")
    error = PensionsError(
        N_("%(path)s: cannot read it (%(reason)s)"), path="p.yaml", reason=os_reason(exc)
    )
    assert str(error) == "p.yaml: cannot read it (No space left on device)"
    assert error.say("es") == "p.yaml: no se puede leer (No queda espacio en el dispositivo)"
    # Copies and pickles (a refusal sent between processes) keep the errno.
    text = error.message
    assert isinstance(text, Text)
    for again in (pickle.loads(pickle.dumps(text)), copy.deepcopy(text)):
        assert (
            again.values["reason"].in_language("fr")
            == "Aucun espace disponible sur le périphérique"
        )


def test_without_a_language_a_sentence_keeps_the_system_s_english() -> None:
    text = Text(
        "cannot read (%(reason)s)",
        reason=os_reason(IsADirectoryError(errno.EISDIR, "Is a directory")),
    )
    assert text.say(lambda m: m.replace("cannot read", "no se puede leer"), str) == (
        "no se puede leer (Is a directory)"
    )


def test_every_reason_is_translated_in_every_language() -> None:
    for lang in LANGUAGES:
        catalog = {m.id: m for m in read_catalog(lang, "i18n") if m.id}
        for message in OS_REASONS.values():
            entry = catalog.get(message)
            assert entry is not None and entry.string and not entry.fuzzy, (lang, message)


def _said(cli, lang: str, *args: str) -> str:
    done = cli(*args, "--lang", lang)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip()


def test_ruta_pathways_check_says_why_the_profile_cannot_be_read(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nobody.json"
    said = {lang: _said(cli, lang, "pathways", "check", str(missing)) for lang in ENOENT}
    assert said == {
        "en": f"Error: PROFILE: cannot read {missing}: {ENOENT['en']}",
        "es": f"Error: PROFILE: no se puede leer {missing}: {ENOENT['es']}",
        "fr": f"Error: PROFILE: impossible de lire {missing} : {ENOENT['fr']}",
    }


def test_ruta_pathways_says_why_a_pack_file_cannot_be_read(cli, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    (folder / "odd.yaml").mkdir(parents=True)  # a folder where a pack file was expected
    where = folder / "odd.yaml"
    said = {lang: _said(cli, lang, "pathways", "list", "--packs", str(folder)) for lang in EISDIR}
    assert said["en"] == f"Error: {where}: cannot be read ({EISDIR['en']})"
    assert said["es"].endswith(f"({EISDIR['es']})") and str(where) in said["es"]
    assert said["fr"].endswith(f"({EISDIR['fr']})") and str(where) in said["fr"]


def test_ruta_labour_pension_says_why_its_files_cannot_be_read(cli, tmp_path: Path) -> None:
    missing = tmp_path / "periods.json"
    said = {lang: _said(cli, lang, "labour", "pension", str(missing)) for lang in ENOENT}
    for lang, reason in ENOENT.items():
        assert said[lang].endswith(f"{missing}: {reason}") or said[lang].endswith(
            f"{missing} : {reason}"
        ), said[lang]
    periods = tmp_path / "ok.json"
    periods.write_text(json.dumps([{"country": "ARG", "from": "2000-01-01", "to": "2009-12-31"}]))
    parameters = tmp_path / "parameters.yaml"
    args = ("labour", "pension", str(periods), "--parameters", str(parameters))
    said = {lang: _said(cli, lang, *args) for lang in ENOENT}
    assert said["en"] == f"Error: {parameters}: cannot read it ({ENOENT['en']})"
    for lang in ("es", "fr"):
        assert said[lang].endswith(f"({ENOENT[lang]})") and str(parameters) in said[lang]


def test_ruta_labour_paygap_says_why_the_mapping_cannot_be_read(cli, tmp_path: Path) -> None:
    data = tmp_path / "survey.csv"
    data.write_text("wage,migrant,age\n1,1,30\n2,0,40\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.mkdir()
    args = ("labour", "paygap", str(data), "--mapping", str(mapping))
    said = {lang: _said(cli, lang, *args) for lang in EISDIR}
    assert said == {
        "en": f"Error: mapping: cannot read {mapping} ({EISDIR['en']})",
        "es": f"Error: mapping: no se puede leer {mapping} ({EISDIR['es']})",
        "fr": f"Error: mapping: impossible de lire {mapping} ({EISDIR['fr']})",
    }


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_ruta_permits_says_the_shared_reason(cli, tmp_path: Path, lang: str) -> None:
    missing = tmp_path / "trust.json"
    said = _said(cli, lang, "permits", "verify", "RUTA1:XYZ", "--trust-list", str(missing))
    assert f"({ENOENT[lang]})" in said, said


def test_ruta_pathways_simulate_says_why_it_cannot_read_or_write(cli, tmp_path: Path) -> None:
    folder = tmp_path / "population.csv"
    folder.mkdir()
    out = tmp_path / "results.parquet"
    said = {
        lang: _said(cli, lang, "pathways", "simulate", str(folder), "--out", str(out))
        for lang in EISDIR
    }
    assert said == {
        "en": f"Error: POP: cannot read {folder}: {EISDIR['en']}",
        "es": f"Error: POP: no se puede leer {folder}: {EISDIR['es']}",
        "fr": f"Error: POP: impossible de lire {folder} : {EISDIR['fr']}",
    }
    population = tmp_path / "people.csv"
    population.write_text("person_id,host_country\n1,ARG\n", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    out = a_file / "results.parquet"  # its folder is a file: the system refuses to make it
    args = ("pathways", "simulate", str(population), "--as-of", "2026-01-01", "--out", str(out))
    said = {lang: _said(cli, lang, *args) for lang in ("en", "es")}
    assert said["en"].endswith(
        f"Error: --out: cannot write {out} (File exists); choose a file in a writable folder"
    ), said["en"]
    assert said["es"].endswith(
        f"Error: --out: no se puede escribir {out} (El archivo ya existe); elija un archivo en "
        "una carpeta con permiso de escritura"
    ), said["es"]
