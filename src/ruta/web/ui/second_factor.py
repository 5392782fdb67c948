"""The second factor's pages: the code at sign-in, the set-up (forced for supervisors and
administrators at their first sign-in, offered to everyone else), and the recovery codes.

A half-done sign-in lives in the session cookie as a token of kind ``mfa`` or ``enrol``
(:func:`ruta.cases.actions.authentication.do_sign_in`); no other page accepts it, so a
stolen password alone opens nothing. The secret is shown once, as a QR code (inline SVG,
drawn by segno) and as text to type in; after the first code confirms it, no page shows it
again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from ruta.cases.actions.authentication import (
    do_begin_enrolment,
    do_confirm_enrolment,
    do_second_factor,
    enrolling_user,
)
from ruta.cases.errors import AuthenticationError, RateLimitedError
from ruta.errors import RutaError
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep, SettingsDep
from ruta.web.i18n import render
from ruta.web.security import SESSION_COOKIE, csrf_token, safe_next, set_session_cookie
from ruta.web.ui._forms import ErrorList, gettext_for
from ruta.web.ui._post import FormPost, see_other

__all__ = ["router"]

router = APIRouter(tags=["pages: second factor"])


def _qr_svg(uri: str, title: str) -> Markup:
    import segno

    svg = segno.make(uri, error="m").svg_inline(
        scale=5, title=title, svgclass="qr", dark="#000", light="#fff"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's own SVG, no user text but the escaped title


def _grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _restart(next_url: str) -> Response:
    return RedirectResponse(f"/login?{urlencode({'next': next_url})}", status_code=303)


def _enrol_page(
    request: Request,
    user: User,
    secret: str,
    uri: str,
    *,
    action: str,
    next_url: str,
    error: str | None = None,
    status: int = 200,
) -> Response:
    _ = gettext_for(request)
    context: dict[str, Any] = {
        "csrf_token": csrf_token(request),
        "user": user if action.startswith("/account") else None,
        "qr": _qr_svg(uri, _("QR code to scan with an authenticator app")),
        "secret": _grouped(secret),
        "action": action,
        "next": next_url,
        "error": error,
        "forced": action.startswith("/login"),
    }
    return render(request, "auth/enrol.html", context, status_code=status)


def _codes_page(request: Request, user: User | None, codes: list[str], next_url: str) -> Response:
    context = {
        "codes": codes,
        "next": next_url,
        "user": user,
        # The header's sign-out form, shown with a user: an optional set-up keeps the
        # session, so its token holds (a sign-in's set-up shows no user and no form).
        "csrf_token": csrf_token(request) if user is not None else None,
    }
    response = render(request, "auth/recovery_codes.html", context)
    # Shown once: no cache may keep the page (the back button must not bring it back).
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login/code")
def code_page(request: Request, next: str = "/") -> Response:
    """Ask for the authenticator's code (the password was right)."""
    if not request.cookies.get(SESSION_COOKIE):
        return _restart(safe_next(next))
    context = {"csrf_token": csrf_token(request), "next": safe_next(next), "user": None}
    return render(request, "auth/code.html", context)


