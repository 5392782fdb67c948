"""Purpose-bound views of a verification: what an employer or a bank may see, nothing more.

A verifier at a shop counter or a bank branch needs one answer, not the whole permit. The
person checking chooses the purpose; the view is built from the verification result by
listing what each purpose may see (an allow-list: a field added to permits later is never
shown here by accident):

- ``employer``: the right to work (yes or no), the restrictions on it that the permit
  carries, and until when.
- ``bank``: identity (names, date of birth, the permit as identity document: its number and
  issuing country) and lawful residence (yes or no, until when).

Both also get the verification result and its reason. The technical ``detail`` of a result
is left out on purpose: it may quote a claim value that failed a check.
"""

from __future__ import annotations

from typing import Any, Literal, TypeGuard

from ruta.i18n import language_of
from ruta.permits._messages import restriction_label
from ruta.permits._payload import iso_birth_date
from ruta.permits._verify import VerificationResult

__all__ = ["PURPOSES", "Purpose", "is_purpose", "purpose_view"]

Purpose = Literal["employer", "bank"]
PURPOSES: tuple[Purpose, ...] = ("employer", "bank")


def is_purpose(value: object) -> TypeGuard[Purpose]:
    """Whether ``value`` is one of :data:`PURPOSES` (exactly: a purpose is never guessed).

    Examples:
        >>> is_purpose("bank"), is_purpose("Bank"), is_purpose(None)
        (True, False, False)
    """
    return isinstance(value, str) and value in PURPOSES


def purpose_view(result: VerificationResult, purpose: Purpose, lang: str = "en") -> dict[str, Any]:
    """The JSON-ready view of ``result`` for ``purpose`` (the body of the purpose API).

    Args:
        result: A verification result (from :func:`ruta.permits.verify`).
        purpose: ``"employer"`` or ``"bank"``.
        lang: Language of the texts (BCP 47; English when not served).

    Returns:
        The verdict (``status``, ``valid``, ``reason_code``, ``reason``, ``status_label``,
        ``checked_at``, ``status_list_age_seconds``) and, for an employer,
        ``right_to_work``; for a bank, ``identity`` and ``lawful_residence``.

    Raises:
        ValueError: ``purpose`` is not one of :data:`PURPOSES`.

    Examples:
        >>> from datetime import UTC, datetime
        >>> from ruta.permits import rejected
        >>> view = purpose_view(rejected("bad_prefix"), "employer")
        >>> view["right_to_work"], view["reason_code"]
        ({'granted': False, 'until': None, 'restrictions': []}, 'bad_prefix')
    """
    if not is_purpose(purpose):
        raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}; got {purpose!r}")
    full = result.to_dict(lang)
    lang = language_of(lang) or "en"
    out: dict[str, Any] = {"purpose": purpose}
    for key in (
        "status",
        "valid",
        "reason_code",
        "reason",
        "status_label",
        "lang",
        "checked_at",
        "status_list_age_seconds",
    ):
        out[key] = full[key]
    permit = result.permit
    valid = result.is_valid and permit is not None
    if purpose == "employer":
        works = valid and permit is not None and "work" in permit.rights
        restrictions = list(permit.work_restrictions) if works and permit is not None else []
        out["right_to_work"] = {
            "granted": works,
            "until": permit.valid_until.isoformat() if works and permit is not None else None,
            "restrictions": [
                {"code": r, "label": restriction_label(r, lang)} for r in restrictions
            ],
        }
        return out
    identity: dict[str, Any] | None = None
    if permit is not None:  # the signature verified: these names are the issuer's
        h = permit.holder
        identity = {
            "given_names": h.given_names,
            "surname_1": h.surname_1,
            "surname_2": h.surname_2,
            "full_name": h.full_name,
            "date_of_birth": iso_birth_date(h.date_of_birth),
            "document": {"number": permit.permit_id, "issuer_country": permit.issuer_country},
        }
    out["identity"] = identity
    out["lawful_residence"] = {
        "granted": valid,
        "until": permit.valid_until.isoformat() if valid and permit is not None else None,
    }
    return out
