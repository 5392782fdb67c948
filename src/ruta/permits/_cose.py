"""COSE_Sign1 (RFC 9052) with ES256, the minimum a permit needs, on ``cbor2``.

Only what the RUTA1 format uses: the protected header carries ``alg`` (-7, ES256), ``kid``
and (since the standard claims layout) ``typ`` (16, RFC 9596) = :data:`PERMIT_TYPE`; the
unprotected header is empty; the payload is embedded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from ruta.permits._keys import Signer

__all__ = ["ALG_ES256", "PERMIT_TYPE", "CoseRejected", "Sign1", "decode_sign1", "encode_sign1"]

ALG_ES256 = -7
# The explicit type of a Ruta permit (COSE "typ", RFC 9596): a media type in the style of
# application/<name>+cwt, so a verifier can refuse any other token signed by the same key.
PERMIT_TYPE = "application/ruta-permit+cwt"
_HDR_ALG, _HDR_KID, _HDR_TYP = 1, 4, 16
_TAG_SIGN1 = 18
# map(2), 1: -7, 4: bytes(8) -- the head of the legacy RUTA1 protected header.
_PROTECTED_ES256_KID8 = b"\xa2\x01\x26\x04\x48"
# map(3), 1: -7, 4: bytes(8) ... 16: PERMIT_TYPE -- the header every issuer writes now.
_PROTECTED3_HEAD = b"\xa3\x01\x26\x04\x48"
_PROTECTED3_TAIL = b"\x10" + cbor2.dumps(PERMIT_TYPE)
_MAP_TYPES = (dict, cbor2.frozendict)


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
    typ: str | None = None

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


# Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 section 4.4). It is
# built from the bytes at hand rather than with cbor2.dumps: the layout is fixed, and a
# generic encoder costs more than the concatenation on every verification.
_SIG1_HEAD = b"\x84\x6aSignature1"  # array(4), text(10) "Signature1"
_EMPTY_BSTR = b"\x40"


def _bstr_head(n: int) -> bytes:
    """CBOR major type 2 (byte string) head for a length ``n`` (RFC 8949 section 3.1)."""
    if n < 24:
        return bytes((0x40 | n,))
    if n < 0x100:
        return bytes((0x58, n))
    if n < 0x10000:
        return b"\x59" + n.to_bytes(2, "big")
    if n < 0x100000000:
        return b"\x5a" + n.to_bytes(4, "big")
    return b"\x5b" + n.to_bytes(8, "big")


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return b"".join(
        (
            _SIG1_HEAD,
            _bstr_head(len(protected)),
            protected,
            _EMPTY_BSTR,
            _bstr_head(len(payload)),
            payload,
        )
    )


def encode_sign1(payload: bytes, signer: Signer, typ: str | None = PERMIT_TYPE) -> bytes:
    """Sign ``payload`` and return the tagged COSE_Sign1 CBOR bytes.

    ``typ=None`` writes the legacy two-entry header (kept for tests of old permits).
    """
    header: dict[int, Any] = {_HDR_ALG: ALG_ES256, _HDR_KID: signer.kid}
    if typ is not None:
        header[_HDR_TYP] = typ
    protected = cbor2.dumps(header)
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
    if not (isinstance(obj, (tuple, list)) and len(obj) == 4):
        raise CoseRejected("bad_cose", "COSE_Sign1 must be an array of 4 items")
    protected, unprotected, payload, signature = obj
    if not (
        isinstance(protected, bytes) and isinstance(payload, bytes) and isinstance(signature, bytes)
    ):
        raise CoseRejected("bad_cose", "protected header, payload and signature must be bytes")
    # cbor2 returns immutable containers inside tags, hence Mapping rather than dict
    # (the exact-type test first only spares the slower ABC check in the common case).
    if not (type(unprotected) in _MAP_TYPES or isinstance(unprotected, Mapping)) or unprotected:
        raise CoseRejected("bad_cose", "the unprotected header must be empty in RUTA1")
    if len(protected) == 13 and protected.startswith(_PROTECTED_ES256_KID8):
        # The exact bytes every RUTA1 issuer writes: {1: -7, 4: h'<8 bytes>'}; anything
        # else (other order, other keys, other lengths) takes the general path below.
        return Sign1(protected=protected, payload=payload, signature=signature, kid=protected[5:])
    if (
        len(protected) == 13 + len(_PROTECTED3_TAIL)
        and protected.startswith(_PROTECTED3_HEAD)
        and protected.endswith(_PROTECTED3_TAIL)
    ):
        return Sign1(
            protected=protected,
            payload=payload,
            signature=signature,
            kid=protected[5:13],
            typ=PERMIT_TYPE,
        )
    try:
        header = cbor2.loads(protected)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError):
        raise CoseRejected("bad_cose", "protected header is not CBOR") from None
    if not isinstance(header, Mapping) or header.get(_HDR_ALG) != ALG_ES256:
        raise CoseRejected("bad_algorithm", "protected header alg must be ES256 (-7)")
    kid = header.get(_HDR_KID)
    if not isinstance(kid, bytes) or len(kid) != 8:
        raise CoseRejected("bad_cose", "protected header kid must be 8 bytes")
    typ = header.get(_HDR_TYP)
    if typ is not None and typ != PERMIT_TYPE:
        raise CoseRejected("bad_cose", f"protected header typ must be {PERMIT_TYPE}")
    return Sign1(protected=protected, payload=payload, signature=signature, kid=kid, typ=typ)
