"""Real local servers for the notification tests: an SMTP server and an HTTP gateway.

The SMTP server is aiosmtpd's (a real SMTP implementation, in a thread); the gateway is
the standard library's HTTP server in a thread, deduplicating by ``Idempotency-Key`` as
docs/operations.md asks a gateway to. Both count what they received, so a test can check
that every message arrived exactly once.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

TOKEN = "gateway-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received; ``reply`` (e.g. '451 ...') refuses every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    reply: str | None = None
    refused: int = 0
    on_receive: Callable[[int], None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply:
            self.refused += 1
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        if self.on_receive is not None:
            self.on_receive(len(self.messages))
        return "250 Message accepted for delivery"

    def by_message_id(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.messages:
            counts[str(message["Message-ID"])] = counts.get(str(message["Message-ID"]), 0) + 1
        return counts


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[Mailbox, str]]:
    """A running SMTP server; yields its mailbox and its ``smtp://`` URL.

    With ``login`` (user, password) the server requires AUTH (over plain text: loopback).
    """
    mailbox = Mailbox()
    port = free_port()
    options: dict[str, Any] = {}
    if login is not None:

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
            ok = (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        options = {
            "authenticator": authenticator,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@dataclass
class Gateway:
    """What the HTTP gateway received: every POST, and the deliveries (one per key)."""

    posts: list[str] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: int = 200
    on_post: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def http_gateway() -> Iterator[tuple[Gateway, str]]:
    """A running SMS/WhatsApp gateway; yields its record and its URL."""
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._answer(401, {"error": "bad token"})
                return
            key = self.headers.get("Idempotency-Key") or ""
            with gateway.lock:
                gateway.posts.append(key)
                if gateway.status >= 300:
                    status = gateway.status
                else:
                    status = 200
                    # A key seen before is answered as before and not delivered again.
                    gateway.delivered.setdefault(key, json.loads(body))
                count = len(gateway.posts)
            if gateway.on_post is not None:
                gateway.on_post(count)
            self._answer(status, {"id": key})

        def _answer(self, status: int, payload: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/messages"
    finally:
        server.shutdown()
        server.server_close()
