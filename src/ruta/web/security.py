"""Page sessions, CSRF protection and the login/logout pages.

For the UI engineer:

- :func:`csrf_token` gives the token to put in every form as ``<input type="hidden"
  name="csrf_token">``; :func:`check_csrf` verifies it on POST (the pages' forms through
  :class:`ruta.web.ui._post.FormPost`, which shows a stale token as a form error; the login
  and sign-out forms say it the same way).
- The token is an HMAC of a per-browser nonce cookie (set by :class:`CsrfCookieMiddleware`
  on every page response that lacks it) and the session token, so it works before login
  (the login form itself) and changes when the session does.
- Session cookies are HttpOnly and SameSite=Lax; only the token's SHA-256 is stored server
  side. With ``RUTA_COOKIE_SECURE`` (required in production) :class:`SecureCookiesMiddleware`
  marks every cookie of every response Secure.
- Login is rate-limited per account (``RUTA_LOGIN_ATTEMPTS_PER_MINUTE``) and by the
  accounts one client address fails on (``RUTA_LOGIN_ACCOUNTS_PER_CLIENT``) in
  :func:`ruta.cases.actions.authentication.do_sign_in`; the second factor's pages are in
  :mod:`ruta.web.ui.second_factor`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ruta.cases.actions.authentication import do_revoke_token, do_sign_in
from ruta.cases.errors import AuthenticationError, RateLimitedError
from ruta.settings import Settings
from ruta.store.models import User
from ruta.web.deps import OptionalPageUser, SessionDep, SettingsDep, client_address
from ruta.web.i18n import render, request_language, translator

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "CsrfCookieMiddleware",
    "SecureCookiesMiddleware",
    "check_csrf",
    "clear_session_cookie",
    "csrf_token",
    "login_router",
    "safe_next",
    "secure_cookie",
    "set_session_cookie",
]

SESSION_COOKIE = "ruta_session"
#: The finder's answers (signed, in the browser only); sign-out clears them too.
FINDER_COOKIE = "ruta_finder"
CSRF_COOKIE = "ruta_csrf"


def _nonce(request: Request) -> str:
    fresh = getattr(request.state, "csrf_nonce", None)
    return fresh or request.cookies.get(CSRF_COOKIE, "")


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page (bound to the browser and its session)."""
    settings: Settings = request.app.state.settings
    base = f"{_nonce(request)}|{request.cookies.get(SESSION_COOKIE, '')}"
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, base.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token does not match this browser and session.

    Raises:
        AuthenticationError: ``field="csrf_token"`` (the page should be reloaded).
    """
    if (
        not _nonce(request)
        or not submitted
        or not hmac.compare_digest(submitted, csrf_token(request))
    ):
        raise AuthenticationError(
            "the form expired or came from another site; reload the page and try again",
            field="csrf_token",
        )


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Set the session cookie: HttpOnly (no script reads it), SameSite=Lax (no
    cross-site POST carries it), Secure when configured."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/")


class CsrfCookieMiddleware:
    """Give every browser a random CSRF nonce cookie on its first page (not on the API).

    A pure ASGI middleware: it adds no per-request work to ``/api`` calls.
    """

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        raw = b"; ".join(v for k, v in scope["headers"] if k == b"cookie").decode("latin-1")
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # a malformed cookie header gets a fresh nonce
            jar = SimpleCookie()
        if CSRF_COOKIE in jar:
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        flags = "; Secure" if self.secure else ""
        cookie = f"{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax{flags}"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class SecureCookiesMiddleware:
    """Mark every cookie the service sets ``Secure`` (``RUTA_COOKIE_SECURE``).

    Why one middleware rather than a flag at each ``set_cookie``: a cookie added later by
    any page (language, finder answers, a new feature) is covered without anyone having
    to remember the flag.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, secure_cookie(v)) if k.lower() == b"set-cookie" else (k, v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, send_secure)


