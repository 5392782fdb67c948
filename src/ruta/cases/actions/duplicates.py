"""The registry duplicate check: a new application against its host state's registry.

The search itself runs over the process's :class:`ruta.cases.registries.RegistryIndexes`,
which the web app or the CLI creates and passes in. The result is stored with the
application (``applications.duplicate_search``); every candidate is also queued in the
registry pair review queue (:mod:`ruta.cases.actions.pair_review`) as a pair (the
application's applicant beside the registry record), so that a caseworker compares the two
side by side and decides "same person" or "not the same person" with the existing, audited
review pages. The search itself is audited here (``application.duplicate_search``: registry
version, record ids, probabilities; no names).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.audit import append_event
from ruta.cases.errors import CasesError
from ruta.cases.registries import RegistryIndexes, applicant_record
from ruta.i18n import N_
from ruta.store.models import Application, ReviewPairRow, User

__all__ = [
    "do_search_duplicates",
    "duplicate_checking_off",
    "duplicate_view",
    "open_duplicates",
    "record_duplicate_search",
]


def _differing_fields(mine: dict[str, str], record: dict[str, str]) -> list[str]:
    # As the linkage review pairs compare, over the registry contract's columns (but the
    # record id). Loaded already: candidates come from a built index.
    from ruta.linkage import CONTRACT_COLUMNS, comparison_key

    return [
        c
        for c in CONTRACT_COLUMNS[1:]
        if mine.get(c)
        and record.get(c)
        and comparison_key(c, mine[c]) != comparison_key(c, record[c])
    ]


def _queue_pairs(
    session: Session, app: Application, result: dict[str, Any], *, again: bool
) -> None:
    """Queue each candidate as a review pair: the applicant (a) beside the record (b).

    A search run again finds the pairs queued before (and their decisions) instead of
    queueing them twice.
    """
    mine = applicant_record(app)
    # The stored registry name keeps its first wording: pairs queued before are found by it.
    registry = f"{app.host_country} intake: {result['registry']['file']}"[:80]
    known: dict[str, ReviewPairRow] = {}
    if again:
        query = select(ReviewPairRow).where(
            ReviewPairRow.registry_name == registry,
            ReviewPairRow.record_id_a == mine["record_id"][:80],
        )
        known = {row.record_id_b: row for row in session.scalars(query)}
    rows = []
    for candidate in result["candidates"]:
        record = candidate["record"]
        if candidate["record_id"][:80] in known:
            rows.append(known[candidate["record_id"][:80]])
            continue
        row = ReviewPairRow(
            registry_name=registry,
            country=app.host_country,
            record_id_a=mine["record_id"][:80],
            record_id_b=candidate["record_id"][:80],
            probability=candidate["probability"],
            record_a=mine,
            record_b=record,
            differing_fields=_differing_fields(mine, record),
            status="pending",
        )
        rows.append(row)
    session.add_all([row for row in rows if row.id is None])
    session.flush()
    for candidate, row in zip(result["candidates"], rows, strict=True):
        candidate["pair_id"] = row.id


def record_duplicate_search(
    session: Session,
    actor: User | None,
    app: Application,
    registries: RegistryIndexes | None,
    *,
    again: bool = False,
) -> None:
    """Search, store the result with the application, queue the candidates, audit.

    Called by :func:`ruta.cases.actions.do_submit_application` inside its transaction,
    after the application has its id, and by :func:`do_search_duplicates`. Without a
    registry for the host country it does nothing at all (no query, no write).

    Args:
        session: The action's session (the caller commits).
        actor: Who submitted, or the officer who asked for the search again.
        app: The application, with its id.
        registries: The process's registries; ``None`` searches nothing.
        again: An officer's repeated search (pairs queued before are reused).
    """
    result = registries.search(app) if registries is not None else None
    if result is None:
        return
    if result["candidates"]:
        _queue_pairs(session, app, result, again=again)
    app.duplicate_search = result
    registry = result["registry"]
    data = {
        "status": result["status"],
        "registry": registry.get("file", ""),
        "version": registry.get("version", ""),
        "elapsed_ms": result["elapsed_ms"],
        "candidates": [
            {"record_id": c["record_id"], "probability": c["probability"], "pair": c["pair_id"]}
            for c in result["candidates"]
        ],
    }
    if result["status"] == "not_run":
        data["reason"] = result["reason"]
    if again:
        data["again"] = True
    append_event(session, actor, "application.duplicate_search", "application", app.id, data)


def do_search_duplicates(
    session: Session, actor: User, application_id: str, registries: RegistryIndexes
) -> Application:
    """Search the registry again for a case (an officer's action, audited).

    For a search that did not run (the file was missing or still being indexed) or a
    registry that has changed since. The new result replaces the stored one; candidates
    already queued keep their review pair and its decision.

    Raises:
        PermissionDeniedError: not a caseworker or supervisor.
        NotFoundError: no such application in the officer's scope.
        CasesError: the host country has no registry configured (``field="duplicate_search"``).
    """
    check_role(actor, OFFICERS, N_("search the registry for duplicates"))
    app = load_application(session, actor, application_id)
    if app.host_country not in registries:
        raise CasesError(
            N_("no registry is configured for %(country)s; set RUTA_REGISTRIES"),
            country=app.host_country,
            field="duplicate_search",
        )
    record_duplicate_search(session, actor, app, registries, again=True)
    finish(session)
    return app


def duplicate_view(session: Session, actor: User, app: Application) -> dict[str, Any] | None:
    """The stored search with each candidate's review status, for officers only.

    The candidates are other people's registry records: applicants never see them, even
    on their own case. Returns ``None`` for other roles and when no search was recorded.
    """
    result = app.duplicate_search
    if actor.role not in OFFICERS or not result:
        return None
    ids = [c["pair_id"] for c in result.get("candidates", []) if c.get("pair_id")]
    statuses: dict[int, str] = {}
    if ids:
        query = select(ReviewPairRow.id, ReviewPairRow.status).where(ReviewPairRow.id.in_(ids))
        statuses = {pair_id: status for pair_id, status in session.execute(query)}
    candidates = [
        {**c, "review_status": statuses.get(c.get("pair_id") or 0, "")}
        for c in result.get("candidates", [])
    ]
    open_ = sum(1 for c in candidates if c["review_status"] == "pending")
    searched_at = datetime.fromisoformat(result["searched_at"])
    return {**result, "candidates": candidates, "open": open_, "searched_at": searched_at}


def duplicate_checking_off(actor: User, app: Application, registries: RegistryIndexes) -> bool:
    """Whether an officer should be told that duplicate checking is off for ``app``.

    True when no search was ever recorded for the application and its host country has no
    registry configured: :func:`duplicate_view` is ``None`` then as it is for applicants,
    and the case page must not let silence read as "no duplicates".
    """
    if actor.role not in OFFICERS or app.duplicate_search:
        return False
    return app.host_country not in registries


def open_duplicates(session: Session, actor: User, apps: list[Application]) -> set[str]:
    """Ids of the applications (of a queue page) with a candidate still awaiting review.

    One query for the whole page, so the work queue can flag possible duplicates without a
    look-up per row. Applicants get an empty set, as in :func:`duplicate_view`.
    """
    if actor.role not in OFFICERS:
        return set()
    owners: dict[int, str] = {}
    for app in apps:
        for candidate in (app.duplicate_search or {}).get("candidates", []):
            if candidate.get("pair_id"):
                owners[int(candidate["pair_id"])] = app.id
    if not owners:
        return set()
    query = select(ReviewPairRow.id).where(
        ReviewPairRow.id.in_(owners), ReviewPairRow.status == "pending"
    )
    return {owners[pair_id] for pair_id in session.scalars(query)}
