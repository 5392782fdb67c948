"""Casework commands: ``db upgrade|backup|restore``, ``users create``, ``serve``, ``demo``,
``audit verify``.

Each command parses its input, calls one store or casework function and prints the
outcome; user errors are :class:`~ruta.errors.RutaError` (stderr, exit code 2).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._store import store_session
from ruta.errors import RutaError

if TYPE_CHECKING:
    from ruta.settings import Settings

__all__ = ["register"]

db_app = typer.Typer(help="The case store database.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
appointments_app = typer.Typer(help="Appointments.", no_args_is_help=True)


def _settings() -> Settings:
    # Imported lazily so that `ruta --help` does not load the web stack.
    from ruta.settings import get_settings

    return get_settings()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema (RUTA_DATABASE_URL)."""
    from ruta.store import upgrade

    url = _settings().resolved_database_url
    upgrade(url)
    typer.echo(f"Database is at the latest schema: {_redact(url)}")


@db_app.command("backup")
def db_backup(
    out: Annotated[
        Path, typer.Option("--out", help="The backup file to write (replaced if present)")
    ],
    lang: UserLangOption = None,
) -> None:
    """Back up the configured database: SQLite through its online backup API, PostgreSQL
    with pg_dump (custom format). Safe while the service runs."""
    from ruta.i18n import format_number, translator
    from ruta.store.backup import backup

    language = cli_language(lang)  # first: its refusals are said in this language too
    _ = translator(language, "cli").gettext
    url = _settings().resolved_database_url
    with _pages_progress(_("Backing up")) as progress:
        result = backup(url, out, progress=progress)
    said = _("Backed up %(url)s (%(kind)s, %(tables)s tables) to %(path)s (%(bytes)s bytes)")
    typer.echo(
        said
        % {
            "url": _redact(url),
            "kind": result.kind,
            "tables": format_number(result.tables, language),
            "path": result.path,
            "bytes": format_number(result.bytes, language),
        }
    )


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file written by `ruta db backup`")],
    force: bool = typer.Option(
        False, "--force", help="Replace a database that already holds tables"
    ),
    lang: UserLangOption = None,
) -> None:
    """Restore a backup into the configured database (empty, unless --force). Stop the
    service first; afterwards check it with `ruta audit verify`."""
    from ruta.i18n import format_number, translator
    from ruta.store.backup import restore

    language = cli_language(lang)  # first: its refusals are said in this language too
    _ = translator(language, "cli").gettext
    url = _settings().resolved_database_url
    with _pages_progress(_("Restoring")) as progress:
        result = restore(url, file, force=force, progress=progress)
    said = _("Restored %(path)s into %(url)s (%(tables)s tables)")
    typer.echo(
        said
        % {
            "path": result.path,
            "url": _redact(url),
            "tables": format_number(result.tables, language),
        }
    )


