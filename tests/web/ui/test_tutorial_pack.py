"""The tutorial of docs/rule-packs.md §13, followed with its own files (examples/packs).

A ministry's folder, and nothing changed in the package, answers through the CLI, the open
API and the finder's pages, each saying which pack and version answered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import main_text, walk_finder

from ruta.pathways import use_packs
from ruta.settings import Settings
from ruta.store import upgrade
from ruta.web import create_app

ROOT = Path(__file__).parents[3]
FOLDER = ROOT / "examples" / "packs"
PROFILE = ROOT / "examples" / "profile-venezuelan-in-panama.json"
PATHWAY = "pan.tutorial-regularization"


def ruta(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ruta.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("tutorial")
    # The app needs a migrated store: the finder asks it which offices take a pathway.
    database_url = f"sqlite:///{tmp / 'finder.db'}"
    upgrade(database_url)
    settings = Settings(
        env="test",
        secret_key="test-secret-" + "x" * 40,
        database_url=database_url,
        data_dir=tmp / "var",
        packs=str(FOLDER),  # RUTA_PACKS=examples/packs
    )
    try:
        with TestClient(create_app(settings)) as c:
            yield c
    finally:
        use_packs(())


def test_step_6_the_folder_passes_its_own_tests() -> None:
    done = ruta("pathways", "test", "--packs", str(FOLDER))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout and "GAP" not in done.stdout


def test_step_6_the_cli_answers_with_the_new_programme() -> None:
    done = ruta(
        "pathways",
        "check",
        str(PROFILE),
        "--packs",
        str(FOLDER),
        "--as-of",
        "2027-02-01",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert (result["pathway"], result["status"], result["pack"], result["pack_origin"]) == (
        PATHWAY,
        "eligible",
        "pan-tutorial",
        "local",
    )
    # Born in August 1994 (the day unknown): over 25, so the fee is due.
    assert [fee["exempt"] for fee in result["fees"]] == [False]
    explained = ruta("pathways", "explain", PATHWAY, "--packs", str(FOLDER), "--lang", "fr")
    assert explained.returncode == 0 and "Avoir 18 ans ou plus" in explained.stdout


def test_step_7_the_api_answers_with_the_new_programme(client: TestClient) -> None:
    profile = json.loads(PROFILE.read_text(encoding="utf-8"))
    body = {"profile": profile, "as_of": "2027-02-01", "lang": "es"}
    response = client.post("/api/v1/eligibility", json=body)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert (result["pathway"], result["status"], result["pack_version"]) == (
        PATHWAY,
        "eligible",
        "2027.1.0",
    )
    rules = client.get(f"/api/v1/pathways/{PATHWAY}", params={"lang": "es"}).json()
    assert [c["id"] for c in rules["conditions"]][1:] == [
        "not_host_national",
        "adult",
        "arrived_by_cutoff",
        "irregular",
        "no_criminal_record",
    ]
    assert rules["pack_origin"] == "local"


def test_step_7_the_finder_pages_offer_the_new_programme(client: TestClient) -> None:
    walk_finder(client, {"host_country": "PAN"}, lang="es")
    page = client.get("/finder/results", params={"lang": "es"})
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Regularización de residentes de larga duración (ejemplo, decreto ficticio)" in text
    # The pack's origin is said with the laws, on the pathway's own page.
    assert f"/finder/results/{PATHWAY}" in page.text
    text = main_text(client.get(f"/finder/results/{PATHWAY}", params={"lang": "es"}).text)
    assert "Reglas del paquete pan-tutorial, versión 2027.1.0 (publicado por este servicio" in text
