"""The shared rate limiter (ruta.web.ratelimit) on its two storages, and as a dependency."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from ruta.errors import RutaError
from ruta.settings import Settings
from ruta.web.problems import PROBLEM_JSON, install_problem_handlers
from ruta.web.ratelimit import Limiter, client_identity, parse_limit, rate_limit

STORAGES = ("memory://", "redis://127.0.0.1:6379")


@pytest.mark.parametrize("storage", STORAGES)
def test_every_part_of_a_limit_holds_and_refusals_do_not_count(storage: str) -> None:
    limiter = Limiter(storage)
    scope = f"test-{uuid.uuid4().hex}"  # Redis is shared: a scope of this run's own
    results = [limiter.hit(scope, "3/minute;4/hour", "198.51.100.7") for _ in range(5)]
    assert results[:3] == [0, 0, 0] and 0 < results[3] <= 60 and results[4] > 0
    # Another client has its own count.
    assert limiter.hit(scope, "3/minute;4/hour", "198.51.100.8") == 0


@pytest.mark.parametrize("storage", STORAGES)
def test_two_limiters_on_one_redis_share_counts_as_two_workers_would(storage: str) -> None:
    scope = f"test-{uuid.uuid4().hex}"
    first, second = Limiter(storage), Limiter(storage)
    assert first.hit(scope, "1/minute", "k") == 0
    shared = second.hit(scope, "1/minute", "k") > 0
    assert shared is storage.startswith("redis")


def test_bad_limits_and_storages_name_the_setting() -> None:
    with pytest.raises(RutaError) as bad:
        parse_limit("ten a minute", field="account_rate_limit")
    assert bad.value.field == "account_rate_limit" and "10/minute" in bad.value.message
    with pytest.raises(RutaError) as storage:
        Limiter("carrier-pigeon://")
    assert storage.value.field == "rate_limit_storage"
    with pytest.raises(RutaError) as setting:
        Settings(account_rate_limit="often")
    assert setting.value.field == "account_rate_limit"


def test_the_dependency_answers_429_problem_json_with_retry_after() -> None:
    app = FastAPI()
    app.state.settings = Settings(env="development")
    app.state.limiter = Limiter("memory://")
    install_problem_handlers(app)

    @app.get("/limited", dependencies=[rate_limit("limited", "2/minute")])
    def limited() -> dict[str, str]:
        return {"ok": "yes"}

    client = TestClient(app)
    assert [client.get("/limited").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/limited")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.json()["field"] == "rate_limit"


def test_client_identity_ignores_forwarded_headers() -> None:
    app = FastAPI()

    @app.get("/who")
    def who(request: Request) -> dict[str, str]:
        return {"id": client_identity(request)}

    answer = TestClient(app).get("/who", headers={"X-Forwarded-For": "203.0.113.1"})
    assert answer.json() == {"id": "testclient"}


def test_finder_pages_are_limited_per_address_with_a_page_in_the_language(
    database, tmp_path
) -> None:
    from fastapi.testclient import TestClient

    from ruta.settings import Settings
    from ruta.web import create_app

    settings = Settings(
        env="test",
        secret_key="finder-limit-secret-" + "x" * 32,
        database_url=database.url,
        data_dir=tmp_path,
        finder_rate_limit="3/minute",
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            statuses = [client.get("/finder?lang=es").status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            limited = client.get("/finder?lang=es")
            assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
            assert "Demasiadas solicitudes" in limited.text
            assert limited.headers["content-type"].startswith("text/html")
            # The caseworkers' pages are not behind the finder's limit.
            assert client.get("/login").status_code == 200
    finally:
        app.state.engine.dispose()
