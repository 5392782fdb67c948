"""Alembic environment: online migrations on a given connection or URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ruta.store.engine import make_engine
from ruta.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


# Why the guard: pytest's doctest collection imports this file outside Alembic.
if hasattr(context, "config"):
    _main()
