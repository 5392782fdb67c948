"""Transaction boundaries of the actions.

Every ``do_*`` action ends with :func:`finish`, which commits: the caller learns of
success only once the change and its audit event are durable together. Bulk seeding
(``ruta demo``) wraps many actions in :func:`batch`, which defers the commits to one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

__all__ = ["batch", "finish"]


def finish(session: Session) -> None:
    """Commit the action's unit of work, unless a surrounding :func:`batch` owns it."""
    if session.info.get("batch"):
        session.flush()
    else:
        session.commit()


@contextmanager
def batch(session: Session) -> Iterator[Session]:
    """Run several actions as one transaction (all or nothing)."""
    session.info["batch"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("batch", None)
