"""The /api/v1 contract on SQLite and PostgreSQL: submission, idempotency, reads, lists,
transitions, decisions, documents, permit, problem+json errors."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from ruta.cases import verify_chain
from ruta.pathways import list_pathways
from ruta.store.models import Application

PROBLEM = "application/problem+json"


def body(country: str = "COL") -> dict:
    return {
        "pathway": list_pathways(country)[0].id,
        "profile": {
            "in_host_country": True,
            "nationalities": [{"country": "VEN", "acquired": "birth"}],
        },
        "applicant": {
            "given_names": "Luis",
            "surname_1": "Rojas",
            "surname_2": None,
            "date_of_birth": "1985-07-12",
            "sex": "M",
            "nationality": "VEN",
            "document": {"type": "cedula", "number": "V-12345678"},
        },
        "household": [],
    }


def eligible_body() -> dict:
    """A submission the engine assesses eligible (a Peruvian with a valid passport on
    Colombia's Andean visa): approving it is no override."""
    data = body()
    data["pathway"] = "col.andean-temporary"
    data["profile"].update(
        nationalities=[{"country": "PER", "acquired": "birth"}],
        date_of_birth="1985-07-12",
        entry={"date": "2024-02-01", "authorized_crossing": True},
        criminal_records=[],
        documents=[{"type": "passport", "expires": "2035-01-01"}],
    )
    data["applicant"]["nationality"] = "PER"
    return data


def submit(client, headers, key="key-1", payload=None):
    return client.post(
        "/api/v1/applications", json=payload or body(), headers={**headers, "Idempotency-Key": key}
    )


@pytest.fixture
def officer(api_headers):
    return api_headers("ana", "caseworker", "COL")


def test_submission_answers_201_with_id_status_and_eligibility(client, officer, database):
    r = submit(client, officer)
    assert r.status_code == 201
    data = r.json()
    assert set(data) == {"id", "status", "eligibility"} and data["status"] == "submitted"
    assert data["eligibility"]["results"][0]["status"] in ("eligible", "ineligible", "undetermined")
    with database.sessionmaker() as s:  # 201 means it is committed: another connection sees it
        assert s.get(Application, data["id"]) is not None


def test_same_idempotency_key_returns_the_same_application(client, officer, database):
    first, again = submit(client, officer), submit(client, officer)
    assert again.status_code == 201 and again.json() == first.json()
    with database.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 1
    changed = body()
    changed["applicant"]["given_names"] = "Otro"
    conflict = submit(client, officer, payload=changed)
    assert conflict.status_code == 409 and conflict.json()["field"] == "Idempotency-Key"


def test_missing_idempotency_key_is_a_422_naming_it(client, officer):
    r = client.post("/api/v1/applications", json=body(), headers=officer)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "Idempotency-Key"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.update(pathway="col.no-such-pathway"), "pathway"),
        (lambda b: b["profile"].update(entry={"date": "2024-13-45"}), "profile.entry.date"),
        (lambda b: b["applicant"].update(date_of_birth="12/07/1985"), "applicant.date_of_birth"),
        (lambda b: b["applicant"].update(date_of_birth="1985-13"), "applicant.date_of_birth"),
        (
            lambda b: b["household"].append(
                {
                    "given_names": "Ana",
                    "surname_1": "Rojas",
                    "date_of_birth": "85",
                    "relationship": "child",
                }
            ),
            "household.0.date_of_birth",
        ),
        (
            lambda b: b["profile"].update(date_of_birth="1970"),
            "applicant.date_of_birth",
        ),
        (lambda b: b["applicant"].update(nationality="Venezuela"), "applicant.nationality"),
        (lambda b: b["applicant"].pop("document"), "applicant.document"),
        (lambda b: b.update(colour="red"), "colour"),
    ],
)
def test_bad_input_is_problem_json_naming_the_field(client, officer, mutate, field):
    payload = copy.deepcopy(body())
    mutate(payload)
    r = submit(client, officer, payload=payload)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["field"] == field and problem["detail"] and problem["status"] == 422


