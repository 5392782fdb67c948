"""The ``database`` fixture of tests/conftest.py: every test starts from the same store."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.conftest import GENESIS, Database, _fresh_pg

pytestmark = pytest.mark.postgres

_EVENT = (
    "INSERT INTO audit_events (chain, seq, at, actor, action, entity_type, entity_id, data,"
    f" prev_hash, hash) VALUES (0, 1, now(), 'cw', 'created', 'user', '1', '{{}}',"
    f" '{GENESIS}', '{'1' * 64}')"
)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_guard_a_test_lifted_is_back_for_the_next(database: Database) -> None:
    # The PostgreSQL schema is shared by the session's tests: a test that tampers with the
    # audit trail disables its append-only trigger and leaves it so.
    with database.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    _fresh_pg(database.url)  # what the next test's `database` does
    with database.engine.begin() as conn:
        conn.execute(text(_EVENT))
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory'"))
