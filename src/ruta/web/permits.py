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

from ruta.cases.errors import RateLimitedError
from ruta.i18n import LANGUAGES, N_, UnsupportedLanguage
from ruta.pathways import country_name
from ruta.permits import (
    MAX_IMAGE_BYTES,
    MAX_INPUT_BYTES,
    PURPOSES,
    ImageTooLarge,
    NotAQrCode,
    StatusList,
    StatusListError,
    TrustList,
    TrustListError,
    VerificationResult,
    is_purpose,
    purpose_view,
    read_qr,
    rejected,
    verify,
)
from ruta.web.i18n import api_language, render, request_language, translator
from ruta.web.problems import WebError, refusal
from ruta.web.ratelimit import check_rate

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
    "too_large": N_("The upload is too large: a photo of the QR code must be at most 10 MB"),
}


def verifier_sources(
    keys_dir: Path, trust_list: Path | None = None, status_list: str = ""
) -> tuple[Path, list[Path]]:
    """Where the web verifier reads its trust list and status lists.

    ``trust_list`` (``RUTA_TRUST_LIST``, a file) and ``status_list`` (``RUTA_STATUS_LIST``,
    files separated by ``os.pathsep``) win; otherwise the development key store in
    ``keys_dir``. Status lists from the key store are used only with its own trust list.
    """
    trust = trust_list if trust_list else keys_dir / "trust-list.json"
    if status_list:
        statuses = [Path(p) for p in status_list.split(os.pathsep) if p]
    elif not trust_list:
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


def _settings(request: Request) -> Any:
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        from ruta.settings import get_settings

        settings = get_settings()
    return settings


def _keys_dir(request: Request) -> Path:
    return Path(_settings(request).resolved_keys_dir)


def _sources(request: Request) -> tuple[Path, list[Path]]:
    settings = _settings(request)
    return verifier_sources(
        Path(settings.resolved_keys_dir), settings.trust_list, settings.status_list
    )


def _check(request: Request, text: str) -> VerificationResult:
    trust_path, status_paths = _sources(request)
    trust, statuses, error = _load(_stamp(trust_path), tuple(_stamp(p) for p in status_paths))
    if trust is None or error:
        return rejected(error)
    return verify(text, trust, statuses)


def _page(
    request: Request,
    result: VerificationResult | None,
    payload: str = "",
    limited_minutes: int = 0,
    status_code: int = 200,
) -> Response:
    lang = request_language(request)
    gettext = translator(lang).gettext
    texts = {key: gettext(msgid) for key, msgid in _MSGIDS.items()}
    permit = result.permit if result else None
    # Names in the page language, not ISO codes: a clerk compares them with an identity
    # document that spells the country out.
    names = {
        "issuer": country_name(permit.issuer_country, lang) if permit else "",
        "nationality": country_name(permit.holder.nationality, lang)
        if permit and permit.holder.nationality
        else "",
    }
    context: dict[str, Any] = {
        "t": texts,
        "payload": payload,
        "result": result.to_dict(lang) if result else None,
        "names": names,
        "limited_minutes": limited_minutes,
    }
    if limited_minutes:
        status_code = 429
    return render(request, "permits/verify.html", context, status_code=status_code)


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request) -> Response:
    """The empty verifier form."""
    return _page(request, None)


def _wait(request: Request) -> int:
    """Count one verification of this client; the seconds to wait past the limit, else 0.

    Why a limit on a public, read-only check: it decodes uploaded photos (CPU) and would
    otherwise let anyone probe stolen payloads in bulk.
    """
    try:
        check_rate(request, "verify", lambda s: s.verify_rate_limit)
    except RateLimitedError as exc:
        return exc.retry_after
    return 0


# The API's refusals are web catalog texts (WebError) answered by refusal(): their detail
# follows Accept-Language like every problem of the API; title, field and status stay.
# A number the English detail writes without separators (seconds, bytes) is passed as str.
_NOT_A_PERMIT_STRING = N_("payload: expected a string starting with RUTA1:")


