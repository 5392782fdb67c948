"""The registry review queue: borderline linkage pairs that a person decides on.

``ruta link dedupe --pairs-out`` scores record pairs; :func:`ruta.linkage.borderline_pairs`
keeps the ones the model could not decide on. They are imported here and a caseworker or
supervisor decides, once, whether both records are the same person ("merged") or not
("distinct"), with a reason. Opening a pair shows two people's personal data side by side,
so every such read is audited, like every decision. A pair belongs to the state whose
registry it comes from; only that state's officers see it (others get "not found", as
for a case outside their scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role
from ruta.cases.actions._common import check_reason
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError, word
from ruta.i18n import N_, Text
from ruta.store.models import REVIEW_OUTCOMES, ReviewPairRow, User

if TYPE_CHECKING:  # the linkage stack (pandas, Splink) is not for every casework import
    from ruta.linkage import ReviewPair

__all__ = [
    "APPLICATION_PREFIX",
    "case_of",
    "check_pair_review_access",
    "do_decide_review_pair",
    "do_import_review_pairs",
    "export_review_decisions",
    "get_review_pair",
    "list_review_pairs",
]

_ENTITY = "review_pair"
#: Record ids of intake pairs (an application beside a registry record) start with this.
APPLICATION_PREFIX = "application:"
#: Who may export decisions: the officers who make them and the auditors who check them.
_EXPORTERS = OFFICERS | {"auditor"}


def case_of(pair: ReviewPairRow) -> str | None:
    """The application an intake pair was queued for (``None`` for two registry records).

    Examples:
        >>> case_of(ReviewPairRow(record_id_a="application:a1", record_id_b="R9"))
        'a1'
        >>> case_of(ReviewPairRow(record_id_a="R1", record_id_b="R9")) is None
        True
    """
    for record_id in (pair.record_id_a, pair.record_id_b):
        if record_id.startswith(APPLICATION_PREFIX):
            return record_id[len(APPLICATION_PREFIX) :]
    return None


def check_pair_review_access(actor: User) -> None:
    """Refuse anyone but caseworkers and supervisors.

    Raises:
        PermissionDeniedError: for every other role.
    """
    check_role(actor, OFFICERS, N_("review registry pairs"))


def _check_registry(registry: str) -> str:
    name = (registry or "").strip()
    if not name or len(name) > 80 or "\x00" in name:
        raise CasesError(
            N_("got registry name %(registry)s; expected 1 to 80 characters, e.g. COL-2026"),
            field="registry",
            registry=repr(registry),
        )
    return name


def _check_country(
    actor: User | None, country: str | None, doing: str = N_("queue pairs of")
) -> str:
    code = (country or (actor.country if actor is not None else None) or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise CasesError(
            N_(
                "got country %(country)s; expected the registry's ISO 3166-1 alpha-3 code, e.g. COL"
            ),
            field="country",
            country=repr(country),
        )
    if actor is not None and actor.country != code:
        raise PermissionDeniedError(
            N_("a %(role)s of %(yours)s may not %(doing)s %(country)s's registry"),
            field="country",
            role=word(actor.role),
            yours=str(actor.country),
            doing=Text(doing),
            country=str(code),
        )
    return code


def do_import_review_pairs(
    session: Session,
    actor: User | None,
    pairs: Sequence[ReviewPair],
    registry: str,
    *,
    country: str | None = None,
) -> int:
    """Queue borderline pairs for review; pairs already queued are left as they are.

    Args:
        session: The case store session.
        actor: The officer importing, or ``None`` for the operator's command line.
        pairs: Output of :func:`ruta.linkage.borderline_pairs`.
        registry: The registry's name; ``(registry, a, b)`` identifies a pair, in
            either order, so importing the same file twice queues nothing new.
        country: The state whose registry it is (default: the actor's country).

    Returns:
        How many pairs were newly queued.
    """
    if actor is not None:
        check_pair_review_access(actor)
    name = _check_registry(registry)
    code = _check_country(actor, country)
    existing = {
        (a, b)
        for a, b in session.execute(
            select(ReviewPairRow.record_id_a, ReviewPairRow.record_id_b).where(
                ReviewPairRow.registry_name == name
            )
        )
    }
    added = 0
    for pair in pairs:
        first, second = pair.record_a, pair.record_b
        # Store each pair in one order so that (b, a) is recognised as (a, b).
        if first.get("record_id", "") > second.get("record_id", ""):
            first, second = second, first
        key = (first.get("record_id", ""), second.get("record_id", ""))
        if not key[0] or not key[1]:
            raise CasesError(N_("every pair needs both record ids"), field="record_id")
        if key in existing:
            continue
        existing.add(key)
        session.add(
            ReviewPairRow(
                registry_name=name,
                country=code,
                record_id_a=key[0],
                record_id_b=key[1],
                probability=pair.match_probability,
                record_a=dict(first),
                record_b=dict(second),
                differing_fields=list(pair.differing_fields),
                status="pending",
            )
        )
        added += 1
    session.flush()
    data = {"registry": name, "country": code, "offered": len(pairs), "added": added}
    append_event(session, actor, "review_pair.import", "registry", name, data, case=None)
    finish(session)
    return added


def list_review_pairs(
    session: Session,
    actor: User,
    *,
    decided: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[ReviewPairRow], int]:
    """Pending pairs (most uncertain first) or decided ones (latest first).

    The list names records by id only, so it is not itself an audited read.

    Returns:
        The page of pairs and the total matching.
    """
    check_pair_review_access(actor)
    order: list[ColumnElement[Any]]
    scope = _scope(actor)
    if decided:
        cond = scope & (ReviewPairRow.status != "pending")
        order = [ReviewPairRow.decided_at.desc(), ReviewPairRow.id.desc()]
    else:
        cond = scope & (ReviewPairRow.status == "pending")
        order = [func.abs(ReviewPairRow.probability - 0.5), ReviewPairRow.id.asc()]
    total = int(session.scalar(select(func.count()).select_from(ReviewPairRow).where(cond)) or 0)
    query = select(ReviewPairRow).where(cond).order_by(*order)
    rows = session.scalars(query.offset((max(page, 1) - 1) * page_size).limit(page_size))
    return list(rows), total


def _scope(actor: User) -> ColumnElement[bool]:
    # Officers see their own state's registry only, like case files.
    if actor.country is None:
        return false()
    return ReviewPairRow.country == actor.country


def _load(
    session: Session, actor: User, pair_id: int, *, for_update: bool = False
) -> ReviewPairRow:
    query = select(ReviewPairRow).where(ReviewPairRow.id == pair_id, _scope(actor))
    if for_update:
        # Why: two reviewers deciding at once must not both see "pending".
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            N_("no review pair %(pair)s in your scope; check the id"),
            field="pair_id",
            pair=str(pair_id),
        )
    return row


def get_review_pair(session: Session, actor: User, pair_id: int) -> ReviewPairRow:
    """One pair with both records (an audited read of two people's data).

    Raises:
        PermissionDeniedError: not a caseworker or supervisor.
        NotFoundError: no such pair, or one of another state's registry.
    """
    check_pair_review_access(actor)
    row = _load(session, actor, pair_id)
    append_event(session, actor, "review_pair.read", _ENTITY, str(row.id), {}, case=case_of(row))
    finish(session)
    return row


def do_decide_review_pair(
    session: Session, actor: User, pair_id: int, outcome: str, reason: str
) -> ReviewPairRow:
    """Decide a pending pair: ``merged`` (same person) or ``distinct``, with a reason.

    Raises:
        PermissionDeniedError: not a caseworker or supervisor.
        CasesError: unknown outcome or empty reason.
        NotFoundError: no such pair.
        ConflictError: the pair was already decided (decisions are made once).
    """
    check_pair_review_access(actor)
    if outcome not in REVIEW_OUTCOMES:
        raise CasesError(
            N_("got outcome %(outcome)s; expected one of %(outcomes)s"),
            field="outcome",
            outcome=repr(outcome),
            outcomes=", ".join(REVIEW_OUTCOMES),
        )
    text = check_reason(reason)
    row = _load(session, actor, pair_id, for_update=True)
    if row.status != "pending":
        raise ConflictError(
            N_("review pair %(pair)s was already decided (%(status)s); decisions are final"),
            field="pair_id",
            pair=str(pair_id),
            status=word(row.status),
        )
    row.status = outcome
    row.decided_by = actor.id
    row.decided_at = clock_now(session)
    row.reason = text
    data = {"outcome": outcome, "registry": row.registry_name, "reason": text}
    append_event(
        session, actor, "review_pair.decide", _ENTITY, str(row.id), data, case=case_of(row)
    )
    finish(session)
    return row


def export_review_decisions(
    session: Session,
    actor: User,
    registry: str,
    *,
    country: str | None = None,
    include_intake: bool = False,
) -> list[dict[str, str]]:
    """The decided pairs of one registry, oldest decision first, for ``ruta link dedupe``.

    The export names records by id, the decider and the reason; it is audited as a read
    (``review_pair.export``) because it says who decided what about whom.

    Args:
        session: The case store session.
        actor: A caseworker, supervisor or auditor of the registry's state.
        registry: The registry's name, as imported.
        country: The registry's state (default and only allowed value: the actor's).
        include_intake: Also export intake pairs, whose ``record_id_a`` is
            ``application:<id>``; left out by default because an application is not a record
            of the registry file that ``ruta link dedupe`` reads.

    Returns:
        Rows ``record_id_a, record_id_b, decision, decided_by, decided_at, reason``.

    Raises:
        PermissionDeniedError: another role, or another state's registry.
        CasesError: a malformed registry name or country.
    """
    check_role(actor, _EXPORTERS, N_("export review decisions"))
    name = _check_registry(registry)
    code = _check_country(actor, country, N_("export decisions of"))
    query = (
        select(ReviewPairRow, User.username)
        .outerjoin(User, User.id == ReviewPairRow.decided_by)
        .where(
            ReviewPairRow.registry_name == name,
            ReviewPairRow.country == code,
            ReviewPairRow.status != "pending",
        )
        .order_by(ReviewPairRow.decided_at.asc(), ReviewPairRow.id.asc())
    )
    rows = []
    intake = 0
    for pair, username in session.execute(query):
        if not include_intake and (
            pair.record_id_a.startswith(APPLICATION_PREFIX)
            or pair.record_id_b.startswith(APPLICATION_PREFIX)
        ):
            intake += 1
            continue
        decided_at = pair.decided_at
        if decided_at is not None and decided_at.tzinfo is None:
            decided_at = decided_at.replace(tzinfo=UTC)  # SQLite drops the zone; it is UTC
        rows.append(
            {
                "record_id_a": pair.record_id_a,
                "record_id_b": pair.record_id_b,
                "decision": pair.status,
                "decided_by": username or "",
                "decided_at": decided_at.isoformat() if decided_at is not None else "",
                "reason": pair.reason or "",
            }
        )
    data = {"registry": name, "country": code, "exported": len(rows), "intake_left_out": intake}
    append_event(session, actor, "review_pair.export", "registry", name, data, case=None)
    finish(session)
    return rows
