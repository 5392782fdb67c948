"""The ``--lang`` option every command that speaks a language shares.

Every command that speaks a language speaks the user's when ``--lang`` is left out:
``RUTA_LANG`` if it is set, else the locale's (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
``LANG``, read as gettext reads them) when Ruta speaks it, else English
(:func:`user_language`). A Spanish-speaking operator whose shell says ``es_CO.UTF-8`` reads
``ruta users list`` and ``ruta pathways check`` in Spanish without asking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer

from ruta.i18n import expected_languages, language_of, require_language

__all__ = [
    "LANG_HELP",
    "UserLangOption",
    "cli_language",
    "language_from_environment",
    "spoken_language",
    "user_language",
]

# The language the running command resolved (one command per process; the entry point
# clears it before each run), so that its refusals are said in it too.
_SPOKEN: list[str] = []

LANG_HELP = (
    f"Language: {expected_languages()}; a BCP 47 tag with a region (pt-BR, es-419) falls "
    "back to its language."
)
UserLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=f"{LANG_HELP} Default: RUTA_LANG, else the locale's language (LANGUAGE, LC_ALL, "
        "LC_MESSAGES, LANG) when Ruta speaks it, else en.",
        show_default=False,
    ),
]


def cli_language(value: str | None, option: str = "--lang") -> str:
    """The supported language of an option's value; an error naming the option (exit 2).

    ``None`` (the option left out where it defaults to the user's language) is
    :func:`user_language`.

    Examples:
        >>> cli_language("pt-BR")
        'pt'
    """
    lang = user_language() if value is None else require_language(value, field=option)
    if option == "--lang":  # not another option's language (permits' --host-lang)
        _SPOKEN[:] = [lang]
    return lang


def spoken_language(clear: bool = False) -> str:
    """The language the running command speaks (English before it has resolved one).

    Args:
        clear: Forget it (before a new command runs in the same process).
    """
    lang = _SPOKEN[0] if _SPOKEN else "en"
    if clear:
        _SPOKEN.clear()
    return lang


def user_language() -> str:
    """The language of a command whose ``--lang`` is left out (see the module's docstring).

    Raises:
        UnsupportedLanguage: ``RUTA_LANG`` is set to a language Ruta does not speak.
    """
    from ruta.settings import command_language

    ruta_lang, locale = command_language()
    return language_from_environment(ruta_lang, locale)


def language_from_environment(ruta_lang: str, locale: Mapping[str, str]) -> str:
    """The user's language from ``RUTA_LANG`` and the POSIX locale variables.

    ``RUTA_LANG`` is Ruta's own setting, so a language Ruta does not speak there is an error.
    The locale is the whole system's: the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``
    that is set, with ``LANGUAGE`` (a ``:``-separated preference list) before it unless the
    locale is ``C`` or ``POSIX``, as gettext reads them; a language Ruta does not speak there
    is passed over, and none at all means English.

    Examples:
        >>> language_from_environment("", {"LANG": "es_CO.UTF-8"})
        'es'
        >>> language_from_environment("", {"LANGUAGE": "de:pt_BR", "LANG": "de_DE.UTF-8"})
        'pt'
        >>> language_from_environment("", {"LANGUAGE": "fr", "LC_ALL": "C.UTF-8"})
        'en'
        >>> language_from_environment("ht", {"LANG": "es_MX.UTF-8"})
        'ht'
        >>> language_from_environment("", {"LANG": "de_DE.UTF-8"})
        'en'
    """
    if ruta_lang.strip():
        return require_language(ruta_lang.strip(), field="RUTA_LANG")
    posix = next(
        (locale.get(name, "") for name in ("LC_ALL", "LC_MESSAGES", "LANG") if locale.get(name)),
        "",
    )
    tag = posix.split(".")[0].split("@")[0]
    if tag in ("", "C", "POSIX"):
        return "en"
    for candidate in [*locale.get("LANGUAGE", "").split(":"), tag]:
        lang = language_of(candidate.split(".")[0].split("@")[0]) if candidate else None
        if lang is not None:
            return lang
    return "en"
