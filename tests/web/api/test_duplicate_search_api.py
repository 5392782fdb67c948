"""``duplicate_search`` and ``duplicate_candidates`` in GET /api/v1/applications/{id}."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.api.test_applications_api import body, submit

from ruta.cases import RegistryIndexes
from ruta.linkage import REQUIRED_COLUMNS

COLUMNS = (*REQUIRED_COLUMNS, "document_type")  # the contract and one optional column
#: The applicant of ``body()`` (Luis Rojas, 1985-07-12, cédula V-12345678) registered before.
EARLIER = ("COL-77", "LUIS", "Rojas", "Mendoza", "M", "1985-07-12", "VEN", "12345678", "CI")


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "col.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([COLUMNS, EARLIER])
    yield path


def test_officers_get_the_candidates_and_their_review_pair(app, client, api_headers, registry):
    app.state.registries = RegistryIndexes({"COL": registry}, wait=None)
    officer = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, officer).json()["id"]
    got = client.get(f"/api/v1/applications/{app_id}", headers=officer).json()
    search = got["duplicate_search"]
    assert search["status"] == "searched" and search["registry"]["file"] == "col.csv"
    assert search["elapsed_ms"] >= 0 and search["searched_at"]
    [candidate] = got["duplicate_candidates"]
    assert candidate["record_id"] == "COL-77" and candidate["probability"] > 0.9
    assert "document number equal" in candidate["reasons"]
    assert candidate["record"]["surname_2"] == "Mendoza"
    assert candidate["review_status"] == "pending" and candidate["review_pair_id"] > 0


def test_applicants_never_see_other_peoples_records(app, client, api_headers, registry):
    app.state.registries = RegistryIndexes({"COL": registry}, wait=None)
    migrant = api_headers("luis", "applicant")
    payload = body()
    app_id = submit(client, migrant, payload=payload).json()["id"]
    got = client.get(f"/api/v1/applications/{app_id}", headers=migrant).json()
    assert got["duplicate_search"] is None and got["duplicate_candidates"] is None


def test_without_a_registry_both_fields_are_null(app, client, api_headers, registry):
    app.state.registries = RegistryIndexes({})
    officer = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, officer).json()["id"]
    got = client.get(f"/api/v1/applications/{app_id}", headers=officer).json()
    assert got["duplicate_search"] is None and got["duplicate_candidates"] is None


def test_officers_search_again_applicants_may_not(app, client, api_headers, registry):
    app.state.registries = RegistryIndexes({"COL": registry.parent / "later.csv"}, wait=None)
    officer = api_headers("ana", "caseworker", "COL")
    migrant = api_headers("luis", "applicant")
    app_id = submit(client, migrant).json()["id"]
    got = client.get(f"/api/v1/applications/{app_id}", headers=officer).json()
    assert got["duplicate_search"]["status"] == "not_run"
    registry.rename(registry.parent / "later.csv")
    url = f"/api/v1/applications/{app_id}/duplicate-search"
    assert client.post(url, headers=migrant).status_code == 403
    again = client.post(url, headers=officer)
    assert again.status_code == 200
    assert [c["record_id"] for c in again.json()["duplicate_candidates"]] == ["COL-77"]
