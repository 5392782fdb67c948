"""Identity documents: normalised numbers and check digits (python-stdnum where it applies).

A number whose check digit fails is kept (it may be a typo of the right number) but flagged
``invalid`` so that an exact agreement on it counts as weaker evidence.
"""

from __future__ import annotations

import re

import pandas as pd
from stdnum.br import cpf
from stdnum.ec import ci
from stdnum.pe import cui

__all__ = ["DocumentCheck", "normalize_document", "normalize_documents"]

DocumentCheck = str  # "valid", "invalid" or "unknown" (no check digit for this type)
_ALNUM = re.compile(r"[^0-9A-Z]")
# Venezuelan cédulas carry a nationality letter (V or E) that changes on naturalisation.
_VEN_PREFIX = re.compile(r"^[VE](?=\d{6,9}$)")


def normalize_document(
    number: str, document_type: str = "", nationality: str = ""
) -> tuple[str, DocumentCheck]:
    """Normalise a document number and validate its check digit when the type has one.

    The type comes from ``document_type`` (``CPF``, ``DNI``, ``CI``, ``CC``, ``PASSPORT``…) or,
    when empty, is inferred from the nationality and the number's shape.

    Args:
        number: The number as written (separators allowed).
        document_type: The declared type, or ``""``.
        nationality: ISO 3166-1 alpha-3 of the issuing country when known.

    Returns:
        ``(normalised, check)`` where check is ``valid``, ``invalid`` or ``unknown``.

    Examples:
        >>> normalize_document("390.533.447-05", "CPF")
        ('39053344705', 'valid')
        >>> normalize_document("390.533.447-06", "", "BRA")
        ('39053344706', 'invalid')
        >>> normalize_document("10117410-2", "DNI", "PER")
        ('10117410', 'valid')
        >>> normalize_document("V-12.345.678", "", "VEN")
        ('12345678', 'unknown')
    """
    raw = _ALNUM.sub("", number.upper())
    if not raw:
        return "", "unknown"
    kind = document_type.strip().upper()
    nat = nationality.strip().upper()
    if kind == "CPF" or (not kind and nat == "BRA" and len(raw) == 11 and raw.isdigit()):
        return raw, "valid" if cpf.is_valid(raw) else "invalid"
    if kind in ("DNI", "CUI") or (not kind and nat == "PER" and len(raw) in (8, 9)):
        base = raw[:8]
        if len(raw) == 9:
            # The printed verification character is optional; when present it must agree.
            return base, "valid" if cui.is_valid(raw) else "invalid"
        return base, "unknown"
    if (kind == "CI" and nat == "ECU") or (not kind and nat == "ECU" and len(raw) == 10):
        return raw, "valid" if ci.is_valid(raw) else "invalid"
    if nat == "VEN" or kind in ("CEDULA", "CI"):
        raw = _VEN_PREFIX.sub("", raw)
    return raw, "unknown"


_CHECKED_TYPES = ("CPF", "DNI", "CUI")
_CHECKED_COUNTRIES = ("BRA", "PER", "ECU")


def normalize_documents(
    numbers: pd.Series, types: pd.Series, nationalities: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`normalize_document` over aligned columns (same results, row by row).

    Only the rows whose type can carry a check digit go through the scalar function; the
    rest (most of a registry) are cleaned with vectorised string operations.

    Examples:
        >>> n, c = normalize_documents(pd.Series(["V-12.345.678", "390.533.447-05"]),
        ...     pd.Series(["", ""]), pd.Series(["VEN", "BRA"]))
        >>> list(n), list(c)
        (['12345678', '39053344705'], ['unknown', 'valid'])
    """
    raw = numbers.astype(str).str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)
    kind = types.astype(str).str.strip().str.upper()
    nat = nationalities.astype(str).str.strip().str.upper()
    special = (raw != "") & (
        kind.isin(_CHECKED_TYPES)
        | ((kind == "CI") & (nat == "ECU"))
        | ((kind == "") & nat.isin(_CHECKED_COUNTRIES))
    )
    venezuelan = ~special & ((nat == "VEN") | kind.isin(("CEDULA", "CI")))
    norm = raw.where(~venezuelan, raw.str.replace(_VEN_PREFIX.pattern, "", regex=True))
    check = pd.Series("unknown", index=raw.index, dtype=object)
    if special.any():
        key = (
            numbers[special].astype(str)
            + "\x1f"
            + types[special].astype(str)
            + "\x1f"
            + (nationalities[special].astype(str))
        )
        codes, uniques = pd.factorize(key, sort=False)
        results = [normalize_document(*u.split("\x1f")) for u in uniques]
        norm = norm.astype(object)
        norm[special] = [results[c][0] for c in codes]
        check[special] = [results[c][1] for c in codes]
    return norm.astype(object), check
