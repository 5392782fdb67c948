"""Pathways refusals are catalog texts: English as before in ``message`` and ``str()``,
said in the reader's language by ``say``, by ``ruta pathways ... --lang`` and by the
eligibility API; every raise site under ruta.pathways (and in the ``ruta pathways``
commands) passes a pathways catalog message."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from tests.catalog_scan import RaiseSite, assert_said_in_every_language, raise_sites, wrong_sites

import ruta.cli.pathways
import ruta.pathways
from ruta.i18n import LANGUAGES, N_, Text, read_catalog
from ruta.pathways import (
    PackError,
    PathwaysError,
    ProfileError,
    UnknownPathwayError,
    apply_answer,
    get_pathway,
    load_catalog,
    parse_profile,
)

PATHWAYS = Path(ruta.pathways.__file__).parent
CLI = Path(ruta.cli.pathways.__file__)
#: The exception classes (and the pack builder's ``fail``) whose message is a catalog text:
#: the refusals, the validators' ``BadValue`` (pydantic wants a ValueError) and the
#: condition parser's ``ExprError``, which a pack's refusal carries on.
_RAISED = {
    "PathwaysError",
    "ProfileError",
    "PackError",
    "UnknownPathwayError",
    "BadValue",
    "ExprError",
    "fail",
}
_NOT_VALUES = {"field"}


def _message_first(site: RaiseSite) -> RaiseSite:
    """``builder.fail(loc, N_("..."), **values)``: its message is the second argument."""
    call = site.call
    if getattr(call.func, "attr", "") == "fail":
        call = ast.Call(func=call.func, args=call.args[1:], keywords=call.keywords)
    return RaiseSite(site.where, site.line, call, site.names)


def test_every_refusal_raised_in_the_pathways_package_is_a_catalog_message() -> None:
    paths = [*sorted(PATHWAYS.rglob("*.py")), CLI]
    sites = [_message_first(s) for s in raise_sites(paths, _RAISED)]
    assert len(sites) >= 70  # the scan sees the raise sites (not an empty walk)
    assert any(getattr(s.call.func, "attr", "") == "fail" for s in sites)
    msgids = {m.id for m in read_catalog("es", "pathways") if m.id}
    wrong = wrong_sites(sites, msgids, "pathways", _NOT_VALUES)
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_an_f_string_an_unknown_message_and_a_missing_value() -> None:
    tree = ast.parse(
        'raise ProfileError(f"{x} is no date", field="x")\n'
        'raise self.fail(loc, N_("not in any catalog %(x)s"), x=1)\n'
        'raise PackError(N_("%(path)s does not exist"), field="out")\n'
    )
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    sites = [_message_first(RaiseSite("x.py", 1, c, {})) for c in calls if isinstance(c, ast.Call)]
    msgids = {m.id for m in read_catalog("es", "pathways") if m.id}
    wrong = wrong_sites(sites, msgids, "pathways", _NOT_VALUES)
    assert [w.split(": ", 1)[1] for w in wrong] == [
        "not N_('literal') (an f-string or a variable)",
        "'not in any catalog %(x)s' is not in the pathways catalog",
        "placeholders ['path'], values []",
    ]


def _refusal(call, *args, **kwargs) -> PathwaysError:
    with pytest.raises(PathwaysError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_profile_refusal_keeps_its_english_and_says_itself_in_each_language() -> None:
    error = _refusal(parse_profile, {"nationalities": [{"country": "XX"}]})
    expected = (
        "'XX' is not a country code; expected an ISO 3166-1 alpha-3 code in capitals, "
        "e.g. VEN, COL, BRA"
    )
    assert isinstance(error, ProfileError) and isinstance(error.message, Text)
    assert error.message == expected and error.say("en") == expected
    assert str(error) == f"nationalities.0.country: {expected}"
    assert error.say("es") == (
        "'XX' no es un código de país; se espera un código ISO 3166-1 alfa-3 en mayúsculas, "
        "p. ej. VEN, COL, BRA"
    )
    assert_said_in_every_language(error, "'XX'", "VEN, COL, BRA")
    # Pydantic's own cases, worded by the package, and an answer in the finder.
    date = _refusal(parse_profile, {"entry": {"date": "2025-13-01"}})
    assert str(date) == (
        "entry.date: '2025-13-01' is not a date; expected the form YYYY-MM-DD, e.g. 2025-02-01"
    )
    assert date.say("fr").startswith("'2025-13-01' n'est pas une date ; la forme AAAA-MM-JJ")
    extra = _refusal(parse_profile, {"colour": "blue"})
    assert str(extra) == (
        "colour: unknown field; remove it or check its spelling (see docs/rule-packs.md)"
    )
    assert extra.say("pt").startswith("campo desconhecido")
    answer = _refusal(apply_answer, {}, "in_host_country", "maybe")
    assert str(answer) == "in_host_country: 'maybe' is not an answer; choose yes or no"
    assert answer.say("ht") == "'maybe' pa yon repons; chwazi wi oswa non"
    # A subclass carries the catalog of the base class.
    assert ProfileError.domain == PackError.domain == UnknownPathwayError.domain == "pathways"


def test_a_refusal_made_from_another_keeps_it_sayable() -> None:
    error = _refusal(get_pathway, "zzz.nothing")
    assert str(error) == "pathway: unknown pathway 'zzz.nothing' (see `ruta pathways list`)"
    relayed = ProfileError(error.message, field="profile.pathway")
    assert relayed.message == error.message
    assert relayed.say("es") == "vía desconocida 'zzz.nothing' (vea `ruta pathways list`)"
    values = ProfileError(N_("%(path)s does not exist"), field="POP", path="people.csv")
    assert (str(values), values.say("fr")) == (
        "POP: people.csv does not exist",
        "people.csv n'existe pas",
    )


def _pack(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "bad.yaml").write_text(body, encoding="utf-8")
    return folder


def test_a_broken_pack_names_file_line_and_problem_in_each_language(tmp_path: Path) -> None:
    folder = _pack(tmp_path / "p", "pack: bad\nversion: '1'\ntitle: [unclosed\n")
    error = _refusal(load_catalog, files=[folder / "bad.yaml"])
    where = f"{folder / 'bad.yaml'}:4"
    assert isinstance(error, PackError)
    assert error.message.startswith(f"{where}: YAML syntax error: ")
    assert error.say("fr").startswith(f"{where} : erreur de syntaxe YAML : ")
    assert error.say("es").startswith(f"{where}: error de sintaxis YAML: ")


def test_a_condition_refusal_in_a_pack_is_said_with_its_path(tmp_path: Path) -> None:
    text = "{" + ", ".join(f"{lang}: x" for lang in LANGUAGES) + "}"
    body = (
        f"pack: bad\nversion: '1'\ntitle: {text}\npathways:\n"
        f"  - id: arg.test\n    host_country: ARG\n    title: {text}\n    summary: {text}\n"
        f"    instrument: {{instrument: Law 1}}\n    next_steps: {text}\n"
        f"    grants: {{status: temporary}}\n"
        f"    conditions:\n      - id: c1\n        text: {text}\n"
        f"        citation: {{instrument: Law 1}}\n        test: {{all: [{{fcat: x}}]}}\n"
    )
    folder = _pack(tmp_path / "p", body)
    error = _refusal(load_catalog, files=[folder / "bad.yaml"])
    assert error.message.endswith(
        "pathways.0.conditions.test: bad condition: all[0]: unknown term 'fcat'"
    ), error.message
    assert error.say("es").endswith(
        "pathways.0.conditions.test: condición incorrecta: all[0]: término desconocido 'fcat'"
    )


def test_a_pathways_command_refuses_bad_input_in_the_language_of_lang(cli, tmp_path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"entry": {"date": "01/02/2025"}}), encoding="utf-8")
    done = cli("pathways", "check", str(profile), "--lang", "es")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Error: entry.date: '01/02/2025' no es una fecha; se espera la forma AAAA-MM-DD" in (
        done.stderr
    )
    english = cli("pathways", "check", str(profile), "--lang", "en")
    assert english.returncode == 2
    assert "Error: entry.date: '01/02/2025' is not a date; expected the form YYYY-MM-DD" in (
        english.stderr
    )
    # The command's own refusals too, said once --lang is known.
    fmt = cli("pathways", "check", str(profile), "--format", "xml", "--lang", "es")
    assert fmt.returncode == 2
    assert "Error: --format: 'xml' no es un formato; se espera text o json" in fmt.stderr
    country = cli("pathways", "list", "--country", "XYZ", "--lang", "pt")
    assert country.returncode == 2
    assert "Error: --country: não há vias para 'XYZ'" in country.stderr


def test_a_broken_pack_file_is_refused_in_the_language_of_lang(cli, tmp_path) -> None:
    folder = _pack(tmp_path / "broken", "pack: bad\nversion: '1'\ntitle:\n  es: x\n")
    where = f"{folder / 'bad.yaml'}:3"
    for command in (("list",), ("test",)):
        done = cli("pathways", *command, "--packs", str(folder), "--lang", "fr")
        assert done.returncode == 2 and "Traceback" not in done.stderr, command
        # Pydantic's message, said from the shared i18n catalog (ruta.i18n.pydantic_message).
        said = f"Error: {where} : title.pt : ce champ est obligatoire ; envoyez-le"
        assert said in done.stderr, done.stderr
        english = cli("pathways", *command, "--packs", str(folder), "--lang", "en")
        assert f"Error: {where}: title.pt: Field required" in english.stderr, english.stderr
    # `ruta pathways list` (the shipped packs) still answers afterwards.
    assert cli("pathways", "list", "--lang", "en").returncode == 0


def test_a_pack_that_marks_an_unspoken_language_is_refused_in_the_language_of_lang(
    cli, tmp_path
) -> None:
    text = "{" + ", ".join(f"{lang}: x" for lang in LANGUAGES) + "}"
    body = f"pack: bad\nversion: '1'\ntitle: {text}\nreview: {{de: unreviewed}}\n"
    folder = _pack(tmp_path / "review", body)
    where = f"{folder / 'bad.yaml'}:4"
    said = {
        "en": f"{where}: review: Value error, review names de; expected languages of "
        "es, pt, en, fr, ht",
        "es": f"{where}: review: Error de valor, review nombra de; se esperan idiomas de "
        "es, pt, en, fr, ht",
        "fr": f"{where} : review : Erreur de valeur, review nomme de ; des langues parmi "
        "es, pt, en, fr, ht sont attendues",
    }
    for lang, expected in said.items():
        done = cli("pathways", "list", "--packs", str(folder), "--lang", lang)
        assert done.returncode == 2 and "Traceback" not in done.stderr, lang
        assert done.stderr.strip() == f"Error: {expected}", done.stderr
