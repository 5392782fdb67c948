"""The verifier page and JSON API (ruta.web.permits) on a bare FastAPI app."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.serving import serve
from tests.web.verifier import HOLDER, rotated_keys, verifier_app

from ruta.permits import (
    Holder,
    KeyStore,
    Permit,
    issue_for_application,
    issue_permit,
    make_qr,
)
from ruta.settings import Settings
from ruta.web.permits import verifier_sources


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return rotated_keys(tmp_path)


@pytest.fixture
def client(keys: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    monkeypatch.delenv("RUTA_STATUS_LIST", raising=False)
    return _client(Settings(env="development", keys_dir=keys))


def _client(settings: Settings) -> TestClient:
    return TestClient(verifier_app(settings), raise_server_exceptions=True)


def _payload(keys: Path, index: int = 1, today: date | None = None) -> str:
    today = today or datetime.now(UTC).date()
    return issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder=HOLDER,
        valid_from=today,
        valid_until=date(today.year + 2, 1, 1),
        rights=["work", "banking"],
        status_index=index,
        keys_dir=keys,
    ).payload


def _png(text: str) -> bytes:
    buf = io.BytesIO()
    make_qr(text).save(buf, kind="png", scale=4)
    return buf.getvalue()


def test_page_works_without_javascript_and_offers_paste_and_upload(client: TestClient) -> None:
    r = client.get("/verify")
    assert r.status_code == 200 and '<html lang="es">' in r.text
    assert 'name="payload"' in r.text and 'type="file"' in r.text
    assert 'enctype="multipart/form-data"' in r.text and 'src="/static/verify.js"' in r.text
    assert 'id="camera-button" hidden' in r.text  # shown only by the script
    # The camera script is a static file (the Content-Security-Policy forbids inline code).
    script = Path(__file__).resolve().parents[2] / "src/ruta/web/static/verify.js"
    assert "BarcodeDetector" in script.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "query,header,title",
    [
        ("?lang=fr", None, "Vérifier un titre"),
        ("", "pt-BR,pt;q=0.9", "Verificar uma autorização"),
        ("?lang=en", "es", "Verify a permit"),
    ],
)
def test_language_by_query_or_accept_language(
    client: TestClient, query: str, header: str | None, title: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    assert f"<h1>{title}</h1>" in client.get(f"/verify{query}", headers=headers).text


def test_form_with_pasted_valid_payload(client: TestClient, keys: Path) -> None:
    r = client.post("/verify?lang=en", data={"payload": _payload(keys)})
    assert r.status_code == 200
    assert 'class="verdict verdict--valid"' in r.text and "Valid permit." in r.text
    assert "Ana María Pérez" in r.text and "Open a bank account" in r.text
    assert "Status list issued" in r.text


def test_form_with_an_uploaded_qr_photo(client: TestClient, keys: Path) -> None:
    png = _png(_payload(keys))
    r = client.post(
        "/verify?lang=es", files={"photo": ("qr.png", png, "image/png")}, data={"payload": ""}
    )
    assert 'class="verdict verdict--valid"' in r.text and "Permiso válido." in r.text


def test_form_with_an_upload_that_is_not_a_qr(client: TestClient) -> None:
    r = client.post("/verify?lang=en", files={"photo": ("x.pdf", b"%PDF-1.4 nope", "image/png")})
    assert r.status_code == 200 and "No readable QR code" in r.text
    assert 'class="verdict verdict--valid"' not in r.text


def test_form_with_a_tampered_payload(client: TestClient, keys: Path) -> None:
    text = _payload(keys)
    tampered = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]
    r = client.post("/verify?lang=fr", data={"payload": tampered})
    assert r.status_code == 200 and "Non valide" in r.text
    assert 'class="verdict verdict--valid"' not in r.text and "Ana" not in r.text


def test_form_with_a_payload_that_is_not_base45_says_so_in_the_page_language(
    client: TestClient,
) -> None:
    # Not a raised error: the verifier's answer, its reason from the permits catalog.
    answers = {
        "es": ("No válido", "El código está dañado o incompleto (caracteres no válidos)."),
        "fr": ("Non valide", "Le code est endommagé ou incomplet (caractères invalides)."),
        "en": ("Not valid", "The code is damaged or incomplete (invalid characters)."),
    }
    for lang, (label, reason) in answers.items():
        r = client.post(f"/verify?lang={lang}", data={"payload": "RUTA1:{{{"})
        assert r.status_code == 200
        assert f'<span class="verdict-label">{label}</span>' in r.text, lang
        assert f'<p class="lead">{reason}</p>' in r.text, lang
        assert "Base45" not in r.text  # the technical detail stays in the JSON answer


def test_form_too_large_is_refused_unread(client: TestClient) -> None:
    big = b"\x89PNG" + bytes(11 * 1024 * 1024)
    r = client.post("/verify?lang=en", files={"photo": ("big.png", big, "image/png")})
    assert r.status_code == 200 and "too long to be a permit" in r.text


def test_form_payload_over_8_kb(client: TestClient) -> None:
    r = client.post("/verify?lang=en", data={"payload": "RUTA1:" + "A" * 20_000})
    assert r.status_code == 200 and "too long to be a permit" in r.text
    assert "A" * 8193 not in r.text  # the echo is bounded


def test_form_escapes_what_it_echoes(client: TestClient) -> None:
    r = client.post("/verify", data={"payload": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text


def test_api_valid_revoked_and_expired(client: TestClient, keys: Path) -> None:
    text = _payload(keys, index=5)
    body = client.post("/api/v1/verify", json={"payload": text}).json()
    assert body["status"] == "valid" and body["reason_code"] == "ok"
    assert [r["code"] for r in body["rights"]] == ["work", "banking"]
    assert body["lang"] == "es" and body["status_list_age_seconds"] is not None

    KeyStore(keys).set_status("COL", 5, "revoked")
    body = client.post("/api/v1/verify?lang=en", json={"payload": text}).json()
    assert (body["status"], body["reason"]) == (
        "revoked",
        "The permit was revoked by the issuing country.",
    )

    store = KeyStore(keys)
    old = datetime(2022, 3, 1, tzinfo=UTC)
    expired = issue_permit(
        Permit(
            "COL-OLD",
            "col.ppt",
            "COL",
            Holder("Ana", "Pérez"),
            date(2022, 3, 1),
            date(2023, 2, 28),
            ("work",),
            6,
            issued_at=old,
        ),
        store.issuer_signer("COL", at=old),
    )
    body = client.post(
        "/api/v1/verify", json={"payload": expired}, headers={"Accept-Language": "fr"}
    ).json()
    assert (body["status"], body["reason"]) == ("expired", "Le titre a expiré.")


@pytest.mark.parametrize(
    "payload,code",
    [
        ("", "empty"),
        ("HC1:XYZ", "bad_prefix"),
        ("RUTA1:" + "0" * 9000, "oversized"),
        ("RUTA1:000", "bad_compression"),
        ("RUTA1:\u0000\uffff", "bad_base45"),
    ],
)
def test_api_bad_payloads_are_answers_not_errors(
    client: TestClient, payload: str, code: str
) -> None:
    r = client.post("/api/v1/verify", json={"payload": payload})
    assert r.status_code == 200 and r.json()["reason_code"] == code
    assert r.json()["valid"] is False


def test_api_huge_body_is_refused_unread(client: TestClient) -> None:
    r = client.post(
        "/api/v1/verify",
        content=b'{"payload": "' + b"A" * 100_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200 and r.json()["reason_code"] == "oversized"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"payload": 7}', b"{}", b"\xff\xfe"])
def test_api_malformed_body_is_a_422_problem(client: TestClient, body: bytes) -> None:
    r = client.post("/api/v1/verify", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "payload"


def test_api_language_is_a_bcp47_tag_or_a_422(client: TestClient, keys: Path) -> None:
    text = _payload(keys)
    body = client.post("/api/v1/verify?lang=pt-BR", json={"payload": text}).json()
    assert body["lang"] == "pt" and body["reason"] == "Autorização válida."
    r = client.post("/api/v1/verify?lang=klingon", json={"payload": text})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "lang" and "expected one of es, pt" in r.json()["detail"]


def test_no_trust_list_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    body = (
        _client(Settings(env="development", keys_dir=tmp_path / "empty"))
        .post("/api/v1/verify?lang=en", json={"payload": "RUTA1:X"})
        .json()
    )
    assert body["reason_code"] == "trust_list_unavailable"


def test_env_trust_list_with_a_broken_signature(
    keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads((keys / "trust-list.json").read_text())
    doc["issuers"] = doc["issuers"][:1]
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc))
    # Read through the settings (RUTA_TRUST_LIST), not by the verifier pages themselves.
    monkeypatch.setenv("RUTA_TRUST_LIST", str(bad))
    client = _client(Settings(env="development", keys_dir=keys))
    body = client.post("/api/v1/verify", json={"payload": _payload(keys)}).json()
    assert body["reason_code"] == "trust_list_untrusted" and body["valid"] is False


def test_env_lists_replace_the_key_store(
    keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUTA_TRUST_LIST", str(tmp_path / "t.json"))
    monkeypatch.delenv("RUTA_STATUS_LIST", raising=False)
    settings = Settings(env="development", keys_dir=keys)
    assert verifier_sources(keys, settings.trust_list, settings.status_list) == (
        tmp_path / "t.json",
        [],
    )
    monkeypatch.setenv("RUTA_STATUS_LIST", f"{tmp_path / 'a.json'}:{tmp_path / 'b.json'}")
    settings = Settings(env="development", keys_dir=keys)
    assert verifier_sources(keys, settings.trust_list, settings.status_list)[1] == [
        tmp_path / "a.json",
        tmp_path / "b.json",
    ]
    assert verifier_sources(keys) == (keys / "trust-list.json", [keys / "status" / "COL.json"])


def test_router_is_mounted_by_the_app_factory(tmp_path: Path) -> None:
    from ruta.web.app import create_app

    app = create_app(Settings(env="development", data_dir=tmp_path))
    r = TestClient(app).get("/verify?lang=en")
    assert r.status_code == 200 and "Verify a permit" in r.text


def _drive_verifier(base: str, payload: str, png: Path) -> None:
    """The browser part of the test; runs in its own thread (see the caller)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        errors: list[str] = []
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/verify?lang=en")
        # Headless Chromium on Linux has no BarcodeDetector: the fallback text shows.
        assert page.locator("#camera-button").is_hidden()
        assert page.locator("#camera-unsupported").is_visible()
        page.fill("#payload", payload)
        page.click("button[type=submit]")
        assert page.locator(".verdict h2").inner_text() == "Valid"
        page.goto(f"{base}/verify?lang=fr")
        page.set_input_files("#photo", str(png))
        page.click("button[type=submit]")
        assert page.locator(".verdict .lead").inner_text() == "Titre valide."
        assert errors == []

        no_js = browser.new_context(java_script_enabled=False).new_page()
        no_js.goto(f"{base}/verify?lang=es")
        assert no_js.locator("#camera-button").is_hidden()
        assert no_js.locator("#camera-unsupported").is_hidden()
        no_js.fill("#payload", payload[:-5])
        no_js.click("button[type=submit]")
        assert no_js.locator(".verdict h2").inner_text() == "No válido"
        browser.close()


