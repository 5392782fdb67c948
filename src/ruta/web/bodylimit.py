"""A request body is never read past the service's limit (the largest document and its form).

:class:`BodyLimitMiddleware` wraps the ASGI ``receive`` of every HTTP request:

- a ``Content-Length`` over the limit fails the first read, before a byte of the body is
  received;
- a body without one (chunked) is counted as it arrives and fails the read that crosses
  the limit.

The failure is :class:`BodyTooLarge`, an HTTP 413 that the problem handlers answer as
problem+json naming ``file``, and that a page may catch around ``request.form()`` to show
its own message. Why not Starlette's ``max_body_size``: it replaces any response to an
over-declared body with a plain-text 413, so neither the API's problem+json nor a page's
error message could reach the client.

Examples:
    >>> BodyTooLarge(4096).detail
    'the request is larger than 4096 bytes; send a file of at most 4096 bytes minus the form'
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "BodyTooLarge"]


class BodyTooLarge(HTTPException):
    """The request body is larger than ``limit`` bytes (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"the request is larger than {limit} bytes; "
            f"send a file of at most {limit} bytes minus the form",
            headers={"Connection": "close"},
        )
        self.limit = limit


class BodyLimitMiddleware:
    """Fail any read of a request body beyond ``limit`` bytes (see the module)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Why a plain scan, not starlette's Headers: this runs on every request.
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        too_long = declared.isdigit() and int(declared) > self.limit
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if too_long:
                raise BodyTooLarge(self.limit)  # nothing of the body has been read
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, bounded_receive, send)
