"""Statistics refusals are catalog texts: English as before in ``message`` and ``str()``,
said in the reader's language by ``say`` and by ``ruta stats ... --lang``; every raise site
under ruta.stats (and in the ``ruta stats`` commands) passes a stats catalog message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ruta.cli.stats
import ruta.stats
from ruta.i18n import LANGUAGES, N_, Text, read_catalog
from ruta.stats import ExportError, ForecastError, PeriodError, StatsError, parse_period

STATS = Path(ruta.stats.__file__).parent
CLI = Path(ruta.cli.stats.__file__)
#: The exception classes whose first argument is a catalog message.
_RAISED = {
    "StatsError",
    "PeriodError",
    "SourceError",
    "DisclosureError",
    "ExportError",
    "ForecastError",
}
_NOT_VALUES = {"field"}


def _raise_sites(paths: list[Path]) -> list[tuple[str, int, ast.Call]]:
    """Each raise of a statistics refusal in ``paths``."""
    sites = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                name = getattr(call.func, "id", getattr(call.func, "attr", ""))
                if name in _RAISED:
                    sites.append((path.name, node.lineno, call))
    return sites


def _literal(node: ast.expr | None) -> str | None:
    """The text of ``N_("literal")``, or None for anything else."""
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "N_"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _wrong(sites: list[tuple[str, int, ast.Call]], msgids: set[str]) -> list[str]:
    """Each raise site that does not pass a catalog message with its placeholders' values."""
    wrong = []
    for where, line, call in sites:
        message = _literal(call.args[0] if call.args else None)
        if message is None:
            wrong.append(f"{where}:{line}: not N_('literal') (an f-string or a variable)")
            continue
        if message not in msgids:
            wrong.append(f"{where}:{line}: {message!r} is not in the stats catalog")
        named = set(re.findall(r"%\((\w+)\)s", message))
        given = {k.arg for k in call.keywords if k.arg and k.arg not in _NOT_VALUES}
        if named != given:
            wrong.append(f"{where}:{line}: placeholders {sorted(named)}, values {sorted(given)}")
    return wrong


def test_every_refusal_raised_in_the_stats_package_is_a_catalog_message() -> None:
    sites = _raise_sites([*sorted(STATS.rglob("*.py")), CLI])
    assert len(sites) >= 20  # the scan sees the raise sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "stats") if m.id}
    wrong = _wrong(sites, msgids)
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_an_f_string_an_unknown_message_and_a_missing_value() -> None:
    tree = ast.parse(
        'raise PeriodError(f"{x} is no period")\n'
        'raise ExportError(N_("not in any catalog %(x)s"), x=1)\n'
        'raise ExportError(N_("%(path)s does not exist"), field="out")\n'
    )
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    sites = [("x.py", 1, c) for c in calls if isinstance(c, ast.Call)]
    wrong = _wrong(sites, {m.id for m in read_catalog("es", "stats") if m.id})
    assert [w.split(": ", 1)[1] for w in wrong] == [
        "not N_('literal') (an f-string or a variable)",
        "'not in any catalog %(x)s' is not in the stats catalog",
        "placeholders ['path'], values []",
    ]


def test_the_english_message_and_str_are_as_before() -> None:
    try:
        parse_period("2026-13", field="--period")
    except PeriodError as exc:
        error = exc
    expected = (
        "'2026-13' is not a period; expected YYYY-Qn (a quarter, e.g. 2026-Q3) or YYYY-MM "
        "(a month, e.g. 2026-07)"
    )
    assert error.message == expected and isinstance(error.message, Text)
    assert str(error) == f"--period: {expected}"
    assert error.say("en") == expected
    assert error.say("es").startswith("'2026-13' no es un periodo; se espera YYYY-Qn")


def test_a_refusal_says_itself_in_each_language_keeping_its_values() -> None:
    error = ForecastError(
        N_("%(deadline)s is not after today (%(today)s)"),
        field="before",
        deadline="2026-01-01",
        today="2026-02-01",
    )
    assert str(error) == "before: 2026-01-01 is not after today (2026-02-01)"
    assert error.say("fr") == "2026-01-01 n'est pas après aujourd'hui (2026-02-01)"
    assert error.say("pt-BR") == "2026-01-01 não é posterior a hoje (2026-02-01)"
    for lang in LANGUAGES:
        said = error.say(lang)
        assert "2026-01-01" in said and "2026-02-01" in said
        if lang != "en":
            assert said != error.message, lang
    # A subclass carries the catalog of the base class.
    assert ExportError.domain == StatsError.domain == "stats"


def test_a_bad_period_is_said_in_the_language_of_lang(ruta, tmp_path):
    out = str(tmp_path / "x.csv")
    done = ruta("stats", "export", "--period", "2026-13", "--out", out, "--lang", "es")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Error: --period: '2026-13' no es un periodo; se espera YYYY-Qn" in done.stderr
    english = ruta("stats", "export", "--period", "2026-13", "--out", out, "--lang", "en")
    assert "Error: --period: '2026-13' is not a period; expected YYYY-Qn" in english.stderr
