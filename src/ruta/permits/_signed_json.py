"""Signed JSON documents (trust lists, status lists): canonical bytes plus ES256.

The signature covers the document without its ``signature`` member in the JSON
Canonicalization Scheme (RFC 8785, JCS), so any JCS implementation recomputes the same
bytes. Lists signed before JCS was named (sorted keys, no whitespace, UTF-8) are the same
bytes for these documents (text, integers, no floats), so they keep verifying.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric import ec

from ruta.permits._keys import Signer, verify_es256

__all__ = ["b64d", "b64e", "canonical", "sign_document", "signature_valid"]


def b64e(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Inverse of :func:`b64e`; raises ``ValueError`` on bad input.

    Examples:
        >>> b64d(b64e(b"\\x00\\xff"))
        b'\\x00\\xff'
    """
    if not isinstance(text, str):
        raise ValueError("expected base64url text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(doc: Mapping[str, Any]) -> bytes:
    """Bytes that are signed: every member but ``signature``, in RFC 8785 (JCS) form.

    Examples:
        >>> canonical({"b": [1, "é"], "a": None, "signature": {}})
        b'{"a":null,"b":[1,"\\xc3\\xa9"]}'
    """
    body = {k: v for k, v in doc.items() if k != "signature"}
    return rfc8785.dumps(body)


def sign_document(doc: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
    """Return a copy of ``doc`` with a ``signature`` member (alg, kid hex, value)."""
    signed = dict(doc)
    signed["signature"] = {
        "alg": "ES256",
        "kid": signer.kid.hex(),
        "value": b64e(signer.sign(canonical(doc))),
    }
    return signed


def signature_valid(doc: Mapping[str, Any], key: ec.EllipticCurvePublicKey) -> bool:
    """True when ``doc['signature']`` is a valid ES256 signature by ``key``."""
    sig = doc.get("signature")
    if not isinstance(sig, dict) or sig.get("alg") != "ES256":
        return False
    try:
        value = b64d(sig["value"])
    except (KeyError, ValueError):
        return False
    return verify_es256(key, value, canonical(doc))
