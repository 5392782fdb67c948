"""COSE_Sign1 (RFC 9052) with ES256, the minimum a permit needs, on ``cbor2``.

Only what the RUTA1 format uses: the protected header carries ``alg`` (-7, ES256) and
``kid``; the unprotected header is empty; the payload is embedded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from ruta.permits._keys import Signer

__all__ = ["ALG_ES256", "CoseRejected", "Sign1", "decode_sign1", "encode_sign1"]

ALG_ES256 = -7
_HDR_ALG, _HDR_KID = 1, 4
_TAG_SIGN1 = 18


class CoseRejected(Exception):
    """Bytes that are not a COSE_Sign1 of the RUTA1 shape; ``code`` is the reason code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Sign1:
    """A parsed COSE_Sign1: what the signature covers, the key id and the signature."""

    protected: bytes
    payload: bytes
    signature: bytes
    kid: bytes

    @property
    def to_be_signed(self) -> bytes:
        """The ``Sig_structure`` bytes the ES256 signature is computed over."""
        return _sig_structure(self.protected, self.payload)

    def claims(self) -> Any:
        """The decoded CBOR payload; raises ``CoseRejected`` when it is not CBOR."""
        try:
            return cbor2.loads(self.payload)
        except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
            raise CoseRejected("bad_cbor", f"payload is not CBOR ({exc})") from None


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def encode_sign1(payload: bytes, signer: Signer) -> bytes:
    """Sign ``payload`` and return the tagged COSE_Sign1 CBOR bytes."""
    protected = cbor2.dumps({_HDR_ALG: ALG_ES256, _HDR_KID: signer.kid})
    signature = signer.sign(_sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(_TAG_SIGN1, [protected, {}, payload, signature]))


def decode_sign1(data: bytes) -> Sign1:
    """Parse a (tagged or untagged) COSE_Sign1; ``CoseRejected`` says what is wrong."""
    try:
        obj = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise CoseRejected("bad_cbor", f"not CBOR ({exc})") from None
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != _TAG_SIGN1:
            raise CoseRejected("bad_cose", f"CBOR tag {obj.tag} is not COSE_Sign1 (18)")
        obj = obj.value
    if not (isinstance(obj, list | tuple) and len(obj) == 4):
        raise CoseRejected("bad_cose", "COSE_Sign1 must be an array of 4 items")
    protected, unprotected, payload, signature = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise CoseRejected("bad_cose", "protected header, payload and signature must be bytes")
    # cbor2 returns immutable containers inside tags, hence Mapping rather than dict.
    if not isinstance(unprotected, Mapping) or len(unprotected) != 0:
        raise CoseRejected("bad_cose", "the unprotected header must be empty in RUTA1")
    try:
        header = cbor2.loads(protected)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError):
        raise CoseRejected("bad_cose", "protected header is not CBOR") from None
    if not isinstance(header, Mapping) or header.get(_HDR_ALG) != ALG_ES256:
        raise CoseRejected("bad_algorithm", "protected header alg must be ES256 (-7)")
    kid = header.get(_HDR_KID)
    if not isinstance(kid, bytes) or len(kid) != 8:
        raise CoseRejected("bad_cose", "protected header kid must be 8 bytes")
    return Sign1(protected=protected, payload=payload, signature=signature, kid=kid)
