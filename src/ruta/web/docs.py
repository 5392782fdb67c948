"""The interactive API reference (Swagger UI) at ``/api/v1/docs``, under its own policy.

FastAPI's page loads Swagger UI from its CDN and starts it with one inline script. Every
other page forbids inline script (:mod:`ruta.web.headers`); this one admits exactly that
script by its SHA-256 hash, the CDN for Swagger UI's files, and inline styles (Swagger UI
sets element styles at run time). The page shows only the public OpenAPI description.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

__all__ = ["docs_policy", "docs_router"]

_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)

docs_router = APIRouter(include_in_schema=False)


def docs_policy(html: bytes) -> str:
    """The Content-Security-Policy of ``html``: its inline scripts by hash, nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(html)
    )
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {_CDN} {hashes}",
            f"style-src 'self' {_CDN} 'unsafe-inline'",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


@docs_router.get("/api/v1/docs")
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over ``/api/v1/openapi.json`` (below the service's root path)."""
    root = request.scope.get("root_path", "").rstrip("/")
    page = get_swagger_ui_html(
        openapi_url=f"{root}/api/v1/openapi.json", title="Ruta casework API - Swagger UI"
    )
    page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body))
    return page
