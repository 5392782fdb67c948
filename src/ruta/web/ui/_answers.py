"""Turning finder form posts into engine answers, and answers back into readable text.

Each question kind has one form shape (GOV.UK patterns): radios for yes/no and enums, a
select for one country, checkboxes for several countries, and three number fields for a
date. Parsing here only checks the form was filled in; the engine's ``apply_answer`` then
decides whether the value is acceptable for the fact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from ruta.pathways import Question, question_for
from ruta.web.i18n import format_partial_date
from ruta.web.ui._countries import country_from_text
from ruta.web.ui._forms import FormError, form_partial_date

__all__ = [
    "BOOL_CHOICES",
    "NONE_OF_THESE",
    "TYPED_COUNTRY",
    "FormError",
    "display_answer",
    "form_answer",
    "kind_error",
    "profile_facts",
]

Gettext = Callable[[str], str]
# The engine's spelling of a yes/no answer; labels are translated in the template.
BOOL_CHOICES = ("yes", "no")
# The exclusive "None of these" box of a multiple-choice question (an empty list: none).
NONE_OF_THESE = "__none__"
# The type-ahead field of a countries question (a country not among its boxes), and the
# select a browser without <datalist> shows in its place.
TYPED_COUNTRY = "answer-other"
TYPED_COUNTRY_FALLBACK = "answer-other-list"
# Both spellings of a yes/no answer (the finder's form posts true/false, a stored profile
# holds booleans shown as yes/no), mapped onto the form's values.
_BOOL_SPELLINGS = {"yes": "true", "true": "true", "no": "false", "false": "false"}
# Kinds answered by ticking several boxes.
_MULTIPLE = ("countries", "multi")


def kind_error(kind: str, _: Gettext) -> str:
    """The translated "how to fix it" message for a question kind.

    Args:
        kind: ``bool``, ``date``, ``country``, ``countries``, ``enum`` or ``multi``.
        _: The request's gettext.

    Returns:
        A message that says what to do, GOV.UK style (no "invalid", no "please").
    """
    messages = {
        "bool": _("Select yes or no"),
        "date": _("Enter a real date with day, month and year, for example 27 3 2021"),
        "partial_date": _(
            "Enter a real date, for example 27 3 1990, or only the month and year, or only the year"
        ),
        "country": _("Select a country from the list"),
        "countries": _("Select every country that applies"),
        "enum": _("Select one of the options"),
        "multi": _("Select every option that applies"),
    }
    return messages.get(kind, _("Answer the question to continue"))


def form_answer(question: Question, form: FormData, _: Gettext) -> str | list[str]:
    """The raw answer a form post gives to ``question``, in the shape ``apply_answer`` takes.

    Args:
        question: The question the page showed.
        form: The posted form.
        _: The request's gettext, for error messages.

    Returns:
        A string (yes/no, an ISO date, a code) or, for ``countries``, a list of codes.

    Raises:
        FormError: the field is empty or the date is not a real date.
    """
    if question.kind == "date":
        return _date_answer(form, _)
    if question.kind == "partial_date":
        return _partial_date_answer(form, _)
    if question.kind in _MULTIPLE:
        values = [str(v) for v in form.getlist("answer") if str(v).strip()]
        if question.kind == "countries":
            values += [v for v in _typed_countries(question, form, _) if v not in values]
        if NONE_OF_THESE in values:
            if len(values) > 1:
                raise FormError(
                    "answer", _('Select the options that apply, or only "None of these"')
                )
            return []
        if not values:
            raise FormError("answer", kind_error(question.kind, _))
        return values
    value = str(form.get("answer") or "").strip()
    allowed = [v for v, _l in question.options] or (
        list(BOOL_CHOICES) if question.kind == "bool" else []
    )
    if not value or (allowed and value not in allowed):
        raise FormError("answer", kind_error(question.kind, _))
    return value


def typed_texts(form: FormData) -> list[str]:
    """What was typed in (or chosen from the fallback select of) the type-ahead fields."""
    posted = [*form.getlist(TYPED_COUNTRY), *form.getlist(TYPED_COUNTRY_FALLBACK)]
    return [" ".join(str(v).split()) for v in posted if str(v).strip()]


def _typed_countries(question: Question, form: FormData, _: Gettext) -> list[str]:
    codes = []
    for text in typed_texts(form):
        code = country_from_text(text, question.options)
        if code is None:
            raise FormError(
                TYPED_COUNTRY,
                _(
                    "Enter the name of a country as the list shows it, for example %(example)s, "
                    "or leave the field empty"
                )
                % {"example": dict(question.options).get("COL", "Colombia")},
            )
        codes.append(code)
    return codes


def _date_answer(form: FormData, _: Gettext) -> str:
    parts = {}
    for unit in ("day", "month", "year"):
        text = str(form.get(f"answer-{unit}") or "").strip()
        if not text.isdigit():
            raise FormError(f"answer-{unit}", kind_error("date", _))
        parts[unit] = int(text)
    try:
        value = date(parts["year"], parts["month"], parts["day"])
    except ValueError:
        raise FormError("answer-day", kind_error("date", _)) from None
    if parts["year"] < 1900:
        raise FormError("answer-year", _("Enter the year with four digits, for example 2021"))
    return value.isoformat()


def _partial_date_answer(form: FormData, _: Gettext) -> str:
    """A birth date that may leave out the day, or the day and the month (1990-05, 1990)."""
    return form_partial_date(
        form,
        "answer",
        kind_error("partial_date", _),
        _("Enter the year with four digits, for example 2021"),
    )


def display_date(raw: str, lang: str) -> str:
    """A full or reduced-precision ISO date as the page language says it: "27 March 1990",
    "May 1990", "1990".

    Examples:
        >>> display_date("1990-05", "en"), display_date("1990-05", "es"), display_date("1990", "fr")
        ('May 1990', 'mayo de 1990', '1990')
    """
    return format_partial_date(raw, lang, "long")


def display_answer(question: Question | None, raw: str | list[str], lang: str, _: Gettext) -> str:
    """An answer as a person would say it: "Yes", "27 March 2021", country names.

    Args:
        question: The question, for option labels; ``None`` shows the raw value.
        raw: The stored answer.
        lang: Page language (date format).
        _: The request's gettext.

    Returns:
        Text for the check-your-answers page.
    """
    if question is None:
        return ", ".join(raw) if isinstance(raw, list) else raw
    if question.kind == "bool":
        # A yes/no fact is stored as a boolean and may come back spelled either way; the
        # question's own labels say it when it has them ("Sí"), otherwise Yes / No.
        value = _BOOL_SPELLINGS.get(str(raw))
        if value is None:
            return str(raw)
        said = dict(question.options).get(value)
        return str(said or (_("Yes") if value == "true" else _("No")))
    if question.kind in ("date", "partial_date") and isinstance(raw, str):
        return display_date(raw, lang)
    labels: dict[str, Any] = dict(question.options)
    values = raw if isinstance(raw, list) else [raw]
    if not values:
        return _("None of these")
    return ", ".join(str(labels.get(v, v)) for v in values)


def _raw(value: Any) -> str:
    # The stored profile holds typed values; display_answer reads the finder's spelling.
    if value is True or value is False:
        return "yes" if value else "no"
    return str(value)


def _question(path: str, profile: dict[str, Any], lang: str) -> Question | None:
    try:
        return question_for(path, profile, lang)
    except (KeyError, TypeError, ValueError):
        return None  # a fact the catalog no longer knows: shown by its path


def profile_facts(profile: dict[str, Any], lang: str, _: Gettext) -> list[tuple[str, str]]:
    """A stored profile as labelled facts in the page language, for the case page.

    Each fact is labelled with the finder's own question and its value said as the finder
    says it (country names, "Yes", dates), not ``nationalities.0.acquired birth``.

    Args:
        profile: The application's profile (plain facts).
        lang: Page language.
        _: The request's gettext.

    Returns:
        ``(label, value)`` pairs in the profile's order; items of a list follow its row.
    """
    rows: list[tuple[str, str]] = []
    for key, value in profile.items():
        question = _question(key, profile, lang)
        label = question.text if question else key
        if isinstance(value, list):
            items = [v for v in value if isinstance(v, dict)]
            if question is not None and question.kind in _MULTIPLE:
                keys = [str(i.get("country") or i.get("type") or "") for i in items]
                rows.append((label, display_answer(question, keys, lang, _)))
            else:
                rows.append((label, _("Yes") if value else _("No")))
            for index, item in enumerate(items):
                for field, inner in item.items():
                    named = question is not None and question.kind in _MULTIPLE
                    if named and field in ("country", "type"):
                        continue  # already named in the list's own row
                    path = f"{key}.{index}.{field}"
                    sub = _question(path, profile, lang)
                    rows.append(
                        (sub.text if sub else path, display_answer(sub, _raw(inner), lang, _))
                    )
        elif isinstance(value, dict):
            # A fact with parts (the entry: its date, how it was made) is asked part by
            # part, so each part is labelled with its own question.
            for field, inner in value.items():
                path = f"{key}.{field}"
                sub = _question(path, profile, lang)
                rows.append((sub.text if sub else path, display_answer(sub, _raw(inner), lang, _)))
        else:
            rows.append((label, display_answer(question, _raw(value), lang, _)))
    return rows
