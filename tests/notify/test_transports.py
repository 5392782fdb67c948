"""The transports against real local servers: SMTP login, refusals, the gateway's answers."""

from __future__ import annotations

import pytest
from tests.notify.servers import TOKEN, http_gateway, smtp_server

from ruta.notify import (
    DeliveryError,
    Envelope,
    GatewayTransport,
    NotifyError,
    SmtpSettings,
    SmtpTransport,
    parse_smtp_url,
)

MAIL = Envelope(
    message_id=1,
    channel="email",
    recipient="ana@example.org",
    language="pt",
    subject="O seu pedido foi aprovado",
    body="Olá,\n\nO seu pedido foi aprovado.\n",
    idempotency_key="5d0c6a8e-0000-4000-8000-000000000001",
)


def _smtp(url: str, **options: object) -> SmtpTransport:
    host, port, _tls = parse_smtp_url(url)
    return SmtpTransport(
        SmtpSettings(host=host, port=port, mail_from="ruta@mig.example", **options)
    )  # type: ignore[arg-type]


def test_smtp_logs_in_and_the_server_reads_the_message_back():
    with smtp_server(login=("notifier", "s3cret")) as (mailbox, url):
        _smtp(url, user="notifier", password="s3cret").send(MAIL)
        with pytest.raises(DeliveryError) as refused:
            _smtp(url).send(MAIL)  # RUTA_SMTP_USER forgotten
    # A missing login is the operator's to fix: the messages wait, not dead-lettered.
    assert "530" in refused.value.message and not refused.value.permanent
    (message,) = mailbox.messages
    assert message["Subject"] == MAIL.subject and message["To"] == MAIL.recipient
    assert message["Message-ID"] == f"<{MAIL.idempotency_key}@mig.example>"
    assert message["Auto-Submitted"] == "auto-generated" and message["Content-Language"] == "pt"
    assert message.get_content().replace("\r\n", "\n") == MAIL.body


def test_unreachable_mail_server_is_a_transient_failure():
    from tests.notify.servers import free_port

    with pytest.raises(DeliveryError) as err:
        _smtp(f"smtp://127.0.0.1:{free_port()}", timeout=2).send(MAIL)
    assert not err.value.permanent and "could not reach the mail server" in err.value.message


@pytest.mark.parametrize(("status", "permanent"), [(429, False), (502, False), (422, True)])
def test_gateway_statuses(status, permanent):
    with http_gateway() as (gateway, url):
        gateway.status = status
        with pytest.raises(DeliveryError) as err:
            GatewayTransport(url, TOKEN, timeout=5).send(MAIL)
    assert err.value.permanent is permanent and str(status) in err.value.message


def test_gateway_wrong_token_is_refused_for_good():
    with http_gateway() as (_gateway, url), pytest.raises(DeliveryError) as err:
        GatewayTransport(url, "not-the-token", timeout=5).send(MAIL)
    assert err.value.permanent and "401" in err.value.message


def test_gateway_url_must_be_http():
    with pytest.raises(NotifyError) as err:
        GatewayTransport("file:///etc/passwd", TOKEN)
    assert err.value.field == "sms_gateway_url"
