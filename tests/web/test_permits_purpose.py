"""The purpose check (GET/POST /verify/purpose, POST /api/v1/verify/purpose): an employer
or a bank sees only what its purpose allows, in every language, and nothing else leaks."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ruta.i18n import LANGUAGES
from ruta.permits import MAX_INPUT_BYTES, Holder, KeyStore, Permit, issue_permit, make_qr
from ruta.settings import Settings
from ruta.web.permits import router
from ruta.web.ratelimit import Limiter

# Distinctive values in the fields a purpose may NOT see (the test searches for them).
NATIONALITY = "QZX"
PERMIT_TYPE = "col.zebracorn-pathway"
OTHER_RIGHT = "zebra_tending"
PHOTO = bytes.fromhex("deadbeefcafef00d" * 4)
STATUS_URI = "https://zz-status.example/permits/status/COL.json"
STATUS_INDEX = 987_654
GIVEN, SURNAME = "Zenobia Quirinal", "Xochiquetzal"
PERMIT_ID = "COL-QQQQWWWWZZ"
VALID_FROM = date(2025, 3, 17)  # the year 2025 appears nowhere else in a response
VALID_UNTIL = date(2099, 12, 30)
BORN = date(1911, 11, 11)

EMPLOYER_NEVER = [
    NATIONALITY,
    PERMIT_TYPE,
    OTHER_RIGHT,
    "deadbeefcafef00d",
    "zz-status",
    str(STATUS_INDEX),
    "Zenobia",
    "Quirinal",
    SURNAME,
    PERMIT_ID,
    "1911",
    "2025",
]
BANK_NEVER = [
    NATIONALITY,
    PERMIT_TYPE,
    OTHER_RIGHT,
    "deadbeefcafef00d",
    "zz-status",
    str(STATUS_INDEX),
    "2025",
]


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    store = KeyStore(tmp_path / "keys")
    store.init("COL")
    return store.root


def _client(keys: Path, **settings: object) -> TestClient:
    app = FastAPI()
    app.state.settings = Settings(env="development", keys_dir=keys, **settings)
    app.state.limiter = Limiter("memory://")
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=True)


@pytest.fixture
def client(keys: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    monkeypatch.delenv("RUTA_STATUS_LIST", raising=False)
    return _client(keys)


def _permit(keys: Path, **changes: object) -> str:
    fields: dict[str, object] = {
        "permit_id": PERMIT_ID,
        "permit_type": PERMIT_TYPE,
        "issuer_country": "COL",
        "holder": Holder(GIVEN, SURNAME, None, BORN, NATIONALITY, "X", PHOTO),
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "rights": ("work", OTHER_RIGHT, "banking"),
        "status_index": STATUS_INDEX,
        "issued_at": datetime.now(UTC).replace(microsecond=0),
        "status_uri": STATUS_URI,
        "work_restrictions": ("hours_limited",),
    }
    fields.update(changes)
    store = KeyStore(keys)
    store.ensure_status_capacity("COL", STATUS_INDEX)
    return issue_permit(Permit(**fields), store.issuer_signer("COL"))  # type: ignore[arg-type]


def _png(text: str) -> bytes:
    buf = io.BytesIO()
    make_qr(text).save(buf, kind="png", scale=4)
    return buf.getvalue()


def _leaks(text: str, value: str) -> bool:
    # A number is searched as a number of its own: random CSRF tokens and nonces may hold
    # "2025" inside a longer run of letters and digits, which is no leak of the date.
    if value.isdigit():
        return re.search(rf"(?<![0-9A-Za-z]){value}(?![0-9A-Za-z])", text) is not None
    return value.lower() in text.lower()


def _assert_absent(text: str, values: list[str]) -> None:
    leaked = [v for v in values if _leaks(text, v)]
    assert leaked == [], f"{leaked} leaked"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_employer_api_and_page_show_nothing_beyond_the_right_to_work(
    client: TestClient, keys: Path, caplog: pytest.LogCaptureFixture, lang: str
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = _permit(keys)
    api = client.post(
        f"/api/v1/verify/purpose?lang={lang}", json={"payload": payload, "purpose": "employer"}
    )
    assert api.status_code == 200
    body = api.json()
    assert (body["status"], body["purpose"], body["lang"]) == ("valid", "employer", lang)
    assert body["right_to_work"]["granted"] is True
    assert body["right_to_work"]["until"] == "2099-12-30"
    assert [r["code"] for r in body["right_to_work"]["restrictions"]] == ["hours_limited"]
    page = client.post(
        f"/verify/purpose?lang={lang}", data={"payload": payload, "purpose": "employer"}
    )
    assert page.status_code == 200 and "2099" in page.text
    assert payload not in page.text  # the pasted text is never echoed back
    for text in (api.text, page.text, caplog.text):
        _assert_absent(text, EMPLOYER_NEVER)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bank_api_and_page_show_identity_and_lawful_residence_only(
    client: TestClient, keys: Path, caplog: pytest.LogCaptureFixture, lang: str
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = _permit(keys)
    api = client.post(
        f"/api/v1/verify/purpose?lang={lang}", json={"payload": payload, "purpose": "bank"}
    )
    body = api.json()
    assert body["identity"]["full_name"] == f"{GIVEN} {SURNAME}"
    assert body["identity"]["date_of_birth"] == "1911-11-11"
    assert body["identity"]["document"] == {"number": PERMIT_ID, "issuer_country": "COL"}
    assert body["lawful_residence"] == {"granted": True, "until": "2099-12-30"}
    page = client.post(f"/verify/purpose?lang={lang}", data={"payload": payload, "purpose": "bank"})
    assert SURNAME in page.text and PERMIT_ID in page.text and "1911" in page.text
    for text in (api.text, page.text, caplog.text):
        _assert_absent(text, BANK_NEVER)
    # The employer's restrictions are not the bank's business either.
    assert "restrictions" not in body and "hours_limited" not in api.text


def test_an_uploaded_photo_of_the_qr_works_like_a_paste(client: TestClient, keys: Path) -> None:
    payload = _permit(keys)
    r = client.post(
        "/verify/purpose?lang=es",
        data={"purpose": "bank"},
        files={"photo": ("qr.png", _png(payload), "image/png")},
    )
    assert r.status_code == 200 and SURNAME in r.text and "Residencia legal" in r.text
    bad = client.post(
        "/verify/purpose?lang=en",
        data={"purpose": "employer"},
        files={"photo": ("x.png", b"not an image", "image/png")},
    )
    assert bad.status_code == 200 and "No readable QR code" in bad.text


def test_a_revoked_permit_grants_no_right_to_work(client: TestClient, keys: Path) -> None:
    payload = _permit(keys)
    KeyStore(keys).set_status("COL", STATUS_INDEX, "revoked")
    body = client.post(
        "/api/v1/verify/purpose?lang=fr", json={"payload": payload, "purpose": "employer"}
    ).json()
    assert (body["status"], body["reason_code"]) == ("revoked", "revoked")
    assert body["reason"] == "Le titre a été révoqué par le pays émetteur."
    assert body["right_to_work"] == {"granted": False, "until": None, "restrictions": []}


@pytest.mark.parametrize(
    "doc,fields",
    [
        ({"payload": "RUTA1:X"}, ["purpose"]),
        ({"payload": "RUTA1:X", "purpose": "Bank"}, ["purpose"]),
        ({"payload": "RUTA1:X", "purpose": "landlord"}, ["purpose"]),
        ({"purpose": "bank"}, ["payload"]),
        ({"payload": 7, "purpose": None}, ["purpose", "payload"]),
        ([1, 2], ["purpose"]),
    ],
)
def test_a_missing_or_unknown_purpose_is_a_422_naming_it(
    client: TestClient, doc: object, fields: list[str]
) -> None:
    r = client.post("/api/v1/verify/purpose", json=doc)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["field"] == fields[0]
    assert [e["field"] for e in problem["errors"]] == fields if isinstance(doc, dict) else True


def test_malformed_or_huge_bodies_are_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/verify/purpose", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["field"] == "purpose"
    huge = client.post(
        "/api/v1/verify/purpose",
        content=b"x" * 20_000,
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413 and huge.json()["field"] == "payload"
    lang = client.post(
        "/api/v1/verify/purpose?lang=klingon", json={"payload": "RUTA1:X", "purpose": "bank"}
    )
    assert lang.status_code == 422 and lang.json()["field"] == "lang"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_works_without_javascript_and_asks_for_the_purpose(
    client: TestClient, lang: str
) -> None:
    page = client.get(f"/verify/purpose?lang={lang}")
    assert page.status_code == 200 and "<script" not in page.text
    assert 'name="purpose" type="radio" value="employer"' in page.text
    assert 'name="purpose" type="radio" value="bank"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    missing = client.post(f"/verify/purpose?lang={lang}", data={"payload": "RUTA1:X"})
    assert missing.status_code == 422
    assert 'class="error-summary"' in missing.text and 'href="#purpose"' in missing.text
    assert "aria-invalid" not in missing.text or "purpose-error" in missing.text


def test_page_texts_are_translated(client: TestClient) -> None:
    titles = {lang: client.get(f"/verify/purpose?lang={lang}").text for lang in LANGUAGES}
    assert "Verificar un permiso para trabajar o abrir una cuenta" in titles["es"]
    assert "Verificar uma autorização para trabalho ou banco" in titles["pt"]
    assert "Check a permit for work or banking" in titles["en"]
    assert "Vérifier un titre pour l'emploi ou la banque" in titles["fr"]
    if "ht" in LANGUAGES:
        assert "Verifye yon pèmi pou travay oswa pou bank" in titles["ht"]


def test_purpose_checks_are_rate_limited_with_verify(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    client = _client(keys, verify_rate_limit="3/minute")
    doc = {"payload": "RUTA1:X", "purpose": "bank"}
    assert client.post("/api/v1/verify", json={"payload": "RUTA1:X"}).status_code == 200
    assert client.post("/api/v1/verify/purpose", json=doc).status_code == 200
    assert client.post("/verify/purpose", data=doc).status_code == 200
    limited = client.post("/api/v1/verify/purpose", json=doc)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["field"] == "rate_limit"
    page = client.post("/verify/purpose?lang=es", data=doc)
    assert page.status_code == 429 and "Demasiadas verificaciones" in page.text
    assert client.post("/verify?lang=en", data={"payload": "x"}).status_code == 429
    assert client.post("/api/v1/verify", json={"payload": "RUTA1:X"}).status_code == 429


def test_purpose_route_is_mounted_and_documented(tmp_path: Path) -> None:
    from ruta.web.app import create_app

    client = TestClient(create_app(Settings(env="development", data_dir=tmp_path)))
    assert client.get("/verify/purpose?lang=en").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/verify/purpose"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["payload", "purpose"]
    assert schema["properties"]["purpose"]["enum"] == ["employer", "bank"]
    assert {"employer", "bank"} <= set(
        op["responses"]["200"]["content"]["application/json"]["examples"]
    )
    assert "application/problem+json" in op["responses"]["422"]["content"]
    assert "/permits/trust-list.json" in spec["paths"]
    assert "/permits/status/{country}.json" in spec["paths"]


def test_the_verifier_page_points_employers_and_banks_here(client: TestClient) -> None:
    page = client.get("/verify?lang=pt")
    assert 'href="/verify/purpose?lang=pt"' in page.text
    assert "Um empregador ou um banco deve ver só o que precisa:" in page.text


def test_a_form_too_large_is_refused_unread_with_a_message(client: TestClient) -> None:
    r = client.post(
        "/verify/purpose?lang=en",
        content=b"x",
        headers={"content-length": str(20 * 1024 * 1024), "content-type": "multipart/form-data"},
    )
    assert r.status_code == 413 and "The upload is too large" in r.text
    assert 'href="#payload"' in r.text


def test_the_api_refusals_are_said_in_accept_language(client: TestClient) -> None:
    url = "/api/v1/verify/purpose"
    doc = {"purpose": "landlord", "payload": 7}
    en = client.post(url, json=doc).json()
    es = client.post(url, json=doc, headers={"Accept-Language": "es"}).json()
    fr = client.post(url, json=doc, headers={"Accept-Language": "fr-CA"}).json()
    assert en["detail"] == (
        "purpose: expected one of employer, bank (chosen by the caller, never inferred)"
    )
    assert [e["message"] for e in en["errors"]] == [
        en["detail"],
        "payload: expected a string starting with RUTA1:",
    ]
    assert es["detail"] == (
        "purpose: se espera uno de employer, bank (lo elige quien consulta, nunca se deduce)"
    )
    assert [e["message"] for e in es["errors"]] == [
        es["detail"],
        "payload: se espera un texto que empiece por RUTA1:",
    ]
    assert fr["detail"] == (
        "purpose : l'un de employer, bank est attendu (choisi par l'appelant, jamais déduit)"
    )
    for said in (es, fr):
        assert [e["field"] for e in said["errors"]] == ["purpose", "payload"]
        assert (said["title"], said["type"], said["field"], said["status"]) == (
            en["title"],
            en["type"],
            en["field"],
            en["status"],
        )


def test_a_malformed_or_huge_body_is_said_in_accept_language(client: TestClient) -> None:
    url, json_body = "/api/v1/verify/purpose", {"content-type": "application/json"}
    spanish = {**json_body, "Accept-Language": "es"}
    bad = client.post(url, content=b"[]", headers=json_body)
    bad_es = client.post(url, content=b"[]", headers=spanish)
    assert bad.json()["detail"] == (
        'body: expected a JSON object {"payload": "RUTA1:...", "purpose": "employer" or "bank"}'
    )
    assert bad_es.json()["detail"] == (
        'body: se espera un objeto JSON {"payload": "RUTA1:...", "purpose": "employer" or "bank"}'
    )
    assert bad_es.status_code == bad.status_code == 422
    assert bad_es.json()["field"] == bad.json()["field"] == "purpose"
    huge = client.post(url, content=b"x" * 20_000, headers=json_body)
    huge_es = client.post(url, content=b"x" * 20_000, headers=spanish)
    assert huge.status_code == huge_es.status_code == 413
    assert huge.json()["title"] == huge_es.json()["title"] == "Content too large"
    assert huge.json()["detail"] == (
        f"payload: the body is larger than {MAX_INPUT_BYTES + 1024} bytes; a permit is at most "
        f"{MAX_INPUT_BYTES}"
    )
    assert huge_es.json()["detail"] == (
        f"payload: el cuerpo supera los {MAX_INPUT_BYTES + 1024} bytes; un permiso tiene como "
        f"máximo {MAX_INPUT_BYTES}"
    )


def test_the_api_rate_limit_is_said_in_accept_language(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    client = _client(keys, verify_rate_limit="1/minute")
    doc = {"payload": "RUTA1:X", "purpose": "bank"}
    assert client.post("/api/v1/verify/purpose", json=doc).status_code == 200
    en = client.post("/api/v1/verify/purpose", json=doc)
    es = client.post("/api/v1/verify", json=doc, headers={"Accept-Language": "es"})
    assert en.status_code == es.status_code == 429
    wait = en.headers["retry-after"]
    assert en.json()["detail"] == (
        f"too many verifications from your address; try again in {wait} seconds"
    )
    assert es.json()["detail"] == (
        "demasiadas verificaciones desde su dirección; inténtelo de nuevo en "
        f"{es.headers['retry-after']} segundos"
    )
    assert es.json()["title"] == en.json()["title"] == "Too many attempts"
    assert es.json()["field"] == en.json()["field"] == "rate_limit"
