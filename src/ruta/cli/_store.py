"""The case store as a command opens it: one session, and the engine disposed after.

The casework commands (``ruta users``, ``ruta cases``, ``ruta review``) each run one
action or query on the database of ``RUTA_DATABASE_URL`` and exit; they share this opening
rather than each writing the engine's set-up and disposal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["store_session"]


@contextmanager
def store_session() -> Iterator[Session]:
    """A session on the configured case store; its engine is disposed when the block ends.

    The store's modules are imported here, not with the command's module, so that
    ``--help`` stays light (tests/cli/test_startup.py).
    """
    from ruta.settings import get_settings
    from ruta.store import make_engine, make_sessionmaker

    engine = make_engine(get_settings().resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()
