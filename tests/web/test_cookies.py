"""Secure cookies in production (issue 16, finding 4).

Production refuses to start without ``RUTA_COOKIE_SECURE`` (as it refuses the development
secret); with it, every cookie the service sets carries ``Secure``, whichever page set it.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, SECRET

from ruta.errors import RutaError
from ruta.settings import Settings
from ruta.web import create_app


def test_production_refuses_to_start_without_secure_cookies(monkeypatch) -> None:
    with pytest.raises(RutaError) as refused:
        Settings(env="production", secret_key=SECRET)
    assert refused.value.field == "cookie_secure"
    assert "RUTA_COOKIE_SECURE=true" in refused.value.message
    # From the environment too, as a deployment sets it.
    monkeypatch.setenv("RUTA_ENV", "production")
    monkeypatch.setenv("RUTA_SECRET_KEY", SECRET)
    monkeypatch.setenv("RUTA_COOKIE_SECURE", "false")
    with pytest.raises(RutaError):
        Settings()
    monkeypatch.setenv("RUTA_COOKIE_SECURE", "true")
    assert Settings().cookie_secure


def test_every_cookie_is_secure_when_configured(settings, make_user) -> None:
    app = create_app(settings.model_copy(update={"cookie_secure": True}))
    make_user("ana", "caseworker", "COL")
    seen: list[str] = []
    with TestClient(app, base_url="https://testserver") as client:
        for response in (
            client.get("/login", params={"lang": "es"}),  # CSRF nonce and language
            client.get("/finder/question"),  # the finder's answers
        ):
            seen += response.headers.get_list("set-cookie")
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        login = client.post(
            "/login",
            data={"csrf_token": token.group(1), "username": "ana", "password": PASSWORD},
            follow_redirects=False,
        )
        seen += login.headers.get_list("set-cookie")
    app.state.engine.dispose()
    names = {cookie.split("=", 1)[0] for cookie in seen}
    assert {"ruta_csrf", "ruta_session"} <= names and len(names) >= 3
    insecure = [c for c in seen if "secure" not in c.lower().split("; ")[1:]]
    assert insecure == []
