"""Database engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` (a commit is on disk before we answer
201) and every transaction starts with ``BEGIN IMMEDIATE``: nearly every request writes
(reads of a case file are audited), and taking the write lock up front avoids the
deadlock-prone upgrade from a read lock to a write lock.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["IDLE_PING_SECONDS", "make_engine", "make_sessionmaker"]

#: A pooled PostgreSQL connection unused for longer than this is checked before use.
IDLE_PING_SECONDS = 10.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``, configuring SQLite for WAL and durability.

    Args:
        url: SQLAlchemy URL (``sqlite:///var/ruta.db``, ``postgresql+psycopg://...``).
        **kwargs: Passed to :func:`sqlalchemy.create_engine` (pool sizes, echo ...).

    Returns:
        The engine. For a SQLite file the parent directory is created.

    Examples:
        >>> engine = make_engine("sqlite://")
        >>> with engine.connect() as conn:
        ...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        1
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if "pool_pre_ping" in kwargs:
            return create_engine(url, **kwargs)
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine, IDLE_PING_SECONDS)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Why: let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection with ``SELECT 1`` before use only if it sat idle.

    Why not ``pool_pre_ping``: it pings on every checkout, one more round trip in every
    request, while a busy service reuses its connections within milliseconds. A
    connection that rested (overnight, or across a database restart) is checked as
    before; a dead one is replaced by the pool, invisibly to the request. If the
    database restarts while requests are flowing, the requests on its old connections
    fail once and the pool then replaces all of them (SQLAlchemy invalidates the pool on
    the first disconnect error).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (or a new one).
            raise DisconnectionError(f"pooled connection is dead: {exc}") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (responses are built then)."""
    return sessionmaker(engine, expire_on_commit=False)
