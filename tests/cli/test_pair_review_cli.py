"""``ruta review import`` and ``ruta review list`` through the real entry point on both
backends (in-process, like the casework CLI tests)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ruta.cases.actions.authentication import do_create_user
from ruta.linkage import REQUIRED_COLUMNS

HEADER = list(REQUIRED_COLUMNS)  # the registry contract
ROWS = [
    ["r1", "Ana", "Peña", "Gómez", "F", "1990-05-01", "VEN", "V123"],
    ["r2", "Ana María", "PENA", "", "F", "1990-05-01", "VEN", "V123"],
    ["r3", "José", "Ruiz", "", "M", "1985-01-02", "COL", ""],
    ["r4", "Jose", "Ruiz", "", "M", "1985-02-01", "COL", ""],
]


def _officer(session, username: str, role: str) -> None:
    """An account of Colombia's office (the registries here are Colombian)."""
    do_create_user(
        session, None, username=username, password="correct-horse-battery", role=role, country="COL"
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    registry = tmp_path / "registry.csv"
    with registry.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "record_id_l,record_id_r,match_probability\nr1,r2,0.7\nr3,r4,0.55\nr1,r4,0.1\n",
        encoding="utf-8",
    )
    return str(pairs), str(registry)


def test_import_twice_queues_once_then_lists(ruta, files, session):
    _officer(session, "cw", "caseworker")
    first = ruta("review", "import", *files, "--registry", "COL-2026", "--as", "cw")
    assert first.returncode == 0, first.stderr
    assert "2 pairs in [0.5, 0.95); queued 2 new, 0 already queued" in first.stdout
    again = ruta("review", "import", *files, "--registry", "COL-2026", "--country", "COL")
    assert "queued 0 new, 2 already queued" in again.stdout
    narrow = ruta(
        "review",
        "import",
        *files,
        "--registry",
        "X",
        "--country",
        "COL",
        "--low",
        "0.6",
        "--high",
        "0.8",
    )
    assert "1 pairs in [0.6, 0.8); queued 1 new" in narrow.stdout
    listed = ruta("review", "list", "--as", "cw")
    assert listed.returncode == 0, listed.stderr
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(line[1], line[2], line[3], line[5]) for line in lines] == [
        ("COL-2026", "r3", "r4", "pending"),
        ("COL-2026", "r1", "r2", "pending"),
        ("X", "r1", "r2", "pending"),
    ]
    assert "3 of 3 pending pairs" in listed.stderr


def test_errors_exit_2_naming_the_field(ruta, files, session):
    bad_band = ruta("review", "import", *files, "--registry", "X", "--low", "0.9", "--high", "0.5")
    assert bad_band.returncode == 2 and "band" in bad_band.stderr
    nobody = ruta("review", "list", "--as", "ghost")
    assert nobody.returncode == 2 and "no user 'ghost'" in nobody.stderr
    _officer(session, "aud", "auditor")
    nadie = ruta("review", "list", "--as", "ghost", "--lang", "es")
    assert nadie.returncode == 2 and "no hay usuario 'ghost'" in nadie.stderr
    refused = ruta("review", "list", "--as", "aud")
    assert refused.returncode == 2 and "may not review registry pairs" in refused.stderr
    no_country = ruta("review", "import", *files, "--registry", "X")
    assert no_country.returncode == 2 and "country" in no_country.stderr
    missing = ruta("review", "import", "nope.csv", files[1], "--registry", "X")
    assert missing.returncode == 2 and "nope.csv" in missing.stderr


def test_import_reads_a_registry_with_its_own_columns(ruta, tmp_path, session):
    _officer(session, "cw", "caseworker")
    registry = tmp_path / "registro.csv"
    with registry.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["expediente", "nombres", "apellidos", "nacimiento", "oficina"],
                ["e1", "Ana", "Peña Gómez", "01/05/1990", "Cúcuta"],
                ["e2", "Ana María", "PENA", "01/05/1990", "Bogotá"],
            ]
        )
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("record_id_l,record_id_r,match_probability\ne1,e2,0.7\n", encoding="utf-8")
    done = ruta(
        "review",
        "import",
        str(pairs),
        str(registry),
        "--registry",
        "COL-own",
        "--as",
        "cw",
        "--columns",
        "record_id=expediente,given_names=nombres,surname_1=apellidos,date_of_birth=nacimiento",
        "--date-format",
        "%d/%m/%Y",
    )
    assert done.returncode == 0, done.stderr
    assert "queued 1 new" in done.stdout


def test_import_skips_bad_rows_up_to_max_skipped_as_ruta_link_does(ruta, tmp_path, session):
    # The stopping error says "raise --max-skipped": review import takes it, and says the
    # rows it skipped and the dates it blanked by line, as ruta link does.
    _officer(session, "cw", "caseworker")
    registry = tmp_path / "registry.csv"
    rows = [[f"r{i}", "Ana", "Peña", "", "F", "1990-05-01", "VEN", ""] for i in range(1, 20)]
    rows[2][0] = ""  # line 4: no record_id
    rows[5][5] = "1990-02-31"  # line 7: an impossible date
    with registry.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("record_id_l,record_id_r,match_probability\nr1,r2,0.7\n", encoding="utf-8")
    args = ["review", "import", str(pairs), str(registry), "--registry", "X", "--as", "cw"]
    stopped = ruta(*args, "--on-error", "skip")
    assert stopped.returncode == 2 and "raise --max-skipped" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    done = ruta(*args, "--on-error", "skip", "--max-skipped", "1")
    assert done.returncode == 0, done.stderr
    assert "queued 1 new" in done.stdout
    assert "skipped line 4: record_id" in done.stderr and "skipped 1 bad row" in done.stderr
    assert "blanked line 7: date_of_birth" in done.stderr
    too_few = ruta(*args, "--on-error", "skip", "--max-skipped", "a few")
    assert too_few.returncode == 2 and "max_skipped: got 'a few'" in too_few.stderr


def test_import_says_the_registry_reader_errors_in_its_language(ruta, files, session):
    # The reader's errors are linkage texts: said in --lang, as ruta link says them.
    _officer(session, "cw", "caseworker")
    args = ["review", "import", *files, "--registry", "X", "--as", "cw"]
    wrong = ruta(*args, "--columns", "record_id=expediente", "--lang", "es")
    assert wrong.returncode == 2, wrong.stderr
    assert "Error: columns: " in wrong.stderr and "no tiene la columna expediente" in wrong.stderr
    english = ruta(*args, "--columns", "record_id=expediente")
    assert "has no column expediente" in english.stderr
