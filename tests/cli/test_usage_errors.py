"""Typer's own usage errors through the real ``ruta`` entry point, in every language.

A missing option, an unknown option, a value that is not an integer, a value that is not
one of the choices, an unknown command, a missing argument and extra arguments: exit code
2, no traceback, Typer's panel, and
the sentence, the usage line and the help hint in the user's language (``--lang``, else
``RUTA_LANG``); English exactly as Typer says it.
"""

from __future__ import annotations

import enum
import re
import subprocess
import sys
from typing import Annotated

import pytest
import typer

from ruta.cli import _app
from ruta.cli._usage import TEMPLATES, say_usage, usage_language
from ruta.i18n import LANGUAGES

# A command with a choice (no command of Ruta's has one), added to ``ruta`` for these tests.
CHOOSY = typer.Typer()


class Kind(enum.StrEnum):
    CSV = "csv"
    JSON = "json"


@CHOOSY.command()
def pick(kind: Annotated[Kind, typer.Option()] = Kind.CSV) -> None:
    """Pick a kind."""


@CHOOSY.command()
def stop() -> None:
    """Give up, as a command does when its user declines a prompt."""
    raise typer.Abort()


CASES = {
    "missing option": ("stats", "export"),
    "unknown option": ("labour", "paygap", "--bogus"),
    "not an integer": ("stats", "export", "--period", "2026-Q3", "--threshold", "x"),
    "not a choice": ("choosy", "pick", "--kind", "xml"),
    "unknown command": ("nonesuch",),
    "missing argument": ("labour", "paygap"),
    "extra arguments": ("stats", "export", "--period", "2026-Q3", "--out", "x.csv", "a", "b"),
}  # fmt: skip
SAID = {
    "en": (
        "Usage:",
        "Try 'ruta stats export --help' for help.",
        "Error",
        "Missing option '--period'.",
        "No such option: --bogus (Possible options: --hours)",
        "Invalid value for '--threshold': Input should be a valid integer, unable to parse "
        "string as an integer",
        "Invalid value for '--kind': Value error, 'xml' is not one of 'csv', 'json'.",
        "No such command 'nonesuch'.",
        "Missing argument 'data'.",
        "Got unexpected extra argument(s) (a b)",
    ),
    "es": (
        "Uso:",
        "Pruebe 'ruta stats export --help' para ver la ayuda.",
        "Error",
        "Falta la opción '--period'.",
        "No existe la opción --bogus (opciones posibles: --hours)",
        "Valor no válido para '--threshold': debe ser un número entero; el texto no se puede "
        "leer como entero",
        "Valor no válido para '--kind': 'xml' no es ninguno de 'csv', 'json'.",
        "No existe el comando 'nonesuch'.",
        "Falta el argumento 'data'.",
        "Argumentos de más no esperados (a b)",
    ),
    "pt": (
        "Uso:",
        "Experimente 'ruta stats export --help' para ver a ajuda.",
        "Erro",
        "Falta a opção '--period'.",
        "Não existe a opção --bogus (opções possíveis: --hours)",
        "Valor inválido para '--threshold': deve ser um número inteiro; o texto não pode ser "
        "lido como inteiro",
        "Valor inválido para '--kind': 'xml' não é nenhum de 'csv', 'json'.",
        "Não existe o comando 'nonesuch'.",
        "Falta o argumento 'data'.",
        "Argumentos a mais não esperados (a b)",
    ),
    "fr": (
        "Utilisation :",
        "Essayez 'ruta stats export --help' pour obtenir de l'aide.",
        "Erreur",
        "Option '--period' manquante.",
        "Option inconnue : --bogus (options possibles : --hours)",
        "Valeur non valide pour '--threshold' : doit être un nombre entier ; le texte ne peut "
        "pas être lu comme un entier",
        "Valeur non valide pour '--kind' : 'xml' n'est pas l'un de 'csv', 'json'.",
        "Commande inconnue : 'nonesuch'.",
        "Argument 'data' manquant.",
        "Argument(s) supplémentaire(s) inattendu(s) (a b)",
    ),
    "ht": (
        "Itilizasyon:",
        "Eseye 'ruta stats export --help' pou jwenn èd.",
        "Erè",
        "Opsyon '--period' la manke.",
        "Pa gen opsyon --bogus (opsyon ki posib: --hours)",
        "Valè ki pa valab pou '--threshold': dwe yon nonm antye; tèks la pa ka li kòm yon "
        "nonm antye",
        "Valè ki pa valab pou '--kind': 'xml' pa youn nan 'csv', 'json'.",
        "Pa gen kòmand 'nonesuch'.",
        "Agiman 'data' la manke.",
        "Gen agiman an plis ki pa t prevwa (a b)",
    ),
}


