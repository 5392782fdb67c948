"""The edges a reverse proxy adds: who the client really is, and a service under a sub-path.

Trusted proxies (``RUTA_TRUSTED_PROXIES``)
    Behind a reverse proxy every request comes from the proxy's address, so every client
    would share one rate-limit key (six failed logins a minute would lock out a whole
    office). :func:`trusted_proxy_middleware` wraps uvicorn's ``ProxyHeadersMiddleware``:
    only when the direct peer is one of the trusted addresses or networks does the client
    address come from ``X-Forwarded-For`` (the rightmost address that is not itself a
    trusted proxy: the leftmost entries are whatever the client sent and cannot be believed)
    and the scheme from ``X-Forwarded-Proto``. From any other peer both headers are
    ignored, so a client cannot choose its own rate-limit key. With no trusted proxy set
    (the default) the headers are never read.

Sub-path (``ruta serve --root-path /ruta``, ``RUTA_ROOT_PATH``)
    :class:`RootPathMiddleware` sets the ASGI ``root_path`` and makes sure the path carries
    the prefix, so the service answers whether the proxy strips the prefix
    (``proxy_pass http://ruta:8000/;``) or passes it on, and Starlette routes below it. The
    templates write absolute links (``href="/finder"``): :class:`LinkPrefixMiddleware`
    prefixes the absolute links of HTML pages and ``Location`` headers with the root path,
    one place for every page (including the ones other pillars add) rather than a change
    to every link in every template. It runs inside the gzip compression.

Examples:
    >>> prefix_links(b'<a href="/finder">x</a><a href="//cdn">y</a>', b"/ruta")
    b'<a href="/ruta/finder">x</a><a href="//cdn">y</a>'
    >>> prefix_location("/login?next=/x", "/ruta"), prefix_location("/ruta/track", "/ruta")
    ('/ruta/login?next=/x', '/ruta/track')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LinkPrefixMiddleware",
    "RootPathMiddleware",
    "prefix_links",
    "prefix_location",
    "trusted_proxy_middleware",
]


@functools.lru_cache(maxsize=8)
def _absolute_links(root: bytes) -> re.Pattern[bytes]:
    # href/src/action/formaction="/..." but neither protocol-relative ("//host") nor
    # already under the root; one C-level substitution, no Python call per link.
    rest = re.escape(root[1:])
    return re.compile(rb'(\s(?:href|src|action|formaction)=")/(?!/|' + rest + rb'(?:/|"))')


def trusted_proxy_middleware(app: ASGIApp, networks: Sequence[str]) -> ASGIApp:
    """Wrap ``app`` so that forwarded headers count only from ``networks``.

    Args:
        app: The application.
        networks: Addresses or networks of the trusted proxies (already validated by the
            settings); empty means no proxy is trusted and ``app`` is returned unchanged.
    """
    if not networks:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    wrapped: ASGIApp = ProxyHeadersMiddleware(app, trusted_hosts=list(networks))  # type: ignore[arg-type,assignment]  # uvicorn types ASGI with its own TypedDicts; same protocol
    return wrapped


def prefix_links(html: bytes, root: bytes) -> bytes:
    """Prefix every absolute link attribute of ``html`` with ``root`` (once)."""
    return _absolute_links(root).sub(rb"\g<1>" + root.replace(b"\\", b"\\\\") + b"/", html)


def prefix_location(location: str, root: str) -> str:
    """A redirect target under ``root`` (absolute paths only; already-prefixed ones kept)."""
    if not location.startswith("/") or location.startswith("//"):
        return location
    if location == root or location.startswith(root + "/") or location.startswith(root + "?"):
        return location
    return root + location


class RootPathMiddleware:
    """Serve under ``root``: the request's ``root_path`` and a path that carries it.

    Args:
        app: The wrapped application.
        root: The prefix (``/ruta``); empty: nothing to do.
    """

    def __init__(self, app: ASGIApp, root: str = "") -> None:
        self.app = app
        self.root = root.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = self.root
        if not root or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # ASGI: "path" includes "root_path". A proxy that strips the prefix sends /finder;
        # one that does not sends /ruta/finder; both become /ruta/finder.
        path: str = scope["path"]
        scope = {**scope, "root_path": root}
        if path != root and not path.startswith(root + "/"):
            scope["path"] = root + path
            if scope.get("raw_path") is not None:
                scope["raw_path"] = root.encode() + scope["raw_path"]
        await self.app(scope, receive, send)


class LinkPrefixMiddleware:
    """Prefix the absolute links of HTML responses and ``Location`` headers with the
    request's ``root_path``.

    It must run inside any compression (it reads and rewrites the page's bytes), so the
    app adds it before ``GZipMiddleware``. Does nothing (no buffering) without a root path.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = scope.get("root_path", "").rstrip("/") if scope["type"] == "http" else ""
        if not root:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                is_html = False
                for name, value in message.get("headers", []):
                    if name.lower() == b"location":
                        value = prefix_location(value.decode("latin-1"), root).encode("latin-1")
                    elif name.lower() == b"content-type":
                        is_html = value.startswith(b"text/html")
                    headers.append((name, value))
                message = {**message, "headers": headers}
                if not is_html:
                    await send(message)
                    return
                start.update(message)  # hold the start until the whole page is rewritten
                return
            if message["type"] == "http.response.body" and start:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = prefix_links(b"".join(chunks), root.encode())
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, rewrite)
