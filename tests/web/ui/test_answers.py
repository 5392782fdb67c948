"""Form posts to engine answers, and answers back to text (ruta.web.ui._answers)."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from ruta.pathways import Question
from ruta.web.ui._answers import FormError, display_answer, form_answer


def _q(kind: str, options: list[tuple[str, str]] | None = None) -> Question:
    return Question(fact="f", text="?", kind=kind, options=options or [], proves_with=[])


def _gettext(message: str) -> str:
    return message


def test_date_fields_make_an_iso_date() -> None:
    form = FormData([("answer-day", " 7 "), ("answer-month", "3"), ("answer-year", "2021")])
    assert form_answer(_q("date"), form, _gettext) == "2021-03-07"


@pytest.mark.parametrize(
    ("day", "month", "year", "field"),
    [
        ("", "3", "2021", "answer-day"),
        ("31", "2", "2021", "answer-day"),
        ("1", "x", "2021", "answer-month"),
        ("1", "1", "21", "answer-year"),
        ("1", "13", "2021", "answer-day"),
    ],
)
def test_a_date_that_is_not_real_names_the_field(
    day: str, month: str, year: str, field: str
) -> None:
    form = FormData([("answer-day", day), ("answer-month", month), ("answer-year", year)])
    with pytest.raises(FormError) as caught:
        form_answer(_q("date"), form, _gettext)
    assert caught.value.field_id == field
    assert "for example" in caught.value.message


def test_options_must_be_among_those_offered() -> None:
    question = _q("enum", [("birth", "From birth"), ("naturalization", "By naturalization")])
    assert form_answer(question, FormData([("answer", "birth")]), _gettext) == "birth"
    with pytest.raises(FormError):
        form_answer(question, FormData([("answer", "marriage")]), _gettext)
    with pytest.raises(FormError, match="Select one of the options"):
        form_answer(question, FormData([]), _gettext)


def test_bool_questions_take_their_option_values() -> None:
    question = _q("bool", [("true", "Yes"), ("false", "No")])
    assert form_answer(question, FormData([("answer", "false")]), _gettext) == "false"
    with pytest.raises(FormError, match="Select yes or no"):
        form_answer(question, FormData([("answer", "maybe")]), _gettext)


def test_multiple_choice_with_none_of_these() -> None:
    question = _q("multi", [("passport", "passport"), ("photo", "photograph")])
    both = FormData([("answer", "passport"), ("answer", "photo")])
    assert form_answer(question, both, _gettext) == ["passport", "photo"]
    assert form_answer(question, FormData([("answer", "__none__")]), _gettext) == []
    with pytest.raises(FormError, match="None of these"):
        form_answer(question, FormData([("answer", "__none__"), ("answer", "photo")]), _gettext)
    with pytest.raises(FormError):
        form_answer(question, FormData([]), _gettext)


def test_answers_read_back_in_words() -> None:
    countries = _q("countries", [("BOL", "Bolivia"), ("VEN", "Venezuela")])
    assert display_answer(countries, ["VEN", "BOL"], "es", _gettext) == "Venezuela, Bolivia"
    assert display_answer(_q("date"), "2021-03-07", "es", _gettext) == "7 de marzo de 2021"
    assert display_answer(_q("bool"), "yes", "en", _gettext) == "Yes"
    assert display_answer(_q("multi", [("photo", "photograph")]), [], "en", _gettext) == (
        "None of these"
    )
    assert display_answer(None, ["a", "b"], "en", _gettext) == "a, b"


@pytest.mark.parametrize(
    ("day", "month", "year", "answer", "shown"),
    [
        ("", "", "1990", "1990", "1990"),
        ("", "5", "1990", "1990-05", "May 1990"),
        ("17", "5", "1990", "1990-05-17", "May 17, 1990"),
    ],
)
def test_a_birth_date_may_leave_out_the_day_or_the_month(
    day: str, month: str, year: str, answer: str, shown: str
) -> None:
    form = FormData([("answer-day", day), ("answer-month", month), ("answer-year", year)])
    assert form_answer(_q("partial_date"), form, _gettext) == answer
    assert display_answer(_q("partial_date"), answer, "en", _gettext) == shown


@pytest.mark.parametrize(
    ("day", "month", "year", "field"),
    [
        ("", "", "", "answer-year"),
        ("3", "", "1990", "answer-month"),
        ("", "13", "1990", "answer-day"),
    ],
)
def test_a_partial_birth_date_that_cannot_be_names_the_field(
    day: str, month: str, year: str, field: str
) -> None:
    form = FormData([("answer-day", day), ("answer-month", month), ("answer-year", year)])
    with pytest.raises(FormError) as caught:
        form_answer(_q("partial_date"), form, _gettext)
    assert caught.value.field_id == field
