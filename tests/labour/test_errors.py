"""Labour refusals are catalog texts: English as before in ``message`` and ``str()``, said in
the reader's language by ``say``, by ``ruta labour ... --lang``, by the API's problem
details (``Accept-Language``); every raise site under ruta.labour (and in the ``ruta
labour`` commands) passes a labour catalog message."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.catalog_scan import assert_said_in_every_language, raise_sites, wrong_sites

import ruta.cli._labour_paygap
import ruta.cli.labour
import ruta.labour
from ruta.i18n import N_, Text, read_catalog
from ruta.labour import LabourError
from ruta.labour.paygap import ColumnMap, PayGapError, SurveyError, analyse, survey_from_table
from ruta.labour.pensions import PensionsError, PeriodsError, read_periods, totalize
from ruta.web.problems import install_problem_handlers

LABOUR = Path(ruta.labour.__file__).parent
CLI = [Path(ruta.cli.labour.__file__), Path(ruta.cli._labour_paygap.__file__)]
#: The exception classes whose first argument is a catalog message; ``error`` is the class
#: a pensions data file's reader is given (AgreementDataError or ParametersError).
_RAISED = {
    "LabourError",
    "PayGapError",
    "SurveyError",
    "PensionsError",
    "PeriodsError",
    "AgreementDataError",
    "ParametersError",
    "error",
}
#: Keywords of the errors that are not placeholders: PeriodsError's problems are a list.
_NOT_VALUES = {"field", "problems"}
EXAMPLE = Path(__file__).parents[2] / "examples"
DAY = dt.date(2026, 1, 1)


def test_every_refusal_raised_in_the_labour_package_is_a_catalog_message() -> None:
    sites = raise_sites([*sorted(LABOUR.rglob("*.py")), *CLI], _RAISED)
    assert len(sites) >= 35  # the scan sees the raise sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "labour") if m.id}
    wrong = wrong_sites(sites, msgids, "labour", _NOT_VALUES)
    assert not wrong, "\n".join(wrong)


def test_every_labour_error_class_speaks_the_labour_catalog() -> None:
    classes = [PayGapError, SurveyError, PensionsError, PeriodsError]
    assert all(issubclass(c, LabourError) and c.domain == "labour" for c in classes)


def test_the_english_message_and_str_are_as_before() -> None:
    with pytest.raises(PeriodsError) as caught:
        read_periods(
            "country,from,to,voluntary\nXX,2001-02-30,2030-01-01,maybe\n", as_of=DAY, source="p.csv"
        )
    error = caught.value
    expected = (
        "line 2, country: 'XX' is not an ISO 3166-1 alpha-3 code (e.g. ARG, BRA); "
        "line 2, from: '2001-02-30' is not a calendar date; "
        "line 2, to: 2030-01-01 is after the date of the claim (2026-01-01); "
        "line 2, voluntary: expected true or false, got 'maybe'"
    )
    assert error.message == expected and isinstance(error.message, Text)
    assert str(error) == f"p.csv: {expected}"
    assert error.say("en") == expected
    # Each problem of the list is itself said in the reader's language.
    assert error.say("es") == (
        "línea 2, country: 'XX' no es un código ISO 3166-1 alfa-3 (p. ej. ARG, BRA); "
        "línea 2, from: '2001-02-30' no es una fecha del calendario; "
        "línea 2, to: 2030-01-01 es posterior a la fecha de la solicitud (2026-01-01); "
        "línea 2, voluntary: se espera true o false, se recibió 'maybe'"
    )
    # The problems a caller reads one by one are the same English texts as before.
    assert error.problems[-1] == (2, "voluntary", "expected true or false, got 'maybe'")


def test_a_long_list_of_problems_says_how_many_more_with_the_english_count() -> None:
    rows = "ARG,2001-01-01,2000-01-01\n" * 1_200
    with pytest.raises(PeriodsError) as caught:
        read_periods(f"country,from,to\n{rows}", as_of=DAY)
    error = caught.value
    assert error.message.endswith(" (and 1180 more)")
    assert error.say("fr").endswith(" (et 1180 de plus)")
    assert error.say("fr").startswith("ligne 2, to : 2000-01-01 est avant from (2001-01-01); ")


def test_a_refusal_says_itself_in_each_language_keeping_its_values() -> None:
    error = PensionsError(
        N_("no agreement '%(agreement)s'; expected one of %(known)s or auto"),
        field="agreement",
        agreement="nafta",
        known="mercosur, iberoamerican",
    )
    assert str(error) == (
        "agreement: no agreement 'nafta'; expected one of mercosur, iberoamerican or auto"
    )
    assert error.say("pt") == (
        "não há nenhum acordo 'nafta'; espera-se um de mercosur, iberoamerican ou auto"
    )
    assert_said_in_every_language(error, "'nafta'", "mercosur, iberoamerican")


def test_an_engine_refusal_says_who_it_is_about_in_the_language() -> None:
    table = pa.table(
        {
            "w": [10.0, 12.0, 9.0, 11.0, 8.0, 7.0],
            "m": ["0", "0", "0", "1", "1", "1"],
            "x": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
            "y": [2.0, 4.0, 6.0, 2.0, 4.0, 6.0],
        }
    )
    columns = ColumnMap(wage="w", migrant="m", covariates=("x", "y"), factors=("x",))
    with pytest.raises(PayGapError) as caught:
        analyse(survey_from_table(table, columns), replications=0)
    error = caught.value
    assert str(error) == (
        "covariates: the covariates are collinear among nationals (one is a combination of "
        "others): drop one of the covariates that measure the same thing"
    )
    assert error.say("es").startswith("las covariables son colineales entre los nacionales")


def test_paygap_without_a_wage_column_is_refused_in_the_language_of_lang(cli) -> None:
    data = str(EXAMPLE / "paygap-survey.csv")
    said = {
        "en": "Error: wage: no column named; pass --wage COL or put 'wage: COL' in the "
        "mapping file",
        "es": "Error: wage: no se indicó ninguna columna; pase --wage COL o ponga 'wage: COL' "
        "en el archivo de correspondencias",
        "fr": "Error: wage: aucune colonne indiquée ; passez --wage COL ou mettez 'wage: COL' "
        "dans le fichier de correspondance",
    }
    for lang, expected in said.items():
        run = cli("labour", "paygap", data, "--migrant", "migrante", "--lang", lang)
        assert run.returncode == 2, lang
        assert run.stderr.strip() == expected
        assert "Traceback" not in run.stderr and run.stdout == ""


#: ``ruta labour paygap``'s refusals of --report (while the options are parsed, --lang after
#: it) and of --format (once the command runs): Typer's frame, the refusal from the labour
#: catalog.
PAYGAP_OPTIONS = {
    "--report": (
        ["--report", "r.docx"],
        {
            "en": "Invalid value for --report: got 'r.docx'; expected a file name ending in "
            ".html or .pdf",
            "es": "Valor no válido para --report: se recibió 'r.docx'; se esperaba un nombre "
            "de archivo terminado en .html o .pdf",
            "fr": "Valeur non valide pour --report : reçu 'r.docx' ; un nom de fichier se "
            "terminant par .html ou .pdf est attendu",
        },
    ),
    "--format": (
        ["--format", "xml"],
        {
            "en": "Invalid value for --format: got 'xml'; expected text or json",
            "es": "Valor no válido para --format: se recibió 'xml'; se esperaba text o json",
            "fr": "Valeur non valide pour --format : reçu 'xml' ; text ou json est attendu",
        },
    ),
}


@pytest.mark.parametrize("option", PAYGAP_OPTIONS)
def test_a_paygap_option_refusal_is_said_in_the_language_of_lang(cli, option: str) -> None:
    args, said = PAYGAP_OPTIONS[option]
    data = str(EXAMPLE / "paygap-survey.csv")
    for lang, expected in said.items():
        run = cli("labour", "paygap", data, "--wage", "ingreso_mensual", *args, "--lang", lang)
        flat = " ".join(re.sub(r"[╭╮╰╯│─]", " ", run.stderr).split())
        assert run.returncode == 2, lang
        assert expected in flat, (lang, flat)
        assert "Traceback" not in run.stderr and run.stdout == ""


def test_a_pension_refusal_is_said_in_the_language_of_lang(cli, tmp_path: Path) -> None:
    periods = tmp_path / "periods.json"
    periods.write_text(json.dumps([{"country": "ARG", "from": "2001-01-01"}]), encoding="utf-8")
    said = {
        "en": "line 1, to: is required",
        "es": "línea 1, to: es obligatorio",
        "fr": "ligne 1, to : est obligatoire",
    }
    for lang, expected in said.items():
        run = cli("labour", "pension", str(periods), "--as-of", "2026-01-01", "--lang", lang)
        assert run.returncode == 2, lang
        assert run.stderr.strip() == f"Error: {periods}: {expected}"
        assert "Traceback" not in run.stderr and run.stdout == ""
    # An option's refusal too, once --lang is known (whatever the order of the options).
    run = cli("labour", "pension", str(periods), "--format", "xml", "--lang", "es")
    assert run.returncode == 2
    assert run.stderr.strip() == "Error: --format: se recibió 'xml'; se esperaba text o json"


def test_a_file_that_cannot_be_read_is_said_in_the_language(cli, tmp_path: Path) -> None:
    latin = tmp_path / "periods.csv"
    latin.write_bytes("country,from,to\nPER,2001-01-01,2002-01-01 año\n".encode("latin-1"))
    english = cli("labour", "pension", str(latin), "--lang", "en")
    assert english.stderr.strip() == f"Error: PERIODS: cannot read {latin}: not a UTF-8 text file"
    spanish = cli("labour", "pension", str(latin), "--lang", "es")
    assert spanish.returncode == 2
    assert spanish.stderr.strip() == (
        f"Error: PERIODS: no se puede leer {latin}: no es un archivo de texto UTF-8"
    )


def test_the_api_says_a_labour_refusal_in_the_language_of_accept_language() -> None:
    # No API endpoint runs the labour engines yet: any that does reports their refusals
    # through the same problem handler as this one.
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/totalize")
    def _totalize() -> None:
        totalize([], as_of=DAY)

    with TestClient(app) as client:
        english = client.get("/totalize")
        spanish = client.get("/totalize", headers={"Accept-Language": "es-CO, en;q=0.5"})
    assert english.status_code == spanish.status_code == 422
    en, es = english.json(), spanish.json()
    assert en["detail"] == "line 1, : no periods: give at least one"
    assert es["detail"] == "línea 1, : no hay períodos: indique al menos uno"
    assert es["errors"] == [{"field": "periods", "message": es["detail"]}]
    assert (es["title"], es["type"], es["field"]) == (en["title"], en["type"], en["field"])
