"""Health checks for the operator and the orchestrator: ``/healthz`` and ``/readyz``.

- ``GET /healthz``: the process is up and answers (200, JSON). No database access, so a
  slow database does not get a healthy process restarted.
- ``GET /readyz``: the service can do its work: the database answers, its schema is at the
  packaged migrations' head, the permit signing keys are readable, and each configured
  registry is loaded or loading (a registry still indexing is ready: intake then
  searches it when the index is built). 200 with every check when ready; 503 naming the
  checks that fail, with why. A load balancer sends traffic only to ready workers.

Both are public (they reveal no personal data), unlike ``/metrics`` (:mod:`ruta.web.metrics`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ruta import __version__
from ruta.cases import RegistryIndexes
from ruta.settings import Settings
from ruta.store.migrate import schema_revisions

__all__ = ["health_router", "readiness"]

health_router = APIRouter(include_in_schema=False)


@health_router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok", "version": __version__}


def _database(request: Request) -> dict[str, Any]:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"; say which
        return {"ok": False, "detail": f"database not reachable: {type(exc).__name__}"}
    return {"ok": True}


def _migrations(request: Request) -> dict[str, Any]:
    try:
        current, heads = schema_revisions(request.app.state.engine)
    except Exception as exc:  # unreachable database: reported by the database check too
        return {"ok": False, "detail": f"schema revision unknown: {type(exc).__name__}"}
    result: dict[str, Any] = {"ok": current == heads, "current": current, "head": heads}
    if current != heads:
        result["detail"] = "the schema is not at the latest migration; run ruta db upgrade"
    return result


def _signing_keys(settings: Settings) -> dict[str, Any]:
    root = settings.resolved_keys_dir
    keys = sorted(root.rglob("*.pem")) if root.is_dir() else []
    if not keys:
        if settings.env == "production":
            return {
                "ok": False,
                "detail": f"no signing keys in {root}; install the state's keys there "
                "(docs/operations.md, key custody) or run ruta permits keys init",
            }
        # Development and test generate keys when the first permit is issued.
        return {"ok": True, "keys": 0, "detail": "none yet; created at the first issue"}
    unreadable = [str(p.relative_to(root)) for p in keys if not _readable(p)]
    if unreadable:
        return {"ok": False, "keys": len(keys), "detail": f"unreadable: {', '.join(unreadable)}"}
    return {"ok": True, "keys": len(keys)}


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return bool(f.read(1))
    except OSError:
        return False


def _registries(registries: RegistryIndexes) -> dict[str, Any]:
    states = {country: registries.status(country) for country in registries.countries()}
    failed = sorted(c for c, state in states.items() if state == "failed")
    result: dict[str, Any] = {"ok": not failed, "countries": states}
    if failed:
        result["detail"] = f"registry index failed for {', '.join(failed)}; see the log"
    return result


def readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Every readiness check by name, each with ``ok`` and, when useful, ``detail``."""
    settings: Settings = request.app.state.settings
    return {
        "database": _database(request),
        "migrations": _migrations(request),
        "signing_keys": _signing_keys(settings),
        "registries": _registries(request.app.state.registries),
    }


@health_router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 when every check passes, else 503 naming the failing ones."""
    checks = readiness(request)
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {
        "status": "not ready" if failing else "ready",
        "failing": failing,
        "checks": checks,
        "pid": os.getpid(),
    }
    return JSONResponse(body, status_code=503 if failing else 200)
