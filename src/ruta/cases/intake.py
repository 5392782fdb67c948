"""Duplicate search at intake: a new application against its host state's registry.

A state's regularization registry (the registry contract of :mod:`ruta.linkage`, CSV or
Parquet) is configured per host country with ``RUTA_REGISTRIES`` (JSON, e.g.
``{"COL": "/srv/registries/col.parquet"}``, or for a file with its own column names and
date format ``{"PER": {"path": "/srv/per.csv", "columns": {"record_id": "expediente"},
"date_format": "%d/%m/%Y"}}``): a registry belongs to one state, and an
application is only ever compared with the registry of the state it is made to. A country
without a registry is not searched, and that costs a dictionary look-up.

Each process keeps one :class:`ruta.linkage.RegistryIndex` per country. It is built in a
background thread (a million records take about 20 s and 1.9 GB), first when
:func:`use_registries` is called at start-up, again whenever the file's modification time
or size changes; meanwhile the previous version keeps answering. A submission never
waits more than :data:`WAIT_SECONDS` for an index, and a missing or unreadable file never
breaks a submission: the search is recorded as ``not_run`` with the reason and logged.

The result is stored with the application (``applications.duplicate_search``); every
candidate is also queued in the registry review queue as a pair (the application's
applicant beside the registry record), so that a caseworker compares the two side by side
and decides "same person" or "not the same person" with the existing, audited review
pages. The search itself is audited (``application.duplicate_search``: registry version,
record ids, probabilities; no names).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.audit import append_event
from ruta.cases.errors import CasesError
from ruta.store.models import Application, ReviewPairRow, User

if TYPE_CHECKING:
    from ruta.linkage import RegistryIndex

__all__ = [
    "MIN_PROBABILITY",
    "WAIT_SECONDS",
    "applicant_record",
    "configured_registries",
    "do_search_duplicates",
    "duplicate_checking_off",
    "duplicate_view",
    "open_duplicates",
    "record_duplicate_search",
    "registry_index_age",
    "registry_status",
    "search_registry",
    "use_registries",
]

_log = logging.getLogger(__name__)

#: Candidates below this probability are not shown (the linkage model's review band starts here).
MIN_PROBABILITY = 0.5
#: At most this many candidates per application, most likely first.
MAX_CANDIDATES = 5
#: How long a submission waits for an index that is still being built for the first time.
WAIT_SECONDS = 0.15
#: Application document types -> the registry contract's ``document_type`` (``""``: infer it
#: from the nationality and the number's shape, as the linkage normaliser does).
_DOCUMENT_TYPES = {"passport": "PASSPORT", "national_id": "", "other": ""}
#: The contract columns copied into a stored candidate (what a caseworker compares).
_SHOWN = (
    "record_id",
    "given_names",
    "surname_1",
    "surname_2",
    "sex",
    "date_of_birth",
    "nationality",
    "document_type",
    "document_number",
)


@dataclass(frozen=True)
class _Source:
    """Where a country's registry is and how to read it (``--columns``, ``--date-format``)."""

    path: Path
    columns: Any = None
    date_format: str | None = None


def _source(value: Any) -> _Source:
    """A ``RUTA_REGISTRIES`` entry: a path, or ``{"path", "columns", "date_format"}``."""
    if isinstance(value, Mapping):
        return _Source(Path(value["path"]), value.get("columns"), value.get("date_format"))
    path = getattr(value, "path", None)
    if path is not None:  # the settings' RegistrySource
        return _Source(Path(path), value.columns, value.date_format)
    return _Source(Path(value))


@dataclass
class _Loaded:
    """One built index and the file version it was built from."""

    index: RegistryIndex
    stamp: tuple[int, int]
    version: str
    records: int
    skipped: int


@dataclass
class _Entry:
    """A country's registry in this process: the index in use, the load in progress."""

    source: _Source
    loaded: _Loaded | None = None
    loading: tuple[int, int] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    failed: tuple[tuple[int, int], str] | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str, limit: int = 500) -> str:
    """Text safe to store: no control characters (PostgreSQL refuses NUL in JSONB).

    Examples:
        >>> _clean("bad\\x00 header")
        'bad header'
    """
    return _CONTROL.sub("", text)[:limit]


class _NotRun(Exception):
    """The search could not run; the message is the reason stored with the case."""


