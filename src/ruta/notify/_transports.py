"""Transports: one message out over SMTP, or through an HTTP gateway for SMS and WhatsApp.

A transport raises :class:`~ruta.notify.DeliveryError` when the message did not go out,
``permanent=True`` when trying again cannot help (the server refused the recipient, the
gateway refused the request as malformed). Anything else (a refused connection, a time-out,
a 4xx SMTP reply, a 5xx or 429 from the gateway) is transient and is retried with back-off.

Both carry the outbox row's idempotency key: the gateway receives it as the
``Idempotency-Key`` header and must deliver a key once, however often it is posted; the
e-mail's ``Message-ID`` is built from it so that a mailbox that deduplicates by Message-ID
shows a repeat once. The gateway's format is in docs/operations.md ("Notifications").
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import urlsplit

from ruta.i18n import N_
from ruta.notify._errors import DeliveryError, NotifyError

__all__ = [
    "Envelope",
    "GatewayTransport",
    "SmtpSettings",
    "SmtpTransport",
    "Transport",
    "parse_smtp_url",
]


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message to deliver, as the outbox holds it."""

    message_id: int
    channel: str
    recipient: str
    language: str
    subject: str
    body: str
    idempotency_key: str


class Transport(Protocol):
    """Delivers one envelope or raises :class:`DeliveryError`."""

    def send(self, envelope: Envelope) -> None:
        """Hand the message over to the next hop (mail server or gateway)."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to submit e-mail.

    Attributes:
        host: The SMTP server.
        port: Its port (25, 587 with STARTTLS, 465 with ``tls``).
        mail_from: The sender address (``RUTA_MAIL_FROM``).
        user: Login name, when the server asks for one.
        password: Its password.
        starttls: Upgrade the connection with STARTTLS before sending (and before login).
        tls: Connect with TLS from the start (``smtps://``).
        timeout: Seconds to wait for the server at each step.
    """

    host: str
    port: int
    mail_from: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False
    timeout: float = 30.0


def parse_smtp_url(url: str) -> tuple[str, int, bool]:
    """The host, port and implicit-TLS flag of ``smtp://host:port`` or ``smtps://host:port``.

    Raises:
        NotifyError: naming ``smtp_url`` and the expected form.

    Examples:
        >>> parse_smtp_url("smtp://mail.example:587")
        ('mail.example', 587, False)
        >>> parse_smtp_url("smtps://mail.example")
        ('mail.example', 465, True)
        >>> parse_smtp_url("mail.example:25")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.notify._errors.NotifyError: smtp_url: write the mail server as smtp://host:port ...
    """
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port == -1:
        raise NotifyError(
            N_("write the mail server as smtp://host:port or smtps://host:port (got %(url)s)"),
            field="smtp_url",
            url=repr(url),
        )
    tls = parts.scheme == "smtps"
    return parts.hostname, port or (465 if tls else 25), tls


class SmtpTransport:
    """E-mail over SMTP, one connection per message (a worker sends few per second)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _message(self, envelope: Envelope) -> EmailMessage:
        s = self.settings
        message = EmailMessage()
        message["From"] = s.mail_from
        message["To"] = envelope.recipient
        message["Subject"] = envelope.subject
        message["Date"] = formatdate(usegmt=True)
        domain = s.mail_from.rpartition("@")[2].strip("> ") or "ruta.invalid"
        message["Message-ID"] = f"<{envelope.idempotency_key}@{domain}>"
        # Why: out-of-office robots must not answer a machine (RFC 3834).
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(envelope.body)
        # After set_content, which replaces every Content-* header.
        message["Content-Language"] = envelope.language
        return message

    def send(self, envelope: Envelope) -> None:
        """Submit the message; raise :class:`DeliveryError` when the server did not take it."""
        s = self.settings
        message = self._message(envelope)
        try:
            client_class = smtplib.SMTP_SSL if s.tls else smtplib.SMTP
            with client_class(s.host, s.port, timeout=s.timeout) as client:
                if s.starttls and not s.tls:
                    client.starttls(context=ssl.create_default_context())
                if s.user:
                    client.login(s.user, s.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            raise DeliveryError(
                N_("the mail server refused the recipient: %(codes)s"),
                permanent=permanent,
                codes=str(codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx is a final refusal (RFC 5321 4.2.1); 4xx asks us to come back later.
            # Why not permanent on 535 (authentication): an operator fixes the password and
            # every waiting message should then go out, not sit in dead letters.
            permanent = exc.smtp_code >= 500 and exc.smtp_code not in (530, 534, 535)
            text = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise DeliveryError(
                N_("SMTP %(code)s: %(text)s"),
                permanent=permanent,
                code=str(exc.smtp_code),
                text=text,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                N_("could not reach the mail server %(host)s:%(port)s: %(problem)s"),
                host=s.host,
                port=str(s.port),
                problem=str(exc),
            ) from exc


class GatewayTransport:
    """SMS and WhatsApp through an HTTP gateway: a JSON POST with a bearer token.

    The request (documented for gateway operators in docs/operations.md)::

        POST <RUTA_SMS_GATEWAY_URL>
        Authorization: Bearer <RUTA_SMS_GATEWAY_TOKEN>
        Idempotency-Key: <the message's key, the same on every attempt>
        Content-Type: application/json

        {"channel": "sms", "to": "+573001234567", "text": "...", "language": "es",
         "reference": "<the message's key>"}

    A 2xx answer means accepted (a repeat of a key already accepted must answer 2xx and
    not deliver again); 408, 425, 429 and 5xx are retried; any other answer is final.
    """

    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NotifyError(
                N_("write the gateway as an http:// or https:// URL (got %(url)s)"),
                field="sms_gateway_url",
                url=repr(url),
            )
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, envelope: Envelope) -> None:
        """POST the message; raise :class:`DeliveryError` unless the gateway answers 2xx."""
        payload = {
            "channel": envelope.channel,
            "to": envelope.recipient,
            "text": envelope.body,
            "language": envelope.language,
            "reference": envelope.idempotency_key,
        }
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": envelope.idempotency_key,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked scheme
                response.read()
        except urllib.error.HTTPError as exc:
            permanent = exc.code < 500 and exc.code not in (408, 425, 429)
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise DeliveryError(
                N_("gateway answered %(code)s: %(detail)s"),
                permanent=permanent,
                code=str(exc.code),
                detail=str(detail or exc.reason),
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(
                N_("could not reach the gateway: %(problem)s"), problem=str(exc)
            ) from exc
