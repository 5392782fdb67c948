"""Pydantic's message about a field (``ruta.i18n.pydantic_message``): pydantic's English,
byte for byte, and any other language from the shared ``i18n`` catalog, by the error's
``type`` and ``ctx``; the web API (tests/web/api/test_validation_language.py) and the
commands that read a data file say it alike."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

from ruta.i18n import PYDANTIC_TYPES, pydantic_message
from ruta.pathways._errors import pydantic_problem
from ruta.web.validation import SAID_TYPES, validation_message

MISSING = {"type": "missing", "loc": ("title",), "msg": "Field required", "input": {}}
TOO_LONG = {
    "type": "string_too_long",
    "msg": "String should have at most 3 characters",
    "ctx": {"max_length": 3},
    "input": "abcd",
}


def test_the_web_api_and_the_commands_say_a_message_alike() -> None:
    assert PYDANTIC_TYPES | {"value_error"} == SAID_TYPES
    for err in (MISSING, TOO_LONG):
        message = pydantic_message(err)
        assert message == err["msg"]
        for lang in ("en", "es", "pt", "fr", "ht"):
            assert message.in_language(lang) == validation_message(err, lang)
            assert pydantic_problem(err).in_language(lang) == message.in_language(lang)


def test_a_message_keeps_its_type_and_values_through_a_copy_or_a_pickle() -> None:
    message = pydantic_message(TOO_LONG)
    for again in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert again == message
        assert again.in_language("es") == "debe tener como máximo 3 caracteres; tiene 4"


def test_an_unknown_type_stays_pydantic_s_english() -> None:
    message = pydantic_message({"type": "new_in_pydantic_3", "msg": "Something new"})
    assert message.in_language("fr") == "Something new"


def test_ruta_labour_pension_says_a_parameters_file_s_schema_problems(cli, tmp_path: Path) -> None:
    periods = tmp_path / "periods.json"
    periods.write_text(json.dumps([{"country": "ARG", "from": "2000-01-01", "to": "2009-12-31"}]))
    parameters = tmp_path / "parameters.yaml"
    parameters.write_text("illustrative: true\nstates: {}\ncolour: blue\n", encoding="utf-8")
    said = {}
    for lang in ("en", "es", "fr"):
        done = cli(
            "labour", "pension", str(periods), "--parameters", str(parameters), "--lang", lang
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said[lang] = done.stderr.strip()
    assert said["en"] == (
        f"Error: {parameters}: title: Field required; colour: Extra inputs are not permitted"
    )
    assert said["es"] == (
        f"Error: {parameters}: title: este campo es obligatorio; envíelo; "
        "colour: este campo no se acepta aquí; quítelo"
    )
    assert said["fr"] == (
        f"Error: {parameters} : title: ce champ est obligatoire ; envoyez-le; "
        "colour: ce champ n'est pas accepté ici ; retirez-le"
    )
