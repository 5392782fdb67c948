"""The ``--lang`` option every command that speaks a language shares."""

from __future__ import annotations

from typing import Annotated

import typer

from ruta.i18n import expected_languages, require_language

__all__ = ["LANG_HELP", "LangOption", "cli_language"]

LANG_HELP = (
    f"Language: {expected_languages()}; a BCP 47 tag with a region (pt-BR, es-419) falls "
    "back to its language."
)
LangOption = Annotated[str, typer.Option("--lang", help=LANG_HELP)]


def cli_language(value: str, option: str = "--lang") -> str:
    """The supported language of an option's value; an error naming the option (exit 2).

    Examples:
        >>> cli_language("pt-BR")
        'pt'
    """
    return require_language(value, field=option)
