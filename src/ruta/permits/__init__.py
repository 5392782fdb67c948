"""Verifiable residence permits: signed CWT payloads in a QR, checked offline.

The format (``RUTA1:`` + Base45 + zlib + COSE_Sign1 ES256 over CWT claims) is a contract,
documented in ``docs/permits.md``. Issuing uses a :class:`Signer`; verifying needs only a
:class:`TrustList` and, for revocation, the issuer's :class:`StatusList`.

Examples:
    >>> from datetime import UTC, date, datetime
    >>> signer = PemSigner(generate_private_key())
    >>> issuer = TrustedIssuer("COL", signer.kid, signer.public_key_der,
    ...                        datetime(2020, 1, 1, tzinfo=UTC))
    >>> trust = TrustList(signer.public_key_der, [issuer], datetime.now(UTC))
    >>> permit = Permit("COL-1", "col.ppt", "COL", Holder("Ana", "Pérez"),
    ...                 date(2026, 1, 1), date(2028, 1, 1), ("work", "study"), 0)
    >>> text = issue_permit(permit, signer)
    >>> text[:6]
    'RUTA1:'
    >>> r = verify(text, trust, at=datetime(2027, 1, 1, tzinfo=UTC))
    >>> r.status, r.reason_code, r.rights
    ('valid', 'ok_status_not_checked', ('work', 'study'))
    >>> verify(text, trust, at=datetime(2029, 1, 1, tzinfo=UTC)).reason("es")
    'El permiso está vencido.'
"""

from __future__ import annotations

from ruta.permits._base45 import b45decode, b45encode
from ruta.permits._card import CardSize, permit_card_pdf
from ruta.permits._codec import MAX_INPUT_BYTES, PREFIX
from ruta.permits._cose import PERMIT_TYPE
from ruta.permits._errors import KeyStoreError, PermitsError, StatusListError, TrustListError
from ruta.permits._issue import (
    IssuedPermit,
    issue_for_application,
    issue_permit,
    minimal_view,
    new_permit_id,
    reinstate_permit,
    revoke_permit,
    status_list_uri,
    suspend_permit,
)
from ruta.permits._keys import (
    PemSigner,
    Signer,
    generate_private_key,
    kid_for,
    public_key_from_pem,
)
from ruta.permits._keystore import KeyStore, write_atomic
from ruta.permits._messages import (
    field_label,
    reason_text,
    restriction_label,
    right_label,
    status_label,
)
from ruta.permits._payload import MINIMAL_RIGHTS, DisclosureLevel, Holder, Permit
from ruta.permits._purpose import PURPOSES, Purpose, is_purpose, purpose_view
from ruta.permits._qr import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    ImageTooLarge,
    NotAQrCode,
    make_qr,
    read_qr,
)
from ruta.permits._status import PermitStatus, StatusList
from ruta.permits._trust import TrustedIssuer, TrustList, merge_trust_lists
from ruta.permits._verify import VerificationResult, VerificationStatus, rejected, verify

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_INPUT_BYTES",
    "MINIMAL_RIGHTS",
    "PERMIT_TYPE",
    "PREFIX",
    "PURPOSES",
    "CardSize",
    "DisclosureLevel",
    "Holder",
    "ImageTooLarge",
    "IssuedPermit",
    "KeyStore",
    "KeyStoreError",
    "NotAQrCode",
    "PemSigner",
    "Permit",
    "PermitStatus",
    "PermitsError",
    "Purpose",
    "Signer",
    "StatusList",
    "StatusListError",
    "TrustList",
    "TrustListError",
    "TrustedIssuer",
    "VerificationResult",
    "VerificationStatus",
    "b45decode",
    "b45encode",
    "field_label",
    "generate_private_key",
    "is_purpose",
    "issue_for_application",
    "issue_permit",
    "kid_for",
    "make_qr",
    "merge_trust_lists",
    "minimal_view",
    "new_permit_id",
    "permit_card_pdf",
    "public_key_from_pem",
    "purpose_view",
    "read_qr",
    "reason_text",
    "reinstate_permit",
    "rejected",
    "restriction_label",
    "revoke_permit",
    "right_label",
    "status_label",
    "status_list_uri",
    "suspend_permit",
    "verify",
    "write_atomic",
]
