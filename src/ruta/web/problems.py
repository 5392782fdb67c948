"""Errors as RFC 9457 problem+json, naming the field and the expected form.

Every :class:`~ruta.errors.RutaError` becomes a problem response whose status follows the
casework exception tree (404 outside scope, 403 role, 409 workflow, 401 sign-in, 429 rate
limit, 422 anything else); request validation errors become 422 with one entry per
field. Nothing here ever answers 5xx for bad input.

A refusal's ``detail`` (and its ``errors[].message``) is in the language the request's
``Accept-Language`` names when Ruta speaks it, else English; ``type`` and ``title`` are
always English (clients match on them).

The web layer's own refusals (a malformed body, a bad ``country``, the verifier's rate
limit ...) are :class:`WebError` texts of the ``web`` catalog: raised, they reach the same
handler as every other ``RutaError``; a route that answers a problem itself (the permit
verifier) returns :func:`refusal`, which says the error in the same language.

Pydantic's request validation errors are said from their ``type`` and ``ctx``
(:mod:`ruta.web.validation`), and Starlette's routing 404 and 405 from the ``web``
catalog; in English both keep the framework's own text, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ruta.cases.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from ruta.errors import CatalogError, RutaError
from ruta.i18n import N_
from ruta.web.i18n import accepted_language
from ruta.web.validation import validation_message

__all__ = [
    "FORM_ALLOWANCE",
    "PROBLEM_JSON",
    "LoginRequired",
    "WebError",
    "install_problem_handlers",
    "problem",
    "problem_language",
    "refusal",
    "request_body_limit",
]

PROBLEM_JSON = "application/problem+json"

#: Room for a form's other fields and its multipart boundaries beside the largest file.
FORM_ALLOWANCE = 64 * 1024


def request_body_limit(max_upload_bytes: int) -> int:
    """The largest request body the service reads: the largest document plus its form.

    Examples:
        >>> request_body_limit(10 * 1024 * 1024)
        10551296
    """
    return max_upload_bytes + FORM_ALLOWANCE


_STATUS: tuple[tuple[type[RutaError], int, str], ...] = (
    (NotFoundError, 404, "Not found"),
    (PermissionDeniedError, 403, "Not allowed"),
    (ConflictError, 409, "Not possible in the current state"),
    (AuthenticationError, 401, "Sign in required"),
    (RateLimitedError, 429, "Too many attempts"),
)


class LoginRequired(Exception):
    """A page needs a signed-in user; the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class WebError(CatalogError):
    """A refusal the web layer writes itself (HTTP 422 when raised), said from the ``web``
    catalog.

    Why one class for both uses: a route that raises it gets the problem handler's answer
    like any ``RutaError``; a route that must answer with another status or headers (the
    permit verifier's 413 and 429) passes it to :func:`refusal`. Either way the English
    ``message`` is the catalog message with its values, and a test finds every site.

    Args:
        message: The catalog message, ``N_("literal %(x)s")`` (a test checks every site
            under ``ruta.web``).
        field: The input field the refusal is about.
        values: The message's placeholders. A number the English detail writes without
            separators (a byte count, seconds) is passed as ``str``.

    Examples:
        >>> error = WebError(N_("no status list of %(country)s is published here"), country="COL")
        >>> error.message
        'no status list of COL is published here'
        >>> error.say("es")
        'aquí no se publica ninguna lista de estados de COL'
    """

    domain: ClassVar[str | None] = "web"


