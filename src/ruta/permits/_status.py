"""Status lists: one signed, compressed bitstring per issuing country (IETF Token Status
List style, two bits per permit: 0 valid, 1 revoked, 2 suspended).

Many permits share one list so that fetching it reveals nothing about which permit a
verifier is checking; the list is large (131,072 entries) and compresses to a few bytes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from ruta.i18n import N_
from ruta.permits._errors import StatusListError
from ruta.permits._keys import Signer, kid_for
from ruta.permits._signed_json import b64d, b64e, sign_document, signature_valid
from ruta.permits._trust import TrustList

__all__ = ["CHUNK_ENTRIES", "PermitStatus", "StatusList"]

PermitStatus = Literal["valid", "revoked", "suspended"]
_CODES: dict[PermitStatus, int] = {"valid": 0, "revoked": 1, "suspended": 2}
_NAMES: dict[int, PermitStatus] = {v: k for k, v in _CODES.items()}
_TYPE = "ruta-status-list"
_BITS = 2
CHUNK_ENTRIES = 131_072  # the W3C/IETF default size: herd privacy for verifiers
_MAX_ENTRIES = 64 * CHUNK_ENTRIES


class StatusList:
    """The status of every permit of one issuing country.

    Examples:
        >>> sl = StatusList("COL")
        >>> sl.set(5, "suspended"); sl.get(5), sl.get(6), sl.get(10**7)
        ('suspended', 'valid', None)
    """

    def __init__(
        self, issuer: str, data: bytes | None = None, issued_at: datetime | None = None
    ) -> None:
        self.issuer = issuer
        self._data = bytearray(data if data is not None else bytes(CHUNK_ENTRIES * _BITS // 8))
        self.issued_at = issued_at

    @property
    def size(self) -> int:
        """Number of entries the list holds."""
        return len(self._data) * 8 // _BITS

    def get(self, index: int) -> PermitStatus | None:
        """Status at ``index``; ``None`` when the list does not reach that far."""
        if not 0 <= index < self.size:
            return None
        byte, slot = divmod(index * _BITS, 8)
        return _NAMES.get((self._data[byte] >> slot) & 0b11, "revoked")

    def set(self, index: int, status: PermitStatus) -> None:
        """Set the status at ``index``, growing the list by whole chunks when needed.

        Revocation is final: a revoked entry cannot become valid or suspended again.
        """
        if not 0 <= index < _MAX_ENTRIES:
            raise StatusListError(
                N_("got %(value)s; expected 0 <= index < %(limit)s"),
                field="status_index",
                value=str(index),
                limit=str(_MAX_ENTRIES),
            )
        self.ensure_capacity(index)
        if self.get(index) == "revoked" and status != "revoked":
            raise StatusListError(
                N_(
                    "permit at index %(index)s is revoked; revocation is final "
                    "(issue a new permit instead)"
                ),
                field="status",
                index=str(index),
            )
        byte, slot = divmod(index * _BITS, 8)
        self._data[byte] = (self._data[byte] & ~(0b11 << slot)) | (_CODES[status] << slot)

    def ensure_capacity(self, index: int) -> None:
        """Grow the list (by chunks) so that ``index`` is inside it."""
        while index >= self.size:
            self._data.extend(bytes(CHUNK_ENTRIES * _BITS // 8))

    def to_json(self, signer: Signer, issued_at: datetime | None = None) -> str:
        """Sign the list (stamping ``issued_at``, default now) and return JSON text."""
        self.issued_at = issued_at or datetime.now(UTC).replace(microsecond=0)
        doc = {
            "type": _TYPE,
            "version": 1,
            "issuer": self.issuer,
            "bits": _BITS,
            "issued_at": self.issued_at.isoformat(),
            "lst": b64e(zlib.compress(bytes(self._data), 9)),
        }
        return json.dumps(sign_document(doc, signer), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, trust_list: TrustList | None) -> StatusList:
        """Parse a signed status list.

        Args:
            text: The JSON document.
            trust_list: When given, the signature must be by a key of the list's issuer
                country on this trust list (verifiers). ``None`` skips the check (the
                issuer's own key store, which wrote the file).

        Raises:
            StatusListError: Malformed, or the signature is not by a trusted issuer key.
        """
        try:
            doc = json.loads(text)
            if doc.get("type") != _TYPE or doc.get("version") != 1 or doc.get("bits") != _BITS:
                raise ValueError(f"type/version/bits must be {_TYPE}/1/{_BITS}")
            issuer = str(doc["issuer"])
            issued_at = datetime.fromisoformat(doc["issued_at"]).astimezone(UTC)
            d = zlib.decompressobj()
            data = d.decompress(b64d(doc["lst"]), _MAX_ENTRIES * _BITS // 8)
            if not d.eof or d.unconsumed_tail:
                raise ValueError("lst is not complete zlib data within the size limit")
            kid = bytes.fromhex(doc["signature"]["kid"])
        except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
            raise StatusListError(
                N_("not a Ruta status list (%(reason)s)"), field="status_list", reason=repr(exc)
            ) from None
        if trust_list is not None and not _signed_by_issuer(doc, kid, issuer, trust_list):
            raise StatusListError(
                N_(
                    "the status list for %(country)s is not signed by a key of %(country)s "
                    "on the trust list"
                ),
                field="status_list.signature",
                country=issuer,
            )
        return cls(issuer, data, issued_at)


def _signed_by_issuer(
    doc: Mapping[str, Any], kid: bytes, issuer: str, trust_list: TrustList
) -> bool:
    return any(
        ti.country == issuer and kid_for(ti.public_key_der) == kid and signature_valid(doc, key)
        for ti, key in trust_list.keys_for(kid)
    )
