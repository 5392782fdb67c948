"""The case store as a command opens it: one session, and the engine disposed after.

The casework commands (``ruta users``, ``ruta cases``, ``ruta review``) each run one
action or query on the database of ``RUTA_DATABASE_URL`` and exit; they share this opening
rather than each writing the engine's set-up and disposal, and the look-up of the account
a command acts as (``--as``). The statistics commands read through one connection
(``store_connection``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from ruta.errors import RutaError
from ruta.i18n import N_, Text

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from ruta.store.models import User

__all__ = ["StoreError", "store_connection", "store_session", "user_named"]


class StoreError(RutaError):
    """The case store of ``RUTA_DATABASE_URL`` cannot be opened: a setting to fix.

    Its messages are ``cli`` catalog texts, said in the command's language by
    :func:`ruta.cli.main`.
    """

    domain: ClassVar[str | None] = "cli"


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


@contextmanager
def store_connection() -> Iterator[Connection]:
    """A connection to the configured case store; its engine is disposed when the block ends.

    A store that cannot be reached (no server, a refused login, a file that cannot be
    opened) or a URL that is not one is the user's setting to fix, so it is said naming
    ``database_url`` instead of ending in the driver's traceback. The URL itself is not
    repeated: it may hold a password.

    Raises:
        StoreError: naming ``database_url``: the URL is malformed or the store is unreachable.
    """
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from ruta.settings import get_settings
    from ruta.store import make_engine

    try:
        engine = make_engine(get_settings().resolved_database_url)
    except ArgumentError:
        raise StoreError(
            Text(
                N_(
                    "RUTA_DATABASE_URL is not a database URL; expected e.g. "
                    "sqlite:///var/ruta.db or postgresql+psycopg://user@host/ruta"
                )
            ),
            field="database_url",
        ) from None
    try:
        try:
            connection = engine.connect()
        except DBAPIError as exc:
            # The driver's first line says why (refused, unknown role, unable to open).
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            message = N_(
                "cannot connect to the case store (%(reason)s); check RUTA_DATABASE_URL "
                "and that its database server is running"
            )
            raise StoreError(Text(message, reason=reason), field="database_url") from None
        with connection:
            yield connection
    finally:
        engine.dispose()


def user_named(session: Session, username: str, field: str, gettext: Callable[[str], str]) -> User:
    """The account a command acts as (``--as``).

    Args:
        field: The option as the command names it in a refusal.
        gettext: The command's ``cli`` catalog, in which the refusal is said.

    Raises:
        RutaError: naming ``field``: no account has that username.
    """
    from sqlalchemy import select

    from ruta.store.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        message = gettext("no user %(user)s; expected an existing username")
        raise RutaError(message % {"user": repr(username)}, field=field)
    return user