def _too_many(request: Request, wait: int) -> Response:
    error = WebError(
        N_("too many verifications from your address; try again in %(seconds)s seconds"),
        field="rate_limit",
        seconds=str(wait),
    )
    return refusal(request, 429, "Too many attempts", error, headers={"Retry-After": str(wait)})


_TOO_MANY_RESPONSE: dict[str, Any] = {
    "description": "Too many verifications from this address (problem+json, Retry-After)",
    "content": {"application/problem+json": {}},
}


async def _api_start(request: Request) -> tuple[str, bytes | None, Response | None]:
    """What both verify APIs do first: the language, the rate limit, a bounded body.

    Returns:
        ``(lang, body, None)``, or ``(lang, None, None)`` for a body over the limit (read no
        further), or a problem response to send as it is.
    """
    try:
        lang = api_language(request)
    except UnsupportedLanguage:
        error = WebError(
            N_(
                "lang: got %(value)s; expected one of %(expected)s "
                "(a region such as pt-BR is accepted)"
            ),
            field="lang",
            value=repr(request.query_params.get("lang", "")),
            expected=", ".join(LANGUAGES),
        )
        return "en", None, refusal(request, 422, "Invalid input", error)
    wait = _wait(request)
    if wait:
        return lang, None, _too_many(request, wait)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_API_BODY:
            return lang, None, None
    return lang, bytes(body), None