@pytest.mark.parametrize("born", ["1985", "1985-07", "1985-07-12"])
def test_a_birth_date_known_to_the_year_or_month_is_kept(client, officer, born):
    payload = body()
    payload["applicant"]["date_of_birth"] = born
    payload["household"] = [
        {
            "given_names": "Ana",
            "surname_1": "Rojas",
            "date_of_birth": "1979",
            "relationship": "spouse",
        }
    ]
    r = submit(client, officer, payload=payload)
    assert r.status_code == 201, r.text
    got = client.get(f"/api/v1/applications/{r.json()['id']}", headers=officer).json()
    assert got["applicant"]["date_of_birth"] == born
    assert got["household"][0]["date_of_birth"] == "1979"
    assert got["profile"]["date_of_birth"] == born  # the engine judged what the form says


def test_the_openapi_document_states_the_three_forms(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ApplicantIn", "HouseholdMemberIn"):
        field = schemas[name]["properties"]["date_of_birth"]
        assert field["type"] == "string" and field["pattern"] == r"^\d{4}(-\d{2}(-\d{2})?)?$"
        assert field["examples"] == ["1990-05-17", "1990-05", "1990"]


def test_no_token_is_401_and_other_country_is_404(client, officer, api_headers):
    app_id = submit(client, officer).json()["id"]
    assert client.get(f"/api/v1/applications/{app_id}").status_code == 401
    per = api_headers("pepe", "caseworker", "PER")
    r = client.get(f"/api/v1/applications/{app_id}", headers=per)
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert client.get("/api/v1/applications", headers=per).json()["total"] == 0


def test_case_file_list_and_filters(client, officer):
    ids = [submit(client, officer, key=f"k{i}").json()["id"] for i in range(3)]
    got = client.get(f"/api/v1/applications/{ids[0]}", headers=officer).json()
    assert got["applicant"]["document"]["number"] == "V-12345678"
    assert (
        got["engine_version"]
        and got["packs_version"]
        and got["history"][0]["to_status"] == "submitted"
    )
    client.post(
        f"/api/v1/applications/{ids[0]}/transitions",
        json={"to": "in_review", "reason": "go"},
        headers=officer,
    )
    page = client.get("/api/v1/applications?status=submitted&page=1", headers=officer).json()
    assert page["total"] == 2 and {i["id"] for i in page["items"]} == set(ids[1:])
    pathway = body()["pathway"]
    assert (
        client.get(f"/api/v1/applications?pathway={pathway}", headers=officer).json()["total"] == 3
    )
    bad = client.get("/api/v1/applications?status=lost", headers=officer)
    assert bad.status_code == 422 and bad.json()["field"] == "status"


def test_review_and_decision_end_to_end_with_four_eyes(client, officer, api_headers, database):
    boss = api_headers("sup", "supervisor", "COL")
    app_id = submit(client, officer).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    assert (
        client.post(
            f"{url}/transitions", json={"to": "in_review", "reason": "picked"}, headers=officer
        ).json()["status"]
        == "in_review"
    )
    skip = client.post(
        f"{url}/transitions", json={"to": "approved", "reason": "x"}, headers=officer
    )
    assert skip.status_code == 409 and skip.json()["field"] == "to"
    proposed = client.post(
        f"{url}/decision", json={"outcome": "denied", "reasons": ["no record"]}, headers=boss
    )
    assert proposed.status_code == 200 and proposed.json()["status"] == "proposed"
    same = client.post(
        f"{url}/decision", json={"outcome": "denied", "reasons": ["no record"]}, headers=boss
    )
    assert same.status_code == 403 and "four eyes" in same.json()["detail"]
    boss2 = api_headers("sup2", "supervisor", "COL")
    final = client.post(
        f"{url}/decision", json={"outcome": "denied", "reasons": ["no record"]}, headers=boss2
    ).json()
    assert final["status"] == "final" and final["appeal_deadline"] and final["legal_basis"]
    assert client.get(url, headers=officer).json()["status"] == "denied"
    with database.sessionmaker() as s:
        assert verify_chain(s).intact


def test_approval_serves_the_permit(client, officer, api_headers):
    boss = api_headers("sup", "supervisor", "COL")
    app_id = submit(client, officer, payload=eligible_body()).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    assert client.get(f"{url}/permit", headers=officer).status_code == 404
    client.post(f"{url}/transitions", json={"to": "in_review", "reason": "picked"}, headers=officer)
    client.post(
        f"{url}/decision", json={"outcome": "approved", "reasons": ["met"]}, headers=officer
    )
    r = client.post(
        f"{url}/decision", json={"outcome": "approved", "reasons": ["met"]}, headers=boss
    )
    assert r.status_code == 200, r.text
    permit = client.get(f"{url}/permit", headers=officer)
    assert permit.status_code == 200
    assert set(permit.json()) == {"permit_id", "payload", "valid_from", "valid_until"}
    cw = client.post(
        f"{url}/permit/status", json={"status": "suspended", "reason": "x"}, headers=officer
    )
    assert cw.status_code == 403
    done = client.post(
        f"{url}/permit/status", json={"status": "revoked", "reason": "fraud"}, headers=boss
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    again = client.post(
        f"{url}/permit/status", json={"status": "valid", "reason": "undo"}, headers=boss
    )
    assert again.status_code == 409


def test_a_decision_against_the_engine_needs_override_reason(client, officer, api_headers):
    boss = api_headers("sup", "supervisor", "COL")
    ppt = body()
    ppt["pathway"] = "col.ppt"  # an adult Venezuelan: the engine finds it ineligible
    app_id = submit(client, officer, payload=ppt).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    client.post(f"{url}/transitions", json={"to": "in_review", "reason": "picked"}, headers=officer)
    approve = {"outcome": "approved", "reasons": ["seen"]}
    missing = client.post(f"{url}/decision", json=approve, headers=officer)
    assert missing.status_code == 422 and missing.headers["content-type"] == PROBLEM
    assert missing.json()["field"] == "override_reason"
    why = {**approve, "override_reason": "RUMV certificate seen"}
    proposed = client.post(f"{url}/decision", json=why, headers=officer)
    assert proposed.status_code == 200, proposed.text
    data = proposed.json()
    assert data["override"] is True and data["override_reason"] == "RUMV certificate seen"
    assert data["engine_assessment"]["status"] == "ineligible"
    assert data["legal_basis"][0]["condition"] == "override"
    # The supervisor's decision is compared again: no reason, no decision.
    again = client.post(f"{url}/decision", json=approve, headers=boss)
    assert again.status_code == 422 and again.json()["field"] == "override_reason"
    final = client.post(f"{url}/decision", json=why, headers=boss)
    assert final.status_code == 200 and final.json()["override"] is True
    case = client.get(url, headers=officer).json()
    assert case["status"] == "approved" and case["decision"]["override"] is True


def test_a_needless_override_reason_is_a_422(client, officer):
    app_id = submit(client, officer, payload=eligible_body()).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    client.post(f"{url}/transitions", json={"to": "in_review", "reason": "picked"}, headers=officer)
    extra = {"outcome": "approved", "reasons": ["met"], "override_reason": "just in case"}
    r = client.post(f"{url}/decision", json=extra, headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "override_reason"
    plain = client.post(
        f"{url}/decision", json={"outcome": "approved", "reasons": ["met"]}, headers=officer
    )
    assert plain.status_code == 200 and plain.json()["override"] is False


def test_bulk_transition_reports_per_item(client, officer, api_headers):
    boss = api_headers("sup", "supervisor", "COL")
    ids = [submit(client, officer, key=f"k{i}").json()["id"] for i in range(2)]
    r = client.post(
        "/api/v1/applications/bulk-transitions",
        json={"ids": [*ids, "nope"], "to": "in_review", "reason": "triage"},
        headers=boss,
    )
    assert [x["status"] for x in r.json()] == ["in_review", "in_review", None]


def test_document_upload_and_checklist(client, officer):
    app_id = submit(client, officer).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    checklist = client.get(f"{url}/checklist", headers=officer).json()
    doc_type = checklist[0]["document_type"]
    files = {"file": ("passport.pdf", b"%PDF-1.4 scan", "application/pdf")}
    r = client.post(
        f"{url}/documents", data={"document_type": doc_type}, files=files, headers=officer
    )
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    assert client.get(f"{url}/checklist", headers=officer).json()[0]["status"] == "received"
    big = {"file": ("big.pdf", b"%PDF-" + b"0" * 5000, "application/pdf")}
    too_big = client.post(
        f"{url}/documents", data={"document_type": doc_type}, files=big, headers=officer
    )
    assert too_big.status_code == 422 and too_big.json()["field"] == "file"


def test_openapi_documents_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/applications/{application_id}/transitions",
        "/api/v1/applications/{application_id}/decision",
    ):
        assert path in paths


def test_nul_characters_are_refused_not_crashing(client, officer):
    # PostgreSQL cannot store NUL in text: found by the schemathesis run.
    payload = body()
    payload["profile"]["note"] = "a\u0000b"
    r = submit(client, officer, payload=payload)
    assert r.status_code == 422 and "profile.note" in r.json()["detail"]
    bulk = {"ids": ["\u0000"], "to": "in_review", "reason": "x"}
    bulk_url = "/api/v1/applications/bulk-transitions"
    assert client.post(bulk_url, json=bulk, headers=officer).status_code == 422
    assert client.get("/api/v1/applications/%00", headers=officer).status_code == 404
    listed = client.get("/api/v1/applications?pathway=%00", headers=officer)
    assert listed.status_code == 422 and listed.json()["field"] == "pathway"


def test_auditor_reads_the_audit_log_of_their_country_only(client, officer, api_headers):
    app_id = submit(client, officer).json()["id"]
    client.get(f"/api/v1/applications/{app_id}", headers=officer)
    auditor = api_headers("aud", "auditor", "COL")
    page = client.get(f"/api/v1/audit?application_id={app_id}", headers=auditor).json()
    assert [e["action"] for e in page["items"]] == ["application.read", "application.create"]
    assert client.get("/api/v1/audit", headers=officer).status_code == 403
    other = api_headers("aud-per", "auditor", "PER")
    assert client.get("/api/v1/audit", headers=other).json()["total"] == 0
    assert client.get(f"/api/v1/audit?application_id={app_id}", headers=other).status_code == 404


def test_languages_take_bcp47_tags_and_the_checklist_its_lang(client, officer):
    payload = body()
    payload["applicant"]["languages"] = ["pt-BR", "pt", "es-419"]
    app_id = submit(client, officer, key="lang-1", payload=payload).json()["id"]
    read = client.get(f"/api/v1/applications/{app_id}", headers=officer).json()
    assert read["applicant"]["languages"] == ["pt", "es"]
    url = f"/api/v1/applications/{app_id}/checklist"
    english = client.get(url, headers=officer).json()
    brazilian = client.get(url, params={"lang": "pt-BR"}, headers=officer).json()
    assert [d["document_type"] for d in english] == [d["document_type"] for d in brazilian]
    assert english[0]["label"] != brazilian[0]["label"]
    refused = client.get(url, params={"lang": "de"}, headers=officer)
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"][0]["field"] == "lang"
    bad = copy.deepcopy(payload)
    bad["applicant"]["languages"] = ["es", "klingon"]
    r = submit(client, officer, key="lang-2", payload=bad)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "applicant.languages.1"
    assert "expected one of es, pt, en, fr, ht" in r.json()["errors"][0]["message"]
