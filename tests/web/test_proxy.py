"""RUTA_TRUSTED_PROXIES and the root path (ruta.web.proxy): whom the service believes about
the client's address and scheme, and a service published under a sub-path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import PASSWORD

from ruta.errors import RutaError
from ruta.settings import Settings
from ruta.store.models import AuditEvent
from ruta.web import create_app
from ruta.web.proxy import prefix_links, prefix_location, trusted_proxy_middleware
from ruta.web.ratelimit import client_identity

PROXY = "10.0.0.5"
OFFICE_PROXIES = f"{PROXY},172.18.0.0/16"


def _who_app(trusted: tuple[str, ...]) -> TestClient:
    app = FastAPI()

    @app.get("/who")
    def who(request: Request) -> dict[str, str]:
        return {"id": client_identity(request), "scheme": request.url.scheme}

    return TestClient(trusted_proxy_middleware(app, trusted), client=(PROXY, 4444))


def test_forwarded_headers_count_only_from_a_trusted_peer() -> None:
    headers = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    trusted = _who_app((PROXY,)).get("/who", headers=headers).json()
    assert trusted == {"id": "198.51.100.7", "scheme": "https"}
    # The same headers from a peer that is not a trusted proxy are ignored.
    untrusted = _who_app(("10.9.9.9",)).get("/who", headers=headers).json()
    assert untrusted == {"id": PROXY, "scheme": "http"}
    # No trusted proxy at all (the default): never read.
    assert _who_app(()).get("/who", headers=headers).json()["id"] == PROXY


def test_the_client_is_the_rightmost_untrusted_address_of_the_chain() -> None:
    who = _who_app((PROXY, "172.18.0.0/16"))
    # What the client wrote itself (left) is not believed; the address our proxies saw is.
    chain = "1.2.3.4, 198.51.100.66, 172.18.0.3"
    assert who.get("/who", headers={"X-Forwarded-For": chain}).json()["id"] == "198.51.100.66"
    # Two X-Forwarded-For headers are one chain, in order.
    two = [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "198.51.100.67")]
    assert who.get("/who", headers=two).json()["id"] == "198.51.100.67"


def test_bad_trusted_proxies_name_the_setting() -> None:
    with pytest.raises(RutaError) as bad:
        Settings(trusted_proxies="10.0.0.5,proxy.example")
    assert bad.value.field == "trusted_proxies" and "proxy.example" in bad.value.message
    assert Settings(trusted_proxies=" 10.0.0.5 , 172.18.0.0/16 ").trusted_proxy_networks == (
        "10.0.0.5",
        "172.18.0.0/16",
    )


@pytest.fixture
def proxied_app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(
        settings.model_copy(
            update={"trusted_proxies": OFFICE_PROXIES, "login_accounts_per_client": 3}
        )
    )
    yield application
    application.state.engine.dispose()


def _login(client: TestClient, username: str, password: str, forwarded: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    body = {"username": username, "password": password}
    return client.post("/api/v1/auth/token", json=body, headers=headers).status_code


def test_one_attacker_behind_the_office_proxy_does_not_lock_out_the_office(
    proxied_app: FastAPI, make_user, database
) -> None:
    make_user("ana", "caseworker", "COL")
    office = TestClient(proxied_app, client=(PROXY, 5555))
    # The attacker rotates usernames and writes its own X-Forwarded-For; the proxy appends
    # the address it saw, which is the key.
    attempts = [
        _login(office, f"guess{i}", "wrong", f"192.0.2.{i}, 198.51.100.66") for i in range(5)
    ]
    assert attempts[:3] == [401, 401, 401] and attempts[3:] == [429, 429]
    # A caseworker of the same office, behind the same proxy, still signs in.
    assert _login(office, "ana", PASSWORD, "198.51.100.10") == 200
    # The audit names the address the proxy saw, not the proxy.
    with database.sessionmaker() as s:
        failed = select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
        clients = {e.data["client"] for e in s.scalars(failed)}
    assert clients == {"198.51.100.66"}


def test_an_untrusted_peer_cannot_choose_its_key(proxied_app: FastAPI, make_user) -> None:
    make_user("ana", "caseworker", "COL")
    direct = TestClient(proxied_app, client=("203.0.113.9", 5555))
    attempts = [_login(direct, f"guess{i}", "wrong", f"198.51.100.{i}") for i in range(4)]
    assert attempts == [401, 401, 401, 429]
    # The block is the attacker's own address, not the addresses it claimed.
    behind_proxy = TestClient(proxied_app, client=(PROXY, 5555))
    assert _login(behind_proxy, "ana", PASSWORD, "198.51.100.1") == 200


def test_prefixing_links_and_redirects() -> None:
    html = b'<link href="/static/a.css"><form action="/login"><a href="/ruta/x"><a href="#m">'
    assert prefix_links(html, b"/ruta") == (
        b'<link href="/ruta/static/a.css"><form action="/ruta/login">'
        b'<a href="/ruta/x"><a href="#m">'
    )
    assert prefix_location("https://other.example/", "/ruta") == "https://other.example/"
    assert prefix_location("/", "/ruta") == "/ruta/"


@pytest.mark.parametrize("proxy_strips_prefix", [True, False])
def test_a_service_under_a_sub_path(settings: Settings, proxy_strips_prefix: bool) -> None:
    app = create_app(settings.model_copy(update={"root_path": "/ruta"}))
    try:
        client = TestClient(app, follow_redirects=False)
        prefix = "" if proxy_strips_prefix else "/ruta"
        page = client.get(f"{prefix}/finder", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"  # rewritten, then compressed
        assert 'href="/ruta/static/ruta.css"' in page.text
        assert 'href="/finder' not in page.text and 'action="/' not in page.text
        assert client.get(f"{prefix}/static/ruta.css").status_code == 200
        # A redirect to sign in stays under the prefix.
        queue = client.get(f"{prefix}/casework/queue")
        assert queue.status_code in (302, 303) and queue.headers["location"].startswith("/ruta/")
        # Swagger UI fetches the OpenAPI description under the prefix too.
        assert "/ruta/api/v1/openapi.json" in client.get(f"{prefix}/api/v1/docs").text
    finally:
        app.state.engine.dispose()
