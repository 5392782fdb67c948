"""Offline verification of a RUTA1 payload against a trust list and status lists.

Order matters: nothing in the payload is believed before the signature verifies with a key
from the trust list, and dates and status are only read from signed claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ruta.i18n import language_of
from ruta.permits._codec import unpack
from ruta.permits._cose import CoseRejected, decode_sign1
from ruta.permits._errors import PermitsError
from ruta.permits._keys import verify_es256
from ruta.permits._messages import reason_text, right_label, status_label
from ruta.permits._payload import PRIVATE_CLAIM, Permit, iso_birth_date, permit_from_claims
from ruta.permits._status import StatusList
from ruta.permits._trust import TrustList

__all__ = ["VerificationResult", "VerificationStatus", "rejected", "verify"]

VerificationStatus = Literal[
    "valid", "invalid", "revoked", "suspended", "expired", "unknown_issuer", "not_yet_valid"
]


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The answer a verifier shows: a status, a reason code, and what the permit grants.

    ``permit`` is set only when the signature verified. ``status_list_age_seconds`` is the
    age of the status list that was consulted (``None`` when none was).
    """

    status: VerificationStatus
    reason_code: str
    checked_at: datetime
    permit: Permit | None = None
    kid: str | None = None
    status_list_age_seconds: int | None = None
    detail: str = field(default="", compare=False)

    @property
    def is_valid(self) -> bool:
        """True only for a valid permit."""
        return self.status == "valid"

    @property
    def rights(self) -> tuple[str, ...]:
        """Rights the permit grants, empty unless valid."""
        return self.permit.rights if self.permit is not None and self.is_valid else ()

    def reason(self, lang: str = "en") -> str:
        """The reason in ``lang`` (a language of :data:`ruta.i18n.LANGUAGES`; English else)."""
        return reason_text(self.reason_code, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready form, shared by the CLI (``--format json``) and ``POST /api/v1/verify``.

        ``lang`` in the result is the language the texts are in (``pt`` for ``pt-BR``).
        """
        lang = language_of(lang) or "en"
        out: dict[str, Any] = {
            "status": self.status,
            "valid": self.is_valid,
            "reason_code": self.reason_code,
            "reason": self.reason(lang),
            "detail": self.detail,
            "status_label": status_label(self.status, lang),
            "lang": lang,
            "checked_at": self.checked_at.isoformat(),
            "kid": self.kid,
            "status_list_age_seconds": self.status_list_age_seconds,
            "rights": [{"code": r, "label": right_label(r, lang)} for r in self.rights],
            "permit": None,
        }
        p = self.permit
        if p is not None:
            h = p.holder
            out["permit"] = {
                "permit_id": p.permit_id,
                "permit_type": p.permit_type,
                "issuer_country": p.issuer_country,
                "profile": p.profile,
                "issued_at": p.issued_at.isoformat(),
                "valid_from": p.valid_from.isoformat(),
                "valid_until": p.valid_until.isoformat(),
                "status_index": p.status_index,
                "status_uri": p.status_uri,
                "work_restrictions": list(p.work_restrictions),
                "holder": {
                    "given_names": h.given_names,
                    "surname_1": h.surname_1,
                    "surname_2": h.surname_2,
                    "full_name": h.full_name,
                    "date_of_birth": iso_birth_date(h.date_of_birth),
                    "nationality": h.nationality,
                    "sex": h.sex,
                    "photo_hash": h.photo_hash.hex() if h.photo_hash else None,
                },
            }
        return out


def rejected(
    code: str, detail: str = "", status: VerificationStatus = "invalid", at: datetime | None = None
) -> VerificationResult:
    """A not-valid result for input that never reached signature checking."""
    return VerificationResult(
        status=status, reason_code=code, detail=detail, checked_at=at or datetime.now(UTC)
    )


def verify(
    payload: str,
    trust_list: TrustList,
    status_lists: Iterable[StatusList] = (),
    at: datetime | None = None,
) -> VerificationResult:
    """Verify a ``RUTA1:`` payload offline.

    Args:
        payload: The text read from the QR.
        trust_list: The verified trust list of issuer keys.
        status_lists: Verified status lists; the one of the permit's issuer is consulted.
        at: The moment to check validity for (default now, UTC).

    Returns:
        A result; it never raises for bad payloads.
    """
    now = datetime.now(UTC)
    at = at or now
    if not payload or not payload.strip():
        return rejected("empty", at=at)
    try:
        sign1 = decode_sign1(unpack(payload))
        claims = sign1.claims()
    except CoseRejected as exc:
        return rejected(exc.code, exc.detail, at=at)
    kid = sign1.kid.hex()
    candidates = trust_list.keys_for(sign1.kid)
    if not candidates:
        return VerificationResult("unknown_issuer", "unknown_kid", at, kid=kid)
    tbs = sign1.to_be_signed
    signer = None
    for issuer, key in candidates:
        if verify_es256(key, sign1.signature, tbs):
            signer = issuer
            break
    if signer is None:
        return VerificationResult("invalid", "bad_signature", at, kid=kid)
    if sign1.typ is None and isinstance(claims, dict) and PRIVATE_CLAIM in claims:
        # Explicit typing (RFC 9596): the standard layout is only accepted with its typ, so
        # another token type signed by the same key is never read as a permit.
        return VerificationResult(
            "invalid", "bad_cose", at, kid=kid, detail="the protected header has no typ"
        )
    try:
        permit = permit_from_claims(claims)
    except PermitsError as exc:
        return VerificationResult("invalid", "bad_claims", at, kid=kid, detail=exc.message)
    if permit.issuer_country != signer.country:
        return VerificationResult("invalid", "issuer_country_mismatch", at, permit, kid)
    if not signer.valid_at(permit.issued_at):
        return VerificationResult("invalid", "key_not_valid_at_issue", at, permit, kid)
    if at >= permit.expires_at:
        return VerificationResult("expired", "expired", at, permit, kid)
    if at < permit.not_before:
        return VerificationResult("not_yet_valid", "not_yet_valid", at, permit, kid)
    return _check_status(permit, kid, at, now, status_lists)


def _check_status(
    permit: Permit, kid: str, at: datetime, now: datetime, status_lists: Iterable[StatusList]
) -> VerificationResult:
    for sl in status_lists:
        if sl.issuer == permit.issuer_country:
            break
    else:
        return VerificationResult("valid", "ok_status_not_checked", at, permit, kid)
    age = int((now - sl.issued_at).total_seconds()) if sl.issued_at else None
    state = sl.get(permit.status_index)
    if state is None:
        return VerificationResult("invalid", "status_index_out_of_range", at, permit, kid, age)
    if state == "valid":
        return VerificationResult("valid", "ok", at, permit, kid, age)
    return VerificationResult(state, state, at, permit, kid, age)
