"""The JSON Schema of rule-pack files, for editors that validate while people type.

The schema is generated from the pydantic models that load packs (``_schema``), so it
cannot drift from them; the fields pydantic sees as "any value" (a condition's ``test``, a
document's ``when``, a fee's ``exempt_when``, a deadline's ``date``, a parameter) get the
grammar of the condition language (``_expr``) instead. The loader remains the judge of what
the schema cannot say (a fact's name, a parameter that is not defined, an ``item`` outside
its list): ``ruta pathways check`` and ``ruta pathways test`` report those with file:line.

Editors pick it up from a comment on the first line of a pack file::

    # yaml-language-server: $schema=ruta-pack.schema.json
"""

from __future__ import annotations

from typing import Any

from ruta.pathways._expr import _CMP_OPS, _SHIFTS
from ruta.pathways._schema import PackFile

__all__ = ["SCHEMA_ID", "pack_json_schema"]

SCHEMA_ID = "https://ruta.example/schemas/rule-pack.schema.json"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _one_key(key: str, value: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: value},
        "required": [key],
        "additionalProperties": False,
        "description": description,
    }


def _pair(of: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/$defs/{of}"}, "minItems": 2, "maxItems": 2}


def _expression_defs() -> dict[str, Any]:
    name = {"type": "string", "minLength": 1}
    literals: list[dict[str, Any]] = [
        {"type": ["string", "number", "boolean", "null"], "description": "A literal value."},
        {
            "type": "array",
            "items": {"type": ["string", "number", "boolean", "null"]},
            "description": "A list of literal values (e.g. country codes).",
        },
    ]
    term_alternatives: list[dict[str, Any]] = [
        _one_key("fact", name, "A fact of the profile (data/facts.yaml), e.g. entry.date."),
        _one_key("item", name, "A field of the list element being tested (in some/every/none)."),
        _one_key("param", name, "A parameter of the pathway (parameters:)."),
        _one_key("as_of", {}, "The evaluation date."),
        *(
            _one_key(key, _pair("Term"), f"A date shifted by a number of {unit}.")
            for key, (unit, _) in _SHIFTS.items()
        ),
        _one_key("years_between", _pair("Term"), "Whole years from the first date to the second."),
        _one_key("days_between", _pair("Term"), "Days from the first date to the second."),
        _one_key(
            "first",
            {
                "type": "object",
                "properties": {
                    "list": name,
                    "where": {"$ref": "#/$defs/Condition"},
                    "field": name,
                },
                "required": ["list", "where", "field"],
                "additionalProperties": False,
            },
            "A field of the first list element that meets 'where'.",
        ),
    ]
    quantifier = {
        "type": "object",
        "properties": {
            "list": name,
            "as": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
            "where": {"$ref": "#/$defs/Condition"},
        },
        "required": ["list"],
        "additionalProperties": False,
        "dependentRequired": {"as": ["where"]},
    }
    conditions = {"type": "array", "items": {"$ref": "#/$defs/Condition"}, "minItems": 1}
    pred_alternatives: list[dict[str, Any]] = [
        {**conditions, "description": "A list of conditions that must all hold."},
        _one_key("all", conditions, "Every condition holds."),
        _one_key("any", conditions, "At least one condition holds."),
        _one_key("not", {"$ref": "#/$defs/Condition"}, "The condition does not hold."),
        *(_one_key(op, _pair("Term"), f"Comparison '{op}' of two terms.") for op in _CMP_OPS),
        _one_key("in", _pair("Term"), "The first term is one of the second's values."),
        _one_key("known", {"$ref": "#/$defs/Term"}, "The term's fact is known."),
        *(
            _one_key(key, quantifier, f"'{key}' element of a list fact meets 'where'.")
            for key in ("some", "every", "none")
        ),
        {
            "$ref": "#/$defs/Computed",
            "description": "A term that is true (e.g. {fact: in_host_country}).",
        },
    ]
    return {
        "Term": {
            "description": "A value in the condition language: a literal or a computed value.",
            "anyOf": [*literals, {"$ref": "#/$defs/Computed"}],
        },
        "Computed": {
            "description": "A value read from the profile, the parameters or the date.",
            "anyOf": term_alternatives,
        },
        "Condition": {
            "description": "A condition in the condition language (docs/rule-packs.md §5).",
            "anyOf": pred_alternatives,
        },
        "Parameter": {
            "description": "A parameter value, or its values over time.",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "timeline": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "properties": {
                                    "from": {
                                        "anyOf": [
                                            {"type": "string", "pattern": _DATE},
                                            {"type": "null"},
                                        ]
                                    },
                                    "value": {},
                                    "citation": {"$ref": "#/$defs/CitationSpec"},
                                },
                                "required": ["value"],
                                "additionalProperties": False,
                            },
                        }
                    },
                    "required": ["timeline"],
                    "additionalProperties": False,
                },
                {"not": {"type": "object", "required": ["timeline"]}},
            ],
        },
    }


_EXPRESSIONS = {
    ("ConditionSpec", "test"): "Condition",
    ("DocumentSpec", "when"): "Condition",
    ("FeeSpec", "exempt_when"): "Condition",
    ("DeadlineSpec", "date"): "Term",
}


def pack_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that a rule-pack file (as JSON or YAML) must meet.

    Examples:
        >>> schema = pack_json_schema()
        >>> schema["required"]
        ['pack', 'version', 'title']
        >>> schema["$defs"]["ConditionSpec"]["properties"]["test"]
        {'$ref': '#/$defs/Condition'}
    """
    schema = PackFile.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema["$defs"]
    for (model, field), target in _EXPRESSIONS.items():
        properties = defs[model]["properties"]
        properties[field] = {"$ref": f"#/$defs/{target}"}
        if field not in defs[model].get("required", []):
            properties[field] = {"anyOf": [{"$ref": f"#/$defs/{target}"}, {"type": "null"}]}
    for model in ("PathwaySpec", "TemplateSpec"):
        defs[model]["properties"]["parameters"] = {
            "type": "object",
            "additionalProperties": {"$ref": "#/$defs/Parameter"},
            "description": "Named values the conditions read with {param: NAME}.",
        }
    defs.update(_expression_defs())
    # YAML reads an unquoted 2026-01-31 as a date and the loader accepts it; an editor sees
    # the same characters as a string, so dates are strings of the ISO form here.
    _date_patterns(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Ruta rule pack",
        "description": "A rule-pack file: templates and pathways with cited, dated rules in "
        "every language (docs/rule-packs.md).",
    }


def _date_patterns(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "date" and node.get("type") == "string":
            node["pattern"] = _DATE
        for value in node.values():
            _date_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _date_patterns(value)