@router.post("/login/code")
async def code_submit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Check the code (or a recovery code) and finish the sign-in."""
    post = await FormPost.read(request, session, None, field="code")
    _ = post.gettext
    next_url = safe_next(str(post.form.get("next") or "/"))
    code = post.text("code")[:20]
    post.check(code, "code", _("Enter the 6-digit code from your authenticator app"))
    retry = 0

    def refusal(exc: RutaError) -> tuple[str, str] | Response | None:
        nonlocal retry
        if isinstance(exc, RateLimitedError):
            retry = exc.retry_after
            return (
                "code",
                _("Too many attempts. Try again in %(seconds)s seconds") % {"seconds": retry},
            )
        if isinstance(exc, AuthenticationError):
            if exc.field == "token":  # the half-done sign-in is gone: start again
                return _restart(next_url)
            return (
                "code",
                _("The code is not right or was already used. Enter the code the app shows now"),
            )
        return post.refusal(exc)

    def signed_in(token: str) -> Response:
        moved = see_other(next_url)
        set_session_cookie(moved, token, settings)
        return moved

    def page(errors: ErrorList) -> Response:
        context = {
            "csrf_token": csrf_token(request),
            "next": next_url,
            "error": errors[0][1],
            "user": None,
        }
        response = render(request, "auth/code.html", context, status_code=429 if retry else 422)
        if retry:
            response.headers["Retry-After"] = str(retry)
        return response

    return post.run(
        lambda: do_second_factor(
            session,
            token=request.cookies.get(SESSION_COOKIE, ""),
            code=code,
            totp_key=settings.secret_key.get_secret_value(),
            hours=settings.session_hours,
            attempts_per_minute=settings.login_attempts_per_minute,
        ),
        done=signed_in,
        page=page,
        refusal=refusal,
    )


@router.get("/login/enrol")
def enrol_page(
    request: Request, session: SessionDep, settings: SettingsDep, next: str = "/"
) -> Response:
    """The forced set-up of a supervisor's or an administrator's authenticator."""
    try:
        user = enrolling_user(session, request.cookies.get(SESSION_COOKIE, ""))
    except AuthenticationError:
        return _restart(safe_next(next))
    secret, uri = do_begin_enrolment(session, user, totp_key=settings.secret_key.get_secret_value())
    return _enrol_page(request, user, secret, uri, action="/login/enrol", next_url=safe_next(next))


async def _confirm(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: User,
    *,
    pending: str | None,
    action: str,
) -> Response:
    post = await FormPost.read(request, session, user, field="code")
    _ = post.gettext
    next_url = safe_next(str(post.form.get("next") or "/"))
    code = post.text("code")[:20]
    key = settings.secret_key.get_secret_value()
    post.check(code, "code", _("Enter the 6-digit code from your authenticator app"))

    def refusal(exc: RutaError) -> tuple[str, str] | Response:
        if isinstance(exc, AuthenticationError):
            return ("code", _("The code is not right. Enter the 6 digits the app shows now"))
        # Any other refusal (an authenticator already set up): the page shows where it stands.
        return see_other(action)

    def codes(done: tuple[list[str], str | None]) -> Response:
        recovery, token = done
        response = _codes_page(request, user if pending is None else None, recovery, next_url)
        if token is not None:
            set_session_cookie(response, token, settings)
        return response

    def page(errors: ErrorList) -> Response:
        secret, uri = do_begin_enrolment(session, user, totp_key=key)
        return _enrol_page(
            request,
            user,
            secret,
            uri,
            action=action,
            next_url=next_url,
            error=errors[0][1],
            status=422,
        )

    return post.run(
        lambda: do_confirm_enrolment(
            session,
            user,
            code=code,
            totp_key=key,
            pending_token=pending,
            hours=settings.session_hours,
        ),
        done=codes,
        page=page,
        refusal=refusal,
    )


@router.post("/login/enrol")
async def enrol_submit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Confirm the new authenticator with a first code; show the recovery codes once."""
    pending = request.cookies.get(SESSION_COOKIE, "")
    try:
        user = enrolling_user(session, pending)
    except AuthenticationError:
        return _restart("/")
    return await _confirm(request, session, settings, user, pending=pending, action="/login/enrol")


@router.get("/account/two-factor", name="two_factor")
def two_factor_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageUser
) -> Response:
    """Set up an authenticator (optional for caseworkers, auditors and applicants)."""
    if user.totp_enabled:
        context = {"user": user, "csrf_token": csrf_token(request)}
        return render(request, "auth/two_factor_on.html", context)
    secret, uri = do_begin_enrolment(session, user, totp_key=settings.secret_key.get_secret_value())
    return _enrol_page(
        request, user, secret, uri, action="/account/two-factor", next_url="/account/sessions"
    )


@router.post("/account/two-factor")
async def two_factor_submit(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageUser
) -> Response:
    """Confirm the optional authenticator; show the recovery codes once."""
    return await _confirm(
        request, session, settings, user, pending=None, action="/account/two-factor"
    )
