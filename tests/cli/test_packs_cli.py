"""``--packs`` and ``RUTA_PACKS`` on ``ruta pathways``, through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ruta.pathways._jsonschema import pack_json_schema

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "packs"
RUTA = [sys.executable, "-c", "from ruta.cli import main; main()"]
PROFILE = {
    "host_country": "PAN",
    "in_host_country": True,
    "nationalities": [{"country": "VEN"}],
    "date_of_birth": "1990-05-01",
    "entry": {"date": "2025-03-10"},
    "current_status": "irregular",
    "criminal_records": [],
}


def ruta(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "RUTA_PACKS"} | (env or {})
    return subprocess.run(
        [*RUTA, *args], capture_output=True, text=True, timeout=300, env=environ, check=False
    )


@pytest.fixture()
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


def _check(profile: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    done = ruta(
        "pathways",
        "check",
        str(profile),
        "--as-of",
        "2027-02-01",
        "--format",
        "json",
        *args,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_with_packs_and_with_ruta_packs_answer_alike(profile: Path) -> None:
    by_option = _check(profile, "--packs", str(EXAMPLE))
    by_setting = _check(profile, env={"RUTA_PACKS": str(EXAMPLE)})
    assert by_option == by_setting
    (result,) = by_option["results"]
    assert (result["pathway"], result["status"], result["pack"], result["pack_origin"]) == (
        "pan.tutorial-regularization",
        "eligible",
        "pan-tutorial",
        "local",
    )
    without = _check(profile)
    assert without["results"] == []


def test_text_list_and_explain_say_which_pack_answered(profile: Path) -> None:
    text = ruta("pathways", "check", str(profile), "--as-of", "2027-02-01", "--packs", str(EXAMPLE))
    assert text.returncode == 0, text.stderr
    assert "Answered by pack pan-tutorial, version 2027.1.0 (local pack)" in " ".join(
        text.stdout.split()
    )
    listed = ruta("pathways", "list", "--country", "PAN", "--packs", str(EXAMPLE))
    assert listed.returncode == 0 and "local pack (--packs, RUTA_PACKS)" in listed.stdout
    explained = ruta(
        "pathways",
        "explain",
        "pan.tutorial-regularization",
        "--lang",
        "es",
        env={"RUTA_PACKS": str(EXAMPLE)},
    )
    assert explained.returncode == 0, explained.stderr
    assert "pan-tutorial@2027.1.0" in explained.stdout and "paquete local" in explained.stdout


def test_a_broken_pack_stops_every_command_with_file_and_line(
    tmp_path: Path, profile: Path
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.yaml").write_text("pack: bad\nversion: '1'\ntitle:\n  es: x\n", encoding="utf-8")
    for args in (
        ("pathways", "check", str(profile), "--packs", str(folder)),
        ("pathways", "list", "--packs", str(folder)),
        ("pathways", "test", "--packs", str(folder)),
    ):
        done = ruta(*args)
        assert done.returncode == 2, args
        assert f"{folder / 'bad.yaml'}:3" in done.stderr and "Traceback" not in done.stderr
        assert done.stdout == ""
    # RUTA_PACKS holds for every command, casework's too: nothing starts on a broken pack.
    done = ruta("db", "--help", env={"RUTA_PACKS": str(folder)})
    assert done.returncode == 2 and "bad.yaml:3" in done.stderr


def test_simulate_uses_the_local_packs(tmp_path: Path) -> None:
    population = tmp_path / "pop.csv"
    population.write_text(
        "person_id,as_of,host_country,in_host_country,nationalities,date_of_birth,entry_date,"
        "current_status,criminal_records\n"
        'p1,2027-02-01,PAN,true,"[{""country"": ""VEN""}]",1990-05-01,2025-03-10,irregular,[]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    done = ruta(
        "pathways",
        "simulate",
        str(population),
        "--out",
        str(out),
        "--pathway",
        "pan.tutorial-regularization",
        "--packs",
        str(EXAMPLE),
    )
    assert done.returncode == 0, done.stderr
    import pyarrow.parquet as pq

    rows = pq.read_table(out).to_pylist()
    assert [(r["pathway"], r["status"]) for r in rows] == [
        ("pan.tutorial-regularization", "eligible")
    ]


def test_pathways_test_runs_the_folders_own_tests(tmp_path: Path) -> None:
    done = ruta("pathways", "test", "--packs", str(EXAMPLE))
    assert done.returncode == 0, done.stdout
    assert "packs: 11 passed, 0 failed" in done.stdout
    few = tmp_path / "few"
    few.mkdir()
    (few / "pan.yaml").write_text((EXAMPLE / "pan.yaml").read_text(encoding="utf-8"))
    tests = (EXAMPLE / "pan.tests.yaml").read_text(encoding="utf-8")
    (few / "pan.tests.yaml").write_text(tests[: tests.index('  - name: "After the window')])
    done = ruta("pathways", "test", "--packs", str(few))
    assert done.returncode == 1
    assert "GAP pan.tutorial-regularization" in done.stdout and "need 6" in done.stdout


@pytest.mark.parametrize(
    ("lang", "fail", "expected", "gap", "summary"),
    [
        ("es", "FALLA", "se esperaba ineligible, se obtuvo eligible", "HUECO", "paquetes: 1"),
        ("pt", "FALHA", "esperava-se ineligible, obteve-se eligible", "LACUNA", "pacotes: 1"),
        ("en", "FAIL", "expected ineligible, got eligible", "GAP", "packs: 1 passed, 1 failed"),
    ],
)
def test_pathways_test_reports_in_the_language(
    tmp_path: Path, lang: str, fail: str, expected: str, gap: str, summary: str
) -> None:
    # Two cases, the first expecting the wrong status: one failure and a coverage gap.
    folder = tmp_path / "wrong"
    folder.mkdir()
    (folder / "pan.yaml").write_text((EXAMPLE / "pan.yaml").read_text(encoding="utf-8"))
    tests = (EXAMPLE / "pan.tests.yaml").read_text(encoding="utf-8")
    second = tests.index("  - name:", tests.index("  - name:") + 1)
    two = tests[: tests.index("  - name:", second + 1)]
    first_expect = two.index("eligible", two.index("expect:"))
    (folder / "pan.tests.yaml").write_text(
        two[:first_expect] + "in" + two[first_expect:], encoding="utf-8"
    )
    done = ruta("pathways", "test", "--packs", str(folder), "--lang", lang)
    assert done.returncode == 1, done.stderr
    text = " ".join(done.stdout.split())
    assert text.startswith(f"{fail} ") and expected in text
    assert f"{gap} pan.tutorial-regularization:" in text and summary in text
    if lang != "en":
        assert "need 6" not in text and "not tested on both sides" not in text


def test_schema_prints_the_json_schema() -> None:
    done = ruta("pathways", "schema")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == pack_json_schema()
