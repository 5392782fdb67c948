"""The states' registries that a new application is searched against for duplicates.

A state's regularization registry (the registry contract of :mod:`ruta.linkage`, CSV or
Parquet) is configured per host country (``RUTA_REGISTRIES``, read by the settings and
passed in here, e.g. ``{"COL": "/srv/registries/col.parquet"}``, or for a file with its own
column names and date format ``{"PER": {"path": "/srv/per.csv", "columns":
{"record_id": "expediente"}, "date_format": "%d/%m/%Y"}}``): a registry belongs to one
state, and an application is only ever compared with the registry of the state it is made
to. A country without a registry is not searched, and that costs a dictionary look-up.

The web app and the CLI each create one :class:`RegistryIndexes` and pass it to the actions
that search (:mod:`ruta.cases.actions.duplicates`). It keeps one
:class:`ruta.linkage.RegistryIndex` per country, built in a background thread (a million
records take about 20 s and 1.9 GB) first when :meth:`RegistryIndexes.start` is called,
again whenever the file's modification time or size changes; meanwhile the previous version
keeps answering. A submission never waits more than :data:`WAIT_SECONDS` for an index, and
a missing or unreadable file never breaks a submission: the search is recorded as
``not_run`` with the reason and logged.
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

from ruta.store.models import Application

if TYPE_CHECKING:
    from ruta.linkage import RegistryIndex

__all__ = [
    "MAX_CANDIDATES",
    "MIN_PROBABILITY",
    "WAIT_SECONDS",
    "RegistryIndexes",
    "applicant_record",
    "clean_text",
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
    """A country's registry: the index in use, the load in progress."""

    source: _Source
    loaded: _Loaded | None = None
    loading: tuple[int, int] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    failed: tuple[tuple[int, int], str] | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str, limit: int = 500) -> str:
    """Text safe to store: no control characters (PostgreSQL refuses NUL in JSONB).

    Examples:
        >>> clean_text("bad\\x00 header")
        'bad header'
    """
    return _CONTROL.sub("", text)[:limit]


class _NotRun(Exception):
    """The search could not run; the message is the reason stored with the case."""


