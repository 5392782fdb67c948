"""An app on the test database, a client, and signed-in users (API tokens, page sessions).

Shared by the API tests and the page tests: ``app`` is ``create_app`` on the
parametrised ``database`` (SQLite and PostgreSQL), ``client`` a TestClient on it, and
``login``/``api_headers`` give a bearer token for a user created on the fly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import enrol_second_factor, second_factor_code

from ruta.cases.actions.authentication import SECOND_FACTOR_ROLES, do_create_user
from ruta.settings import Settings
from ruta.store.models import User
from ruta.web import create_app

PASSWORD = "correct-horse-battery"
SECRET = "test-secret-" + "x" * 40


@pytest.fixture
def settings(database, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        secret_key=SECRET,
        database_url=database.url,
        data_dir=tmp_path / "var",
        password_hashing="cheapest",
        max_upload_bytes=4096,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_user(database) -> Callable[..., User]:
    def make(
        username: str, role: str, country: str | None = None, office: str | None = None
    ) -> User:
        with database.sessionmaker() as s:
            user = do_create_user(
                s,
                None,
                username=username,
                password=PASSWORD,
                role=role,
                country=country,
                office=office,
            )
        if role in SECOND_FACTOR_ROLES:
            enrol_second_factor(database.sessionmaker, username, SECRET)
        return user

    return make


@pytest.fixture
def api_headers(make_user, sign_in) -> Callable[..., dict[str, str]]:
    """``api_headers("ana", "caseworker", "COL")``: create the user, return bearer headers."""

    def headers(username: str, role: str, country: str | None = None) -> dict[str, str]:
        make_user(username, role, country)
        return sign_in(username)

    return headers


@pytest.fixture
def sign_in(client: TestClient, database) -> Callable[[str], dict[str, str]]:
    """``sign_in("ana")``: bearer headers for an existing user (with the second factor's
    code when the account has one)."""

    def headers(username: str) -> dict[str, str]:
        body = {"username": username, "password": PASSWORD}
        with database.sessionmaker() as s:
            enrolled = s.scalar(select(User.totp_enabled).where(User.username == username))
        if enrolled:
            body["otp"] = second_factor_code(database.sessionmaker, username)
        r = client.post("/api/v1/auth/token", json=body)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return headers