def problem_language(request: Request) -> str:
    """The language of an API problem's ``detail``: what ``Accept-Language`` names when Ruta
    speaks it, else English.

    Why not the pages' negotiation: a program that asks for no language (or one Ruta does
    not speak) reads English, as before; the pages' cookie and default (es) do not apply.
    """
    return accepted_language(request.headers.get("accept-language")) or "en"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response.

    Examples:
        >>> import json
        >>> body = json.loads(problem(422, "Invalid", "use YYYY-MM-DD", field="entry.date").body)
        >>> body["status"], body["field"], body["errors"][0]["message"]
        (422, 'entry.date', 'use YYYY-MM-DD')
    """
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if field is not None:
        body["field"] = field
    body["errors"] = errors or ([{"field": field, "message": detail}] if field else [])
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def refusal(
    request: Request,
    status: int,
    title: str,
    error: WebError,
    *,
    headers: dict[str, str] | None = None,
    errors: Sequence[WebError] = (),
) -> JSONResponse:
    """The problem+json of a web refusal, its ``detail`` in :func:`problem_language`.

    Args:
        request: The request (its ``Accept-Language``).
        status: The HTTP status.
        title: The English title (clients match on it).
        error: The refusal: its text is the ``detail``, its field the ``field``.
        headers: Response headers (``Retry-After``).
        errors: Every refusal of the request, when there are several (``errors[]``).
    """
    lang = problem_language(request)
    listed = [{"field": e.field, "message": e.say(lang)} for e in errors] or None
    return problem(
        status, title, error.say(lang), field=error.field, errors=listed, headers=headers
    )


def _ruta_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RutaError)
    detail = exc.say(problem_language(request))
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(exc, RateLimitedError):
                headers = {"Retry-After": str(exc.retry_after)}
            return problem(status, title, detail, field=exc.field, headers=headers)
    return problem(422, "Invalid input", detail, field=exc.field)


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] == "idempotency-key":
        parts[0] = "Idempotency-Key"
    return ".".join(str(p) for p in parts) or "body"


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    lang = problem_language(request)
    errors = [
        {"field": _field_of(err.get("loc", ())), "message": validation_message(err, lang)}
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    return problem(422, "Invalid input", detail, field=first["field"], errors=errors)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    limit = getattr(exc, "limit", None)
    if exc.status_code == 413 and isinstance(limit, int):  # ruta.web.bodylimit.BodyTooLarge
        # Byte counts as str: the English detail writes them without separators.
        too_large = WebError(
            N_("the request is larger than %(limit)s bytes; send a file of at most %(most)s bytes"),
            field="file",
            limit=str(limit),
            most=str(max(limit - FORM_ALLOWANCE, 0)),
        )
        return refusal(
            request, 413, "Content too large", too_large, headers=dict(exc.headers or {})
        )
    detail = str(exc.detail)
    lang = problem_language(request)
    said = _routing_refusal(request, exc) if lang != "en" else None
    return problem(
        exc.status_code,
        detail,
        said.say(lang) if said else detail,
        headers=dict(exc.headers or {}),
    )


def _routing_refusal(request: Request, exc: StarletteHTTPException) -> WebError | None:
    """Starlette's own 404 and 405 (routing, static files), said from the ``web`` catalog.

    Why only when the detail is the bare status phrase: that is how Starlette raises them;
    any other detail was written by whoever raised it. English keeps the phrase ("Not
    Found"), as before.
    """
    if exc.status_code not in (404, 405) or exc.detail != HTTPStatus(exc.status_code).phrase:
        return None
    if exc.status_code == 404:
        return WebError(N_("nothing is found at this address; check the URL"))
    allowed = (exc.headers or {}).get("Allow")
    if allowed:
        return WebError(
            N_("this address does not take %(method)s requests; it takes %(allowed)s"),
            method=request.method,
            allowed=allowed,
        )
    return WebError(N_("this address does not take %(method)s requests"), method=request.method)


def _data_error(request: Request, exc: Exception) -> Response:
    # Why: the database refusing a value (a NUL character in a query parameter, a number
    # out of range) is bad input that slipped past validation, not a server fault.
    unstorable = WebError(
        N_("a value cannot be stored or searched as given (e.g. it holds a NUL character)")
    )
    return refusal(request, 422, "Invalid input", unstorable)


def _login_required(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)


def _page_rate_limited(request: Request, exc: Exception) -> Response:
    from ruta.web.i18n import render
    from ruta.web.ratelimit import PageRateLimited

    assert isinstance(exc, PageRateLimited)
    context = {"minutes": -(-exc.retry_after // 60), "seconds": exc.retry_after}
    response = render(request, "too_many.html", context, status_code=429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    from ruta.web.ratelimit import PageRateLimited

    app.add_exception_handler(RutaError, _ruta_error)
    app.add_exception_handler(PageRateLimited, _page_rate_limited)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(DataError, _data_error)
