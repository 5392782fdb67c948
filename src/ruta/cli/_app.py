"""Assembly of the sub-applications into the ``ruta`` Typer app, imported lazily.

Why lazily: each pillar's commands import their own libraries (PDF and imaging for permits,
Splink and DuckDB for linkage, SQLAlchemy and the web stack for casework). Importing every
pillar to print ``ruta --help`` or to check one profile took seconds; now a command module
is imported only when that command runs. ``ruta --help`` lists the commands from the table
below (a test checks that each summary equals the command's own help).
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperGroup

from ruta.errors import CatalogError
from ruta.i18n import N_

__all__ = [
    "COMMANDS",
    "EXTRAS",
    "InstallationError",
    "app",
    "missing_extra",
    "ruta_version",
    "use_pack_folders",
]

#: Top-level command -> (module, attribute, summary shown by ``ruta --help``). The attribute
#: is a Typer sub-application, or a ``register(app)`` function that adds the command itself.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": (
        "ruta.cli.casework",
        "register",
        "Serve the web service (API and pages) with uvicorn.",
    ),
    "demo": (
        "ruta.cli.casework",
        "register",
        "Migrate, seed a synthetic demo with months of history (COL and PER), print logins, serve.",
    ),
    "pathways": (
        "ruta.cli.pathways",
        "app",
        "Regular migration pathways: list, check, explain, simulate, test.",
    ),
    "link": (
        "ruta.cli.link",
        "app",
        "Registry deduplication and privacy-preserving matching.",
    ),
    "permits": (
        "ruta.cli.permits",
        "app",
        "Verifiable residence permits: keys, trust lists, status, verify.",
    ),
    "db": ("ruta.cli.casework", "register", "The case store database."),
    "users": ("ruta.cli.casework", "register", "User accounts."),
    "audit": ("ruta.cli.casework", "register", "The hash-chained audit log."),
    "appointments": ("ruta.cli.casework", "register", "Appointments."),
    "review": (
        "ruta.cli.pair_review",
        "app",
        "The registry review queue (borderline duplicate pairs).",
    ),
    "labour": (
        "ruta.cli.labour",
        "app",
        "Workers' rights: the migrant pay gap and pension totalization across states.",
    ),
    "stats": (
        "ruta.cli.stats",
        "app",
        "Migration statistics: SDMX export with disclosure control, backlog forecasts.",
    ),
    "notify": ("ruta.cli.notify", "app", "Notifications to applicants (the outbox)."),
    "cases": (
        "ruta.cli.cases",
        "app",
        "Casework from the command line: propose and take decisions.",
    ),
}


#: The extra (pyproject optional dependencies) each command group needs beyond the core.
EXTRAS: dict[str, str] = {
    "serve": "web", "demo": "web", "db": "web", "users": "web", "audit": "web",
    "appointments": "web", "review": "web", "notify": "web", "cases": "web", "link": "linkage",
    "permits": "verify", "labour": "labour", "stats": "stats",
}  # fmt: skip


def ruta_version() -> str:
    """The installed distribution's version: the one version source (pyproject.toml)."""
    try:
        return version("ruta")
    except PackageNotFoundError:  # a source tree on PYTHONPATH without installed metadata
        return "0+unknown"


class InstallationError(CatalogError):
    """A command this installation cannot run: the message names the extra to install."""

    domain: ClassVar[str | None] = "cli"


def missing_extra(command: str, module: str) -> InstallationError:
    """The refusal of ``ruta <command>`` on a partial install that lacks ``module``.

    Examples:
        >>> missing_extra("serve", "fastapi.routing").say("pt")  # doctest: +ELLIPSIS
        '`ruta serve` precisa de fastapi, ...; instale-o com pip install "ruta[web]"'
    """
    return InstallationError(
        N_(
            "`ruta %(command)s` needs %(module)s, which this installation lacks; install it "
            'with pip install "ruta[%(extra)s]"'
        ),
        field="installation",
        command=command,
        module=module.split(".")[0],
        extra=EXTRAS.get(command, "all"),
    )


def _load(name: str) -> Any:
    module, attr, _ = COMMANDS[name]
    try:
        imported = import_module(module)
    except ModuleNotFoundError as exc:
        # A partial install (e.g. the verifier only): say which extra brings the command.
        if exc.name is None or exc.name.startswith("ruta"):
            raise
        raise missing_extra(name, exc.name) from None
    obj = getattr(imported, attr)
    holder = typer.Typer()
    if isinstance(obj, typer.Typer):
        holder.add_typer(obj, name=name)
    else:
        obj(holder)
    holder.callback()(lambda: None)  # a group even when the module adds a single command
    group = typer.main.get_group(holder)
    return group.get_command(typer.Context(group), name)


class _LazyGroup(TyperGroup):
    """A group whose sub-commands are imported when they run, not when ``ruta`` starts."""

    _listing = False
    _args: tuple[str, ...] = ()

    # Usage errors (a missing option, an unknown command) are raised while the root group
    # parses its arguments or invokes a command: shown there in the user's language.
    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        from ruta.cli._usage import usage_errors_said

        self._args = tuple(args)
        with usage_errors_said(self._args):
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        from ruta.cli._usage import usage_errors_said

        with usage_errors_said(self._args):
            return super().invoke(ctx)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in COMMANDS:
            return command
        if self._listing:
            # Printing ``ruta --help``: the summary is enough, the module stays unimported.
            return typer.core.TyperCommand(name=cmd_name, help=COMMANDS[cmd_name][2])
        command = _load(cmd_name)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="ruta",
    cls=_LazyGroup,
    help="Ruta: regular migration pathways, casework, verifiable permits and linkage.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def use_pack_folders(folders: list[Path] | tuple[Path, ...]) -> None:
    """Use a ministry's own packs (``RUTA_PACKS``, ``--packs``) in this process.

    Raises:
        PackError: a pack is broken (file:line), before the command does anything.
    """
    if folders:
        from ruta.pathways import use_packs

        use_packs(list(folders))
    elif "ruta.pathways" in sys.modules:
        # An earlier command of this process (tests run many) may have loaded some.
        sys.modules["ruta.pathways"].use_packs(())


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ruta {ruta_version()}")
        raise typer.Exit()


_Version = Annotated[
    bool,
    typer.Option(
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
]


@app.callback()
def _root(version_flag: _Version = False) -> None:
    del version_flag  # handled eagerly by its callback
    from ruta.settings import pack_folders

    # RUTA_PACKS holds for every command: a broken pack stops any command at its start.
    use_pack_folders(pack_folders())
