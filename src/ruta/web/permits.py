"""The public permit verifier: ``GET/POST /verify`` (page) and ``POST /api/v1/verify``.

No login: a bank clerk or an employer must be able to check a permit without an account.
Verification changes nothing on the server, so the form carries no CSRF token (a forged
cross-site POST could only make someone's browser verify a permit). The page works without
JavaScript (paste or upload a photo); a small script adds camera scanning where the
browser has the BarcodeDetector API.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ruta.i18n import N_, UnsupportedLanguage
from ruta.permits import (
    MAX_IMAGE_BYTES,
    MAX_INPUT_BYTES,
    NotAQrCode,
    StatusList,
    StatusListError,
    TrustList,
    TrustListError,
    VerificationResult,
    read_qr,
    rejected,
    verify,
)
from ruta.web.i18n import api_language, render, request_language, translator
from ruta.web.problems import problem

__all__ = ["router", "status_list_file", "verifier_sources"]

router = APIRouter(tags=["permits"])


# Room for a maximal payload plus JSON framing; anything bigger is refused unread.
_MAX_API_BODY = MAX_INPUT_BYTES + 1024
_MAX_FORM_BODY = MAX_IMAGE_BYTES + 64 * 1024

# The page's strings, translated in the shared catalogs (src/ruta/locales, domain web).
_MSGIDS: dict[str, str] = {
    "title": N_("Verify a permit"),
    "intro": N_(
        "Check a Ruta residence permit offline: paste the text of the QR code, "
        "upload a photo of the QR code, or scan it with the camera."
    ),
    "paste": N_("Code text (starts with RUTA1:)"),
    "photo": N_("Or upload a photo of the QR code"),
    "submit": N_("Verify"),
    "camera": N_("Scan with the camera"),
    "no_camera": N_("This browser cannot scan with the camera; upload a photo or paste the text."),
    "result": N_("Result"),
    "holder": N_("Holder"),
    "permit_id": N_("Permit number"),
    "type": N_("Permit type"),
    "issuer": N_("Issuing country"),
    "validity": N_("Valid"),
    "rights": N_("Rights"),
    "born": N_("Date of birth"),
    "nationality": N_("Nationality"),
    "status_age": N_("Status list issued %(hours)s h ago"),
    "again": N_("Verify another permit"),
    "minimal": N_("Minimal-disclosure profile"),
}


def verifier_sources(keys_dir: Path) -> tuple[Path, list[Path]]:
    """Where the web verifier reads its trust list and status lists.

    ``RUTA_TRUST_LIST`` (a file) and ``RUTA_STATUS_LIST`` (files separated by
    ``os.pathsep``) win; otherwise the development key store in ``keys_dir``. Status lists
    from the key store are used only with its own trust list.
    """
    trust_env = os.environ.get("RUTA_TRUST_LIST")
    status_env = os.environ.get("RUTA_STATUS_LIST")
    trust = Path(trust_env) if trust_env else keys_dir / "trust-list.json"
    if status_env:
        statuses = [Path(p) for p in status_env.split(os.pathsep) if p]
    elif not trust_env:
        statuses = sorted((keys_dir / "status").glob("*.json"))
    else:
        statuses = []
    return trust, statuses


def _stamp(path: Path) -> tuple[str, int]:
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), -1


@lru_cache(maxsize=4)
def _load(
    trust: tuple[str, int],
    statuses: tuple[tuple[str, int], ...],
) -> tuple[TrustList | None, tuple[StatusList, ...], str]:
    # Keyed by modification times: a refreshed list file is picked up on the next request
    # while an unchanged one is parsed and signature-checked only once.
    if trust[1] < 0:
        return None, (), "trust_list_unavailable"
    try:
        tl = TrustList.from_json(Path(trust[0]).read_bytes())
    except TrustListError:
        return None, (), "trust_list_untrusted"
    try:
        lists = tuple(StatusList.from_json(Path(p).read_bytes(), tl) for p, m in statuses if m >= 0)
    except StatusListError:
        return tl, (), "status_list_untrusted"
    return tl, lists, ""


def _keys_dir(request: Request) -> Path:
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        from ruta.settings import get_settings

        settings = get_settings()
    return Path(settings.resolved_keys_dir)


def _check(request: Request, text: str) -> VerificationResult:
    trust_path, status_paths = verifier_sources(_keys_dir(request))
    trust, statuses, error = _load(_stamp(trust_path), tuple(_stamp(p) for p in status_paths))
    if trust is None or error:
        return rejected(error)
    return verify(text, trust, statuses)


def _page(request: Request, result: VerificationResult | None, payload: str = "") -> Response:
    lang = request_language(request)
    gettext = translator(lang).gettext
    texts = {key: gettext(msgid) for key, msgid in _MSGIDS.items()}
    context: dict[str, Any] = {
        "t": texts,
        "payload": payload,
        "result": result.to_dict(lang) if result else None,
    }
    return render(request, "permits/verify.html", context)


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request) -> Response:
    """The empty verifier form."""
    return _page(request, None)


@router.post("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_form(request: Request) -> Response:
    """Verify a pasted payload or an uploaded photo of the QR code."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_FORM_BODY:
        # Refused before parsing: neither a photo nor a payload is ever this large.
        return _page(request, rejected("oversized"))
    form = await request.form(max_files=1, max_fields=4)
    text = form.get("payload")
    photo = form.get("photo")
    pasted = text if isinstance(text, str) else ""
    if isinstance(photo, UploadFile) and photo.filename:
        data = await photo.read(MAX_IMAGE_BYTES + 1)
        try:
            pasted = await run_in_threadpool(read_qr, data)
        except NotAQrCode as exc:
            return _page(request, rejected("not_a_qr", str(exc)))
    result = await run_in_threadpool(_check, request, pasted)
    # Echo a bounded payload only: the text area must not replay an 8 MB paste.
    return _page(request, result, pasted[:MAX_INPUT_BYTES])


