"""PostgreSQL engines ping a pooled connection only after it sat idle, and replace a dead one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text
from tests.conftest import PG_URL

from ruta.store import engine as store_engine
from ruta.store import make_engine


def _counting_pings(engine: Engine) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def do_ping(dbapi_conn: Any) -> bool:
        pings.append(1)
        return real(dbapi_conn)

    engine.dialect.do_ping = do_ping  # type: ignore[method-assign]
    return pings


@pytest.fixture
def pg_url() -> str:
    # The idle ping is for server databases only: these tests talk to PostgreSQL alone
    # (no schema needed, just connections), not to the SQLite half of ``database``.
    return PG_URL


def test_a_busy_connection_is_not_pinged(pg_url):
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    pings = _counting_pings(engine)
    for _ in range(5):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    assert pings == []
    engine.dispose()


def test_an_idle_dead_connection_is_replaced(pg_url, monkeypatch):
    monkeypatch.setattr(store_engine, "IDLE_PING_SECONDS", 0.0)
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    pings = _counting_pings(engine)
    with engine.connect() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    # The server ends the pooled connection's backend (a restart, an idle timeout).
    admin = make_engine(pg_url)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    admin.dispose()
    with engine.connect() as conn:
        again = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    assert again != first
    assert pings  # checked, found dead, replaced: the caller saw no error
    engine.dispose()