def secure_cookie(header: bytes) -> bytes:
    """A ``Set-Cookie`` value with the ``Secure`` attribute (added once).

    Examples:
        >>> secure_cookie(b"lang=es; Path=/; SameSite=lax")
        b'lang=es; Path=/; SameSite=lax; Secure'
        >>> secure_cookie(b"a=1; secure; HttpOnly")
        b'a=1; secure; HttpOnly'
    """
    attributes = [part.strip().lower() for part in header.split(b";")[1:]]
    return header if b"secure" in attributes else header + b"; Secure"


def safe_next(url: str | None, default: str = "/") -> str:
    """A same-site path to go to after login (never another host).

    Examples:
        >>> safe_next("/casework/queue"), safe_next("https://evil.example/"), safe_next("//x")
        ('/casework/queue', '/', '/')
    """
    if not url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return default
    return url


login_router = APIRouter(include_in_schema=False)


@login_router.get("/login")
def login_page(request: Request, user: OptionalPageUser, next: str = "/") -> Response:
    """The sign-in form for officers and applicants."""
    context = {"next": safe_next(next), "csrf_token": csrf_token(request), "user": user}
    return render(request, "auth/login.html", context)


@login_router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, set the session cookie and go on; errors re-show the form.

    A supervisor or an administrator (or anyone who set up an authenticator) goes on to
    the code page, or to the set-up page when they have none yet: the cookie then holds a
    half-done sign-in that opens no other page.
    """
    gettext = translator(request_language(request)).gettext
    errors: dict[str, str] = {}
    retry_after = 0
    try:
        check_csrf(request, csrf)
        if not username:
            errors["username"] = gettext("Enter your username")
        if not password:
            errors["password"] = gettext("Enter your password")
        if not errors:
            result = do_sign_in(
                session,
                username=username,
                password=password,
                client=client_address(request),
                kind="session",
                hours=settings.session_hours,
                attempts_per_minute=settings.login_attempts_per_minute,
                accounts_per_client=settings.login_accounts_per_client,
                user_agent=request.headers.get("user-agent", ""),
            )
            target = safe_next(next)
            if result.kind != "session":
                step = "/login/code" if result.kind == "mfa" else "/login/enrol"
                target = f"{step}?{urlencode({'next': target})}"
            moved = RedirectResponse(target, status_code=303)
            set_session_cookie(moved, result.token, settings)
            return moved
    except RateLimitedError as exc:
        retry_after = exc.retry_after
        errors["username"] = gettext("Too many attempts. Try again in %(seconds)s seconds") % {
            "seconds": retry_after
        }
    except AuthenticationError as exc:
        if exc.field == "csrf_token":
            errors["csrf_token"] = gettext("The form expired. Try again")
        else:
            errors["password"] = gettext("The username or password is not right")
    context = {
        "next": safe_next(next),
        "csrf_token": csrf_token(request),
        "errors": errors,
        "username": username,
        "has_errors": True,
        "user": None,
    }
    if not retry_after:
        return render(request, "auth/login.html", context, status_code=422)
    response = render(request, "auth/login.html", context, status_code=429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _sign_out_again(request: Request, user: User | None) -> Response:
    gettext = translator(request_language(request)).gettext
    context = {
        "csrf_token": csrf_token(request),
        "user": user,
        "errors": [("sign-out", gettext("The form expired. Try again"))],
        "has_errors": True,
    }
    return render(request, "auth/sign_out.html", context, status_code=422)


@login_router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    user: OptionalPageUser,
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    """End the session (the token is deleted server side, not only forgotten).

    A stale form (a page kept open, another tab that signed out first) signs nobody out:
    the person is asked again on a page in their language, with a fresh token, as the
    login form does; the API's English problem is for programs, not for a browser.
    """
    try:
        check_csrf(request, csrf)
    except AuthenticationError:
        # Signed out already (another tab): user is None and the page still offers the button.
        return _sign_out_again(request, user)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        do_revoke_token(session, token)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    # A shared phone keeps nothing of the person who signed out: the finder's answers (a
    # criminal record, an irregular stay) live in a cookie of their own, and pages they saw
    # may sit in the browser's cache.
    response.delete_cookie(FINDER_COOKIE, path="/")
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
