"""The ``ruta`` command line: thin commands over the domain packages.

Each pillar owns one sub-application module; this module only assembles them and makes
sure a user error never ends in a traceback.
"""

from __future__ import annotations

import sys

import typer

from ruta.cli._app import EXTRAS, InstallationError, app, missing_extra
from ruta.errors import RutaError

__all__ = ["EXTRAS", "InstallationError", "app", "main", "missing_extra"]


def main() -> None:
    """Entry point of the ``ruta`` script: user errors go to stderr with exit code 2.

    Typer reports usage errors itself (message, exit code 2), in the user's language
    (``ruta.cli._usage``); Ruta's own input errors arrive here as ``RutaError``.
    """
    # The language of the command's --lang (else the user's), in which its refusals are said.
    from ruta.cli._lang import spoken_language
    from ruta.cli._usage import usage_language

    spoken_language(clear=True)
    try:
        app()
    except RutaError as exc:
        # A missing extra is found before the command has parsed its --lang.
        early = isinstance(exc, InstallationError)
        message = exc.say(usage_language(sys.argv[1:]) if early else spoken_language())
        typer.echo(f"Error: {exc.field}: {message}" if exc.field else f"Error: {message}", err=True)
        sys.exit(2)
    except ModuleNotFoundError as exc:
        # A partial install (e.g. `pip install "ruta[verify]"`) running another pillar's
        # command: name the extra that brings it instead of a traceback.
        if exc.name is None or exc.name.split(".")[0] == "ruta":
            raise
        command = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        error = missing_extra(command, exc.name)
        typer.echo(f"Error: {error.field}: {error.say(usage_language(sys.argv[1:]))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        from ruta.i18n import translator

        typer.echo(translator(usage_language(sys.argv[1:]), "cli").gettext("Aborted."), err=True)
        sys.exit(130)
