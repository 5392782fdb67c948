"""Base45 (RFC 9285): the text encoding that fits the QR alphanumeric mode.

Written here rather than imported because the algorithm is a few lines and the PyPI
packages for it are small and lightly maintained.
"""

from __future__ import annotations

__all__ = ["ALPHABET", "b45decode", "b45encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 255
_TABLE = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else _INVALID for b in range(256))
_WEIGHTS = (1, 45, 2025)


def b45encode(data: bytes) -> str:
    """Encode bytes as Base45 text.

    Examples:
        >>> b45encode(b"AB")
        'BB8'
        >>> b45encode(b"ietf!")
        'QED8WEX0'
    """
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        e, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[e])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45 text; raises ``ValueError`` on a character or group that is not Base45.

    Examples:
        >>> b45decode("QED8WEX0")
        b'ietf!'
        >>> b45decode("GGW")
        Traceback (most recent call last):
        ...
        ValueError: Base45 group 'GGW' is above 65535
    """
    try:
        raw = text.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError:
        raise ValueError("Base45 text must be ASCII") from None
    if _INVALID in raw:
        bad = text[raw.index(_INVALID)]
        raise ValueError(f"{bad!r} is not a Base45 character")
    if len(raw) % 3 == 1:
        raise ValueError(f"Base45 text of length {len(text)} cannot be decoded (length % 3 == 1)")
    full = len(raw) - len(raw) % 3
    # Imported here, not at the top: NumPy is a noticeable part of the web service's
    # start-up, which imports this package, and only decoding needs it.
    import numpy as np

    # Vectorised because this runs on every verification: a Python loop over the ~150
    # triples of a permit costs more than the ECDSA check itself.
    groups = np.frombuffer(raw, dtype=np.uint8, count=full).reshape(-1, 3).astype(np.uint32)
    values = groups @ np.array(_WEIGHTS, dtype=np.uint32)
    if values.size and int(values.max()) > 0xFFFF:
        at = int(np.argmax(values > 0xFFFF)) * 3
        raise ValueError(f"Base45 group {text[at : at + 3]!r} is above 65535")
    out = values.astype(">u2").tobytes()
    if full < len(raw):
        n = raw[full] + raw[full + 1] * 45
        if n > 0xFF:
            raise ValueError(f"Base45 final group {text[full:]!r} is above 255")
        out += bytes([n])
    return out