_lock = threading.Lock()
_entries: dict[str, _Entry] = {}
_configured: dict[str, _Source] | None = None
_wait: float | None = WAIT_SECONDS
_missing: set[Path] = set()


def _registries() -> dict[str, _Source]:
    global _configured
    if _configured is None:
        from ruta.settings import get_settings

        configured = get_settings().registries
        _configured = {k.strip().upper(): _source(v) for k, v in configured.items()}
    return _configured


def use_registries(
    registries: Mapping[str, Any] | None, *, wait: float | None = WAIT_SECONDS
) -> None:
    """Configure the registries of this process and start building their indexes.

    Args:
        registries: Host country (ISO 3166-1 alpha-3) -> registry file, or a mapping with
            ``path`` and optionally ``columns`` (field -> column, or ``field=column,...``,
            or a YAML file) and ``date_format`` (strftime patterns separated by ``|``);
            ``None`` goes back to ``RUTA_REGISTRIES`` from the environment.
        wait: Longest a submission waits for an index still being built; ``None`` waits
            until it is ready (tests and batch jobs, where a complete answer matters more
            than latency).
    """
    global _configured, _wait
    with _lock:
        _configured = (
            None
            if registries is None
            else {k.strip().upper(): _source(v) for k, v in registries.items()}
        )
        _wait = wait
        # Built indexes are kept: configured again with the same file, a country needs no
        # rebuild (a service configures once at start; tests and benchmarks switch).
        # Another file for the country replaces its entry when it is first searched.
    for country in _registries():
        # A missing file is recorded by each submission; a bad one is logged by the loader.
        with contextlib.suppress(_NotRun):
            _index_for(country, wait=0)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError as exc:
        reason = f"registry file {path.name} cannot be read ({exc.strerror})"
        if path not in _missing:  # once per file, not once per submission
            _missing.add(path)
            _log.error("intake registry %s: %s", path, reason)
        raise _NotRun(reason) from None
    _missing.discard(path)
    return st.st_mtime_ns, st.st_size


def _load(country: str, entry: _Entry, stamp: tuple[int, int], done: threading.Event) -> None:
    started = time.perf_counter()
    try:
        # Imported here, not at the top: the linkage stack (pandas, Splink) takes a second or
        # two to import, and a service without registries must not pay it at start-up.
        from ruta.linkage import RegistryIndex, read_registry

        # Why skip: a few bad rows in a million must not switch the search off; they are
        # counted and logged for the registry's maintainers.
        registry = read_registry(
            entry.source.path,
            on_error="skip",
            columns=entry.source.columns,
            date_formats=entry.source.date_format,
            # A registry is read as it is: bad rows are logged, never a reason to go dark.
            max_skipped=1.0,
        )
        index = RegistryIndex(registry)
    except Exception as exc:  # any failure must leave submissions working
        # The exception may quote the file's bytes and the server's paths: keep neither.
        path = entry.source.path
        detail = str(exc).replace(str(path), path.name)
        reason = _clean(f"registry file {path.name} could not be read: {detail}")
        _log.error("intake registry %s (%s): %s", country, path, reason)
        with _lock:
            entry.failed = (stamp, reason)
            if entry.loading == stamp:
                entry.loading = None
        done.set()
        return
    modified = datetime.fromtimestamp(stamp[0] / 1e9, UTC).isoformat(timespec="seconds")
    loaded = _Loaded(index, stamp, modified, len(registry), len(registry.skipped))
    _log.info(
        "intake registry %s: %d records (%d bad rows skipped) from %s in %.1f s",
        country,
        loaded.records,
        loaded.skipped,
        entry.source.path,
        time.perf_counter() - started,
    )
    with _lock:
        entry.loaded = loaded
        if entry.loading == stamp:
            entry.loading = None
    done.set()


