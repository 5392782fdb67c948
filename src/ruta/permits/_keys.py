"""Signing keys: the ``Signer`` protocol, a PEM-file signer, key ids and public keys.

The protocol is deliberately small (a key id, the public key, ``sign``) so a signer backed
by a hardware security module (PKCS#11) can implement it without touching the rest of the
package.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ruta.i18n import N_
from ruta.permits._errors import KeyStoreError

__all__ = [
    "PemSigner",
    "Signer",
    "generate_private_key",
    "kid_for",
    "load_public_key",
    "public_key_der",
    "public_key_from_pem",
    "verify_es256",
]

_ES256 = ec.ECDSA(hashes.SHA256())


@runtime_checkable
class Signer(Protocol):
    """Anything that can produce ES256 signatures for one P-256 key.

    ``sign`` returns the raw 64-byte ``r || s`` form used by COSE (RFC 9053), not DER.
    """

    @property
    def kid(self) -> bytes:
        """First 8 bytes of the SHA-256 of the public key (SubjectPublicKeyInfo DER)."""
        ...

    @property
    def public_key_der(self) -> bytes:
        """The public key as SubjectPublicKeyInfo DER."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with ECDSA P-256 / SHA-256 and return ``r || s`` (64 bytes)."""
        ...


def public_key_der(key: ec.EllipticCurvePublicKey) -> bytes:
    """Serialize a public key as SubjectPublicKeyInfo DER."""
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def kid_for(spki_der: bytes) -> bytes:
    """Key id of a public key: the first 8 bytes of SHA-256 over its SPKI DER.

    Examples:
        >>> kid_for(b"not really a key").hex()
        'd592d30f949df77f'
    """
    return hashlib.sha256(spki_der).digest()[:8]


def load_public_key(spki_der: bytes) -> ec.EllipticCurvePublicKey:
    """Load a P-256 public key from SPKI DER; raises ``KeyStoreError`` for anything else."""
    try:
        key = serialization.load_der_public_key(spki_der)
    except ValueError as exc:
        raise KeyStoreError(
            N_("not a DER SubjectPublicKeyInfo (%(reason)s)"), field="public_key", reason=str(exc)
        ) from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyStoreError(N_("expected an EC P-256 (secp256r1) public key"), field="public_key")
    return key


def public_key_from_pem(pem: bytes) -> bytes:
    """SPKI DER of a P-256 public key given as PEM (operator keys that verifiers pin)."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise KeyStoreError(N_("not a PEM public key"), field="operator_key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyStoreError(N_("expected an EC P-256 public key"), field="operator_key")
    return public_key_der(key)


def verify_es256(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    """Check a raw ``r || s`` ES256 signature; ``False`` on any mismatch or bad length."""
    if len(signature) != 64:
        return False
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, data, _ES256)
    except InvalidSignature:
        return False
    return True


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 private key (development keys and tests)."""
    return ec.generate_private_key(ec.SECP256R1())


class PemSigner:
    """A ``Signer`` whose private key is held in memory, loaded from a PEM file.

    Args:
        private_key: The P-256 private key.
    """

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise KeyStoreError(N_("expected an EC P-256 (secp256r1) private key"), field="key")
        self._key = private_key
        self._spki = public_key_der(private_key.public_key())
        self._kid = kid_for(self._spki)

    @classmethod
    def from_file(cls, path: Path, password: bytes | None = None) -> PemSigner:
        """Load a PKCS#8 or SEC1 PEM private key file."""
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=password)
        except FileNotFoundError:
            raise KeyStoreError(
                N_("key file %(path)s does not exist"), field="key", path=str(path)
            ) from None
        except (ValueError, TypeError) as exc:
            raise KeyStoreError(
                N_("%(path)s is not a readable PEM private key (%(reason)s)"),
                field="key",
                path=str(path),
                reason=str(exc),
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise KeyStoreError(
                N_("%(path)s holds a non-EC key; expected EC P-256"), field="key", path=str(path)
            )
        return cls(key)

    def to_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (development key files only)."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def kid(self) -> bytes:
        """Key id (8 bytes)."""
        return self._kid

    @property
    def public_key_der(self) -> bytes:
        """Public key as SPKI DER."""
        return self._spki

    def sign(self, data: bytes) -> bytes:
        """ES256 signature of ``data`` as ``r || s``."""
        r, s = decode_dss_signature(self._key.sign(data, _ES256))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
