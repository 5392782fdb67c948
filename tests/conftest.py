"""Database fixtures shared by every test folder: a migrated case store per test,
parametrised over SQLite and PostgreSQL.

- ``database``: a :class:`Database` (url, backend, engine, sessionmaker) that is empty and
  migrated for each test. SQLite: a copy of a file migrated once per session. PostgreSQL:
  a schema of its own per test session (``ruta_test`` database; several engineers' runs
  share the server), migrated once, tables truncated before each test.
- ``session``: a session on it, closed afterwards.

The PostgreSQL server is expected at ``RUTA_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/ruta_test``; ``make test`` starts it).
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from ruta.cases.actions.authentication import use_password_profile
from ruta.store import make_engine, make_sessionmaker, upgrade
from ruta.store.models import AUDIT_CHAINS, Base

PG_URL = os.environ.get(
    "RUTA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ruta_test"
)
BACKENDS = ("sqlite", "postgresql")
GENESIS = "0" * 64


@dataclass
class Database:
    """A migrated, empty case store for one test."""

    backend: str
    url: str
    engine: Engine
    sessionmaker: sessionmaker[Session]


@pytest.hookimpl(wrapper=True, tryfirst=True)  # around pytest-xdist's own hook
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Keep on one pytest-xdist worker the tests that share a fixture costly to build.

    ``make test`` runs the suite on several workers with ``--dist loadgroup``: a test goes to
    whichever worker is free, unless it has an ``xdist_group`` mark. A fixture of module
    scope would be built once on every worker that runs a test of its module, and a session
    fixture of a folder's conftest (the browser tests' servers and Chromium, the permits'
    keys) once on every worker that runs a test of the folder: such tests get the module's
    or the folder's group, so that each is built once, as in a run on one process.
    """
    for item in items:
        if item.get_closest_marker("xdist_group") is None and (group := _shared_by(item)):
            item.add_marker(pytest.mark.xdist_group(group))
    yield  # on a worker with --dist loadgroup, pytest-xdist names each item's group
    for item in items:
        # The scheduler groups by the id's "@group" suffix. pytest-xdist 3.8 writes that id
        # to ``item._nodeid``, which pytest 9.2's structured ids no longer read, so its groups
        # are silently ignored (pytest-dev/pytest-xdist#1386): make it the id pytest reads.
        # Nothing to do where pytest still reads ``_nodeid`` or pytest-xdist wrote the id.
        grouped = item.__dict__.get("_nodeid")
        if grouped is not None and grouped != item.nodeid:
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(grouped)


def _shared_by(item: pytest.Item) -> str | None:
    """The group of the costliest fixture ``item`` shares with other tests, if any."""
    info = getattr(item, "_fixtureinfo", None)  # doctests and other items have none
    if info is None:
        return None
    module = None
    for definitions in info.name2fixturedefs.values():
        for definition in definitions:
            if definition.scope == "session" and definition.baseid not in ("", "tests"):
                # A folder's session fixture (a server, a browser) outweighs a module's.
                return str(definition.baseid)
            if definition.scope in ("module", "class", "package"):
                module = item.nodeid.split("::", 1)[0]
    return module