def _index_for(country: str, *, wait: float | None) -> tuple[_Entry, _Loaded] | None:
    """The index to search for ``country``, None when it has no registry.

    Raises:
        _NotRun: the file is missing or bad, or its first index is not built yet.
    """
    source = _registries().get(country)
    if source is None:
        return None
    path = source.path
    stamp = _stamp(path)
    with _lock:
        entry = _entries.get(country)
        if entry is None or entry.source != source:
            entry = _entries[country] = _Entry(source)
        if entry.loaded is not None and entry.loaded.stamp == stamp:
            return entry, entry.loaded
        if entry.failed is not None and entry.failed[0] == stamp:
            raise _NotRun(entry.failed[1])
        if entry.loading != stamp:
            entry.loading = stamp
            entry.done = threading.Event()
            thread = threading.Thread(
                target=_load,
                args=(country, entry, stamp, entry.done),
                name=f"intake-{country}",
                daemon=True,
            )
            thread.start()
        done, previous = entry.done, entry.loaded
    if wait is None or previous is None:
        done.wait(wait)
    with _lock:
        loaded, failed = entry.loaded, entry.failed
    if failed is not None and failed[0] == stamp:
        raise _NotRun(failed[1])
    if loaded is None:
        raise _NotRun(f"registry file {path.name} is still being indexed; try again shortly")
    # A newer file still being indexed: the previous version answers meanwhile (the
    # version used is recorded with the result).
    return entry, loaded


def applicant_record(app: Application) -> dict[str, str]:
    """The application's applicant in the registry contract's shape.

    A birth date known only to the month or the year goes as it is (``1990-05``, ``1990``):
    linkage blocks it on the birth year and compares it with the part that is known,
    never with an invented day.

    Examples:
        >>> from ruta.store.models import Applicant
        >>> a = Applicant(given_names="Ana", surname_1="Ríos", surname_2=None, sex="F",
        ...     date_of_birth="1990-05-01", nationality="VEN", document_type="passport",
        ...     document_number="X1")
        >>> rec = applicant_record(Application(id="42", applicant=a))
        >>> rec["record_id"], rec["surname_2"], rec["date_of_birth"], rec["document_type"]
        ('application:42', '', '1990-05-01', 'PASSPORT')
        >>> a.date_of_birth = "1990"
        >>> applicant_record(Application(id="42", applicant=a))["date_of_birth"]
        '1990'
    """
    a = app.applicant
    return {
        "record_id": f"application:{app.id}",
        "given_names": a.given_names or "",
        "surname_1": a.surname_1 or "",
        "surname_2": a.surname_2 or "",
        "sex": a.sex or "",
        "date_of_birth": a.date_of_birth,
        "nationality": a.nationality or "",
        "document_type": _DOCUMENT_TYPES.get(a.document_type, ""),
        "document_number": a.document_number or "",
    }


def search_registry(app: Application) -> dict[str, Any] | None:
    """Search the host country's registry for likely duplicates of the applicant.

    Args:
        app: The new application (its applicant loaded).

    Returns:
        ``None`` when the host country has no registry (nothing is searched); otherwise
        the result to store: ``status`` (``searched`` or ``not_run``), ``reason``,
        ``registry`` (country, file, version, records), ``searched_at``, ``elapsed_ms``
        and ``candidates`` (record_id, probability, reasons, record).
    """
    if app.host_country not in _registries():
        return None  # the common case: no registry, so no stat, no lock, no write
    started = time.perf_counter()
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    try:
        found = _index_for(app.host_country, wait=_wait)
    except _NotRun as exc:
        source = _registries().get(app.host_country)
        return {
            "status": "not_run",
            "reason": str(exc),
            "registry": {
                "country": app.host_country,
                "file": source.path.name if source else "",
            },
            "searched_at": now,
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
            "candidates": [],
        }
    if found is None:
        return None
    entry, loaded = found
    query = applicant_record(app)
    try:
        hits = loaded.index.search(query, min_probability=MIN_PROBABILITY, limit=MAX_CANDIDATES)
    except Exception as exc:  # a search failure must not fail the submission
        _log.exception("intake search of application %s failed", app.id)
        return {
            "status": "not_run",
            "reason": _clean(f"the search failed: {exc}"),
            "registry": {"country": app.host_country, "file": entry.source.path.name},
            "searched_at": now,
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
            "candidates": [],
        }
    elapsed = (time.perf_counter() - started) * 1000
    return {
        "status": "searched",
        "reason": "",
        "registry": {
            "country": app.host_country,
            "file": entry.source.path.name,
            "version": loaded.version,
            "records": loaded.records,
        },
        "searched_at": now,
        "elapsed_ms": round(elapsed, 2),
        "candidates": [
            {
                "record_id": _clean(str(hit.record.get("record_id", "")), 80),
                "probability": round(hit.probability, 6),
                "reasons": list(hit.reasons),
                "record": {c: _clean(str(hit.record.get(c, "") or ""), 200) for c in _SHOWN},
            }
            for hit in hits
        ],
    }


