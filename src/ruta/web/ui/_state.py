"""The guided finder's answers, carried between pages in a signed cookie.

The finder keeps no server-side session: a person on a shared phone or in an NGO office
should leave nothing behind on the server until they choose to apply. The cookie holds the
ordered list of ``(fact, raw answer)`` pairs exactly as the forms sent them; the profile is
rebuilt from them with the engine's ``apply_answer`` on every request, so the order in which
questions were asked is what makes "Back" and "Change" links work.

The cookie is signed (not encrypted) so that a tampered cookie is dropped rather than
half-trusted; everything in it is the person's own answers.
"""

from __future__ import annotations

import json
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from ruta.settings import get_settings
from ruta.web.security import FINDER_COOKIE  # one name for the finder and sign-out

__all__ = ["FINDER_COOKIE", "Answer", "clear_answers", "read_answers", "write_answers"]

# A person may need a day to fetch documents before finishing; a week is still "a visit".
_MAX_AGE = 7 * 24 * 3600
Answer = tuple[str, str | list[str]]


def _serializer(request: Request) -> URLSafeSerializer:
    settings = getattr(request.app.state, "settings", None) or get_settings()
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt="ruta.finder")


def _valid(item: Any) -> bool:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        return False
    raw = item[1]
    return isinstance(raw, str) or (isinstance(raw, list) and all(isinstance(v, str) for v in raw))


def read_answers(request: Request) -> list[Answer]:
    """The answers given so far, oldest first; empty when the cookie is absent or tampered."""
    token = request.cookies.get(FINDER_COOKIE)
    if not token:
        return []
    try:
        data = _serializer(request).loads(token)
    except (BadSignature, json.JSONDecodeError, UnicodeDecodeError):
        return []
    if not isinstance(data, list) or not all(_valid(item) for item in data):
        return []
    return [(fact, raw) for fact, raw in data]


def write_answers(request: Request, response: Response, answers: list[Answer]) -> None:
    """Store the answers on the response (HttpOnly, SameSite=Lax, path /finder)."""
    token = _serializer(request).dumps([[fact, raw] for fact, raw in answers])
    settings = getattr(request.app.state, "settings", None) or get_settings()
    response.set_cookie(
        FINDER_COOKIE,
        token,
        max_age=_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_answers(response: Response) -> None:
    """Forget every answer (the "start again" link)."""
    response.delete_cookie(FINDER_COOKIE, path="/")
