"""The JSON Schema of pack files, checked with an independent validator (jsonschema)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ruta.pathways._catalog import PACKS_DIR, pack_files
from ruta.pathways._jsonschema import pack_json_schema

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "packs" / "pan.yaml"


def _as_json(value: Any) -> Any:
    # What an editor sees: YAML's unquoted dates are the characters of an ISO date.
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = pack_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _pack(path: Path = EXAMPLE) -> Any:
    return _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", [*pack_files(PACKS_DIR), EXAMPLE], ids=lambda p: p.name)
def test_every_shipped_pack_and_the_example_meet_the_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_pack(path))]
    assert errors == []


def _condition(pack: Any, test: Any) -> Any:
    pack["pathways"][0]["conditions"][0]["test"] = test
    return pack


BROKEN = {
    "a language missing": lambda p: p["title"].pop("fr") and p,
    "an unknown key": lambda p: p["pathways"][0].update(conditons=[]) or p,
    "an id without its host prefix": lambda p: p["pathways"][0].update(id="Pan tutorial") or p,
    "a bad currency": lambda p: p["pathways"][0]["fees"][0].update(currency="dollars") or p,
    "a bad confidence": lambda p: p["pathways"][0]["instrument"].update(confidence="SURE") or p,
    "a date that is not ISO": lambda p: p["pathways"][0]["window"].update(opens="4/1/2027") or p,
    "an unknown operator": lambda p: _condition(p, {"greater": [{"fact": "entry.date"}, 1]}),
    "a comparison of one term": lambda p: _condition(p, {"eq": [{"fact": "entry.date"}]}),
    "a condition that is a string": lambda p: _condition(p, "yes"),
    "two keys in one expression": lambda p: _condition(p, {"not": {"fact": "a"}, "all": []}),
    "a quantifier without its list": lambda p: _condition(p, {"some": {"where": {"fact": "x"}}}),
    "a missing version": lambda p: p.pop("version") and p,
}


@pytest.mark.parametrize("change", list(BROKEN), ids=list(BROKEN))
def test_broken_packs_are_rejected(validator: jsonschema.Draft202012Validator, change: str) -> None:
    assert not validator.is_valid(BROKEN[change](_pack()))


def test_the_schema_shipped_in_docs_is_current() -> None:
    shipped = json.loads((ROOT / "docs" / "rule-pack.schema.json").read_text(encoding="utf-8"))
    assert shipped == pack_json_schema(), (
        "docs/rule-pack.schema.json is stale: "
        "run `ruta pathways schema > docs/rule-pack.schema.json`"
    )