def _flat(stderr: str) -> str:
    """The text of Typer's output without the panel's frame and line breaks."""
    return " ".join(re.sub(r"[╭╮╰╯│─]", " ", stderr).split())


@pytest.fixture()
def choosy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_app.COMMANDS, "choosy", (__name__, "CHOOSY", "Pick a kind."))


def test_every_language_has_its_expected_sentences() -> None:
    assert set(SAID) == set(LANGUAGES)


@pytest.mark.parametrize("lang", list(SAID))
def test_usage_errors_are_said_in_the_users_language(
    lang: str, cli, choosy, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage, hint, title, *messages = SAID[lang]
    for (case, args), message in zip(CASES.items(), messages, strict=True):
        # --lang where the command has it, else RUTA_LANG (the root and `pick` have none).
        if case in ("not a choice", "unknown command"):
            monkeypatch.setenv("RUTA_LANG", lang)
            run = cli(*args)
            monkeypatch.delenv("RUTA_LANG")
        else:
            run = cli(*args, "--lang", lang)
        said = _flat(run.stderr)
        assert run.returncode == 2, (case, run.stderr)
        assert "Traceback" not in run.stderr, case
        assert f"╭─ {title} ─" in run.stderr, (case, run.stderr)
        assert message in said, (case, said)
        assert said.startswith(f"{usage} ruta"), (case, said)
        if case == "missing option":
            assert hint in said, said


def test_english_is_typers_own_output(cli) -> None:
    run = cli("stats", "export")
    assert run.stderr == (
        "Usage: ruta stats export [OPTIONS]\n"
        "Try 'ruta stats export --help' for help.\n"
        "╭─ Error ──────────────────────────────────────────────────────────────────────╮\n"
        "│ Missing option '--period'.                                                   │\n"
        "╰──────────────────────────────────────────────────────────────────────────────╯\n"
    )


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "Aborted."), ("es", "Cancelado."), ("ht", "Anile.")]
)
def test_an_abort_is_said_in_the_users_language(
    lang: str, said: str, cli, choosy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUTA_LANG", lang)
    run = cli("choosy", "stop")
    assert (run.returncode, run.stderr.strip()) == (1, said)


def test_the_language_of_an_unparsed_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUTA_LANG", "fr")
    assert usage_language(["stats", "export", "--lang", "es-419"]) == "es"
    assert usage_language(["stats", "export", "--lang=pt-BR"]) == "pt"
    assert usage_language(["stats", "export", "--lang", "de"]) == "fr"  # not spoken: the user's
    assert usage_language(["stats", "--", "--lang", "es"]) == "fr"  # an argument, not the option
    monkeypatch.setenv("RUTA_LANG", "de")  # refused by the command itself, once it runs
    assert usage_language(["stats", "export"]) == "en"


def test_a_sentence_no_template_fits_stays_english() -> None:
    assert say_usage("Option '--x' is deprecated.", "es") == "Option '--x' is deprecated."
    # Every template, filled in, is recognised again and said in another language.
    for template in TEMPLATES:
        english = re.sub(r"%\((\w+)\)s", r"<\1>", template)
        assert say_usage(english, "pt") != english, template


@pytest.mark.parametrize("lang", list(SAID))
def test_a_missing_extra_is_said_in_the_users_language(
    lang: str, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lacking(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {name!r}", name="fastapi")

    monkeypatch.setattr(_app, "import_module", lacking)
    monkeypatch.setenv("RUTA_LANG", lang)
    run = cli("serve")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    expected = _app.missing_extra("serve", "fastapi").say(lang)
    assert run.stderr.strip() == f"Error: installation: {expected}"
    assert 'pip install "ruta[web]"' in expected and "fastapi" in expected
    if lang == "en":
        assert expected == (
            "`ruta serve` needs fastapi, which this installation lacks; install it with pip "
            'install "ruta[web]"'
        )
    else:
        assert "this installation lacks" not in expected


def test_the_installed_script_says_a_usage_error_in_spanish() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from ruta.cli import main; main()", "labour", "paygap", "--bogus"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"RUTA_LANG": "es-419", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "No existe la opción --bogus (opciones posibles: --hours)" in _flat(done.stderr)
