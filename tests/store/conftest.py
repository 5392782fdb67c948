"""Helpers of the migration tests: a case store at an older revision, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.conftest import pg_schema

from ruta.store import make_engine, upgrade


@contextmanager
def store_at(backend: str, tmp_path: Path, revision: str, *inserts: str) -> Iterator[str]:
    """The URL of a case store migrated to ``revision`` holding the rows of ``inserts``.

    Args:
        backend: ``sqlite`` (a file in ``tmp_path``) or ``postgresql`` (a schema of its own,
            dropped when the block ends).
        revision: The Alembic revision to stop at (the one before the migration tested).
        inserts: SQL statements run once the store is at that revision.
    """
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'old.db'}"
        else:
            url = stack.enter_context(pg_schema())
        upgrade(url, revision)
        engine = make_engine(url)
        with engine.begin() as conn:
            for statement in inserts:
                conn.execute(text(statement))
        engine.dispose()
        yield url


def read_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows of one query on the store at ``url``."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def assert_refused(url: str, sql: str, match: str) -> None:
    """The store at ``url`` refuses ``sql`` with an error matching ``match`` (a constraint)."""
    engine = make_engine(url)
    with pytest.raises(Exception, match=match), engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()
