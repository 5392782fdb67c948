"""FastAPI dependencies as ``Annotated`` aliases.

For the UI engineer and the API routes:

- ``SettingsDep``: the app's :class:`~ruta.settings.Settings`.
- ``RegistriesDep``: the app's :class:`~ruta.cases.RegistryIndexes` (duplicate check).
- ``SessionDep``: a SQLAlchemy session for this request (closed afterwards); pass it to
  the ``ruta.cases.actions`` functions, never query in a route.
- ``ApiUser`` (alias ``CurrentUser``): the user of the ``Authorization: Bearer`` token;
  401 problem+json otherwise. A hot route may take ``BearerCredentials`` instead and call
  :func:`api_user` itself (the same check, in the route's thread).
- ``PageUser``: the user of the session cookie; redirects to ``/login?next=...`` otherwise.
- ``OptionalPageUser``: the same, or ``None`` for anonymous pages.

Form posts check their CSRF token with :class:`ruta.web.ui._post.FormPost` (a stale token is
an error shown on the form, not a bare 403).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ruta.cases import RegistryIndexes
from ruta.cases.actions.authentication import user_for_token
from ruta.cases.errors import AuthenticationError
from ruta.i18n import N_
from ruta.settings import Settings
from ruta.store.models import User
from ruta.web.problems import LoginRequired
from ruta.web.ratelimit import client_identity

__all__ = [
    "ApiUser",
    "BearerCredentials",
    "CurrentUser",
    "OptionalPageUser",
    "PageUser",
    "RegistriesDep",
    "SessionDep",
    "SettingsDep",
    "api_user",
    "client_address",
    "signed_in_username",
]

_SESSION_COOKIE = "ruta_session"  # the same name as ruta.web.security.SESSION_COOKIE


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


async def _registries(request: Request) -> RegistryIndexes:
    # Why async: an attribute read; a plain function would cost a thread hand-off.
    registries: RegistryIndexes = request.app.state.registries
    return registries


RegistriesDep = Annotated[RegistryIndexes, Depends(_registries)]


async def _session(request: Request) -> AsyncIterator[Session]:
    # Why async: a plain generator runs its start and its end each in the thread pool,
    # two hand-offs per request; making a Session does no I/O (it connects on first use,
    # in the route's thread), and neither does closing one whose action committed.
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        if session.in_transaction():
            # Left open (an action failed, or a page only read): the rollback on close
            # talks to the database, so it must not block the event loop.
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(_session)]

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/v1/auth/token")


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def api_user(session: Session, credentials: HTTPAuthorizationCredentials | None) -> User:
    """The user of a bearer token (what ``ApiUser`` resolves), for a route that checks the
    token in its own thread: the submission route, to save a thread hand-off.

    Raises:
        AuthenticationError: no bearer token, or an unknown or expired one (401).
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError(
            N_("send 'Authorization: Bearer <token>' (get one from POST /api/v1/auth/token)"),
            field="Authorization",
        )
    return user_for_token(session, credentials.credentials, "api")


def _api_user(session: SessionDep, credentials: BearerCredentials) -> User:
    return api_user(session, credentials)


ApiUser = Annotated[User, Depends(_api_user)]
CurrentUser = ApiUser


def _optional_page_user(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(_SESSION_COOKIE)
    if not token:
        return None
    try:
        return user_for_token(session, token, "session")
    except AuthenticationError:
        return None


OptionalPageUser = Annotated[User | None, Depends(_optional_page_user)]


def signed_in_username(request: Request) -> str | None:
    """Who is signed in on this browser, for pages that need no database otherwise.

    The finder runs without a case store (a bare app in its tests, a kiosk without
    casework); on the full service it still shows who is signed in, so that a person on a
    shared phone sees the previous person's session and can sign out.
    """
    token = request.cookies.get(_SESSION_COOKIE)
    maker = getattr(request.app.state, "sessionmaker", None)
    if not token or maker is None:
        return None
    with maker() as session:
        try:
            return user_for_token(session, token, "session").username
        except AuthenticationError:
            return None


def _page_user(request: Request, user: OptionalPageUser) -> User:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


PageUser = Annotated[User, Depends(_page_user)]


#: The caller's identity for rate limits and the login throttle (one definition, in
#: :mod:`ruta.web.ratelimit`).
client_address = client_identity
