"""ruta db backup / ruta db restore on SQLite (online backup API) and PostgreSQL
(pg_dump / pg_restore): a restored database passes ruta audit verify, and a restore over a
database that holds tables needs --force."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, text
from tests.conftest import PG_URL

from ruta.cases.actions.authentication import do_create_user
from ruta.store import make_engine, make_sessionmaker
from ruta.store.models import AuditEvent, User


def _fill(database) -> None:
    with database.sessionmaker() as s:
        for name in ("ana", "bruno", "carla"):
            do_create_user(s, None, username=name, password="correct-horse-battery",
                           role="caseworker", country="COL")  # fmt: skip


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            return (
                s.scalar(select(func.count()).select_from(User)) or 0,
                s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            )
    finally:
        engine.dispose()


@pytest.fixture
def empty_target(database, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind: a new SQLite file, or a new PostgreSQL
    database that the restore fills with the source's schema."""
    if database.backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'ruta.db'}"
        return
    name = f"ruta_restore_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    schema_options = database.url.split("?", 1)[1]  # the same search_path as the source
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{quote(name)}?{schema_options}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_passes_audit_verify(
    ruta, database, empty_target: str, tmp_path: Path, monkeypatch
) -> None:
    _fill(database)
    before = _counts(database.url)
    out = tmp_path / "backups" / "ruta.backup"
    done = ruta("db", "backup", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.is_file() and f"to {out}" in done.stdout

    monkeypatch.setenv("RUTA_DATABASE_URL", empty_target)
    restored = ruta("db", "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert _counts(empty_target) == before
    verified = ruta("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"{before[1]} events" in verified.stdout

    # A second restore into what is now a full database is refused, naming --force.
    again = ruta("db", "restore", str(out))
    assert again.returncode == 2
    assert "not empty" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    forced = ruta("db", "restore", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _counts(empty_target) == before
    assert ruta("audit", "verify").returncode == 0


def test_restore_refuses_a_file_that_is_not_a_backup(ruta, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database\n")
    done = ruta("db", "restore", str(bogus), "--force")
    assert done.returncode == 2 and "is not a" in done.stderr and "backup" in done.stderr
    missing = ruta("db", "restore", str(tmp_path / "nowhere.backup"))
    assert missing.returncode == 2 and "no backup file" in missing.stderr


def test_a_failed_backup_leaves_no_file(ruta, database, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "b.backup"
    if database.backend == "sqlite":
        monkeypatch.setenv("RUTA_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    else:
        monkeypatch.setenv("RUTA_DATABASE_URL", PG_URL.rsplit("/", 1)[0] + "/no_such_db_here")
    done = ruta("db", "backup", "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not out.exists() and list(tmp_path.glob(".b.backup.*")) == []
