"""Statistics refusals are catalog texts: English as before in ``message`` and ``str()``,
said in the reader's language by ``say`` and by ``ruta stats ... --lang``; every raise site
under ruta.stats (and in the ``ruta stats`` commands) passes a stats catalog message."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.catalog_scan import RaiseSite, assert_said_in_every_language, raise_sites, wrong_sites

import ruta.cli.stats
import ruta.stats
from ruta.i18n import N_, Text, read_catalog
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


def test_every_refusal_raised_in_the_stats_package_is_a_catalog_message() -> None:
    sites = raise_sites([*sorted(STATS.rglob("*.py")), CLI], _RAISED)
    assert len(sites) >= 20  # the scan sees the raise sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "stats") if m.id}
    wrong = wrong_sites(sites, msgids, "stats", _NOT_VALUES)
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_an_f_string_an_unknown_message_and_a_missing_value() -> None:
    path = "x.py"
    tree = ast.parse(
        'raise PeriodError(f"{x} is no period")\n'
        'raise ExportError(N_("not in any catalog %(x)s"), x=1)\n'
        'raise ExportError(N_("%(path)s does not exist"), field="out")\n'
    )
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    sites = [RaiseSite(path, 1, c, {}) for c in calls if isinstance(c, ast.Call)]
    wrong = wrong_sites(sites, {m.id for m in read_catalog("es", "stats") if m.id}, "stats")
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
    assert_said_in_every_language(error, "2026-01-01", "2026-02-01")
    # A subclass carries the catalog of the base class.
    assert ExportError.domain == StatsError.domain == "stats"


def test_a_bad_period_is_said_in_the_language_of_lang(ruta, tmp_path):
    out = str(tmp_path / "x.csv")
    done = ruta("stats", "export", "--period", "2026-13", "--out", out, "--lang", "es")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Error: --period: '2026-13' no es un periodo; se espera YYYY-Qn" in done.stderr
    english = ruta("stats", "export", "--period", "2026-13", "--out", out, "--lang", "en")
    assert "Error: --period: '2026-13' is not a period; expected YYYY-Qn" in english.stderr