@pytest.fixture(autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    # Argon2 at production strength costs ~0.5 s per hash on a busy 2-core machine. Before
    # and after every test, not once: create_app() applies its settings' profile to the
    # whole process (production's by default), and one test's app must not slow the later
    # tests down, nor the users a session fixture (a browser test's server) creates
    # between two tests.
    use_password_profile("cheapest")
    yield
    use_password_profile("cheapest")


@pytest.fixture(scope="session", autouse=True)
def _english_commands() -> None:
    # every command speaks the user's language when --lang is left out (RUTA_LANG, else the
    # locale): the tests expect English whatever the shell that runs them says.
    os.environ["RUTA_LANG"] = "en"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "ruta.db"
    upgrade(f"sqlite:///{path}")
    # Fold the WAL into the main file so that copying the one file copies everything.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@contextmanager
def pg_schema(prefix: str = "t") -> Iterator[str]:
    """A new, empty schema on the test server, dropped afterwards; yields the URL of a
    connection to it.

    Its connections commit without waiting for the disk (``synchronous_commit=off``): a
    flush costs 10-100 ms on a shared machine and most tests commit dozens of times,
    while what they check never depends on a commit surviving a crash of the server.
    Visibility is unchanged: a committed row is seen by every later statement.

    Args:
        prefix: The schema name's start (the name is ``{prefix}_`` and 12 random hex
            digits, so that concurrent runs and workers never meet).
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = f"-csearch_path={schema} -csynchronous_commit=off"
        yield f"{PG_URL}?options={quote(options)}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def _pg_schema_url() -> Iterator[str]:
    with pg_schema() as url:
        upgrade(url)
        yield url


def _fresh_pg(url: str) -> None:
    names = [t.name for t in Base.metadata.sorted_tables]
    written = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        # Only the tables the last test wrote to: TRUNCATE gives each table it empties new
        # files (0.3-0.6 s for all of them on a loaded machine), and most tests write few.
        # TRUNCATE fires no row triggers, so the append-only audit table can be reset here.
        tables = ", ".join(f'"{name}"' for (name,) in conn.execute(text(written)))
        if tables:
            conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        # Every sequence starts again, as RESTART IDENTITY did: a rolled-back insert moves
        # one on without leaving a row.
        conn.execute(
            text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
        values = ", ".join(f"({chain}, 0, '{GENESIS}')" for chain in range(AUDIT_CHAINS))
        conn.execute(text(f"INSERT INTO audit_head (id, seq, hash) VALUES {values}"))
        # The schema outlives the test: a trigger a test disabled to tamper with the audit
        # trail (the append-only guard) would stay off for every later test of the worker.
        disabled = conn.execute(text(_DISABLED_TRIGGERS)).all()
        for table, trigger in disabled:
            conn.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"'))
    engine.dispose()


_DISABLED_TRIGGERS = (
    "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgenabled = 'D'"
)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty migrated case store on SQLite and on PostgreSQL (one test each)."""
    if request.param == "sqlite":
        path = tmp_path / "ruta.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_pg_schema_url")
        _fresh_pg(url)
    engine = make_engine(url)
    yield Database(request.param, url, engine, make_sessionmaker(engine))
    engine.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session on the test's database."""
    with database.sessionmaker() as s:
        yield s


@dataclass
class CliRun:
    """What one ``ruta`` command run in-process returned."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run the ``ruta`` entry point in-process, for commands that need no database.

    Call it as ``cli("labour", "pension", "periods.json", stdin="...")``.
    """
    from ruta.cli import main

    def run(*args: str, stdin: str = "") -> CliRun:
        monkeypatch.setattr(sys, "argv", ["ruta", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CliRun(code, out.out, out.err)

    return run


@pytest.fixture
def ruta(database, tmp_path, monkeypatch, cli):
    """Run the ``ruta`` entry point in-process against the test database.

    Call it as ``ruta("review", "list", "--as", "cw", stdin="...")``; each call re-reads the
    settings, so environment changes between calls take effect.
    """
    from ruta.settings import get_settings

    monkeypatch.setenv("RUTA_DATABASE_URL", database.url)
    monkeypatch.setenv("RUTA_DATA_DIR", str(tmp_path / "var"))

    def run(*args: str, stdin: str = "") -> CliRun:
        get_settings.cache_clear()
        return cli(*args, stdin=stdin)

    yield run
    get_settings.cache_clear()


#: The authenticator secret of every test officer who needs a second factor.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_second_factor(sessionmaker: sessionmaker[Session], username: str, key: str) -> None:
    """Give ``username`` the authenticator :data:`TOTP_SECRET`, sealed under ``key`` (the
    app's ``RUTA_SECRET_KEY``), as the set-up page would after its first code."""
    from sqlalchemy import select

    from ruta.cases.totp import seal
    from ruta.store.models import User

    with sessionmaker() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        user.totp_secret = seal(TOTP_SECRET, key)
        user.totp_enabled = True
        s.commit()


def second_factor_code(sessionmaker: sessionmaker[Session], username: str) -> str:
    """A code of :data:`TOTP_SECRET` the service will accept now for ``username``.

    Why not simply the current code: the service refuses a code of a time step already
    used (replay), and many tests sign the same officer in several times within one
    30-second step. The code of the next step is accepted too (clock drift); when that is
    spent as well, the record of the last step is cleared -- the test's stand-in for
    waiting 30 seconds, which a test must not do.
    """
    import time

    import pyotp
    from sqlalchemy import select

    from ruta.store.models import User

    now = int(time.time() // 30)
    with sessionmaker() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        last = user.totp_last_step
        step = now if last is None or last < now else last + 1
        if step > now + 1:
            user.totp_last_step = None
            s.commit()
            step = now
    return pyotp.TOTP(TOTP_SECRET).generate_otp(step)
