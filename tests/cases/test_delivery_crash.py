"""The notifier killed with SIGKILL mid-batch loses and repeats nothing.

A real SMTP server and a real HTTP gateway run in this process; ``ruta notify run`` runs
as a child process and is killed (SIGKILL, no chance to clean up) by the servers
themselves at the worst moment: just after a message was received, before the worker
could record it as sent. Then the worker runs again, twice, and every message must have
arrived exactly once, counted at the servers:

- the e-mail in hand at the kill is recovered as ``unknown`` and not resent (at most once
  per lease; a supervisor decides), the e-mails leased but not yet sent are sent;
- the SMS in hand at the kill is posted again with the same Idempotency-Key, which the
  gateway delivers once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select
from tests.cases.conftest import submission
from tests.notify.servers import TOKEN, http_gateway, smtp_server

from ruta.cases import actions
from ruta.store.models import OutboxMessage

EMAILS = SMS = 6
LEASE_SECONDS = 0.5


def _queue(session, cast):
    actions.do_set_notification_preferences(
        session, cast.other_applicant, channel="sms", opted_out=False, phone="+573001234567"
    )
    for actor in [cast.applicant] * EMAILS + [cast.other_applicant] * SMS:
        body = submission().model_dump(mode="json")
        body["applicant"]["email"] = "maria@example.org"
        app = actions.do_submit_application(session, actor, submission(**body))[0]
        actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
        actions.do_transition(session, cast.caseworker, app.id, "information_requested", "photo")


def _worker(env):
    ruta = Path(sys.executable).with_name("ruta")
    return subprocess.Popen(
        [str(ruta), "notify", "run", "--once", "--batch", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_mid_batch_loses_and_repeats_nothing(database, session, cast, tmp_path):
    _queue(session, cast)
    with smtp_server() as (mailbox, smtp_url), http_gateway() as (gateway, gateway_url):
        env = {
            **os.environ,
            "RUTA_DATABASE_URL": database.url,
            "RUTA_DATA_DIR": str(tmp_path / "var"),
            "RUTA_SMTP_URL": smtp_url,
            "RUTA_MAIL_FROM": "citas@migracion.example",
            "RUTA_SMS_GATEWAY_URL": gateway_url,
            "RUTA_SMS_GATEWAY_TOKEN": TOKEN,
            "RUTA_NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        worker: dict[str, subprocess.Popen[str]] = {}

        def kill_at(n):
            def hook(count):
                if count == n:
                    os.kill(worker["proc"].pid, signal.SIGKILL)

            return hook

        # Run 1: killed as the mail server takes the second e-mail of the first batch.
        mailbox.on_receive = kill_at(2)
        worker["proc"] = _worker(env)
        assert worker["proc"].wait(timeout=120) == -signal.SIGKILL
        mailbox.on_receive = None
        time.sleep(LEASE_SECONDS + 0.2)  # the dead worker's leases expire
        # Run 2: finishes the e-mails, then is killed as the gateway takes the second SMS.
        gateway.on_post = kill_at(2)
        worker["proc"] = _worker(env)
        assert worker["proc"].wait(timeout=120) == -signal.SIGKILL
        gateway.on_post = None
        time.sleep(LEASE_SECONDS + 0.2)
        # Run 3: nothing in its way.
        worker["proc"] = _worker(env)
        out, err = worker["proc"].communicate(timeout=120)
        assert worker["proc"].returncode == 0, err
    session.expire_all()
    rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    emails = [r for r in rows if r.channel == "email"]
    texts = [r for r in rows if r.channel == "sms"]
    # Every e-mail arrived exactly once, the one in hand at the kill included.
    assert mailbox.by_message_id() == {
        f"<{r.idempotency_key}@migracion.example>": 1 for r in emails
    }
    # It is "unknown", never resent by itself; the others are sent.
    assert [r.state for r in emails] == ["sent", "unknown"] + ["sent"] * (EMAILS - 2)
    assert [m.id for m in actions.list_undelivered(session, cast.supervisor)] == [emails[1].id]
    # Every SMS was delivered once; the one in hand at the kill was posted twice, same key.
    assert set(gateway.delivered) == {r.idempotency_key for r in texts}
    assert len(gateway.posts) == SMS + 1 and gateway.posts.count(texts[1].idempotency_key) == 2
    assert {r.state for r in texts} == {"sent"}
    assert "Delivered 5" in out  # the repost and the four SMS left
