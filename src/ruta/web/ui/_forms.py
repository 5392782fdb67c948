"""Small helpers shared by the signed-in pages: form errors, CSRF, page-level failures.

Errors from the casework actions carry an English message and the field it is about; the
pages show a translated sentence per field (what to do) and keep the action's detail as a
second line, so an officer sees exactly what the rule was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ruta.cases.errors import AuthenticationError
from ruta.partial_dates import partial_bounds
from ruta.web.i18n import render, request_language, translator
from ruta.web.security import check_csrf, csrf_token

__all__ = [
    "ErrorList",
    "FormError",
    "birth_date_parts",
    "csrf_context",
    "form_birth_date",
    "form_date",
    "form_partial_date",
    "form_text",
    "gettext_for",
    "not_found_page",
    "verify_csrf",
]

ErrorList = list[tuple[str, str]]


class FormError(Exception):
    """A form field was left empty or is not in the expected shape.

    Args:
        field_id: The HTML id of the input the error summary links to.
        message: Plain-language, translated text saying how to fix it.
    """

    def __init__(self, field_id: str, message: str) -> None:
        super().__init__(message)
        self.field_id = field_id
        self.message = message


def gettext_for(request: Request) -> Any:
    """The plain ``gettext`` of the request's language (for messages built in Python)."""
    return translator(request_language(request)).gettext


def csrf_context(request: Request, user: Any = None) -> dict[str, Any]:
    """What every signed-in page template needs: the CSRF token and the user."""
    return {"csrf_token": csrf_token(request), "user": user}


def verify_csrf(request: Request, form: FormData) -> bool:
    """Whether the form's CSRF token is right (a wrong one is shown as a form error)."""
    token = form.get("csrf_token")
    try:
        check_csrf(request, token if isinstance(token, str) else None)
    except AuthenticationError:
        return False
    return True


def form_text(form: FormData | Mapping[str, Any], name: str) -> str:
    """A text field, stripped; empty when absent."""
    return str(form.get(name) or "").strip()


def form_date(form: FormData | Mapping[str, Any], name: str) -> date | None:
    """A GOV.UK three-field date (``name-day``, ``name-month``, ``name-year``), or None.

    Examples:
        >>> form_date({"d-day": "7", "d-month": "3", "d-year": "1990"}, "d")
        datetime.date(1990, 3, 7)
        >>> form_date({"d-day": "31", "d-month": "2", "d-year": "1990"}, "d") is None
        True
    """
    try:
        day, month, year = (int(form_text(form, f"{name}-{u}")) for u in ("day", "month", "year"))
        if year < 1900:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def form_partial_date(
    form: FormData | Mapping[str, Any], name: str, message: str, year_message: str
) -> str:
    """A three-field date whose day, or day and month, may stay empty (a birth known only to
    the month or the year): ``1990-05-17``, ``1990-05`` or ``1990``.

    Args:
        form: The posted form (or the values carried from it).
        name: The fields' prefix: ``name-day``, ``name-month``, ``name-year``.
        message: What to say when the parts do not make a date (translated).
        year_message: What to say when the year is not written with four digits.

    Raises:
        FormError: naming the part to fix (``name-year`` when the year is missing).

    Examples:
        >>> form_partial_date({"d-day": "", "d-month": "5", "d-year": "1990"}, "d", "?", "?")
        '1990-05'
        >>> form_partial_date({"d-year": "1990"}, "d", "?", "?")
        '1990'
        >>> form_partial_date({"d-day": "7", "d-year": "1990"}, "d", "no", "?")
        Traceback (most recent call last):
        ...
        ruta.web.ui._forms.FormError: no
    """
    text = {u: form_text(form, f"{name}-{u}") for u in ("day", "month", "year")}
    if not text["year"]:
        raise FormError(f"{name}-year", message)
    for unit in ("day", "month", "year"):
        if text[unit] and not text[unit].isdigit():
            raise FormError(f"{name}-{unit}", message)
    if text["day"] and not text["month"]:
        raise FormError(f"{name}-month", message)
    year = int(text["year"])
    if year < 1900 or year > 9999:
        raise FormError(f"{name}-year", year_message)
    try:
        if not text["month"]:
            return f"{year:04d}"
        month = int(text["month"])
        if not text["day"]:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return date(year, month, int(text["day"])).isoformat()
    except ValueError:
        raise FormError(f"{name}-day", message) from None


def birth_date_parts(born: object, name: str) -> dict[str, str]:
    """The three date fields (``name-day``, ``name-month``, ``name-year``) of an ISO date at
    its precision; the parts nobody knows stay empty.

    Examples:
        >>> birth_date_parts("1990-05", "d")
        {'d-year': '1990', 'd-month': '5'}
        >>> birth_date_parts(None, "d")
        {}
    """
    if not isinstance(born, str):
        return {}
    try:
        partial_bounds(born)
    except ValueError:
        return {}
    units = ("year", "month", "day")
    parts = zip(units, born.split("-"), strict=False)
    return {f"{name}-{unit}": str(int(part)) for unit, part in parts}


def form_birth_date(
    values: FormData | Mapping[str, Any], name: str, message: str, _: Callable[[str], str]
) -> str:
    """A birth date from three form fields whose day, or day and month, may stay empty.

    Raises:
        FormError: the parts make no date, or one in the future (naming the part to fix).
    """
    born = form_partial_date(
        values, name, message, _("Enter the year with four digits, for example 2021")
    )
    if partial_bounds(born)[0] > datetime.now(UTC).date():
        raise FormError(f"{name}-year", message)
    return born


def not_found_page(request: Request, user: Any = None) -> Response:
    """A 404 page in the request's language (also for cases outside the user's scope)."""
    return render(request, "not_found.html", csrf_context(request, user), status_code=404)
