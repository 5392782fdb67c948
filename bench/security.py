"""What the security rules of issue 16 cost, each against the work it sits beside.

- The request-body limit (``BodyLimitMiddleware``) on every request: a bare ASGI app that
  answers 204, with and without the middleware, posting a 4 KiB body in one message.
- The password policy (zxcvbn) per new account, against the Argon2id hash (production
  parameters) that creating the account pays anyway.
- One rate-limit hit (``Limiter``) in memory and in Redis.
- The edge layers of issue 12 on every request, each against the bare app: security
  headers, request metrics (counter and histogram by route), trusted-proxy headers, and the
  root-path rewriting of a 20 KB page's links.

Run: ``python -m bench security``. Figures go to docs/performance.md ("Security rules").
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher, profiles

from ruta.cases.passwords import check_password
from ruta.web.bodylimit import BodyLimitMiddleware
from ruta.web.headers import SecurityHeadersMiddleware
from ruta.web.metrics import MetricsMiddleware
from ruta.web.proxy import LinkPrefixMiddleware, RootPathMiddleware, trusted_proxy_middleware
from ruta.web.ratelimit import Limiter

BODY = b"x" * 4096


async def _bare(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


PAGE = (b'<a href="/finder">x</a> ' * 20 + b"<p>" + b"y" * 900 + b"</p>\n") * 16


async def _page(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"text/html; charset=utf-8"),
               (b"content-length", str(len(PAGE)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": PAGE})


def _requests_per_second(app: Any, count: int, extra: list[tuple[bytes, bytes]] | None = None,
                         client: tuple[str, int] = ("127.0.0.1", 5000)) -> float:  # fmt: skip
    scope = {"type": "http", "method": "POST", "path": "/", "client": client, "headers": [
        (b"content-length", str(len(BODY)).encode()), *(extra or [])]}  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    async def run() -> float:
        start = time.perf_counter()
        for _ in range(count):
            await app(dict(scope), receive, send)
        return count / (time.perf_counter() - start)

    return asyncio.run(run())


def _per_call(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - start) / count


def main() -> None:
    limited = BodyLimitMiddleware(_bare, limit=10 * 1024 * 1024)
    for _round in range(3):  # interleaved, so that a load change hits both alike
        bare = _requests_per_second(_bare, 50_000)
        with_limit = _requests_per_second(limited, 50_000)
        print(f"body limit: bare {bare:,.0f} req/s, with limit {with_limit:,.0f} req/s "
              f"(overhead {1e6 / with_limit - 1e6 / bare:.2f} us per request)")  # fmt: skip
    edges = {
        "security headers": SecurityHeadersMiddleware(_bare, hsts=True),
        "request metrics": MetricsMiddleware(_bare),
        "trusted proxy": trusted_proxy_middleware(_bare, ("10.0.0.5", "172.18.0.0/16")),
    }
    forwarded = [(b"x-forwarded-for", b"198.51.100.7, 172.18.0.3"),
                 (b"x-forwarded-proto", b"https")]  # fmt: skip
    for _round in range(3):
        bare = _requests_per_second(_bare, 50_000)
        for name, wrapped in edges.items():
            rate = _requests_per_second(wrapped, 50_000, forwarded, ("10.0.0.5", 5000))
            print(f"{name}: bare {bare:,.0f} req/s, with it {rate:,.0f} req/s "
                  f"(overhead {1e6 / rate - 1e6 / bare:.2f} us per request)")  # fmt: skip
        page = _requests_per_second(_page, 20_000)
        rooted = RootPathMiddleware(LinkPrefixMiddleware(_page), "/ruta")
        rewritten = _requests_per_second(rooted, 20_000)
        print(f"root path, {len(PAGE):,}-byte page with {PAGE.count(b'href')} links: "
              f"{page:,.0f} vs {rewritten:,.0f} req/s "
              f"(overhead {1e6 / rewritten - 1e6 / page:.1f} us per page)")  # fmt: skip
    hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    policy = _per_call(lambda: check_password("orchid-river-lantern-7", "maria.perez"), 200)
    argon = _per_call(lambda: hasher.hash("orchid-river-lantern-7"), 10)
    print(f"password policy {policy * 1e3:.2f} ms vs Argon2id hash {argon * 1e3:.1f} ms "
          f"({policy / argon:.1%} of the hash)")  # fmt: skip
    for storage in ("memory://", "redis://127.0.0.1:6379"):
        limiter, scope = Limiter(storage), f"bench-{uuid.uuid4().hex}"
        hit = _per_call(
            lambda limiter=limiter, scope=scope: limiter.hit(scope, "1000000/hour", "198.51.100.1"),
            2000,
        )
        print(f"rate-limit hit ({storage}): {hit * 1e6:.0f} us")
