"""Security headers on every response: pages, API, static files, errors.

:class:`SecurityHeadersMiddleware` is a pure ASGI middleware placed outermost, so that it
also sees the responses of error handlers and of the static file server. It adds each
header only when the response has not set it already: a route with a reason to differ (the
interactive API docs, whose page carries one inline script) sets its own policy.

The policy, and why each part:

- ``Content-Security-Policy``: scripts, styles, images, fonts and form targets only from this
  origin; no inline script or style (an injected ``<script>`` or ``onclick=`` does not run),
  no plugins, no ``<base>`` rewriting, and ``frame-ancestors 'none'`` (no clickjacking).
  ``img-src`` allows ``data:`` for the QR codes and charts drawn inline as data URIs.
- ``X-Content-Type-Options: nosniff``: an uploaded document is never run as a script.
- ``Referrer-Policy: same-origin``: case and permit URLs never leak to another site.
- ``X-Frame-Options: DENY``: the same as frame-ancestors for browsers that predate it.
- ``Strict-Transport-Security`` only when cookies are Secure (``RUTA_COOKIE_SECURE``): the
  service is then served over HTTPS, and a browser must never fall back to HTTP.

Examples:
    >>> headers = dict(security_headers(hsts=False))
    >>> "frame-ancestors 'none'" in headers[b"content-security-policy"].decode()
    True
    >>> b"strict-transport-security" in headers
    False
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeadersMiddleware", "security_headers"]

#: The policy of every page; no 'unsafe-inline' anywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: One year; browsers remember it, so it is sent only when the service is HTTPS-only.
HSTS_SECONDS = 365 * 24 * 3600


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to every response (raw ASGI pairs, lowercase names)."""
    pairs = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if hsts:
        pairs.append((b"strict-transport-security", f"max-age={HSTS_SECONDS}".encode()))
    return pairs


class SecurityHeadersMiddleware:
    """Add :func:`security_headers` to every HTTP response that lacks them.

    Args:
        app: The wrapped application.
        hsts: Whether to send ``Strict-Transport-Security`` (cookies are Secure).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
