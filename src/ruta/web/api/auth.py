"""``POST /api/v1/auth/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ruta.cases.accounts import do_login
from ruta.web.api.schemas import TokenIn, TokenOut
from ruta.web.deps import SessionDep, SettingsDep, client_address

__all__ = ["router"]

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Rate limited"},
    },
)
def issue_token(
    body: TokenIn, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    """A bearer token for API clients (rate-limited per username and per address)."""
    _user, token = do_login(
        session,
        username=body.username,
        password=body.password,
        client=client_address(request),
        kind="api",
        hours=settings.token_hours,
        attempts_per_minute=settings.login_attempts_per_minute,
    )
    return TokenOut(access_token=token, expires_in=settings.token_hours * 3600)
