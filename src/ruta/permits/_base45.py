"""Base45 (RFC 9285): the text encoding that fits the QR alphanumeric mode.

Written here rather than imported because the algorithm is a few lines and the PyPI
packages for it are small and lightly maintained.
"""

from __future__ import annotations

__all__ = ["ALPHABET", "b45decode", "b45encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


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
        values = [_VALUE[c] for c in text]
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} is not a Base45 character") from None
    if len(values) % 3 == 1:
        raise ValueError(f"Base45 text of length {len(text)} cannot be decoded (length % 3 == 1)")
    out = bytearray()
    full = len(values) - len(values) % 3
    # Hot path of every verification: iterate triples through one shared iterator.
    it = iter(values[:full])
    for c, d, e in zip(it, it, it, strict=True):
        n = c + d * 45 + e * 2025
        if n > 0xFFFF:
            group = text[len(out) // 2 * 3 : len(out) // 2 * 3 + 3]
            raise ValueError(f"Base45 group {group!r} is above 65535")
        out += n.to_bytes(2, "big")
    if full < len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise ValueError(f"Base45 final group {text[full:]!r} is above 255")
        out.append(n)
    return bytes(out)
