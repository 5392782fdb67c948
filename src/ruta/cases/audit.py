"""The append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash, so changing,
removing or reordering any stored event breaks every later link. Appends lock the single
``audit_head`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite transactions are
already serialised by ``BEGIN IMMEDIATE``), so concurrent writers never fork the chain.
Actions append as their last statement before commit, to hold that lock briefly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.store.models import AuditEvent, AuditHead, User

__all__ = ["ChainReport", "append_event", "event_hash", "verify_chain"]

GENESIS = "0" * 64


def event_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the event and the previous hash.

    Examples:
        >>> h = event_hash(seq=1, at=datetime(2026, 1, 1, tzinfo=UTC), actor="ana",
        ...                action="application.read", entity_type="application",
        ...                entity_id="x", data={}, prev_hash=GENESIS)
        >>> len(h)
        64
    """
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": f"{entity_type}:{entity_id}",
        "data": data,
        "prev": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    Args:
        session: The action's session (the event commits or rolls back with the change).
        actor: Who acted; ``None`` for the system (e.g. a failed login of no known user).
        action: Dotted verb, e.g. ``application.read``, ``application.transition``.
        entity_type: ``application``, ``user``, ``document`` ...
        entity_id: The record's id.
        data: Small JSON details (ids, states, reasons; never document contents).
    """
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    # Microsecond precision survives both backends, so the hash recomputes exactly.
    at = datetime.now(UTC)
    name = actor.username if actor is not None else "system"
    payload = data or {}
    seq = head.seq + 1
    digest = event_hash(
        seq=seq,
        at=at,
        actor=name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        data=payload,
        prev_hash=head.hash,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor.id if actor is not None else None,
        actor=name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        data=payload,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash = seq, digest
    return event


@dataclass(frozen=True)
class ChainReport:
    """Outcome of :func:`verify_chain`: ``broken_seq`` is ``None`` when intact."""

    events: int
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        """True when every link and every hash checks out."""
        return self.broken_seq is None


def verify_chain(session: Session, chunk: int = 5000) -> ChainReport:
    """Recompute every hash in order and check each link and the head.

    Returns:
        A report naming the first broken event (its ``seq``) and what is wrong with it.
    """
    prev, expected_seq, count, last = GENESIS, 1, 0, 0
    cols = (
        AuditEvent.seq,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.entity_type,
        AuditEvent.entity_id,
        AuditEvent.data,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    )
    while True:
        # Plain rows, not ORM objects: a long chain must not fill the identity map.
        rows = session.execute(
            select(*cols).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(chunk)
        ).all()
        if not rows:
            break
        for ev in rows:
            count += 1
            if ev.seq != expected_seq:
                return ChainReport(count, expected_seq, f"event {expected_seq} is missing")
            if ev.prev_hash != prev:
                return ChainReport(count, ev.seq, "its link to the previous event does not match")
            recomputed = event_hash(
                seq=ev.seq,
                at=ev.at,
                actor=ev.actor,
                action=ev.action,
                entity_type=ev.entity_type,
                entity_id=ev.entity_id,
                data=ev.data,
                prev_hash=ev.prev_hash,
            )
            if recomputed != ev.hash:
                return ChainReport(count, ev.seq, "its content does not match its hash")
            prev, expected_seq, last = ev.hash, expected_seq + 1, ev.seq
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.seq != last or head.hash != prev):
        return ChainReport(count, last + 1, "events after it were removed (head does not match)")
    return ChainReport(count)
