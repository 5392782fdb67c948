"""The public permit verifier: ``GET/POST /verify`` (page) and ``POST /api/v1/verify``.

No login: a bank clerk or an employer must be able to check a permit without an account.
Verification changes nothing on the server, so the form carries no CSRF token (a forged
cross-site POST could only make someone's browser verify a permit). The page works without
JavaScript (paste or upload a photo); a small script adds camera scanning where the
browser has the BarcodeDetector API.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

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
from ruta.web.i18n import render, request_language
from ruta.web.problems import problem

__all__ = ["router", "verifier_sources"]

router = APIRouter(tags=["permits"])

# Room for a maximal payload plus JSON framing; anything bigger is refused unread.
_MAX_API_BODY = MAX_INPUT_BYTES + 1024
_MAX_FORM_BODY = MAX_IMAGE_BYTES + 64 * 1024

_PAGE: dict[str, dict[str, str]] = {
    "es": {"title": "Verificar un permiso", "intro": "Compruebe un permiso de residencia Ruta "
           "sin conexión: pegue el texto del código QR, suba una foto del QR o escanéelo con "
           "la cámara.", "paste": "Texto del código (empieza por RUTA1:)",
           "photo": "O suba una foto del código QR", "submit": "Verificar",
           "camera": "Escanear con la cámara", "no_camera": "Este navegador no puede escanear "
           "con la cámara; suba una foto o pegue el texto.", "result": "Resultado",
           "holder": "Titular", "permit_id": "Número de permiso", "type": "Tipo de permiso",
           "issuer": "País emisor", "validity": "Vigencia", "rights": "Derechos",
           "born": "Fecha de nacimiento", "nationality": "Nacionalidad",
           "status_age": "Lista de estado emitida hace %(hours)s h",
           "again": "Verificar otro permiso", "minimal": "Perfil de divulgación mínima"},
    "pt": {"title": "Verificar uma autorização", "intro": "Verifique uma autorização de "
           "residência Ruta sem conexão: cole o texto do código QR, envie uma foto do QR ou "
           "escaneie com a câmera.", "paste": "Texto do código (começa com RUTA1:)",
           "photo": "Ou envie uma foto do código QR", "submit": "Verificar",
           "camera": "Escanear com a câmera", "no_camera": "Este navegador não consegue "
           "escanear com a câmera; envie uma foto ou cole o texto.", "result": "Resultado",
           "holder": "Titular", "permit_id": "Número da autorização",
           "type": "Tipo de autorização", "issuer": "País emissor", "validity": "Validade",
           "rights": "Direitos", "born": "Data de nascimento", "nationality": "Nacionalidade",
           "status_age": "Lista de status emitida há %(hours)s h",
           "again": "Verificar outra autorização", "minimal": "Perfil de divulgação mínima"},
    "en": {"title": "Verify a permit", "intro": "Check a Ruta residence permit offline: paste "
           "the text of the QR code, upload a photo of the QR code, or scan it with the "
           "camera.", "paste": "Code text (starts with RUTA1:)",
           "photo": "Or upload a photo of the QR code", "submit": "Verify",
           "camera": "Scan with the camera", "no_camera": "This browser cannot scan with the "
           "camera; upload a photo or paste the text.", "result": "Result",
           "holder": "Holder", "permit_id": "Permit number", "type": "Permit type",
           "issuer": "Issuing country", "validity": "Valid", "rights": "Rights",
           "born": "Date of birth", "nationality": "Nationality",
           "status_age": "Status list issued %(hours)s h ago",
           "again": "Verify another permit", "minimal": "Minimal-disclosure profile"},
    "fr": {"title": "Vérifier un titre", "intro": "Vérifiez un titre de séjour Ruta hors "
           "ligne : collez le texte du code QR, envoyez une photo du code QR ou scannez-le "
           "avec la caméra.", "paste": "Texte du code (commence par RUTA1:)",
           "photo": "Ou envoyez une photo du code QR", "submit": "Vérifier",
           "camera": "Scanner avec la caméra", "no_camera": "Ce navigateur ne peut pas scanner "
           "avec la caméra ; envoyez une photo ou collez le texte.", "result": "Résultat",
           "holder": "Titulaire", "permit_id": "Numéro du titre", "type": "Type de titre",
           "issuer": "Pays émetteur", "validity": "Validité", "rights": "Droits",
           "born": "Date de naissance", "nationality": "Nationalité",
           "status_age": "Liste de statut émise il y a %(hours)s h",
           "again": "Vérifier un autre titre", "minimal": "Profil de divulgation minimale"},
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
def _load(trust: tuple[str, int], statuses: tuple[tuple[str, int], ...],
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
        lists = tuple(StatusList.from_json(Path(p).read_bytes(), tl) for p, m in statuses
                      if m >= 0)
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
    context: dict[str, Any] = {"t": _PAGE[lang], "payload": payload,
                               "result": result.to_dict(lang) if result else None}
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
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "required": ["payload"], "properties": {
            "payload": {"type": "string", "description": "RUTA1:... text from the QR"}}}}}}},
    responses={200: {"description": "The verification result (valid or not, with reason)"},
               422: {"description": "The body is not {\"payload\": string}"}},
)
async def verify_api(request: Request) -> Response:
    """``{"payload"}`` -> the same result as the page, as JSON (200 for any verdict)."""
    lang = request_language(request)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_API_BODY:
            return JSONResponse(rejected("oversized").to_dict(lang))
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return problem(422, "Invalid input", 'payload: expected a JSON body {"payload": '
                       '"RUTA1:..."}', field="payload")
    payload = doc.get("payload") if isinstance(doc, dict) else None
    if not isinstance(payload, str):
        return problem(422, "Invalid input", "payload: expected a string starting with RUTA1:",
                       field="payload")
    result = await run_in_threadpool(_check, request, payload)
    return JSONResponse(result.to_dict(lang))
