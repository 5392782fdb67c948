"""Keys for the privacy-preserving encodings, derived from one shared secret with HKDF.

One secret file is agreed between the states (see docs/linkage.md, threat model); every use
(each field's Bloom-filter hashing, document tokens, blocking buckets, the balancing
permutation) gets its own key so that no two uses can be correlated by reusing a hash.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ruta.i18n import N_
from ruta.linkage._errors import SecretError
from ruta.linkage._text import Text

__all__ = ["MIN_SECRET_BYTES", "derive_key", "keyed_digest", "read_secret"]

MIN_SECRET_BYTES = 16
_SALT = b"ruta-linkage-clk-v1"


def read_secret(path: str | Path) -> bytes:
    """Read the shared secret (any bytes; surrounding whitespace is ignored).

    Raises:
        SecretError: The file is missing or holds fewer than 16 bytes.
    """
    path = Path(path)
    if not path.is_file():
        raise SecretError(
            Text(
                N_("%(path)s does not exist; expected a file holding the shared secret"),
                path=str(path),
            ),
            field="secret_file",
        )
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            Text(
                N_(
                    "%(path)s holds %(n)s bytes; expected at least %(least)s random bytes (for "
                    "example: head -c 32 /dev/urandom | base64 > KEY)"
                ),
                path=str(path),
                n=str(len(secret)),
                least=str(MIN_SECRET_BYTES),
            ),
            field="secret_file",
        )
    return secret


def derive_key(secret: bytes, purpose: str) -> bytes:
    """Derive a 32-byte key for one purpose.

    Examples:
        >>> k1 = derive_key(b"0123456789abcdef", "clk:surname")
        >>> k2 = derive_key(b"0123456789abcdef", "clk:given")
        >>> len(k1), k1 != k2
        (32, True)
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode())
    return hkdf.derive(secret)


def keyed_digest(key: bytes, message: str) -> bytes:
    """HMAC-SHA512 of a message: 64 bytes, enough for 32 Bloom-filter positions."""
    return hmac.new(key, message.encode(), hashlib.sha512).digest()
