"""The command line's own usage errors in the user's language.

Click marks its texts with gettext so that an application can translate them, but Typer
(since 0.26) runs on its own copy of Click 8.3.1 (``typer._click``) from which the marks
were removed, and turns pydantic's validation errors into English strings: what Ruta's
commands raise on a missing option, an unknown option or a value that is not a number is
an exception holding an English sentence, with no gettext call to translate. So the
sentences Typer and pydantic say are message ids of the ``cli`` catalog, written below as
templates (``Missing option %(name)s.``); :func:`say_usage` finds the template an English
sentence follows and says it through the catalog, its values carried over (a value that is
itself such a sentence, the reason inside ``Invalid value for '--months': ...``, is said
too). A sentence no template fits stays English. ``tests/cli/test_usage_errors.py`` runs
the real commands, so a Typer upgrade that rewords a sentence fails there.

The root group (``ruta.cli._app``) parses and invokes inside :func:`usage_errors_said`,
which shows a usage error (:func:`show_usage_error`) in the panel Typer draws, its "Usage:"
line and help hint said too, and Typer's "Aborted." (:func:`show_aborted`); in English it
leaves Typer to show them as ever. ``--lang`` may not have been parsed when the command
line is refused: :func:`usage_language` reads it from the arguments. ``--help`` stays
English, as the commands' own help texts are.

A command's own refusal of an option's value (``--report`` that is not .html or .pdf) is
a catalog refusal of its package, framed as Typer frames a bad value
(:func:`option_refusal`): "Invalid value for --report: ..." in English as Typer says it,
and in another language the frame from the ``cli`` catalog around the refusal said from
its own.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, Final, NoReturn

from ruta.errors import RutaError
from ruta.i18n import N_, language_of, translator

__all__ = [
    "TEMPLATES",
    "option_refusal",
    "say_usage",
    "show_aborted",
    "show_usage_error",
    "usage_errors_said",
    "usage_language",
]

#: Typer's and pydantic's English sentences, as catalog message ids.
TEMPLATES: Final = (
    N_("Missing option %(name)s."),
    N_("Missing argument %(name)s."),
    N_("Missing parameter %(name)s."),
    N_("No such option: %(name)s"),
    N_("No such option: %(name)s (Possible options: %(options)s)"),
    N_("No such command %(name)s."),
    N_("Missing command."),
    N_("Got unexpected extra argument(s) (%(args)s)"),
    N_("Option %(name)s requires an argument."),
    N_("Option %(name)s does not take a value."),
    N_("Invalid value for %(name)s: %(reason)s"),
    N_("Invalid value: %(reason)s"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be greater than or equal to %(limit)s"),
    N_("Input should be greater than %(limit)s"),
    N_("Input should be less than or equal to %(limit)s"),
    N_("Input should be less than %(limit)s"),
    N_("Value error, %(value)s is not one of %(choices)s."),
    N_("file %(path)s does not exist."),
    N_("dir %(path)s does not exist."),
    N_("path %(path)s does not exist."),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Most literal text first: "No such option: %(name)s (Possible options: ...)" before
    # "No such option: %(name)s", which would also match it.
    def literal(template: str) -> int:
        return len(_PLACEHOLDER.sub("", template))

    compiled = []
    for template in sorted(TEMPLATES, key=literal, reverse=True):
        parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, ...
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        compiled.append((re.compile(regex, re.DOTALL), template))
    return tuple(compiled)


def say_usage(sentence: str, lang: str, said: Mapping[str, str] | None = None) -> str:
    """A sentence of Typer's or pydantic's in ``lang``; unchanged when no template fits.

    Args:
        sentence: Typer's English.
        lang: A supported language.
        said: English sentences already said in ``lang`` (a catalog refusal inside
            Typer's frame): taken as they are, where they stand alone or as a value.

    Examples:
        >>> say_usage("Invalid value for '--months': Input should be less than or equal to 36",
        ...           "es")
        "Valor no válido para '--months': debe ser menor o igual que 36"
        >>> say_usage("Something Typer never said before", "es")
        'Something Typer never said before'
    """
    if said and sentence in said:
        return said[sentence]
    for pattern, template in _patterns():
        match = pattern.fullmatch(sentence)
        if match:
            values = {
                name: say_usage(value, lang, said) for name, value in match.groupdict().items()
            }
            return translator(lang, "cli").gettext(template) % values
    return sentence


def option_refusal(refusal: RutaError) -> Exception:
    """A command's catalog refusal of an option's value (its ``field`` the option) as
    Typer's bad-value error: exit code 2, the usage line, and the refusal said in the
    user's language by :func:`show_usage_error`.

    Examples:
        >>> error = option_refusal(RutaError("got 'xml'; expected text or json", field="--format"))
        >>> error.format_message()
        "Invalid value for --format: got 'xml'; expected text or json"
    """
    import typer

    error = typer.BadParameter(str(refusal.message), param_hint=refusal.field)
    error.__cause__ = refusal
    return error


def usage_language(argv: Sequence[str]) -> str:
    """The language a command line is refused in: its ``--lang``, else the user's.

    Typer may refuse the command line before it has parsed ``--lang``, so the last
    ``--lang`` of the arguments is read here when Ruta speaks it; else ``RUTA_LANG`` or the
    locale's language (:func:`ruta.cli._lang.user_language`), English when ``RUTA_LANG``
    names one Ruta does not speak (the command says so itself once it runs).

    Examples:
        >>> usage_language(["stats", "export", "--lang", "pt-BR", "--bogus"])
        'pt'
        >>> usage_language(["labour", "paygap", "--lang=ht"])
        'ht'
    """
    given = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            given = language_of(argv[i + 1]) or given
        elif arg.startswith("--lang="):
            given = language_of(arg.removeprefix("--lang=")) or given
    if given is not None:
        return given
    from ruta.cli._lang import user_language
    from ruta.i18n import UnsupportedLanguage

    try:
        return user_language()
    except UnsupportedLanguage:
        return "en"


def _console() -> Any:
    # The console Typer prints its errors on (typer.rich_utils' settings: width, colours).
    from rich.console import Console
    from typer import rich_utils

    return Console(
        stderr=True,
        highlighter=rich_utils.highlighter,
        color_system=rich_utils.COLOR_SYSTEM,
        force_terminal=rich_utils.FORCE_TERMINAL,
        width=rich_utils.MAX_WIDTH,
    )


def show_usage_error(error: Any, lang: str) -> NoReturn:
    """Print a usage error as Typer does (usage line, help hint, red panel), in ``lang``,
    and exit with its code (2).

    Args:
        error: Typer's ``UsageError`` (``ctx``, ``format_message()``, ``exit_code``).
        lang: A supported language.
    """
    from rich.markup import escape
    from rich.panel import Panel
    from typer import rich_utils

    gettext = translator(lang, "cli").gettext
    console = _console()
    ctx = error.ctx
    if ctx is not None:
        formatter = ctx.make_formatter()
        pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
        prefix = gettext("Usage:")
        formatter.write_usage(ctx.command_path, pieces, prefix=f"{prefix} ")
        console.print(
            rich_utils.highlighter(formatter.getvalue().rstrip("\n")),
            style=rich_utils.STYLE_USAGE_COMMAND,
        )
        if ctx.command.get_help_option(ctx) is not None:
            command = f"[blue]'{escape(ctx.command_path)} {ctx.help_option_names[0]}'[/]"
            console.print(
                gettext("Try %(command)s for help.") % {"command": command},
                style=rich_utils.STYLE_ERRORS_SUGGESTION,
            )
    # A refusal of Ruta's own (option_refusal) inside Typer's frame: said from its catalog.
    cause = error.__cause__
    said = {str(cause.message): cause.say(lang)} if isinstance(cause, RutaError) else {}
    console.print(
        Panel(
            rich_utils.highlighter(say_usage(error.format_message(), lang, said)),
            border_style=rich_utils.STYLE_ERRORS_PANEL_BORDER,
            title=gettext("Error"),
            title_align=rich_utils.ALIGN_ERRORS_PANEL,
        )
    )
    sys.exit(error.exit_code)


def show_aborted(lang: str) -> NoReturn:
    """Print "Aborted." as Typer does, in ``lang``, and exit with Typer's code (1)."""
    from typer import rich_utils

    _console().print(translator(lang, "cli").gettext("Aborted."), style=rich_utils.STYLE_ABORTED)
    sys.exit(1)


@contextmanager
def usage_errors_said(argv: Sequence[str]) -> Iterator[None]:
    """Show a usage error (or an abort) raised in the block in the language of ``argv``.

    In English, or for any other exception, the exception goes on to Typer unchanged.
    """
    import typer
    from typer import Abort

    try:
        yield
    except Abort:
        lang = usage_language(argv)
        if lang == "en":
            raise
        show_aborted(lang)
    except typer.TyperException as exc:
        # A usage error (exit 2, with its context); ``ruta`` alone prints the help instead.
        usage = getattr(exc, "exit_code", None) == 2 and hasattr(exc, "ctx")
        if not usage or type(exc).__name__ == "NoArgsIsHelpError":
            raise
        lang = usage_language(argv)
        if lang == "en":
            raise
        show_usage_error(exc, lang)