class RegistryIndexes:
    """The configured registries and their indexes, one per host country.

    Created once by the web app (``app.state.registries``) or a CLI command and passed to
    the actions; safe to share between threads (the web workers' request threads and the
    background loads).

    Examples:
        >>> none = RegistryIndexes({})
        >>> none.countries(), none.status("COL"), "COL" in none
        ((), 'none', False)
        >>> some = RegistryIndexes({"col": "/srv/registries/col.parquet"})
        >>> some.countries(), "COL" in some, some.file_name("COL")
        (('COL',), True, 'col.parquet')
    """

    def __init__(
        self, registries: Mapping[str, Any] | None = None, *, wait: float | None = WAIT_SECONDS
    ) -> None:
        """Configure the registries; nothing is read until :meth:`start` or a search.

        Args:
            registries: Host country (ISO 3166-1 alpha-3) -> registry file, or a mapping
                with ``path`` and optionally ``columns`` (field -> column, or
                ``field=column,...``, or a YAML file) and ``date_format`` (strftime
                patterns separated by ``|``); the settings' ``registries``.
            wait: Longest a submission waits for an index still being built; ``None``
                waits until it is ready (tests and batch jobs, where a complete answer
                matters more than latency).
        """
        self._sources = {k.strip().upper(): _source(v) for k, v in (registries or {}).items()}
        self.wait = wait
        # Why a lock: request threads search while a background thread swaps a new index in.
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._missing: set[Path] = set()

    def __contains__(self, country: object) -> bool:
        return isinstance(country, str) and country.upper() in self._sources

    def start(self) -> RegistryIndexes:
        """Start building every configured country's index in the background."""
        for country in self._sources:
            # A missing file is recorded by each submission; a bad one is logged by the loader.
            with contextlib.suppress(_NotRun):
                self._index_for(country, wait=0)
        return self

    def countries(self) -> tuple[str, ...]:
        """The host countries that have a registry configured, sorted."""
        return tuple(sorted(self._sources))

    def file_name(self, country: str) -> str:
        """The name (not the path) of the country's registry file, ``""`` without one."""
        source = self._sources.get(country.upper())
        return source.path.name if source else ""

    def status(self, country: str) -> str:
        """``none`` (no registry configured), ``ready``, ``loading`` or ``failed``."""
        source = self._sources.get(country.upper())
        if source is None:
            return "none"
        with self._lock:
            entry = self._entries.get(country.upper())
            if entry is not None and entry.source != source:
                entry = None  # an index of the file configured before
            if entry is None or (entry.loaded is None and entry.failed is None):
                return "loading"
            return "ready" if entry.loaded is not None else "failed"

    def index_age(self, country: str, now: float) -> float | None:
        """Seconds since the registry file whose index is in use was last modified (the age
        of the data searched), or None when no index is loaded: for operators.

        Args:
            country: Host country, ISO 3166-1 alpha-3.
            now: The current time, seconds since the epoch.
        """
        with self._lock:
            entry = self._entries.get(country.upper())
            if entry is None or entry.loaded is None:
                return None
            return max(0.0, now - entry.loaded.stamp[0] / 1e9)

    def search(self, app: Application) -> dict[str, Any] | None:
        """Search the host country's registry for likely duplicates of the applicant.

        Args:
            app: The new application (its applicant loaded).

        Returns:
            ``None`` when the host country has no registry (nothing is searched);
            otherwise the result to store: ``status`` (``searched`` or ``not_run``),
            ``reason``, ``registry`` (country, file, version, records), ``searched_at``,
            ``elapsed_ms`` and ``candidates`` (record_id, probability, reasons, record).
        """
        if app.host_country not in self._sources:
            return None  # the common case: no registry, so no stat, no lock, no write
        started = time.perf_counter()
        now = datetime.now(UTC).isoformat(timespec="milliseconds")

        def not_run(reason: str, file: str) -> dict[str, Any]:
            return {
                "status": "not_run",
                "reason": reason,
                "registry": {"country": app.host_country, "file": file},
                "searched_at": now,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
                "candidates": [],
            }

        try:
            found = self._index_for(app.host_country, wait=self.wait)
        except _NotRun as exc:
            return not_run(str(exc), self.file_name(app.host_country))
        if found is None:
            return None
        entry, loaded = found
        query = applicant_record(app)
        try:
            hits = loaded.index.search(query, min_probability=MIN_PROBABILITY, limit=MAX_CANDIDATES)
        except Exception as exc:  # a search failure must not fail the submission
            _log.exception("registry search of application %s failed", app.id)
            return not_run(clean_text(f"the search failed: {exc}"), entry.source.path.name)
        elapsed = (time.perf_counter() - started) * 1000
        # Loaded already (the index was built with it); the contract's columns are what a
        # caseworker compares, so a stored candidate keeps those.
        from ruta.linkage import CONTRACT_COLUMNS

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
                    "record_id": clean_text(str(hit.record.get("record_id", "")), 80),
                    "probability": round(hit.probability, 6),
                    "reasons": list(hit.reasons),
                    "record": {
                        c: clean_text(str(hit.record.get(c, "") or ""), 200)
                        for c in CONTRACT_COLUMNS
                    },
                }
                for hit in hits
            ],
        }

    def _stamp(self, path: Path) -> tuple[int, int]:
        try:
            st = os.stat(path)
        except OSError as exc:
            reason = f"registry file {path.name} cannot be read ({exc.strerror})"
            if path not in self._missing:  # once per file, not once per submission
                self._missing.add(path)
                _log.error("registry %s: %s", path, reason)
            raise _NotRun(reason) from None
        self._missing.discard(path)
        return st.st_mtime_ns, st.st_size

    def _load(
        self, country: str, entry: _Entry, stamp: tuple[int, int], done: threading.Event
    ) -> None:
        started = time.perf_counter()
        try:
            # Imported here, not at the top: the linkage stack (pandas, Splink) takes a second
            # or two to import, and a service without registries must not pay it at start-up.
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
            reason = clean_text(f"registry file {path.name} could not be read: {detail}")
            _log.error("registry %s (%s): %s", country, path, reason)
            with self._lock:
                entry.failed = (stamp, reason)
                if entry.loading == stamp:
                    entry.loading = None
            done.set()
            return
        modified = datetime.fromtimestamp(stamp[0] / 1e9, UTC).isoformat(timespec="seconds")
        loaded = _Loaded(index, stamp, modified, len(registry), len(registry.skipped))
        _log.info(
            "registry %s: %d records (%d bad rows skipped) from %s in %.1f s",
            country,
            loaded.records,
            loaded.skipped,
            entry.source.path,
            time.perf_counter() - started,
        )
        with self._lock:
            entry.loaded = loaded
            if entry.loading == stamp:
                entry.loading = None
        done.set()

    def _index_for(self, country: str, *, wait: float | None) -> tuple[_Entry, _Loaded] | None:
        """The index to search for ``country``, None when it has no registry.

        Raises:
            _NotRun: the file is missing or bad, or its first index is not built yet.
        """
        source = self._sources.get(country)
        if source is None:
            return None
        path = source.path
        stamp = self._stamp(path)
        with self._lock:
            entry = self._entries.get(country)
            if entry is None or entry.source != source:
                entry = self._entries[country] = _Entry(source)
            if entry.loaded is not None and entry.loaded.stamp == stamp:
                return entry, entry.loaded
            if entry.failed is not None and entry.failed[0] == stamp:
                raise _NotRun(entry.failed[1])
            if entry.loading != stamp:
                entry.loading = stamp
                entry.done = threading.Event()
                thread = threading.Thread(
                    target=self._load,
                    args=(country, entry, stamp, entry.done),
                    name=f"registry-{country}",
                    daemon=True,
                )
                thread.start()
            done, previous = entry.done, entry.loaded
        if wait is None or previous is None:
            done.wait(wait)
        with self._lock:
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