async def _read_permit_form(
    request: Request,
) -> tuple[str, VerificationResult | None, Any]:
    """The pasted text (or the text read from the uploaded photo) and the form itself.

    The result is set when the form cannot be verified at all (too large, not a QR code).
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_FORM_BODY:
        # Refused before parsing: neither a photo nor a payload is ever this large.
        return "", rejected("oversized"), None
    form = await request.form(max_files=1, max_fields=4)
    text = form.get("payload")
    photo = form.get("photo")
    pasted = text if isinstance(text, str) else ""
    if isinstance(photo, UploadFile) and photo.filename:
        data = await photo.read(MAX_IMAGE_BYTES + 1)
        try:
            pasted = await run_in_threadpool(read_qr, data)
        except ImageTooLarge as exc:
            return "", rejected(exc.reason_code, str(exc)), form
        except NotAQrCode as exc:
            return "", rejected("not_a_qr", str(exc)), form
    return pasted, None, form


@router.post("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_form(request: Request) -> Response:
    """Verify a pasted payload or an uploaded photo of the QR code."""
    wait = _wait(request)
    if wait:
        return _page(request, None, limited_minutes=-(-wait // 60))
    pasted, early, _form = await _read_permit_form(request)
    if early is not None:
        # 413 for a photo over the pixel limit (the page says how to retake it).
        too_large = early.reason_code == "image_too_large"
        return _page(request, early, status_code=413 if too_large else 200)
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
        429: _TOO_MANY_RESPONSE,
    },
)
async def verify_api(request: Request) -> Response:
    """``{"payload"}`` -> the same result as the page, as JSON (200 for any verdict)."""
    lang, body, answer = await _api_start(request)
    if answer is not None:
        return answer
    if body is None:
        return JSONResponse(rejected("oversized").to_dict(lang))
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        error = WebError(
            N_('payload: expected a JSON body {"payload": "RUTA1:..."}'), field="payload"
        )
        return refusal(request, 422, "Invalid input", error)
    payload = doc.get("payload") if isinstance(doc, dict) else None
    if not isinstance(payload, str):
        error = WebError(_NOT_A_PERMIT_STRING, field="payload")
        return refusal(request, 422, "Invalid input", error)
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


def _published(request: Request, path: Path, missing: WebError) -> Response:
    try:
        data = path.read_bytes()
    except OSError:
        return refusal(request, 404, "Not found", missing)
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
    trust_path, _statuses = _sources(request)
    missing = WebError(N_("the trust list is not published by this service"))
    return _published(request, trust_path, missing)


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
        error = WebError(
            N_(
                "country: got %(country)s; expected an ISO 3166-1 alpha-3 code "
                "in capitals such as COL"
            ),
            field="country",
            country=repr(country[:16]),
        )
        return refusal(request, 422, "Invalid input", error)
    _trust, statuses = _sources(request)
    path = status_list_file(statuses, country)
    if path is None:
        error = WebError(
            N_("no status list of %(country)s is published here"),
            field="country",
            country=country,
        )
        return refusal(request, 404, "Not found", error)
    missing = WebError(
        N_("the status list of %(country)s is not published by this service"), country=country
    )
    return _published(request, path, missing)


# --- Purpose check: what an employer or a bank may see (docs/permits.md section 4a) -------


def _purpose_page(
    request: Request,
    *,
    purpose: str = "",
    view: dict[str, Any] | None = None,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    # The pasted text is never echoed back: it holds the whole permit, and this page shows
    # only what the chosen purpose may see.
    context: dict[str, Any] = {
        "purpose": purpose if is_purpose(purpose) else "",
        "view": view,
        "errors": errors or [],
        "error_for": dict(errors or []),
    }
    return render(request, "permits/purpose.html", context, status_code=status_code)


@router.get("/verify/purpose", response_class=HTMLResponse, include_in_schema=False)
async def purpose_page(request: Request) -> Response:
    """The empty purpose-check form (employer or bank)."""
    return _purpose_page(request)


@router.post("/verify/purpose", response_class=HTMLResponse, include_in_schema=False)
async def purpose_form(request: Request) -> Response:
    """Verify a pasted or photographed permit and show only what the chosen purpose may see."""
    gettext = translator(request_language(request)).gettext
    wait = _wait(request)
    if wait:
        message = gettext(
            "Too many verifications from this address. Try again in %(minutes)s minutes"
        ) % {"minutes": -(-wait // 60)}
        return _purpose_page(request, errors=[("payload", message)], status_code=429)
    pasted, early, form = await _read_permit_form(request)
    if form is None:  # refused unread: too large to be a permit or its photo
        return _purpose_page(
            request, errors=[("payload", gettext(_MSGIDS["too_large"]))], status_code=413
        )
    chosen = form.get("purpose")
    purpose = chosen if isinstance(chosen, str) else ""
    if not is_purpose(purpose):
        # Chosen by the person checking, never inferred from the permit or the visitor.
        message = gettext("Choose who is checking the permit: an employer or a bank")
        return _purpose_page(request, errors=[("purpose", message)], status_code=422)
    result = early if early is not None else await run_in_threadpool(_check, request, pasted)
    view = purpose_view(result, purpose, request_language(request))
    return _purpose_page(request, purpose=purpose, view=view)


_PURPOSE_EXAMPLE_PAYLOAD = "RUTA1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3DSPTLRR+%3"
_PURPOSE_VERDICT = {
    "status": "valid",
    "valid": True,
    "reason_code": "ok",
    "reason": "Valid permit.",
    "status_label": "Valid",
    "lang": "en",
    "checked_at": "2026-12-05T10:12:31.042106+00:00",
    "status_list_age_seconds": 2218,
}


def _problem_example(field: str, detail: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": "Invalid input",
        "status": 422,
        "detail": detail,
        "field": field,
        "errors": [{"field": field, "message": detail}],
    }


@router.post(
    "/api/v1/verify/purpose",
    summary="Verify a permit for one purpose: an employer (right to work) or a bank "
    "(identity, lawful residence)",
    description=(
        "The same verification as POST /api/v1/verify, answered with only what the chosen "
        "purpose may see. employer: right_to_work {granted, until, restrictions}. bank: "
        "identity {given_names, surname_1, surname_2, full_name, date_of_birth, document "
        "{number, issuer_country}} and lawful_residence {granted, until}. Both: the verdict "
        "(status, valid, reason_code, reason, status_label, lang, checked_at, "
        "status_list_age_seconds). Nothing else of the permit is returned or logged. The "
        "purpose is required and never inferred. Rate limited per client address with "
        "/verify (RUTA_VERIFY_RATE_LIMIT). Language: ?lang=, else Accept-Language."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["payload", "purpose"],
                        "properties": {
                            "payload": {
                                "type": "string",
                                "description": "RUTA1:... text read from the QR code",
                            },
                            "purpose": {
                                "type": "string",
                                "enum": list(PURPOSES),
                                "description": "Who is checking, chosen by the caller",
                            },
                        },
                    },
                    "examples": {
                        "employer": {
                            "value": {"payload": _PURPOSE_EXAMPLE_PAYLOAD, "purpose": "employer"}
                        },
                        "bank": {"value": {"payload": _PURPOSE_EXAMPLE_PAYLOAD, "purpose": "bank"}},
                    },
                }
            },
        }
    },
    responses={
        200: {
            "description": "The verdict and the purpose's view (200 for any verdict)",
            "content": {
                "application/json": {
                    "examples": {
                        "employer": {
                            "value": {
                                "purpose": "employer",
                                **_PURPOSE_VERDICT,
                                "right_to_work": {
                                    "granted": True,
                                    "until": "2028-01-09",
                                    "restrictions": [],
                                },
                            }
                        },
                        "bank": {
                            "value": {
                                "purpose": "bank",
                                **_PURPOSE_VERDICT,
                                "identity": {
                                    "given_names": "Ana María",
                                    "surname_1": "Pérez",
                                    "surname_2": None,
                                    "full_name": "Ana María Pérez",
                                    "date_of_birth": "1990-01-02",
                                    "document": {
                                        "number": "COL-7K2M9Q4X1B",
                                        "issuer_country": "COL",
                                    },
                                },
                                "lawful_residence": {"granted": True, "until": "2028-01-09"},
                            }
                        },
                        "revoked_for_an_employer": {
                            "value": {
                                "purpose": "employer",
                                **_PURPOSE_VERDICT,
                                "status": "revoked",
                                "valid": False,
                                "reason_code": "revoked",
                                "reason": "The permit was revoked by the issuing country.",
                                "status_label": "Revoked",
                                "right_to_work": {
                                    "granted": False,
                                    "until": None,
                                    "restrictions": [],
                                },
                            }
                        },
                    }
                }
            },
        },
        413: {
            "description": "The body is larger than a permit can be (problem+json)",
            "content": {"application/problem+json": {}},
        },
        422: {
            "description": "purpose missing or not employer|bank, payload not a string, or "
            "an unsupported ?lang= (problem+json naming the field)",
            "content": {
                "application/problem+json": {
                    "examples": {
                        "purpose": {
                            "value": _problem_example(
                                "purpose",
                                "purpose: expected one of employer, bank (chosen by the "
                                "caller, never inferred)",
                            )
                        },
                        "payload": {
                            "value": _problem_example(
                                "payload", "payload: expected a string starting with RUTA1:"
                            )
                        },
                    }
                }
            },
        },
        429: _TOO_MANY_RESPONSE,
    },
)
async def verify_purpose_api(request: Request) -> Response:
    """``{"payload", "purpose"}`` -> the purpose's view of the verification, as JSON."""
    lang, body, answer = await _api_start(request)
    if answer is not None:
        return answer
    if body is None:
        error = WebError(
            N_("payload: the body is larger than %(limit)s bytes; a permit is at most %(most)s"),
            field="payload",
            limit=str(_MAX_API_BODY),
            most=str(MAX_INPUT_BYTES),
        )
        return refusal(request, 413, "Content too large", error)
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        doc = None
    if not isinstance(doc, dict):
        error = WebError(
            N_(
                'body: expected a JSON object {"payload": "RUTA1:...", '
                '"purpose": "employer" or "bank"}'
            ),
            field="purpose",
        )
        return refusal(request, 422, "Invalid input", error)
    errors = []
    if not is_purpose(doc.get("purpose")):
        errors.append(
            WebError(
                N_("purpose: expected one of %(purposes)s (chosen by the caller, never inferred)"),
                field="purpose",
                purposes=", ".join(PURPOSES),
            )
        )
    if not isinstance(doc.get("payload"), str):
        errors.append(WebError(_NOT_A_PERMIT_STRING, field="payload"))
    if errors:
        return refusal(request, 422, "Invalid input", errors[0], errors=errors)
    purpose = doc["purpose"]
    result = await run_in_threadpool(_check, request, doc["payload"])
    return JSONResponse(purpose_view(result, purpose, lang))
