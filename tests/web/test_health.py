"""/healthz and /readyz (ruta.web.health): up, ready, and 503 naming what is not ready."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from ruta.settings import Settings
from ruta.web import create_app


def test_healthz_answers_without_the_database(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_ready_on_a_migrated_database(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "signing_keys", "registries"}
    migrations = body["checks"]["migrations"]
    assert migrations["current"] == migrations["head"] and migrations["head"]


def test_not_ready_when_the_schema_is_behind(settings: Settings, database) -> None:
    with database.engine.begin() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    app = create_app(settings)
    try:
        r = TestClient(app).get("/readyz")
        assert r.status_code == 503
        assert r.json()["failing"] == ["migrations"]
        assert "ruta db upgrade" in r.json()["checks"]["migrations"]["detail"]
    finally:
        app.state.engine.dispose()
        # The PostgreSQL schema is shared by the session's tests (only tables are emptied).
        with database.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_not_ready_without_a_database(tmp_path: Path) -> None:
    # A database server that is not there (nothing listens on port 9 of loopback).
    settings = Settings(
        env="test",
        secret_key="s" * 40,
        database_url="postgresql+psycopg://ruta@127.0.0.1:9/ruta?connect_timeout=2",
        data_dir=tmp_path,
        password_hashing="cheapest",
    )
    app = create_app(settings)
    try:
        r = TestClient(app).get("/readyz")
        assert r.status_code == 503 and r.headers["content-type"] == "application/json"
        assert {"database", "migrations"} <= set(r.json()["failing"])
        assert TestClient(app).get("/healthz").status_code == 200
    finally:
        app.state.engine.dispose()


def test_signing_keys_must_be_readable_and_present_in_production(
    settings: Settings, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    production = settings.model_copy(update={"env": "production", "keys_dir": keys})
    app = create_app(production)
    try:
        client = TestClient(app)
        missing = client.get("/readyz")
        assert missing.status_code == 503 and missing.json()["failing"] == ["signing_keys"]
        assert "ruta permits keys init" in missing.json()["checks"]["signing_keys"]["detail"]
        (keys / "issuers" / "COL").mkdir(parents=True)
        (keys / "operator.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
        locked = keys / "issuers" / "COL" / "k1.pem"
        locked.write_text("-----BEGIN PRIVATE KEY-----\n")
        assert client.get("/readyz").status_code == 200
        locked.chmod(0o000)
        try:
            if locked.open("rb").read(1):  # root reads anything: nothing to test then
                return
        except OSError:
            pass
        unreadable = client.get("/readyz")
        assert unreadable.status_code == 503
        assert "issuers/COL/k1.pem" in unreadable.json()["checks"]["signing_keys"]["detail"]
    finally:
        app.state.engine.dispose()


def test_a_failed_registry_is_named(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("not,a,registry\n1,2,3\n")
    app = create_app(settings.model_copy(update={"registries": {"PER": broken}}))
    try:
        client = TestClient(app)
        deadline = time.monotonic() + 60
        while app.state.registries.status("PER") == "loading" and time.monotonic() < deadline:
            time.sleep(0.05)
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["failing"] == ["registries"]
        assert r.json()["checks"]["registries"]["countries"] == {"PER": "failed"}
        assert "PER" in r.json()["checks"]["registries"]["detail"]
    finally:
        app.state.engine.dispose()
