"""The notifier: deliver the outbox, one lease at a time (``ruta notify run``).

Each pass takes back the messages of notifiers that stopped (``recover_expired``), queues
the reminders that fell due (``do_queue_reminders``), leases a batch, and for each message
records ``sending``, hands it to its channel's transport and records the outcome. The
states and why they make a killed worker lose and repeat nothing are explained in
``ruta.cases.outbox``; docs/operations.md says the same for operators.

A failed attempt is retried after an exponential back-off with jitter
(:func:`ruta.notify.retry_delay`); after ``max_attempts`` attempts, or at once when the
other side refused the message for good, the message is a dead letter, which supervisors
see and may send again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from ruta.cases.actions.appointments import do_queue_reminders
from ruta.cases.outbox import (
    RecoveryReport,
    claim_batch,
    mark_failed,
    mark_sending,
    mark_sent,
    recover_expired,
)
from ruta.notify import DeliveryError, Envelope, Transport, retry_delay

__all__ = ["DeliveryPolicy", "PassReport", "deliver_pass", "run_worker"]


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How the notifier leases, retries and gives up (from the ``RUTA_NOTIFY_*`` settings).

    Attributes:
        batch: Messages leased at a time.
        lease: How long a lease lasts; a stopped notifier's messages return after it.
        max_attempts: Attempts before a message is a dead letter.
        retry_base: First back-off ceiling, in seconds (it doubles per attempt).
        retry_max: Largest back-off ceiling, in seconds.
        reminder_hours: Queue reminders of appointments starting within this many hours;
            ``None`` leaves reminders to ``ruta appointments due-reminders --mark``.
    """

    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    retry_base: float = 60.0
    retry_max: float = 3600.0
    reminder_hours: int | None = None


@dataclass(slots=True)
class PassReport:
    """What one pass did."""

    recovered: RecoveryReport = field(default_factory=RecoveryReport)
    reminders: int = 0
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    lost_lease: int = 0

    def summary(self) -> str:
        """One line for the operator's log."""
        r = self.recovered
        return (
            f"sent {self.sent}, retrying {self.retrying}, dead {self.dead}, "
            f"reminders queued {self.reminders}; taken back from stopped notifiers: "
            f"{r.released} unsent, {r.resent} to repost, {r.unknown} e-mails unknown"
        )


def _now() -> datetime:
    return datetime.now(UTC)


def deliver_pass(
    session_factory: Callable[[], Session],
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    *,
    rng: random.Random | None = None,
    on_message: Callable[[str], None] | None = None,
) -> PassReport:
    """Recover, queue due reminders, then lease and deliver one batch.

    Args:
        session_factory: Opens a session on the case store.
        transports: The transport of each channel that can be delivered; messages of
            other channels wait in the outbox (an operator may configure them later).
        policy: Leases, retries, reminders.
        rng: Random source of the back-off jitter (tests pass a seeded one).
        on_message: Called with each message's new state (a progress bar).

    Returns:
        What the pass did; ``claimed == 0`` means nothing was due.
    """
    report = PassReport()
    with session_factory() as session:
        report.recovered = recover_expired(session, now=_now(), max_attempts=policy.max_attempts)
        if policy.reminder_hours is not None:
            report.reminders = do_queue_reminders(session, _now(), policy.reminder_hours)
        rows = claim_batch(
            session, limit=policy.batch, lease=policy.lease, now=_now(), channels=tuple(transports)
        )
        report.claimed = len(rows)
        # Read everything the sends need now: each state change below commits and
        # expires the session's rows.
        work = [
            (
                row.id,
                str(row.claim_token),
                row.attempts,
                Envelope(
                    message_id=row.id,
                    channel=row.channel,
                    recipient=row.recipient,
                    language=row.language,
                    subject=row.subject,
                    body=row.body,
                    idempotency_key=row.idempotency_key,
                ),
            )
            for row in rows
        ]
        for message_id, token, attempts, envelope in work:
            state = _deliver_one(
                session, transports[envelope.channel], policy, message_id, token, attempts,
                envelope, rng,
            )  # fmt: skip
            if state == "sent":
                report.sent += 1
            elif state == "pending":
                report.retrying += 1
            elif state == "dead":
                report.dead += 1
            else:
                report.lost_lease += 1
            if on_message is not None:
                on_message(state)
    return report


def _deliver_one(
    session: Session,
    transport: Transport,
    policy: DeliveryPolicy,
    message_id: int,
    token: str,
    attempts: int,
    envelope: Envelope,
    rng: random.Random | None,
) -> str:
    # Recorded before the hand-over: if this process dies from here on, recovery knows
    # the message may have left (see ruta.cases.outbox).
    if not mark_sending(session, message_id, token, now=_now(), lease=policy.lease):
        return "lost"
    try:
        try:
            transport.send(envelope)
        except DeliveryError:
            raise
        except Exception as exc:
            # Why: an error no transport foresaw (a header the mail library refuses, a
            # library bug) would otherwise stop the worker and leave this message of
            # unknown fate; it is a failed attempt like any other, retried then dead.
            raise DeliveryError.unexpected(exc) from exc
    except DeliveryError as exc:
        attempt = attempts + 1
        dead = exc.permanent or attempt >= policy.max_attempts
        wait = retry_delay(attempt, base=policy.retry_base, cap=policy.retry_max, rng=rng)
        retry_at = _now() + timedelta(seconds=wait)
        error = f"attempt {attempt}: {exc.message}"
        if not mark_failed(session, message_id, token, error=error, dead=dead, retry_at=retry_at):
            return "lost"
        return "dead" if dead else "pending"
    mark_sent(session, message_id, token, now=_now())
    return "sent"


def run_worker(
    session_factory: Callable[[], Session],
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    *,
    once: bool,
    poll_seconds: float = 10.0,
    log: Callable[[str], None] | None = None,
    on_message: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassReport:
    """Deliver until stopped; with ``once``, until nothing is due, then return.

    Returns:
        The totals of every pass.
    """
    total = PassReport()
    while not should_stop():
        report = deliver_pass(session_factory, transports, policy, on_message=on_message)
        for name in ("reminders", "claimed", "sent", "retrying", "dead", "lost_lease"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        r, t = report.recovered, total.recovered
        total.recovered = RecoveryReport(
            t.released + r.released, t.resent + r.resent, t.unknown + r.unknown, t.dead + r.dead
        )
        if log is not None and (report.claimed or report.reminders or r != RecoveryReport()):
            log(report.summary())
        if report.claimed:
            continue
        if once:
            break
        # Short naps, so that a stop request is honoured within half a second.
        wake = time.monotonic() + poll_seconds
        while not should_stop() and time.monotonic() < wake:
            time.sleep(min(0.5, max(0.0, wake - time.monotonic())))
    return total
