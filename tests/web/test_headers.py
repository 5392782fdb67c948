"""Security headers (ruta.web.headers) on every kind of response: pages, API, static
files, errors, redirects; HSTS only when cookies are Secure; no inline script in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ruta.settings import Settings
from ruta.web import create_app
from ruta.web.headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "ruta" / "web" / "templates"
ROUTES = [
    ("GET", "/finder", 200),  # a page
    ("GET", "/verify", 200),  # the page that has a script
    ("GET", "/api/v1/openapi.json", 200),  # the API
    ("GET", "/static/ruta.css", 200),  # a static file
    ("GET", "/static/verify.js", 200),
    ("GET", "/no/such/page", 404),  # an error page
    ("GET", "/api/v1/applications", 401),  # an API error (problem+json)
    ("GET", "/casework/queue", 303),  # a redirect to sign in
    ("POST", "/api/v1/auth/token", 422),  # bad input
]


def _check(response, hsts: bool) -> None:
    h = response.headers
    assert h["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert h["x-frame-options"] == "DENY"
    assert ("strict-transport-security" in h) is hsts
    if hsts:
        assert int(h["strict-transport-security"].split("=")[1]) >= 180 * 24 * 3600


def test_the_policy_is_strict() -> None:
    parts = dict(p.split(" ", 1) for p in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert parts["script-src"] == "'self'" and parts["frame-ancestors"] == "'none'"
    assert parts["object-src"] == "'none'"


@pytest.mark.parametrize("secure", [False, True])
def test_every_kind_of_response_carries_the_headers(settings: Settings, secure: bool) -> None:
    app = create_app(settings.model_copy(update={"cookie_secure": secure}))
    try:
        client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
        for method, path, status in ROUTES:
            response = client.request(method, path)
            assert response.status_code in (status, 302), (path, response.status_code)
            _check(response, hsts=secure)
    finally:
        app.state.engine.dispose()


def test_an_unexpected_error_carries_them_too(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("unexpected")

    try:
        response = TestClient(app, raise_server_exceptions=False).get("/boom")
        assert response.status_code == 500
        _check(response, hsts=False)
    finally:
        app.state.engine.dispose()


def test_the_api_docs_admit_only_their_own_script(settings: Settings) -> None:
    app = create_app(settings)
    try:
        response = TestClient(app).get("/api/v1/docs")
        policy = response.headers["content-security-policy"]
        script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert "'sha256-" in script_src and "unsafe-inline" not in script_src
        assert "frame-ancestors 'none'" in policy
    finally:
        app.state.engine.dispose()


def test_templates_have_no_inline_script_or_style() -> None:
    # The policy would block them in the browser: scripts and styles live in static files.
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for m in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_charts_drawn_into_pages_carry_no_inline_style() -> None:
    # The SVG charts are written into the page by Python, not by a template.
    from ruta.web.ui._chart import bar_chart, line_chart

    svgs = [
        bar_chart(["W1", "W2"], [("Submitted", [3, 5])], chart_id="b", title="t"),
        line_chart(["W1", "W2"], [("Decided", [1, 4])], chart_id="l", title="t"),
    ]
    for svg in svgs:
        assert "<style" not in svg and " style=" not in svg and "<script" not in svg