@pytest.mark.browser
def test_verifier_in_chromium_with_and_without_javascript(tmp_path: Path) -> None:
    """The real app in its own uvicorn process, driven by Chromium through Playwright."""
    import os

    keys = tmp_path / "keys"
    KeyStore(keys).init("COL")
    payload = _payload(keys)
    png = tmp_path / "qr.png"
    png.write_bytes(_png(payload))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUTA_")}
    env.update(RUTA_ENV="development", RUTA_DATA_DIR=str(tmp_path))
    with (
        serve(env, tmp_path, app="ruta.web.app:create_app", quiet=True) as base,
        # In a thread of its own: another test's session-wide Playwright may still be open in
        # this thread, and the sync API refuses to nest inside its event loop.
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        pool.submit(_drive_verifier, base, payload, png).result()


def test_trust_and_status_lists_are_published_cacheable(client: TestClient, keys: Path) -> None:
    from ruta.permits import StatusList, TrustList, verify

    payload = issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder=HOLDER,
        valid_from=date(2026, 1, 1),
        valid_until=date(2099, 1, 1),
        rights=["work"],
        status_index=3,
        keys_dir=keys,
        public_url="http://testserver",
    ).payload
    trust_r = client.get("/permits/trust-list.json")
    assert trust_r.status_code == 200 and trust_r.headers["content-type"] == "application/json"
    assert "max-age" in trust_r.headers["cache-control"] and trust_r.headers["etag"]
    again = client.get(
        "/permits/trust-list.json", headers={"If-None-Match": trust_r.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    trust = TrustList.from_json(trust_r.content)
    # The permit says where its status list is; that address serves it.
    result = verify(payload, trust, at=datetime(2030, 1, 1, tzinfo=UTC))
    assert result.permit is not None
    uri = result.permit.status_uri
    assert uri == "http://testserver/permits/status/COL.json"
    status_r = client.get(uri)
    assert status_r.status_code == 200 and status_r.headers["etag"] != trust_r.headers["etag"]
    status = StatusList.from_json(status_r.content, trust)
    checked = verify(payload, trust, [status], at=datetime(2030, 1, 1, tzinfo=UTC))
    assert (checked.status, checked.reason_code) == ("valid", "ok")
    KeyStore(keys).set_status("COL", 3, "revoked")
    fresh = client.get(uri, headers={"If-None-Match": status_r.headers["etag"]})
    assert fresh.status_code == 200  # the list changed: a new ETag, the new bytes
    revoked = verify(
        payload,
        trust,
        [StatusList.from_json(fresh.content, trust)],
        at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    assert revoked.reason_code == "revoked"


@pytest.mark.parametrize(
    "country,status", [("ARG", 404), ("col", 422), ("C0L", 422), ("COLOMBIA", 422)]
)
def test_status_list_of_an_unknown_or_malformed_country(
    client: TestClient, country: str, status: int
) -> None:
    r = client.get(f"/permits/status/{country}.json")
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "country"


def test_no_trust_list_to_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    r = _client(Settings(env="development", keys_dir=tmp_path / "none")).get(
        "/permits/trust-list.json"
    )
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_a_photo_over_the_pixel_limit_is_a_clear_413(client: TestClient) -> None:
    from tests.permits.test_image_limits import huge_png

    bomb = huge_png(100_000, 100_000)
    r = client.post("/verify?lang=en", files={"photo": ("qr.png", bomb, "image/png")})
    assert r.status_code == 413
    assert "The photo is too large to read (over 12 megapixels)" in r.text
    es = client.post("/verify?lang=es", files={"photo": ("qr.png", bomb, "image/png")})
    assert es.status_code == 413 and "12 megapíxeles" in es.text


# --- The API's refusals follow Accept-Language (web catalog); English without ----------


def _said(
    client: TestClient, method: str, url: str, lang: str | None, body: bytes | None = None
) -> dict:
    headers = {"Accept-Language": lang} if lang else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    r = client.request(method, url, headers=headers, content=body)
    assert r.headers["content-type"] == "application/problem+json"
    return {"status": r.status_code, **r.json()}


def _same_but_detail(english: dict, other: dict) -> None:
    keep = ("status", "title", "type", "field")
    assert {k: other.get(k) for k in keep} == {k: english.get(k) for k in keep}
    assert [e["field"] for e in other["errors"]] == [e["field"] for e in english["errors"]]
    assert other["detail"] != english["detail"]


@pytest.mark.parametrize(
    "body,english,spanish",
    [
        (
            b"not json",
            'payload: expected a JSON body {"payload": "RUTA1:..."}',
            'payload: se espera un cuerpo JSON {"payload": "RUTA1:..."}',
        ),
        (
            b'{"payload": 7}',
            "payload: expected a string starting with RUTA1:",
            "payload: se espera un texto que empiece por RUTA1:",
        ),
    ],
)
def test_api_malformed_body_is_said_in_accept_language(
    client: TestClient, body: bytes, english: str, spanish: str
) -> None:
    url = "/api/v1/verify"
    en = _said(client, "POST", url, None, body)
    es = _said(client, "POST", url, "es-CO, en;q=0.5", body)
    assert en["detail"] == english and es["detail"] == spanish
    assert es["errors"] == [{"field": "payload", "message": spanish}]
    _same_but_detail(en, es)


def test_api_unsupported_lang_is_said_in_accept_language(client: TestClient) -> None:
    url, body = "/api/v1/verify?lang=klingon", b'{"payload": "RUTA1:X"}'
    en, es, fr = (_said(client, "POST", url, lang, body) for lang in (None, "es", "fr"))
    assert en["detail"] == (
        "lang: got 'klingon'; expected one of es, pt, en, fr, ht "
        "(a region such as pt-BR is accepted)"
    )
    assert es["detail"] == (
        "lang: se recibió 'klingon'; se esperaba uno de es, pt, en, fr, ht "
        "(se acepta una región, como pt-BR)"
    )
    assert fr["detail"].startswith("lang : reçu : 'klingon' ; attendu : l'un de es, pt")
    _same_but_detail(en, es)


@pytest.mark.parametrize(
    "country,english,spanish",
    [
        (
            "col",
            "country: got 'col'; expected an ISO 3166-1 alpha-3 code in capitals such as COL",
            "country: se recibió 'col'; se espera un código ISO 3166-1 alfa-3 en mayúsculas, "
            "como COL",
        ),
        (
            "ARG",
            "no status list of ARG is published here",
            "aquí no se publica ninguna lista de estados de ARG",
        ),
    ],
)
def test_a_status_list_refusal_is_said_in_accept_language(
    client: TestClient, country: str, english: str, spanish: str
) -> None:
    url = f"/permits/status/{country}.json"
    en, es = _said(client, "GET", url, None), _said(client, "GET", url, "es")
    assert en["detail"] == english and es["detail"] == spanish
    _same_but_detail(en, es)


def test_an_unpublished_list_is_said_in_accept_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    monkeypatch.delenv("RUTA_STATUS_LIST", raising=False)
    client = _client(Settings(env="development", keys_dir=tmp_path / "none"))
    url = "/permits/trust-list.json"
    en, es, fr = (_said(client, "GET", url, lang) for lang in (None, "es", "fr"))
    assert en["detail"] == "the trust list is not published by this service"
    assert es["detail"] == "este servicio no publica la lista de confianza"
    assert fr["detail"] == "ce service ne publie pas la liste de confiance"
    _same_but_detail(en, es)
    # A status list named by RUTA_STATUS_LIST that cannot be read.
    gone = tmp_path / "COL.json"
    monkeypatch.setenv("RUTA_STATUS_LIST", str(gone))
    client = _client(Settings(env="development", keys_dir=tmp_path / "none"))
    url = "/permits/status/COL.json"
    en, es = _said(client, "GET", url, None), _said(client, "GET", url, "es")
    assert en["detail"] == "the status list of COL is not published by this service"
    assert es["detail"] == "este servicio no publica la lista de estados de COL"
    _same_but_detail(en, es)
