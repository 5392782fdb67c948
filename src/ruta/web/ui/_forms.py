"""Small helpers shared by the signed-in pages: form errors, CSRF, page-level failures.

Errors from the casework actions carry an English message and the field it is about; the
pages show a translated sentence per field (what to do) and keep the action's detail as a
second line, so an officer sees exactly what the rule was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ruta.cases.errors import AuthenticationError
from ruta.web.i18n import render, request_language, translator
from ruta.web.security import check_csrf, csrf_token

__all__ = [
    "ErrorList",
    "csrf_context",
    "form_date",
    "form_text",
    "gettext_for",
    "not_found_page",
    "verify_csrf",
]

ErrorList = list[tuple[str, str]]


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


def not_found_page(request: Request, user: Any = None) -> Response:
    """A 404 page in the request's language (also for cases outside the user's scope)."""
    return render(request, "not_found.html", csrf_context(request, user), status_code=404)
