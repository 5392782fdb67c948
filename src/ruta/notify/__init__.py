"""Notifications to applicants: messages in their language, and the transports that carry them.

This package renders the messages (templates in the ``notify`` catalog, every supported
language) and delivers one message over SMTP or an HTTP gateway for SMS and WhatsApp. It
knows nothing of the database, the web or the settings: the outbox and the worker that
moves it live in ``ruta.cases.outbox`` and ``ruta.cases.delivery``; configuration is
passed in.

Examples:
    >>> from datetime import UTC, datetime
    >>> facts = MessageFacts(reference="0c1d2e3f-aaaa", office="Bogotá Centro",
    ...     when=datetime(2027, 3, 1, 14, 0, tzinfo=UTC), timezone="America/Bogota")
    >>> message = render_message("appointment_booked", "es", "email", facts)
    >>> message.subject
    'Su cita del lunes, 1 de marzo de 2027, 9:00'
    >>> retry_delay(3, base=30, cap=3600, jitter=0.0)
    60.0
"""

from ruta.notify._backoff import retry_delay
from ruta.notify._errors import DeliveryError, NotifyError
from ruta.notify._messages import KINDS, MessageFacts, RenderedMessage, render_message
from ruta.notify._transports import (
    Envelope,
    GatewayTransport,
    SmtpSettings,
    SmtpTransport,
    Transport,
    parse_smtp_url,
)

__all__ = [
    "KINDS",
    "DeliveryError",
    "Envelope",
    "GatewayTransport",
    "MessageFacts",
    "NotifyError",
    "RenderedMessage",
    "SmtpSettings",
    "SmtpTransport",
    "Transport",
    "parse_smtp_url",
    "render_message",
    "retry_delay",
]
