"""Keys: kid derivation, the Signer protocol, raw ES256 signatures, PEM public keys."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ruta.permits import KeyStoreError, PemSigner, Signer, kid_for, public_key_from_pem
from ruta.permits._keys import load_public_key, verify_es256


def test_kid_is_the_first_8_bytes_of_sha256_of_the_spki(issuer_signer: PemSigner) -> None:
    spki = issuer_signer.public_key_der
    assert spki.startswith(b"\x30\x59\x30\x13")  # SubjectPublicKeyInfo, id-ecPublicKey
    assert issuer_signer.kid == hashlib.sha256(spki).digest()[:8] == kid_for(spki)


def test_pem_signer_is_a_signer_and_signs_raw_r_s(issuer_signer: PemSigner) -> None:
    assert isinstance(issuer_signer, Signer)
    sig = issuer_signer.sign(b"data")
    key = load_public_key(issuer_signer.public_key_der)
    assert len(sig) == 64 and verify_es256(key, sig, b"data")
    assert not verify_es256(key, sig, b"other")
    assert not verify_es256(key, sig[:63], b"data")
    assert not verify_es256(key, bytes(64), b"data")


def test_only_p256_keys() -> None:
    with pytest.raises(KeyStoreError, match="P-256"):
        PemSigner(ec.generate_private_key(ec.SECP384R1()))
    rsa_pub = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    der = rsa_pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(KeyStoreError, match="P-256"):
        load_public_key(der)
    with pytest.raises(KeyStoreError, match="DER"):
        load_public_key(b"junk")


def test_public_key_from_pem(issuer_signer: PemSigner) -> None:
    pem = load_public_key(issuer_signer.public_key_der).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_key_from_pem(pem) == issuer_signer.public_key_der
    with pytest.raises(KeyStoreError) as err:
        public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
    assert err.value.field == "operator_key"
