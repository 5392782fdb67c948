"""The case store: migrations match the models, SQLite is in WAL mode, timestamps are UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from ruta.store import make_engine, upgrade
from ruta.store.models import Base, LoginAttempt


def test_migrations_create_exactly_the_models(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(database):
    upgrade(database.url)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0011"


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_timestamps_come_back_aware_utc(session):
    local = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    session.add(LoginAttempt(key="k", at=local))
    session.commit()
    session.expire_all()
    stored = session.query(LoginAttempt).one().at
    assert stored == local and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(session):
    session.add(LoginAttempt(key="k", at=datetime(2026, 3, 1, 9, 30)))
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()
    session.rollback()
