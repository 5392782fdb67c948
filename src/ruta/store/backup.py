"""Backups of the configured case store and their restore.

- SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy of a
  database in use, WAL included, page by page, without stopping the service.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the server's own tools, which
  know every object: tables, sequences, the audit table's append-only triggers). When the
  URL selects a schema (``options=-csearch_path=NAME``), only that schema is dumped.

A restore refuses a target that already holds tables unless ``force`` is given: restoring
over a live database by mistake would lose everything written since the backup.

Examples:
    >>> import tempfile, sqlite3
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> with sqlite3.connect(folder / "a.db") as conn:
    ...     _ = conn.execute("CREATE TABLE t (x)")
    >>> backup(f"sqlite:///{folder / 'a.db'}", folder / "a.backup").kind
    'sqlite'
    >>> restore(f"sqlite:///{folder / 'b.db'}", folder / "a.backup").tables
    1
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from ruta.i18n import N_, os_reason
from ruta.store.engine import make_engine
from ruta.store.errors import StoreError

__all__ = ["BackupResult", "Progress", "backup", "restore"]

#: ``progress(done, total)`` in pages (SQLite); not called for PostgreSQL.
Progress = Callable[[int, int], None]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PGDUMP_MAGIC = b"PGDMP"
_PAGES_PER_STEP = 1024


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore did."""

    kind: str  # "sqlite" or "postgresql"
    path: Path
    bytes: int
    tables: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise StoreError(
            N_(
                "an in-memory SQLite database cannot be backed up or restored; "
                "set RUTA_DATABASE_URL to a file"
            ),
            field="database_url",
        )
    return Path(url.database)


def _schema(url: URL) -> str | None:
    """The schema an ``options=-csearch_path=NAME`` URL selects, if any."""
    options = url.query.get("options")
    text = unquote(options if isinstance(options, str) else " ".join(options or ()))
    for part in text.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip('"')
    return None


def _pg_env(url: URL) -> dict[str, str]:
    """libpq environment for ``url``: the password never appears on a command line."""
    env = {**os.environ}
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(
            N_(
                "%(tool)s is not installed; install the PostgreSQL client tools "
                "(Debian: apt-get install postgresql-client) of the server's major version"
            ),
            field="database_url",
            tool=name,
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    # Arguments are a list (no shell); the tools come from PATH and the file names from
    # the operator's own command line.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - see above
    if done.returncode != 0:
        tool = Path(args[0]).name
        message = (done.stderr or done.stdout).strip().splitlines()
        if message:
            raise StoreError(
                N_("%(tool)s failed: %(problem)s"),
                field="database_url",
                tool=tool,
                problem=message[-1],
            )
        raise StoreError(
            N_("%(tool)s failed: exit code %(code)s"),
            field="database_url",
            tool=tool,
            code=str(done.returncode),
        )


def _table_count(url: str, schema: str | None) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return len(inspect(conn).get_table_names(schema=schema))
    finally:
        engine.dispose()


def backup(url: str, out: Path, progress: Progress | None = None) -> BackupResult:
    """Write a backup of the database at ``url`` to ``out`` (replaced atomically).

    Raises:
        StoreError: the database cannot be read or the tool failed (``field`` names the
            setting or ``out``).
    """
    parsed = make_url(url)
    out = Path(out)
    if out.is_dir():
        raise StoreError(N_("%(out)s is a folder; name the backup file"), field="out", out=str(out))
    # Written beside the target, then renamed: a failed backup never leaves a file that
    # looks complete.
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    except OSError as exc:
        raise StoreError(
            N_("cannot write %(out)s (%(reason)s); choose a file in a writable folder"),
            field="out",
            out=str(out),
            reason=os_reason(exc),
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if parsed.get_backend_name() == "sqlite":
            source_path = _sqlite_path(parsed)
            if not source_path.is_file():
                raise StoreError(
                    N_("no database at %(path)s"), field="database_url", path=str(source_path)
                )
            _sqlite_copy(source_path, tmp, progress)
            kind = "sqlite"
            tables = _table_count(url, None)
        else:
            schema = _schema(parsed)
            args = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp)]
            if schema:
                args += ["--schema", schema]
            _run(args, _pg_env(parsed))
            kind = "postgresql"
            tables = _table_count(url, schema)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(kind, out, out.stat().st_size, tables)


def _sqlite_copy(source: Path, target: Path, progress: Progress | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=_PAGES_PER_STEP, progress=step)
        # A backup is a single file: no WAL beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def restore(
    url: str, source: Path, *, force: bool = False, progress: Progress | None = None
) -> BackupResult:
    """Restore the backup ``source`` into the database at ``url``.

    Args:
        url: The target database (the configured one).
        source: A file written by :func:`backup` for the same kind of database.
        force: Replace a target that already holds tables.
        progress: Called with pages done and total (SQLite).

    Raises:
        StoreError: the file is not a backup of this kind of database, the target holds
            tables and ``force`` is not given, or the tool failed.
    """
    parsed = make_url(url)
    source = Path(source)
    if not source.is_file():
        raise StoreError(N_("no backup file at %(path)s"), field="file", path=str(source))
    try:
        with source.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(
            N_("cannot read %(path)s (%(reason)s)"),
            field="file",
            path=str(source),
            reason=os_reason(exc),
        ) from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    expected = _SQLITE_MAGIC if is_sqlite else _PGDUMP_MAGIC
    if not head.startswith(expected):
        kind = "SQLite" if is_sqlite else "PostgreSQL (pg_dump --format=custom)"
        raise StoreError(
            N_(
                "%(path)s is not a %(kind)s backup; the configured database is %(kind)s and "
                "takes a file written by `ruta db backup` on such a database"
            ),
            field="file",
            path=str(source),
            kind=kind,
        )
    schema = None if is_sqlite else _schema(parsed)
    absent = is_sqlite and not _sqlite_path(parsed).exists()
    existing = 0 if absent else _table_count(url, schema)
    if existing and not force:
        if schema:
            raise StoreError(
                N_(
                    "schema %(schema)s is not empty (%(tables)s tables); restoring would "
                    "replace it. Restore into an empty database, or add --force to replace it"
                ),
                field="force",
                schema=schema,
                tables=existing,
            )
        raise StoreError(
            N_(
                "the configured database is not empty (%(tables)s tables); restoring would "
                "replace it. Restore into an empty database, or add --force to replace it"
            ),
            field="force",
            tables=existing,
        )
    if is_sqlite:
        target = _sqlite_path(parsed)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target, progress)
        with sqlite3.connect(target) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # the service's mode (ruta.store.engine)
    else:
        args = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if existing:
            args += ["--clean", "--if-exists"]
        args += ["--dbname", _pg_dbname(parsed), str(source)]
        _run(args, _pg_env(parsed))
    return BackupResult(
        "sqlite" if is_sqlite else "postgresql",
        source,
        source.stat().st_size,
        _table_count(url, schema),
    )


def _pg_dbname(url: URL) -> str:
    # pg_restore needs --dbname to restore into a server (not to a script); the other
    # connection settings come from the environment (_pg_env).
    return str(url.database or "postgres")
