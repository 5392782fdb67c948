"""Named quantifier elements (``as:``) in the condition language."""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.pathways._expr import ExprError, parse_pred
from ruta.pathways._logic import Context, eval_pred

RECORD_IN_NATIONALITY = {
    "none": {
        "list": "criminal_records",
        "as": "record",
        "where": {
            "some": {
                "list": "nationalities",
                "where": {"eq": [{"item": "country"}, {"item": "record.country"}]},
            }
        },
    }
}


def outcome(facts: dict[str, object]) -> tuple[bool | None, frozenset[str]]:
    ctx = Context(facts, dt.date(2026, 1, 1), {})
    return eval_pred(parse_pred(RECORD_IN_NATIONALITY), ctx)


def test_named_element_is_compared_with_the_inner_list() -> None:
    nationals = [{"country": "BOL"}]
    assert (
        outcome({"nationalities": nationals, "criminal_records": [{"country": "BOL"}]})[0] is False
    )
    assert (
        outcome({"nationalities": nationals, "criminal_records": [{"country": "PER"}]})[0] is True
    )


def test_unknown_field_of_the_named_element_is_asked_by_its_path() -> None:
    value, missing = outcome({"nationalities": [{"country": "BOL"}], "criminal_records": [{}]})
    assert value is None
    assert missing == frozenset({"criminal_records.0.country"})


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (
            {"some": {"list": "nationalities", "where": {"eq": [{"item": "x.country"}, "BOL"]}}},
            "bind one with 'as: x'",
        ),
        (
            {"some": {"list": "nationalities", "as": "Bad-Name", "where": {"fact": "a"}}},
            "'as' takes a name",
        ),
        ({"some": {"list": "nationalities", "as": "n"}}, "'as' with 'where'"),
    ],
)
def test_bad_bindings_say_how_to_fix(node: dict[str, object], message: str) -> None:
    with pytest.raises(ExprError, match=message):
        parse_pred(node)
