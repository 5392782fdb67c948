"""Account pages: "Your sessions" for everyone signed in, and the administrators' pages
for managing accounts (``/admin/users``).

Every change goes through :mod:`ruta.cases.actions.accounts` (permission, scope, audit);
the pages parse forms, call one action and show what happened. Forms carry the CSRF
token; a successful change redirects back with ``?done=<what>`` and the page says so,
except a password reset, whose new password is shown once in the response itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases import actions
from ruta.cases.actions.accounts import LAST_ADMIN, OWN_ACCOUNT, OWN_ROLE
from ruta.cases.errors import CasesError, NotFoundError, PermissionDeniedError
from ruta.cases.workflow import ROLES
from ruta.errors import RutaError
from ruta.i18n import Text
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep
from ruta.web.i18n import render
from ruta.web.security import SESSION_COOKIE, csrf_token
from ruta.web.ui._forms import gettext_for
from ruta.web.ui._post import FormPost, see_other

__all__ = ["router"]

router = APIRouter(tags=["pages: accounts"])


def _done_messages(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "revoked": _("The session was signed out."),
        "revoked_others": _("Your other sessions were signed out."),
        "disabled": _("The account was disabled and its sessions were signed out."),
        "enabled": _("The account was enabled."),
        "role": _("The role was changed and the account's sessions were signed out."),
        "second_factor": _(
            "The authenticator app was removed; a new one is set up at the next sign-in."
        ),
        "sessions": _("The account's sessions were signed out."),
    }


def _notice(request: Request) -> str | None:
    return _done_messages(request).get(request.query_params.get("done", ""))


def _error_message(request: Request, exc: RutaError) -> str:
    """A translated sentence for the errors an administrator can meet on these pages."""
    gettext = gettext_for(request)

    def _(message: str) -> str:
        return str(gettext(message))

    # The catalog message tells the refusal, in whatever language it would be said.
    said = exc.message.message if isinstance(exc.message, Text) else exc.message
    if said == LAST_ADMIN:
        return _("This is the last active administrator. Make another account administrator first")
    if said in (OWN_ACCOUNT, OWN_ROLE):
        return _("You cannot change your own account here. Ask another administrator")
    if exc.field == "country":
        return _("Enter a country as a 3-letter code, like COL, that you manage")
    if exc.field == "role":
        return _("Choose one of the roles")
    if exc.field == "password":
        return _("Choose a stronger password")
    return _("This change is not possible. Reload the page and try again")


# ---------------------------------------------------------------- your sessions


@router.get("/account/sessions", name="my_sessions")
def sessions_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The signed-in person's sessions and API tokens, each with a button to end it."""
    token = request.cookies.get(SESSION_COOKIE, "")
    rows = actions.list_sessions(session, user, current_token=token)
    context = {
        "user": user,
        "csrf_token": csrf_token(request),
        "sessions": rows,
        "notice": _notice(request),
    }
    return render(request, "account/sessions.html", context)


@router.post("/account/sessions/revoke", name="revoke_my_session")
async def revoke_my_session(request: Request, session: SessionDep, user: PageUser) -> Response:
    """End one session (``session``) or every other one (``others``)."""
    post = await FormPost.read(request, session, user, field="session")
    current = request.cookies.get(SESSION_COOKIE, "")
    if post.form.get("others"):
        return post.run(
            lambda: actions.do_revoke_other_sessions(session, user, current),
            done=lambda _n: see_other("/account/sessions?done=revoked_others"),
            page=lambda _errors: see_other("/account/sessions"),  # a stale form: reload
        )
    return post.run(
        lambda: actions.do_revoke_session(session, user, str(post.form.get("session") or "")),
        done=lambda _n: see_other("/account/sessions?done=revoked"),
        page=lambda _errors: see_other("/account/sessions"),
    )


# ---------------------------------------------------------------- administrators


def _list_context(request: Request, session: SessionDep, user: User) -> dict[str, Any]:
    params = request.query_params
    query = {
        "role": params.get("role", ""),
        "country": params.get("country", "").strip().upper()[:3],
        "status": params.get("status", ""),
        "q": params.get("q", "").strip()[:80],
    }
    error = None
    try:
        rows = actions.list_users(
            session,
            user,
            role=query["role"] if query["role"] in ROLES else None,
            country=query["country"] or None,
            active={"active": True, "disabled": False}.get(query["status"]),
            search=query["q"] or None,
        )
    except PermissionDeniedError:
        raise
    except CasesError as exc:
        rows, error = [], _error_message(request, exc)
    return {
        "user": user,
        "csrf_token": csrf_token(request),
        "rows": rows,
        "query": query,
        "roles": ROLES,
        "error": error,
    }


@router.get("/admin/users", name="admin_users")
def users_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Accounts in the administrator's scope, filtered by role, country, status or name."""
    context = _list_context(request, session, user)
    return render(
        request, "admin/users.html", context, status_code=422 if context["error"] else 200
    )


def _user_page(
    request: Request,
    session: SessionDep,
    admin: User,
    username: str,
    *,
    error: str | None = None,
    password: str | None = None,
    status: int = 200,
) -> Response:
    account = actions.get_user(session, admin, username)
    context = {
        "user": admin,
        "csrf_token": csrf_token(request),
        "account": account,
        "sessions": actions.list_sessions(session, admin, username=account.username),
        "roles": ROLES,
        "notice": None if error else _notice(request),
        "error": error,
        "new_password": password,
    }
    response = render(request, "admin/user.html", context, status_code=status)
    if password:
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/admin/users/{username}", name="admin_user")
def user_page(request: Request, session: SessionDep, user: PageUser, username: str) -> Response:
    """One account: its details, its sessions, and the forms that change it."""
    return _user_page(request, session, user, username)


@router.post("/admin/users/{username}/{change}", name="admin_user_change")
async def user_change(
    request: Request, session: SessionDep, user: PageUser, username: str, change: str
) -> Response:
    """Apply one change: ``disable``, ``enable``, ``password``, ``role``,
    ``second-factor`` or ``sessions`` (sign every session out)."""
    post = await FormPost.read(request, session, user, field="change")
    back = f"/admin/users/{username}"

    def role() -> Response:
        actions.do_set_role(
            session,
            user,
            username,
            str(post.form.get("role") or ""),
            country=str(post.form.get("country") or "").strip().upper() or None,
            office=str(post.form.get("office") or ""),
        )
        return see_other(f"{back}?done=role")

    def password() -> Response:
        _account, new = actions.do_reset_password(session, user, username)
        return _user_page(request, session, user, username, password=new)

    def then(action: Any, done: str) -> Callable[[], Response]:
        def run() -> Response:
            action(session, user, username)
            return see_other(f"{back}?{urlencode({'done': done})}")

        return run

    changes: dict[str, Callable[[], Response]] = {
        "disable": then(actions.do_disable_user, "disabled"),
        "enable": then(actions.do_enable_user, "enabled"),
        "password": password,
        "role": role,
        "second-factor": then(actions.do_reset_second_factor, "second_factor"),
        "sessions": then(actions.do_revoke_user_sessions, "sessions"),
    }
    impossible = post.gettext("This change is not possible. Reload the page and try again")
    post.check(change in changes, "change", impossible)

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        return ("change", _error_message(request, exc))

    return post.run(
        lambda: changes[change](),
        done=lambda response: response,
        page=lambda errors: _user_page(
            request, session, user, username, error=errors[0][1], status=422
        ),
        refusal=refusal,
    )