@router.post(
    "/api/v1/verify",
    summary="Verify a permit payload offline",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["payload"],
                        "properties": {
                            "payload": {
                                "type": "string",
                                "description": "RUTA1:... text from the QR",
                            }
                        },
                    }
                }
            },
        }
    },
    responses={
        200: {"description": "The verification result (valid or not, with reason)"},
        422: {"description": 'The body is not {"payload": string}'},
    },
)
async def verify_api(request: Request) -> Response:
    """``{"payload"}`` -> the same result as the page, as JSON (200 for any verdict)."""
    try:
        lang = api_language(request)
    except UnsupportedLanguage as exc:
        return problem(422, "Invalid input", str(exc), field="lang")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_API_BODY:
            return JSONResponse(rejected("oversized").to_dict(lang))
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return problem(
            422,
            "Invalid input",
            'payload: expected a JSON body {"payload": "RUTA1:..."}',
            field="payload",
        )
    payload = doc.get("payload") if isinstance(doc, dict) else None
    if not isinstance(payload, str):
        return problem(
            422, "Invalid input", "payload: expected a string starting with RUTA1:", field="payload"
        )
    result = await run_in_threadpool(_check, request, payload)
    return JSONResponse(result.to_dict(lang))


# --- Publication: the files a verifier downloads (docs/permits.md section 5 and 6) -------

# Lists change when a key rotates or a permit is revoked; a verifier re-fetching every few
# minutes sees a revocation soon, and the ETag makes an unchanged list a 304 of no bytes.
_PUBLISH_MAX_AGE = 300
_COUNTRY = re.compile(r"^[A-Z]{3}$")


def status_list_file(paths: list[Path], country: str) -> Path | None:
    """The status list file of ``country`` among ``paths`` (by its ``issuer`` member)."""
    for path in paths:
        if path.stem == country:
            return path
    for path in paths:
        try:
            if json.loads(path.read_bytes()).get("issuer") == country:
                return path
        except (OSError, ValueError, AttributeError):
            continue
    return None


def _published(request: Request, path: Path, what: str) -> Response:
    try:
        data = path.read_bytes()
    except OSError:
        return problem(404, "Not found", f"{what} is not published by this service")
    # A strong validator over the exact bytes: the signed document is served as written.
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={_PUBLISH_MAX_AGE}"}
    match = request.headers.get("if-none-match", "")
    if etag in (m.strip() for m in match.split(",")) or match.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/json", headers=headers)


_PUBLISH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The signed JSON document, as written by the issuer"},
    304: {"description": "Unchanged since the ETag given in If-None-Match"},
    404: {
        "description": "Not published here (problem+json)",
        "content": {"application/problem+json": {}},
    },
}


@router.get(
    "/permits/trust-list.json",
    summary="The trust list this service verifies with (signed JSON, RFC 8785 canonical)",
    responses=_PUBLISH_RESPONSES,
)
async def trust_list_document(request: Request) -> Response:
    """The trust list file, cacheable (``Cache-Control``, ``ETag``, ``If-None-Match``)."""
    trust_path, _statuses = verifier_sources(_keys_dir(request))
    return _published(request, trust_path, "the trust list")


@router.get(
    "/permits/status/{country}.json",
    summary="An issuing country's status list (signed JSON, RFC 8785 canonical)",
    responses={
        **_PUBLISH_RESPONSES,
        422: {
            "description": "country is not an ISO 3166-1 alpha-3 code (problem+json)",
            "content": {"application/problem+json": {}},
        },
    },
)
async def status_list_document(request: Request, country: str) -> Response:
    """The status list of ``country`` (ISO 3166-1 alpha-3), cacheable like the trust list."""
    if not _COUNTRY.match(country):
        return problem(
            422,
            "Invalid input",
            f"country: got {country[:16]!r}; expected an ISO 3166-1 alpha-3 code "
            "in capitals such as COL",
            field="country",
        )
    _trust, statuses = verifier_sources(_keys_dir(request))
    path = status_list_file(statuses, country)
    if path is None:
        return problem(
            404, "Not found", f"no status list of {country} is published here", field="country"
        )
    return _published(request, path, f"the status list of {country}")
