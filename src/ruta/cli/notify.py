"""``ruta notify run``: the notifier worker that delivers the outbox to applicants."""

from __future__ import annotations

import signal
import sys
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.i18n import N_, translator

if TYPE_CHECKING:
    from ruta.notify import Transport
    from ruta.settings import Settings

__all__ = ["app", "transports_from"]

app = typer.Typer(help="Notifications to applicants (the outbox).", no_args_is_help=True)


def transports_from(settings: Settings) -> dict[str, Transport]:
    """The transport of each channel the settings configure.

    Raises:
        NotifyError: naming ``mail_from``, ``smtp_url`` or ``sms_gateway_url`` when a setting
            is missing or malformed, or when no channel is configured at all.
    """
    from ruta.notify import (
        GatewayTransport,
        NotifyError,
        SmtpSettings,
        SmtpTransport,
        parse_smtp_url,
    )

    transports: dict[str, Transport] = {}
    if settings.smtp_url:
        host, port, tls = parse_smtp_url(settings.smtp_url)
        if "@" not in settings.mail_from:
            raise NotifyError(
                N_(
                    "set RUTA_MAIL_FROM to the sender address of notification e-mails, "
                    "e.g. citas@migracion.gov.co"
                ),
                field="mail_from",
            )
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        transports["email"] = SmtpTransport(
            SmtpSettings(
                host=host,
                port=port,
                mail_from=settings.mail_from,
                user=settings.smtp_user,
                password=password,
                starttls=settings.smtp_starttls,
                tls=tls,
                timeout=settings.smtp_timeout,
            )
        )
    if settings.sms_gateway_url:
        token = settings.sms_gateway_token
        gateway = GatewayTransport(
            settings.sms_gateway_url,
            token.get_secret_value() if token else "",
            timeout=settings.sms_gateway_timeout,
        )
        transports["sms"] = transports["whatsapp"] = gateway
    if not transports:
        raise NotifyError(
            N_(
                "nothing to deliver with: set RUTA_SMTP_URL (and RUTA_MAIL_FROM) for e-mail "
                "and/or RUTA_SMS_GATEWAY_URL for SMS and WhatsApp"
            ),
            field="smtp_url",
        )
    return transports


@app.command("run")
def run(
    once: bool = typer.Option(
        False, "--once", help="Deliver what is due now, then exit (for cron or a test)."
    ),
    batch: int = typer.Option(
        None, "--batch", min=1, max=1000, help="Messages leased at a time (RUTA_NOTIFY_BATCH)."
    ),
    lang: UserLangOption = None,
) -> None:
    """Deliver queued messages by e-mail (SMTP) and SMS/WhatsApp (HTTP gateway).

    Runs until stopped (SIGTERM or Ctrl-C end it after the message in hand), queuing due
    appointment reminders on every pass. Retries use exponential back-off with jitter;
    after RUTA_NOTIFY_MAX_ATTEMPTS attempts a message is a dead letter that supervisors
    see at /casework/notifications. Delivery guarantees: docs/operations.md.
    """
    from rich.progress import Progress
    from sqlalchemy import inspect

    from ruta.cases.delivery import DeliveryPolicy, run_worker
    from ruta.notify import NotifyError
    from ruta.settings import get_settings
    from ruta.store import make_engine, make_sessionmaker

    _ = translator(cli_language(lang), "notify").gettext  # its refusals are said in it too
    settings = get_settings()
    transports = transports_from(settings)
    policy = DeliveryPolicy(
        batch=batch or settings.notify_batch,
        lease=timedelta(seconds=settings.notify_lease_seconds),
        max_attempts=settings.notify_max_attempts,
        retry_base=settings.notify_retry_seconds,
        retry_max=settings.notify_retry_max_seconds,
        reminder_hours=settings.reminder_hours,
    )
    waiting = sorted({"email", "sms", "whatsapp"} - set(transports))
    if waiting:
        said = _("Not configured, left in the outbox: %(channels)s")
        typer.echo(said % {"channels": ", ".join(waiting)}, err=True)
    stop = {"now": False}

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop["now"] = True

    # Why: a message in hand is finished and recorded, so a stop never leaves an e-mail
    # of unknown fate (SIGKILL can; see the recovery rule in docs/operations.md).
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    engine = make_engine(settings.resolved_database_url)
    if not inspect(engine).has_table("outbox"):
        engine.dispose()
        raise NotifyError(
            N_("the database has no outbox yet; migrate it first with `ruta db upgrade`"),
            field="database_url",
        )
    factory = make_sessionmaker(engine)
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task(_("Delivering"), total=None)
        total = run_worker(
            factory,
            transports,
            policy,
            once=once,
            poll_seconds=settings.notify_poll_seconds,
            log=lambda line: typer.echo(line, err=True),
            on_message=lambda _state: progress.advance(task),
            should_stop=lambda: stop["now"],
        )
    engine.dispose()
    # The counts as plain digits, as the worker's log lines write them.
    said = _(
        "Delivered %(sent)s, retrying %(retrying)s, dead letters %(dead)s, "
        "e-mails of unknown fate %(unknown)s"
    )
    counts = {
        "sent": str(total.sent),
        "retrying": str(total.retrying),
        "dead": str(total.dead),
        "unknown": str(total.recovered.unknown),
    }
    typer.echo(said % counts)
