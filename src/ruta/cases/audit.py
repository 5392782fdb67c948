"""The append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash in its chain, so
changing, removing or reordering any stored event breaks the links after it.

Why several chains: an append locks its chain's head row until the transaction commits
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so one global
chain would serialise every write of the service behind one commit at a time. Events go
to one of :data:`AUDIT_CHAINS` (128) chains by their entity, so a case's events stay in one
chain, in order, while different cases commit in parallel. Each event also carries a
global ``id`` (insertion order), which is how reports name it.

Every event names the case (application) it concerns, whatever its entity: a permit's
suspension, a document, a review pair of an intake search. The auditor's view of a case
selects on that link, so a new kind of entity needs no list kept anywhere else: the
action that writes the event says which case it is about (``case=``). The link is part of
the hashed content for every event written since migration 0004 (``AuditHead.links_from``).

Actions append as their last statement before commit, to hold the lock briefly.
An append is two round trips on PostgreSQL (take the head; write the event and the
head's new hash) and three on SQLite.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ruta.cases.clock import now as clock_now
from ruta.store.models import AUDIT_CHAINS, AuditEvent, AuditHead, User

__all__ = [
    "AUDIT_CHAINS",
    "DERIVED",
    "ChainReport",
    "append_event",
    "chain_of",
    "event_hash",
    "verify_chain",
]

GENESIS = "0" * 64


class _Derived:
    """The default of ``append_event(case=...)``: the case is the entity, if an application."""

    def __repr__(self) -> str:
        return "DERIVED"


DERIVED: Final = _Derived()


def chain_of(entity_type: str, entity_id: str, actor_id: int | None = None) -> int:
    """The chain of an entity's events (by actor for events about no single entity).

    Examples:
        >>> chain_of("application", "a1") == chain_of("application", "a1")
        True
        >>> 0 <= chain_of("application", "*", 7) < AUDIT_CHAINS
        True
    """
    key = f"actor:{actor_id}" if entity_id == "*" else f"{entity_type}:{entity_id}"
    return zlib.crc32(key.encode()) % AUDIT_CHAINS


def event_hash(
    *,
    chain: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any],
    prev_hash: str,
    case: str | None = None,
    linked: bool = False,
) -> str:
    """SHA-256 over a canonical JSON of the event and the previous hash of its chain.

    Args:
        case: The case the event concerns.
        linked: Whether the hash covers ``case`` (every event since migration 0004).

    Examples:
        >>> h = event_hash(chain=0, seq=1, at=datetime(2026, 1, 1, tzinfo=UTC), actor="ana",
        ...                action="application.read", entity_type="application",
        ...                entity_id="x", data={}, prev_hash=GENESIS)
        >>> len(h)
        64
    """
    body = {
        "chain": chain,
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": f"{entity_type}:{entity_id}",
        "data": data,
        "prev": prev_hash,
    }
    if linked:
        body["case"] = case
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any] | None = None,
    *,
    case: str | _Derived | None = DERIVED,
) -> None:
    """Append one event to its chain inside the caller's transaction.

    Args:
        session: The action's session (the event commits or rolls back with the change).
        actor: Who acted; ``None`` for the system (e.g. a failed login of no known user).
        action: Dotted verb, e.g. ``application.read``, ``application.transition``.
        entity_type: ``application``, ``user``, ``document`` ...
        entity_id: The record's id (``*`` for events about many, e.g. a list).
        data: Small JSON details (ids, states, reasons; never document contents).
        case: The id of the application the event concerns, or ``None`` for none. May be
            left out only when the entity is the application itself.

    Raises:
        TypeError: ``case`` left out for an entity that is not an application (a
            programming error: every writer says which case its event is about).
    """
    if isinstance(case, _Derived):
        if entity_type != "application":
            raise TypeError(
                f"append_event({action!r}) about a {entity_type}: say which case it "
                "concerns with case=<application id>, or case=None"
            )
        case = None if entity_id == "*" else entity_id
    actor_id = actor.id if actor is not None else None
    chain = chain_of(entity_type, entity_id, actor_id)
    # The action's own changes go to the database first, so that the head's row lock,
    # taken next, is held only for the two audit statements and the commit.
    session.flush()
    conn = session.connection()
    # Why plain statements, not ORM objects: this runs in every request, and the unit of
    # work's flush of two objects cost more than the rest of the append. One statement
    # locks the head and reads the chain's next seq and previous hash.
    seq, prev_hash, links_from = conn.execute(_TAKE_HEAD, {"chain": chain}).one()
    # Microsecond precision survives both backends, so the hash recomputes exactly.
    at = clock_now(session)
    name = actor.username if actor is not None else "system"
    payload = data or {}
    digest = event_hash(
        chain=chain,
        seq=seq,
        at=at,
        actor=name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        data=payload,
        prev_hash=prev_hash,
        case=case,
        linked=seq >= links_from,
    )
    event = {
        "e_chain": chain,
        "e_seq": seq,
        "e_at": at,
        "e_actor_id": actor_id,
        "e_actor": name,
        "e_action": action,
        "e_entity_type": entity_type,
        "e_entity_id": entity_id,
        "e_application_id": case,
        "e_data": payload,
        "e_prev_hash": prev_hash,
        "e_hash": digest,
        "head_chain": chain,
        "head_hash": digest,
    }
    if conn.dialect.name == "postgresql":
        # The event and the head's new hash in one round trip (a data-modifying WITH).
        conn.execute(_WRITE_EVENT_AND_HEAD, event)
    else:
        conn.execute(_WRITE_EVENT, event)
        conn.execute(_SET_HEAD_HASH, event)


_HEADS = cast(Table, AuditHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)
_TAKE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.id == bindparam("chain"))
    .values(seq=_HEADS.c.seq + 1)
    .returning(_HEADS.c.seq, _HEADS.c.hash, _HEADS.c.links_from)
)
_SET_HEAD_HASH = (
    update(_HEADS).where(_HEADS.c.id == bindparam("head_chain")).values(hash=bindparam("head_hash"))
)
# Every value is a named bind parameter (e_*, head_*): with execution-time keys that
# match column names, SQLAlchemy would also add them to the UPDATE inside the WITH.
_WRITE_EVENT = insert(_EVENTS).values(
    {c: bindparam(f"e_{c}") for c in ("chain", "seq", "at", "actor_id", "actor", "action",
                                       "entity_type", "entity_id", "application_id", "data",
                                       "prev_hash", "hash")}
)  # fmt: skip
_WRITE_EVENT_AND_HEAD = _WRITE_EVENT.add_cte(_SET_HEAD_HASH.cte("head_write"))


@dataclass(frozen=True)
class ChainReport:
    """Outcome of :func:`verify_chain`: ``problem`` is ``None`` when every chain is intact;
    otherwise ``broken_event`` is the ``id`` of the event it is about (``None`` only when a
    chain lost all its events)."""

    events: int
    broken_event: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        """True when every link and every hash checks out."""
        return self.problem is None


_COLUMNS = (
    AuditEvent.id,
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.entity_type,
    AuditEvent.entity_id,
    AuditEvent.application_id,
    AuditEvent.data,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def _verify_one(session: Session, chain: int, chunk: int) -> tuple[int, int | None, str | None]:
    prev, expected, count, last_seq, last_id = GENESIS, 1, 0, 0, 0
    links_from = session.scalar(select(AuditHead.links_from).where(AuditHead.id == chain)) or 1
    while True:
        # Plain rows, not ORM objects: a long chain must not fill the identity map.
        rows = session.execute(
            select(*_COLUMNS)
            .where(AuditEvent.chain == chain, AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq)
            .limit(chunk)
        ).all()
        if not rows:
            break
        for ev in rows:
            count += 1
            if ev.seq != expected:
                return count, ev.id, f"the event before it in chain {chain} is missing"
            if ev.prev_hash != prev:
                return count, ev.id, "its link to the previous event does not match"
            recomputed = event_hash(
                chain=chain,
                seq=ev.seq,
                at=ev.at,
                actor=ev.actor,
                action=ev.action,
                entity_type=ev.entity_type,
                entity_id=ev.entity_id,
                data=ev.data,
                prev_hash=ev.prev_hash,
                case=ev.application_id,
                linked=ev.seq >= links_from,
            )
            if recomputed != ev.hash:
                return count, ev.id, "its content does not match its hash"
            prev, expected, last_seq, last_id = ev.hash, expected + 1, ev.seq, ev.id
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == chain)
    ).first()
    if head is None:
        return count, last_id, f"the head of chain {chain} is missing"
    if head.seq != last_seq or head.hash != prev:
        if not last_id:
            return count, None, f"all events of chain {chain} were removed"
        return count, last_id, f"events after it in chain {chain} were removed"
    return count, None, None


def verify_chain(session: Session, chunk: int = 5000) -> ChainReport:
    """Recompute every hash of every chain and check the links and the heads.

    Returns:
        A report naming the first broken event (lowest ``id`` among the chains' first
        failures) and what is wrong with it.
    """
    total, failures = 0, []
    for chain in range(AUDIT_CHAINS):
        count, broken, problem = _verify_one(session, chain, chunk)
        total += count
        if problem is not None:
            failures.append((broken, problem))
    if not failures:
        return ChainReport(total)
    broken, problem = min(failures, key=lambda f: -1 if f[0] is None else f[0])
    return ChainReport(total, broken, problem)
