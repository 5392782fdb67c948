"""Human reasons and labels for verification results, from the ``permits`` catalogs.

Reason codes are the stable contract (JSON, exit codes, tests); these sentences are for
the person at the bank counter, so they say what happened and what to do. The sentences
are English message ids marked here and translated in ``locales/<lang>/permits.po``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ruta.i18n import N_, language_of, translator

__all__ = ["field_label", "reason_text", "restriction_label", "right_label", "status_label"]

_REASONS: dict[str, str] = {
    "ok": N_("Valid permit."),
    "ok_status_not_checked": N_(
        "Signature and dates are valid; revocation was not checked (no status list)."
    ),
    "empty": N_("No code was given."),
    "oversized": N_("The text is too long to be a permit (over 8 KB)."),
    "bad_prefix": N_("Not a Ruta permit: the text must start with RUTA1:."),
    "bad_base45": N_("The code is damaged or incomplete (invalid characters)."),
    "bad_compression": N_("The code is damaged or incomplete."),
    "bad_cbor": N_("The content of the code is damaged."),
    "bad_cose": N_("The code does not have the structure of a signed permit."),
    "bad_algorithm": N_("The permit uses a signature algorithm that is not accepted."),
    "bad_claims": N_("The permit data does not follow the RUTA1 format."),
    "unknown_kid": N_("Unknown issuer: the signing key is not on the trust list."),
    "issuer_country_mismatch": N_(
        "The signing key belongs to another country than the one named on the permit."
    ),
    "key_not_valid_at_issue": N_("The signing key was not valid on the date of issue."),
    "bad_signature": N_("Invalid signature: the permit was altered or forged."),
    "expired": N_("The permit has expired."),
    "not_yet_valid": N_("The permit is not valid yet."),
    "revoked": N_("The permit was revoked by the issuing country."),
    "suspended": N_("The permit is suspended by the issuing country."),
    "status_index_out_of_range": N_("The status list does not cover this permit; update the list."),
    "trust_list_untrusted": N_("The trust list is not authentic (its signature does not verify)."),
    "trust_list_unavailable": N_("This verifier has no trust list configured."),
    "status_list_untrusted": N_(
        "The status list is not authentic (its signature does not verify)."
    ),
    "not_a_qr": N_("No readable QR code was found in the image."),
    "image_too_large": N_(
        "The photo is too large to read (over 12 megapixels). Take a smaller photo, or "
        "crop it to the QR code."
    ),
}

_STATUS: dict[str, str] = {
    "valid": N_("Valid"),
    "invalid": N_("Not valid"),
    "revoked": N_("Revoked"),
    "suspended": N_("Suspended"),
    "expired": N_("Expired"),
    "unknown_issuer": N_("Unknown issuer"),
    "not_yet_valid": N_("Not yet valid"),
}

# Labels of the text output and the card; whole phrases that join them (``issued by X on D``)
# are the CLI's own messages.
_FIELDS: dict[str, str] = {
    "permit": N_("permit"),
    "issued_by": N_("issued by"),
    "holder": N_("holder"),
    "born": N_("born"),
    "validity": N_("validity"),
    "rights": N_("rights"),
    "status_list_age": N_("status list age"),
}


# Limits on the right to work a permit may state (claim "wr", docs/permits.md section 3.1).
_RESTRICTIONS: dict[str, str] = {
    "named_employer": N_("Only for the employer named in the permit file"),
    "hours_limited": N_("Limited weekly working hours"),
    "sector_limited": N_("Only in the sector of activity the permit was granted for"),
    "region_limited": N_("Only in the region the permit was granted for"),
}


def _pick(table: dict[str, str], key: str, lang: str) -> str | None:
    message = table.get(key)
    if message is None:
        return None
    return translator(language_of(lang) or "en", "permits").gettext(message)


def reason_text(code: str, lang: str = "en") -> str:
    """The sentence for a reason code (English when the language is not supported).

    Examples:
        >>> reason_text("revoked", "es")
        'El permiso fue revocado por el país emisor.'
        >>> reason_text("revoked", "pt-BR")
        'A autorização foi revogada pelo país emissor.'
    """
    return _pick(_REASONS, code, lang) or code


def restriction_label(code: str, lang: str = "en") -> str:
    """The sentence for a work-restriction code; an unknown code is shown as it is.

    Examples:
        >>> restriction_label("hours_limited", "es")
        'Horas de trabajo semanales limitadas'
        >>> restriction_label("night_only", "fr")
        'night_only'
    """
    return _pick(_RESTRICTIONS, code, lang) or code


def field_label(name: str, lang: str = "en") -> str:
    """Label of a permit field in text output, e.g. ``field_label("holder", "fr")``."""
    return _pick(_FIELDS, name, lang) or name


def status_label(status: str, lang: str = "en") -> str:
    """Short label of a verification status, e.g. ``'Vencido'``."""
    return _pick(_STATUS, status, lang) or status


@lru_cache(maxsize=1)
def _rights_vocabulary() -> dict[str, dict[str, str]]:
    # Law is data: the labels of rights live with the pathway packs' vocabulary, so a
    # right a pack adds gets its translations in one place.
    try:
        text = resources.files("ruta.pathways").joinpath("data/vocabulary.yaml").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    rights = yaml.safe_load(text).get("rights", {})
    return {
        str(k): {str(lang): str(v) for lang, v in labels.items()} for k, labels in rights.items()
    }


def right_label(right: str, lang: str = "en") -> str:
    """Label of a right from the packs' vocabulary; unknown rights are shown as they are.

    Examples:
        >>> right_label("banking", "fr")
        'Ouvrir un compte bancaire'
        >>> right_label("hunting", "es")
        'hunting'
    """
    labels = _rights_vocabulary().get(right, {})
    label = labels.get(language_of(lang) or "en") or labels.get("en")
    return label[:1].upper() + label[1:] if label else right
