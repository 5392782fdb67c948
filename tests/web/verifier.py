"""What the verifier's page and API tests share: a holder, a key store with an old and a
current key, and the verifier's router mounted alone on an app of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from ruta.permits import KeyStore
from ruta.settings import Settings
from ruta.web.permits import router
from ruta.web.ratelimit import Limiter

HOLDER = {
    "given_names": "Ana María",
    "surname_1": "Pérez",
    "date_of_birth": "1990-01-02",
    "nationality": "VEN",
    "sex": "F",
}


def rotated_keys(tmp_path: Path) -> Path:
    """A COL key store whose first key dates from 2021 (for an expired permit), then rotated."""
    store = KeyStore(tmp_path / "keys")
    store.init("COL", now=datetime(2021, 1, 1, tzinfo=UTC))
    store.init("COL", rotate=True)
    return store.root


def verifier_app(settings: Settings) -> FastAPI:
    """The verifier's routes with their settings and an in-memory rate limiter."""
    app = FastAPI()
    app.state.settings = settings
    app.state.limiter = Limiter("memory://")
    app.include_router(router)
    return app
