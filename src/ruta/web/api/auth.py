"""``POST /api/v1/auth/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ruta.cases.actions.authentication import do_login
from ruta.web.api.schemas import TokenIn, TokenOut
from ruta.web.deps import SessionDep, SettingsDep, client_address

__all__ = ["router"]

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    responses={
        401: {
            "description": "Wrong username, password or second-factor code (field "
            "'password' or 'otp'), or a supervisor or administrator without a second factor"
        },
        429: {"description": "Rate limited"},
    },
)
def issue_token(
    body: TokenIn, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    """A bearer token for API clients.

    Supervisors and administrators (and anyone who set up an authenticator) send the
    authenticator's code, or a recovery code, in ``otp``. Failures are limited per account
    and by the number of accounts one address fails on (429 with ``Retry-After``).
    """
    _user, token = do_login(
        session,
        username=body.username,
        password=body.password,
        client=client_address(request),
        kind="api",
        hours=settings.token_hours,
        attempts_per_minute=settings.login_attempts_per_minute,
        accounts_per_client=settings.login_accounts_per_client,
        user_agent=request.headers.get("user-agent", ""),
        otp=body.otp,
        totp_key=settings.secret_key.get_secret_value(),
    )
    return TokenOut(access_token=token, expires_in=settings.token_hours * 3600)