@contextmanager
def _pages_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar over database pages (stderr), for the SQLite copy."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), TaskProgressColumn(), transient=True,
        console=_stderr_console(),
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@users_app.command("create")
def users_create(
    name: str = typer.Argument(..., help="Username: lowercase letters, digits, . _ -"),
    role: str = typer.Option(
        ..., help="applicant, caseworker, supervisor, auditor, admin or regional"
    ),
    country: str = typer.Option(None, help="ISO 3166-1 alpha-3, e.g. COL"),
    office: str = typer.Option(None, help="Office code (caseworkers of one office)"),
) -> None:
    """Create a user; the password is read from stdin (first line)."""
    from ruta.cases.actions.authentication import do_create_user

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise RutaError(
            "send the password on stdin, e.g. `echo ... | ruta users create`", field="password"
        )
    with store_session() as session:
        user = do_create_user(
            session,
            None,
            username=name,
            password=password,
            role=role,
            country=country.upper() if country else None,
            office=office,
        )
        typer.echo(f"Created {user.role} {user.username} (id {user.id})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; exit 0 when intact, 1 naming the first broken event."""
    from ruta.cases.audit import verify_chain

    with store_session() as session:
        report = verify_chain(session)
    if report.intact:
        typer.echo(f"Audit chain intact: {report.events} events")
        return
    where = f"event {report.broken_event}" if report.broken_event is not None else "a chain"
    typer.echo(f"Audit chain broken at {where}: {report.problem}", err=True)
    # sys.exit rather than typer.Exit: the entry point runs click in non-standalone mode,
    # where Exit's code would be swallowed.
    sys.exit(1)


@appointments_app.command("due-reminders")
def due_reminders(
    mark: bool = typer.Option(
        False, help="Queue the reminder messages (outbox) and record the appointments reminded"
    ),
) -> None:
    """List booked appointments whose reminder is due (RUTA_REMINDER_HOURS ahead).

    With --mark, each listed appointment gets its reminder message in the outbox, once
    (`ruta notify run` delivers it and also queues due reminders by itself on every pass).
    """
    from datetime import UTC, datetime

    from ruta.cases.actions import do_mark_reminded
    from ruta.cases.actions import due_reminders as due

    settings = _settings()
    with store_session() as session:
        rows = due(session, datetime.now(UTC), settings.reminder_hours)
        for appt in rows:
            typer.echo(f"{appt.id}\t{appt.application_id}\tslot {appt.slot_id}")
        if mark and rows:
            do_mark_reminded(session, [a.id for a in rows])
        typer.echo(f"{len(rows)} reminder(s) due", err=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port"),
    workers: int = typer.Option(1, min=1, help="Worker processes"),
    root_path: str = typer.Option(
        None,
        help="Path prefix under which the proxy publishes the service, e.g. /ruta "
        "(default RUTA_ROOT_PATH)",
    ),
) -> None:
    """Serve the web service (API and pages) with uvicorn."""
    import os

    from ruta.settings import check_root_path, get_settings

    # Options and settings are checked before the web service is imported: a refusal
    # then answers at once instead of after seconds of loading every page module.
    settings = _settings()  # fail now, with a clear message, on bad settings
    if root_path is not None:
        try:
            root_path = check_root_path(root_path)
        except ValueError as exc:
            raise RutaError(str(exc), field="root_path") from None
    from ruta.web.server import run

    if workers > 1:
        _share_metrics(settings.metrics_dir or settings.data_dir / "metrics")
    if root_path is not None:
        # Each worker builds its app from the environment, so the option travels there.
        # Why the app and not uvicorn's --root-path: the app accepts paths with and
        # without the prefix, so the proxy may strip it or pass it on.
        os.environ["RUTA_ROOT_PATH"] = root_path
        get_settings.cache_clear()
    run(host=host, port=port, workers=workers)


def _share_metrics(directory: Path) -> None:
    """Put the workers' metrics in prometheus_client's multiprocess mode in ``directory``.

    Each worker writes its counters to files there and a scrape of any worker sums them.
    Files of a previous run would be summed too, hence emptied first.
    """
    import os

    from ruta.web.metrics import MULTIPROCESS_ENV

    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    # Read by prometheus_client when each (spawned) worker imports it.
    os.environ[MULTIPROCESS_ENV] = str(directory.resolve())


def demo(
    applicants: int = typer.Option(2000, min=0, help="Synthetic applicants to create"),
    months: int = typer.Option(
        15, min=1, max=36, help="Months of history the applicants arrive over (fewer: faster)"
    ),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve on 127.0.0.1:8000"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port"),
) -> None:
    """Migrate, seed a synthetic demo with months of history (COL and PER), print logins, serve."""
    from ruta.cases import RegistryIndexes
    from ruta.cli._demo import seed_demo
    from ruta.store import make_engine, make_sessionmaker, upgrade

    settings = _settings()
    if settings.env != "development":
        raise RutaError(
            "the demo creates accounts with published passwords; run it only with "
            "RUTA_ENV=development",
            field="env",
        )
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        logins, counts = seed_demo(
            session,
            applicants=applicants,
            keys_dir=settings.resolved_keys_dir,
            months=months,
            registries=RegistryIndexes(settings.registries),
        )
    engine.dispose()
    typer.echo(
        "Applications by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    typer.echo("Demo logins (username / password / role / country):")
    for username, password, role, country in logins:
        typer.echo(f"  {username:<14} {password:<18} {role:<11} {country or ''}")
    if serve_after:
        typer.echo(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        serve(host="127.0.0.1", port=port, workers=1)


def register(app: typer.Typer) -> None:
    """Add the casework commands to the top-level ``ruta`` app."""
    app.add_typer(db_app, name="db")
    from ruta.cli.users import register_users

    register_users(users_app)
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    app.add_typer(appointments_app, name="appointments")
    app.command("serve")(serve)
    app.command("demo")(demo)
