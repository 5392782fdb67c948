"""``ruta pathways compare``: the contract (CSV, one row per rule, one column per state)."""

from __future__ import annotations

import csv
import io
import json

from ruta.pathways import compare, confidence_label


def test_compare_csv_contract(cli):
    done = cli("pathways", "compare", "--template", "mercosur-temporary", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    header = rows[0]
    assert header[:3] == ["kind", "id", "treaty"]
    assert {"ARG", "BRA", "BOL", "CHL", "COL", "PER", "PRY", "URY"} <= set(header[3:])
    kinds = {r[0] for r in rows[1:]}
    assert {"condition", "document", "validity"} <= kinds
    assert all(len(r) == len(header) for r in rows)


def test_compare_text_and_json_in_the_readers_language(cli):
    done = cli("pathways", "compare", "--template", "andean-temporary", "--lang", "es")
    assert done.returncode == 0 and "Condición" in done.stdout and "BOL" in done.stdout
    done = cli("pathways", "compare", "--template", "andean-temporary", "--format", "json")
    assert json.loads(done.stdout)["states"] == ["BOL", "COL", "ECU", "PER"]


def test_compare_refuses_unknown_template_and_format(cli):
    done = cli("pathways", "compare", "--template", "nope")
    assert done.returncode == 2 and "mercosur-temporary" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli("pathways", "compare", "--template", "mercosur-temporary", "--format", "xls")
    assert done.returncode == 2 and "--format" in done.stderr


def test_compare_text_cites_parameters_and_says_when_the_pack_cites_nothing(cli):
    done = cli("pathways", "compare", "--template", "mercosur-temporary", "--lang", "es")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())  # the terminal wraps long cells
    years = compare("mercosur-temporary", "es").row("parameter", "residence_years").cells["ARG"]
    # Confidence levels are said in the reader's language (MEDIUM, UNCERTAIN in English).
    medium, uncertain = confidence_label("MEDIUM", "es"), confidence_label("UNCERTAIN", "es")
    assert (medium, uncertain) != ("MEDIUM", "UNCERTAIN")
    assert f"≠ ARG: 3 {medium} ({' '.join(years.citation.split())})" in text
    assert f"{uncertain} (el paquete no cita fuente)" in text