def _differs(column: str, a: str, b: str) -> bool:
    # As the linkage review pairs compare. Loaded already: candidates come from a built index.
    from ruta.linkage import comparison_key

    return comparison_key(column, a) != comparison_key(column, b)


def _queue_pairs(
    session: Session, app: Application, result: dict[str, Any], *, again: bool
) -> None:
    """Queue each candidate as a review pair: the applicant (a) beside the record (b).

    A search run again finds the pairs queued before (and their decisions) instead of
    queueing them twice.
    """
    mine = applicant_record(app)
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
            differing_fields=[
                c
                for c in _SHOWN[1:]
                if mine.get(c) and record.get(c) and _differs(c, mine[c], record[c])
            ],
            status="pending",
        )
        rows.append(row)
    session.add_all([row for row in rows if row.id is None])
    session.flush()
    for candidate, row in zip(result["candidates"], rows, strict=True):
        candidate["pair_id"] = row.id


def record_duplicate_search(
    session: Session, actor: User | None, app: Application, *, again: bool = False
) -> None:
    """Search, store the result with the application, queue the candidates, audit.

    Called by :func:`ruta.cases.actions.do_submit_application` inside its transaction,
    after the application has its id. Without a registry for the host country it does
    nothing at all (no query, no write).

    Args:
        session: The action's session (the caller commits).
        actor: Who submitted, or the officer who asked for the search again.
        app: The application, with its id.
        again: An officer's repeated search (pairs queued before are reused).
    """
    result = search_registry(app)
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


def do_search_duplicates(session: Session, actor: User, application_id: str) -> Application:
    """Search the registry again for a case (an officer's action, audited).

    For a search that did not run (the file was missing or still being indexed) or a
    registry that has changed since. The new result replaces the stored one; candidates
    already queued keep their review pair and its decision.

    Raises:
        PermissionDeniedError: not a caseworker or supervisor.
        NotFoundError: no such application in the officer's scope.
        CasesError: the host country has no registry configured (``field="duplicate_search"``).
    """
    check_role(actor, OFFICERS, "search the registry for duplicates")
    app = load_application(session, actor, application_id)
    if app.host_country not in _registries():
        raise CasesError(
            f"no registry is configured for {app.host_country}; set RUTA_REGISTRIES",
            field="duplicate_search",
        )
    record_duplicate_search(session, actor, app, again=True)
    finish(session)
    return app


def registry_status(country: str) -> str:
    """``none`` (no registry configured), ``ready``, ``loading`` or ``failed``: for operators."""
    source = _registries().get(country.upper())
    if source is None:
        return "none"
    with _lock:
        entry = _entries.get(country.upper())
        if entry is not None and entry.source != source:
            entry = None  # an index of the file configured before
        if entry is None or (entry.loaded is None and entry.failed is None):
            return "loading"
        return "ready" if entry.loaded is not None else "failed"


def registry_index_age(country: str, now: float) -> float | None:
    """Seconds since the registry file whose index is in use was last modified (the age
    of the data intake searches), or None when no index is loaded: for operators.

    Args:
        country: Host country, ISO 3166-1 alpha-3.
        now: The current time, seconds since the epoch.
    """
    with _lock:
        entry = _entries.get(country.upper())
        if entry is None or entry.loaded is None:
            return None
        return max(0.0, now - entry.loaded.stamp[0] / 1e9)


def configured_registries() -> tuple[str, ...]:
    """The host countries that have a registry configured, sorted."""
    return tuple(sorted(_registries()))


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


def duplicate_checking_off(actor: User, app: Application) -> bool:
    """Whether an officer should be told that duplicate checking is off for ``app``.

    True when no search was ever recorded for the application and its host country has no
    registry configured: :func:`duplicate_view` is ``None`` then as it is for applicants,
    and the case page must not let silence read as "no duplicates".
    """
    if actor.role not in OFFICERS or app.duplicate_search:
        return False
    return app.host_country.upper() not in _registries()


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
