"""COSE_Sign1 parsing: the byte-built Sig_structure and the canonical-header fast path."""

from __future__ import annotations

import cbor2
import pytest

from ruta.permits import PemSigner
from ruta.permits._cose import CoseRejected, _sig_structure, decode_sign1, encode_sign1

KID = bytes(range(8))


@pytest.mark.parametrize("n", [0, 1, 23, 24, 255, 256, 65_535, 65_536])
def test_sig_structure_is_the_cbor_encoding_at_every_length_boundary(n: int) -> None:
    protected = cbor2.dumps({1: -7, 4: KID})
    payload = bytes(range(256)) * (n // 256) + bytes(n % 256)
    assert _sig_structure(protected, payload) == cbor2.dumps(
        ["Signature1", protected, b"", payload]
    )


def test_canonical_header_fast_path_gives_the_same_kid_as_cbor(issuer_signer: PemSigner) -> None:
    s1 = decode_sign1(encode_sign1(b"\xa0", issuer_signer))
    assert s1.kid == issuer_signer.kid
    assert s1.kid == cbor2.loads(s1.protected)[4]


def test_header_in_another_key_order_takes_the_general_path() -> None:
    protected = cbor2.dumps({4: KID, 1: -7})
    s1 = decode_sign1(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, b"\xa0", bytes(64)])))
    assert s1.kid == KID


@pytest.mark.parametrize(
    "header",
    [
        {1: -37, 4: KID},  # PS256: same length, different algorithm byte
        {1: -7, 4: KID[:7]},  # kid of 7 bytes
        {1: -7, 4: "01234567"},  # kid as text
        {1: -7},  # no kid
    ],
)
def test_headers_near_the_canonical_bytes_are_still_checked(header: dict[int, object]) -> None:
    protected = cbor2.dumps(header)
    with pytest.raises(CoseRejected):
        decode_sign1(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, b"\xa0", bytes(64)])))


def test_non_empty_unprotected_header_is_refused() -> None:
    protected = cbor2.dumps({1: -7, 4: KID})
    with pytest.raises(CoseRejected, match="unprotected"):
        decode_sign1(cbor2.dumps([protected, {4: KID}, b"\xa0", bytes(64)]))
