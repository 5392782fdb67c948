"""Computed releases kept in memory, keyed by everything that makes them.

A release depends on the period, the disclosure parameters, the population simulation,
what the case store holds and the moment of the stocks. :func:`store_version` reads, in
one cheap query, a fingerprint that changes whenever anything a release counts changes
(a case, a step, an appointment, a permit, an office, an audited change), and the latest
moment any counted event bears. Two moments of the same day after that latest event give
the same release (flows count every event before either; stocks and ages are taken by
day), so the running quarter's release is computed once per day and change, not once per
view; a new case changes the fingerprint and so the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ruta.i18n import N_
from ruta.stats._errors import SourceError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = ["ReleaseCache", "StoreVersion", "moment_key", "population_key", "store_version"]

T = TypeVar("T")

#: Audit actions that only read: they change nothing a release counts.
_READS = ("%.read", "%.list", "%.day_list", "%.export")

#: Counts and latest ids: any change a release counts changes one of them.
_FINGERPRINT = (
    "(SELECT count(*) FROM applications)",
    "(SELECT max(updated_at) FROM applications)",
    "(SELECT count(*) FROM applicants)",
    "(SELECT max(id) FROM transitions)",
    "(SELECT count(*) FROM transitions)",
    "(SELECT count(*) FROM appointments)",
    "(SELECT count(*) FROM permits)",
    "(SELECT count(*) FROM offices)",
    "(SELECT count(*) FROM users)",
    # The latest change on the audit trail, found walking back from the newest event.
    "(SELECT id FROM audit_events WHERE "
    + " AND ".join(f"action NOT LIKE '{r}'" for r in _READS)
    + " ORDER BY id DESC LIMIT 1)",
)
#: The moments counted events bear: the latest of them is StoreVersion.last_event.
_MOMENTS = (
    "(SELECT max(submitted_at) FROM applications)",
    "(SELECT max(at) FROM transitions)",
    "(SELECT max(s.starts_at) FROM appointments ap JOIN slots s ON s.id = ap.slot_id "
    "WHERE ap.status IN ('attended', 'no_show'))",
    "(SELECT max(issued_at) FROM permits)",
    "(SELECT max(at) FROM audit_events WHERE action = 'permit.status')",
)
_VERSION = "SELECT " + ", ".join((*_FINGERPRINT, *_MOMENTS))


@dataclass(frozen=True, slots=True)
class StoreVersion:
    """What the case store holds, in brief.

    Attributes:
        fingerprint: Counts and latest ids: any change a release counts changes it.
        last_event: The latest moment (naive UTC) a counted event bears, or None.
    """

    fingerprint: tuple[Any, ...]
    last_event: datetime | None


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        # SQLite keeps UTC timestamps as naive text (ruta.store._types.UTCDateTime).
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        moment: datetime = value
        return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    raise TypeError(value)


def store_version(connection: Connection) -> StoreVersion:
    """The fingerprint and latest event of the case store (one query).

    Raises:
        SourceError: the database is not a migrated case store.
    """
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    # The driver's own DB-API error (sqlite3.Error, psycopg.Error): anything else is a bug.
    driver_error: type[Exception] = connection.dialect.loaded_dbapi.Error
    try:
        cursor.execute(_VERSION)
        row = cursor.fetchone()
    except driver_error as exc:
        raise SourceError(
            N_(
                "the database has no case store tables (%(error)s); run "
                "`ruta db upgrade` or point RUTA_DATABASE_URL at the case store"
            ),
            field="database_url",
            error=type(exc).__name__,
        ) from None
    finally:
        cursor.close()
    split = len(_FINGERPRINT)
    fingerprint = tuple(str(v) for v in row[:split])
    moments = [m for m in (_moment(v) for v in row[split:]) if m is not None]
    return StoreVersion(fingerprint, max(moments) if moments else None)


def moment_key(version: StoreVersion, as_of: datetime) -> Hashable:
    """The part of a cache key that stands for the moment of the stocks ``as_of``.

    After the store's latest event, every moment of the same day gives the same release;
    before it, only the same moment does.

    Examples:
        >>> v = StoreVersion(("1",), datetime(2026, 8, 1, 9))
        >>> moment_key(v, datetime(2026, 8, 3, 10)) == moment_key(v, datetime(2026, 8, 3, 17))
        True
        >>> moment_key(v, datetime(2026, 8, 1, 8)) == moment_key(v, datetime(2026, 8, 1, 8, 30))
        False
    """
    if version.last_event is None or version.last_event < as_of:
        return ("day", as_of.date())
    return ("moment", as_of)


def population_key(path: Path | None) -> Hashable:
    """A population simulation file by its path, size and modification time."""
    if path is None:
        return None
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


class ReleaseCache(Generic[T]):
    """A small thread-safe LRU of computed values (releases, office histories).

    Examples:
        >>> cache: ReleaseCache[int] = ReleaseCache(2)
        >>> cache.put("a", 1); cache.put("b", 2); cache.get("a")
        1
        >>> cache.put("c", 3); cache.get("b") is None, cache.misses
        (True, 1)
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, value: T) -> None:
        """Keep ``value``; the least recently used goes when the cache is full."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (tests, or a store replaced under a running process)."""
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
