"""Notifier throughput: e-mails per second from the outbox to a real local SMTP server,
next to the floor of the same work in the same run.

- Ruta: ``run_worker(once=True)`` delivers ``RUTA_BENCH_MESSAGES`` (300) queued messages:
  per message a leased claim (per batch), ``sending`` committed, the SMTP hand-over, ``sent``
  committed. On SQLite (WAL, synchronous=FULL) and PostgreSQL.
- Peer (the floor): ``smtplib`` sends the same rendered messages to the same server, one
  connection per message as the transport does, with no database at all. The ratio is what
  the at-most-once bookkeeping (two commits per message) costs.

The SMTP server is aiosmtpd in a thread of this process (it counts what it received; the
run checks that each message arrived once). Run: ``.venv/bin/python -m bench notify``.
"""

from __future__ import annotations

import os
import smtplib
import socket
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from sqlalchemy import text

from ruta.cases.actions import do_submit_application
from ruta.cases.actions.authentication import do_create_user, use_password_profile
from ruta.cases.delivery import DeliveryPolicy, run_worker
from ruta.cases.outbox import queue_message
from ruta.cases.schemas import ApplicationCreate
from ruta.notify import MessageFacts, SmtpSettings, SmtpTransport
from ruta.store import make_engine, make_sessionmaker, upgrade

MESSAGES = int(os.environ.get("RUTA_BENCH_MESSAGES", "300"))
PG_BASE = os.environ.get(
    "RUTA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ruta_test"
)


class _Counter:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in envelope.content.splitlines():
            if line.lower().startswith(b"message-id:"):
                self.ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(url: str) -> Any:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory() as session:
        user = do_create_user(
            session, None, username="bench", password="correct-horse-battery-staple",
            role="applicant", country=None,
        )  # fmt: skip
        body = {
            "pathway": "col.mercosur-temporary",
            "profile": {"in_host_country": True, "nationalities": [{"country": "VEN"}]},
            "applicant": {
                "given_names": "Ana", "surname_1": "Ruiz", "date_of_birth": "1990-05-01",
                "sex": "F", "nationality": "VEN",
                "document": {"type": "passport", "number": "X1"},
                "email": "ana@example.org", "languages": ["es"],
            },
            "household": [],
        }  # fmt: skip
        app, _ = do_submit_application(session, user, ApplicationCreate.model_validate(body))
        now = datetime.now(UTC)
        for i in range(MESSAGES):
            facts = MessageFacts(reference=app.id, request=f"document {i}")
            queue_message(session, app, "information_requested", f"bench:{i}", facts, now)
        session.commit()
    return engine, factory


def _ruta(url: str, smtp: SmtpTransport, counter: _Counter) -> float:
    engine, factory = _seed(url)
    start = time.perf_counter()
    total = run_worker(factory, {"email": smtp}, DeliveryPolicy(batch=50), once=True)
    seconds = time.perf_counter() - start
    engine.dispose()
    assert total.sent == MESSAGES and len(set(counter.ids)) == MESSAGES == len(counter.ids)
    return MESSAGES / seconds


def _peer(host: str, port: int, counter: _Counter) -> float:
    messages = []
    for i in range(MESSAGES):
        m = EmailMessage()
        m["From"], m["To"] = "ruta@bench.example", "ana@example.org"
        m["Subject"] = "La oficina necesita más información para su solicitud"
        m["Message-ID"] = f"<{uuid.uuid4()}@bench.example>"
        m.set_content(f"Lo que pide la oficina: document {i}\n")
        messages.append(m)
    start = time.perf_counter()
    for m in messages:
        with smtplib.SMTP(host, port, timeout=30) as client:
            client.send_message(m)
    seconds = time.perf_counter() - start
    assert len(counter.ids) == MESSAGES
    return MESSAGES / seconds


def main() -> None:
    use_password_profile("cheapest")
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores, {MESSAGES} messages")
    for backend in ("sqlite", "postgresql"):
        counter = _Counter()
        port = _port()
        controller = Controller(counter, hostname="127.0.0.1", port=port)
        controller.start()
        smtp = SmtpTransport(
            SmtpSettings(host="127.0.0.1", port=port, mail_from="ruta@bench.example")
        )
        try:
            if backend == "sqlite":
                path = f"/tmp/ruta-bench-notify-{uuid.uuid4().hex}.db"
                rate = _ruta(f"sqlite:///{path}", smtp, counter)
            else:
                schema = f"bench_notify_{uuid.uuid4().hex[:8]}"
                admin = make_engine(PG_BASE)
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                try:
                    url = f"{PG_BASE}?options={quote(f'-csearch_path={schema}')}"
                    rate = _ruta(url, smtp, counter)
                finally:
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
            counter.ids.clear()
            floor = _peer("127.0.0.1", port, counter)
        finally:
            controller.stop()
        print(
            f"{backend}: notifier {rate:.0f} e-mails/s, smtplib alone {floor:.0f} e-mails/s, "
            f"ratio {rate / floor:.2f}; load now {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
