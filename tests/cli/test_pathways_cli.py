"""``ruta pathways``: JSON on stdout, clear errors with exit code 2, no partial files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUTA = [sys.executable, "-c", "from ruta.cli import main; main()"]
PROFILE = {
    "host_country": "ARG",
    "in_host_country": True,
    "nationalities": [
        {"country": "BOL", "acquired": "birth"},
        {"country": "PRY", "acquired": "naturalization", "since": "2019-10-01"},
    ],
    "date_of_birth": "1990-05-01",
    "entry": {"date": "2025-02-01", "authorized_crossing": True},
    "current_status": "irregular",
    "criminal_records": [{"country": "BOL", "date": "2024-10-01"}],
    "documents": [{"type": "passport", "expires": "2030-01-01"}, {"type": "birth_certificate"}],
    "permits": [{"country": "ARG", "type": "arg.mercosur-temporary", "valid_until": "2027-01-27"}],
    "registrations": [{"country": "COL", "program": "RUMV", "date": "2021-10-01"}],
    "means_of_subsistence": True,
    "asylum_claim_pending": False,
}


def ruta(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RUTA, *args], input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


def test_check_json_is_the_result_contract(profile_file: Path) -> None:
    done = ruta(
        "pathways",
        "check",
        str(profile_file),
        "--as-of",
        "2026-11-28",
        "--format",
        "json",
        "--lang",
        "es",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    statuses = {r["pathway"]: r["status"] for r in data["results"]}
    # A record in 2024 is inside Argentina's 3-year look-back; the permit expires in 60 days.
    assert statuses == {
        "arg.mercosur-temporary": "ineligible",
        "arg.mercosur-permanent": "eligible",
    }
    assert data["as_of"] == "2026-11-28" and data["packs_version"]


def test_check_text_explains(profile_file: Path) -> None:
    done = ruta(
        "pathways",
        "check",
        str(profile_file),
        "--as-of",
        "2026-11-28",
        "--pathway",
        "arg.mercosur-temporary",
    )
    assert done.returncode == 0, done.stderr
    assert "NOT ELIGIBLE" in done.stdout and "Disp. DNM 1637/2022" in done.stdout


@pytest.mark.parametrize(
    ("profile", "args", "fragment"),
    [
        ({"entry": {"date": "01/02/2025"}}, [], "entry.date"),
        ({"host_country": "XX"}, [], "host_country"),
        ({"favourite_food": "arepa"}, [], "favourite_food"),
        ({"in_host_country": "yes"}, [], "in_host_country"),
        ({}, ["--as-of", "2026-02-30"], "--as-of"),
        ({}, ["--pathway", "arg.nothing"], "arg.nothing"),
        ({}, ["--lang", "de"], "--lang"),
    ],
)
def test_bad_input_exits_2_with_the_field(
    tmp_path: Path, profile: dict, args: list[str], fragment: str
) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    done = ruta("pathways", "check", str(path), *args)
    assert done.returncode == 2
    assert fragment in done.stderr and "Traceback" not in done.stderr


def test_malformed_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    done = ruta("pathways", "check", str(path))
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_list_explain_and_test() -> None:
    listing = ruta("pathways", "list", "--country", "COL", "--lang", "es")
    assert listing.returncode == 0 and "col.ppt" in listing.stdout
    explained = ruta("pathways", "explain", "chl.mercosur-temporary", "--lang", "fr")
    assert explained.returncode == 0 and "Ley 21.325" in explained.stdout
    tested = ruta("pathways", "test", "mercosur")
    assert tested.returncode == 0, tested.stdout
    assert " passed, 0 failed" in tested.stdout


@pytest.mark.parametrize(
    ("lang", "high", "medium", "uncertain"),
    [
        ("es", "ALTA", "MEDIA", "INCIERTO"),
        ("pt", "ALTA", "MÉDIA", "INCERTO"),
        ("en", "HIGH", "MEDIUM", "UNCERTAIN"),
    ],
)
def test_explain_and_compare_say_confidence_in_the_language(
    lang: str, high: str, medium: str, uncertain: str
) -> None:
    explained = ruta("pathways", "explain", "col.mercosur-permanent", "--lang", lang)
    assert explained.returncode == 0, explained.stderr
    text = " ".join(explained.stdout.split())
    assert f"· {uncertain} ·" in text and f"· {high} ·" in text
    compared = ruta("pathways", "compare", "--template", "mercosur-temporary", "--lang", lang)
    assert compared.returncode == 0, compared.stderr
    assert medium in compared.stdout and uncertain in compared.stdout
    if lang != "en":
        assert "MEDIUM" not in compared.stdout and "UNCERTAIN" not in compared.stdout
        assert "HIGH" not in text and "UNCERTAIN" not in text


def test_explain_shows_the_windows_citation_and_confidence() -> None:
    explained = ruta("pathways", "explain", "chl.regularization-2021", "--lang", "es")
    assert explained.returncode == 0, explained.stderr
    lines = explained.stdout.splitlines()
    window = next(i for i, line in enumerate(lines) if line.startswith("Plazo: 2021-04-20"))
    assert "2022-01-07" in lines[window] and "INCIERTO" in lines[window]
    assert "Ley 21.325, art. 8 transitorio" in lines[window + 1]
    sure = ruta("pathways", "explain", "col.pep-tutor", "--lang", "es").stdout
    assert "Plazo: 2025-09-01 → 2026-04-30\n" in sure and "Resolución 2451 de 2025" in sure


@pytest.mark.parametrize(
    ("lang", "said", "translated"),
    [
        ("es", ["personas × vías", "Resultado por vía", "no cumple", "Condiciones que"], True),
        ("fr", ["personnes × voies", "Résultat par voie", "non éligible", "Conditions qui"], True),
        ("en", ["people × pathways", "Status by pathway", "ineligible", "Conditions that"], False),
    ],
)
def test_simulate_reports_in_the_language(
    tmp_path: Path, lang: str, said: list[str], translated: bool
) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "person_id,as_of,host_country,in_host_country\na,2026-11-28,ARG,true\n", encoding="utf-8"
    )
    done = ruta(
        "pathways", "simulate", str(pop), "--out", str(tmp_path / "o.parquet"), "--lang", lang
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert all(words in text for words in said), text
    if translated:
        assert "Status by pathway" not in text and "evaluations in" not in text


def test_simulate_writes_results_and_refuses_bad_files(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "person_id,as_of,host_country,in_host_country\na,2026-11-28,ARG,true\n", encoding="utf-8"
    )
    out = tmp_path / "out.parquet"
    done = ruta("pathways", "simulate", str(pop), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.exists() and "Status by pathway" in done.stdout
    pop.write_text("person_id,as_of,entry_date\na,2026-11-28,yesterday\n", encoding="utf-8")
    out.unlink()
    bad = ruta("pathways", "simulate", str(pop), "--out", str(out))
    assert bad.returncode == 2 and "entry_date" in bad.stderr and not out.exists()


def test_simulate_summary_out_writes_tables_and_charts(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "person_id,as_of,host_country,in_host_country\na,2026-11-28,ARG,true\n", encoding="utf-8"
    )
    out, folder = tmp_path / "out.parquet", tmp_path / "summary"
    args = ["pathways", "simulate", str(pop), "--out", str(out), "--summary-out", str(folder)]
    done = ruta(*args, "--lang", "pt")
    assert done.returncode == 0, done.stderr
    names = {p.name for p in folder.iterdir()}
    assert {"summary.csv", "summary.parquet", "blockers.parquet", "status.svg"} <= names
    assert "Respostas" in (folder / "status.svg").read_text(encoding="utf-8")
    spark = ruta(*args, "--engine", "spark")
    assert spark.returncode == 2 and "--summary-out" in spark.stderr
    not_a_folder = ruta(*args[:-1], str(pop))
    assert not_a_folder.returncode == 2 and "folder" in not_a_folder.stderr


@pytest.mark.parametrize(
    "args", [["pathways", "check"], ["pathways", "check", "x.json", "--bogus"], ["no-such-command"]]
)
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    done = ruta(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Usage:" in done.stderr


def test_text_output_speaks_the_language_asked(profile_file: Path) -> None:
    done = ruta("pathways", "check", str(profile_file), "--as-of", "2026-11-28", "--lang", "pt-BR")
    assert done.returncode == 0, done.stderr
    assert "NÃO CUMPRE" in done.stdout and "Próximos passos" in done.stdout
    explained = ruta("pathways", "explain", "col.ppt", "--lang", "es-419")
    assert explained.returncode == 0, explained.stderr
    assert "Condiciones" in explained.stdout and "Plazo: " in explained.stdout
    assert "Conditions" not in explained.stdout and "Window:" not in explained.stdout
    listing = ruta("pathways", "list", "--country", "COL", "--lang", "fr", "--as-of", "2026-01-01")
    assert "Voies de Ruta (2026-01-01)" in listing.stdout and "ouvert" in listing.stdout
