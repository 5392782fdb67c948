"""The API's problem+json ``detail`` of a casework refusal is in the language the request's
``Accept-Language`` names when Ruta speaks it, else English; ``title`` and ``type`` stay."""

from __future__ import annotations

from tests.web.api.test_applications_api import submit


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
