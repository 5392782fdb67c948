"""``ruta labour paygap``: the JSON contract, errors on stderr with exit 2, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

MAPPED = [
    "--wage",
    "ingreso_mensual",
    "--hours",
    "horas_semana",
    "--migrant",
    "migrante",
    "--weight",
    "fex",
    "--covariates",
    "edad,sexo,educacion,ciuo08,ciiu,region",
    "--categorical",
    "sexo,educacion,ciuo08,ciiu,region",
    "--occupation",
    "ciuo08",
    "--age",
    "edad",
]
EXAMPLE = Path(__file__).parents[3] / "examples"


def test_json_contract(cli, messy_csv: Path) -> None:
    run = cli("labour", "paygap", str(messy_csv), *MAPPED, "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)  # exactly one JSON object on stdout
    assert isinstance(data["n"], int) and data["n"] > 1_800
    assert data["n"] + sum(data["dropped"].values()) == 2_000
    assert set(data["dropped"]) >= {"missing_wage", "non_positive_wage"}
    nat, mig = data["groups"]["nationals"], data["groups"]["migrants"]
    assert data["raw_gap"]["mean_log"] == pytest.approx(nat["mean_log_wage"] - mig["mean_log_wage"])
    for reference in ("pooled", "nationals", "migrants"):
        parts = data["twofold"][reference]
        assert set(parts) >= {"explained", "unexplained", "explained_se", "unexplained_se"}
        assert parts["explained"] + parts["unexplained"] == pytest.approx(
            data["raw_gap"]["mean_log"]
        )
        assert parts["explained_se"] > 0 and parts["unexplained_se"] > 0
    assert set(data["threefold"]) >= {"endowments", "coefficients", "interaction"}
    assert data["factor_weighted"]["confidence"] == "UNCERTAIN" and data["uncertain"]
    education = next(v for v in data["detailed"]["pooled"] if v["variable"] == "educacion")
    assert [lvl["level"] for lvl in education["levels"]] == [
        "primaria",
        "secundaria",
        "tecnica",
        "universitaria",
    ]


def test_mapping_file_bootstrap_and_language(cli) -> None:
    run = cli(
        "labour",
        "paygap",
        str(EXAMPLE / "paygap-survey.csv"),
        "--mapping",
        str(EXAMPLE / "paygap-mapping.yaml"),
        "--bootstrap",
        "20",
        "--seed",
        "4",
        "--format",
        "json",
        "--lang",
        "pt-BR",
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["standard_errors"]["bootstrap"] == {"replications": 20, "seed": 4, "failed": 0}
    assert data["twofold"]["pooled"]["explained_se_bootstrap"] > 0
    assert "Os subgrupos exatos" in data["uncertain"][0]


def test_text_output_in_spanish(cli) -> None:
    run = cli(
        "labour",
        "paygap",
        str(EXAMPLE / "paygap-survey.csv"),
        "--mapping",
        str(EXAMPLE / "paygap-mapping.yaml"),
        "--lang",
        "es",
    )
    assert run.returncode == 0, run.stderr
    assert "Brecha salarial de los migrantes" in run.stdout
    assert "No usadas: missing_wage" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wage", "salario", "--migrant", "migrante"], "no column 'salario'"),
        (["--migrant", "migrante"], "--wage COL"),
        (["--wage", "ingreso_mensual", "--migrant", "migrante", "--lang", "de"], "--lang"),
        (
            ["--wage", "ingreso_mensual", "--migrant", "migrante", "--report", "r.docx"],
            ".html or .pdf",
        ),
        (["--wage", "ingreso_mensual", "--migrant", "migrante", "--format", "xml"], "text or json"),
        (
            [
                "--wage",
                "ingreso_mensual",
                "--migrant",
                "migrante",
                "--covariates",
                "edad",
                "--categorical",
                "sexo",
            ],
            "sexo listed as categorical",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(
    cli, messy_csv: Path, args: list[str], message: str
) -> None:
    run = cli("labour", "paygap", str(messy_csv), *args)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_html_and_pdf_reports(cli, messy_csv: Path, tmp_path: Path) -> None:
    html_path, pdf_path = tmp_path / "informe.html", tmp_path / "rapport.pdf"
    assert (
        cli(
            "labour", "paygap", str(messy_csv), *MAPPED, "--report", str(html_path), "--lang", "es"
        ).returncode
        == 0
    )
    assert (
        cli(
            "labour",
            "paygap",
            str(messy_csv),
            *MAPPED,
            "--report",
            str(pdf_path),
            "--lang",
            "fr",
            "--format",
            "json",
        ).returncode
        == 0
    )
    page = html_path.read_text(encoding="utf-8")
    assert '<html lang="es">' in page and page.count("<svg") >= 5
    assert "Brecha ponderada por factores" in page and "Error estándar" in page
    text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages)  # independent reader
    assert "Écart salarial des migrants" in text and "Erreur type" in text
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
