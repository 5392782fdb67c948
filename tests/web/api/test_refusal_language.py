"""The API's problem+json ``detail`` of a casework (or permits) refusal is in the language
the request's ``Accept-Language`` names when Ruta speaks it, else English; ``title`` and
``type`` stay."""

from __future__ import annotations

from tests.web.api.test_applications_api import eligible_body, submit


def test_a_refusal_detail_follows_accept_language(client, api_headers):
    auditor = api_headers("aud", "auditor", "COL")
    cw = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, cw).json()["id"]
    url = f"/api/v1/applications/{app_id}/notes"
    english = client.post(url, json={"text": "x"}, headers=auditor)
    french = client.post(url, json={"text": "x"}, headers={**auditor, "Accept-Language": "fr-CA"})
    assert english.status_code == french.status_code == 403
    en, fr = english.json(), french.json()
    assert en["detail"] == (
        "a auditor may not write notes; this needs one of: caseworker, supervisor"
    )
    assert fr["detail"] == (
        "le rôle auditeur ne peut pas : écrire des notes ; il faut l'un de : caseworker, supervisor"
    )
    assert fr["errors"] == [{"field": "role", "message": fr["detail"]}]
    assert (fr["title"], fr["type"], fr["field"]) == (en["title"], en["type"], en["field"])


def test_an_unspoken_or_missing_language_reads_english(client):
    for header in ({"Accept-Language": "de-DE, nl;q=0.5"}, {}):
        refused = client.get("/api/v1/applications", headers=header)
        assert refused.status_code == 401
        assert refused.json()["detail"].startswith("send 'Authorization: Bearer <token>'")
    spanish = client.get("/api/v1/applications", headers={"Accept-Language": "de, es;q=0.8"})
    assert spanish.json()["detail"].startswith("envíe 'Authorization: Bearer <token>'")


def test_a_permits_refusal_detail_follows_accept_language(client, api_headers, app):
    # The permits package's refusals (a KeyStoreError here: the country's status list is
    # gone from the key store) carry the permits catalog, as casework's carry theirs.
    officer = api_headers("ana", "caseworker", "COL")
    boss = api_headers("sup", "supervisor", "COL")
    url = f"/api/v1/applications/{submit(client, officer, payload=eligible_body()).json()['id']}"
    client.post(f"{url}/transitions", json={"to": "in_review", "reason": "picked"}, headers=officer)
    decision = {"outcome": "approved", "reasons": ["met"]}
    client.post(f"{url}/decision", json=decision, headers=officer)
    assert client.post(f"{url}/decision", json=decision, headers=boss).status_code == 200
    keys = app.state.settings.resolved_keys_dir
    (keys / "status" / "COL.json").unlink()
    change = {"status": "suspended", "reason": "check"}
    english = client.post(f"{url}/permit/status", json=change, headers=boss)
    spanish = client.post(
        f"{url}/permit/status", json=change, headers={**boss, "Accept-Language": "es-CO"}
    )
    assert english.status_code == spanish.status_code == 422
    en, es = english.json(), spanish.json()
    status_file = keys / "status" / "COL.json"
    assert en["detail"] == (
        f"{status_file} does not exist; run `ruta permits keys init --dir {keys}` first"
    )
    assert es["detail"] == (
        f"{status_file} no existe; ejecute primero `ruta permits keys init --dir {keys}`"
    )
    assert es["errors"] == [{"field": "dir", "message": es["detail"]}]
    assert (es["title"], es["type"], es["field"]) == (en["title"], en["type"], en["field"])
    assert es["title"] == "Invalid input"
