"""The RUTA1 text transport: ``"RUTA1:" + Base45(zlib(COSE_Sign1))``.

Decoding is defensive because the input comes from strangers: size limits before any work,
a bounded decompression (no zlib bomb), and no tolerance for extra bytes, so that a
changed character never decodes to the same signed bytes.
"""

from __future__ import annotations

import zlib

from ruta.permits._base45 import b45decode, b45encode
from ruta.permits._cose import CoseRejected

__all__ = ["MAX_INPUT_BYTES", "PREFIX", "pack", "unpack"]

PREFIX = "RUTA1:"
MAX_INPUT_BYTES = 8 * 1024
_MAX_INFLATED = 16 * 1024


def pack(cose: bytes) -> str:
    """Compress and Base45-encode COSE bytes and add the prefix."""
    return PREFIX + b45encode(zlib.compress(cose, 9))


def unpack(text: str) -> bytes:
    """Reverse :func:`pack`; raises ``CoseRejected`` with a reason code on any defect.

    Examples:
        >>> unpack(pack(b"hello")) == b"hello"
        True
        >>> unpack("HC1:6BFOXN")
        Traceback (most recent call last):
        ...
        ruta.permits._cose.CoseRejected: the text must start with RUTA1:
    """
    # After the text only line ends are trimmed: a space is a Base45 digit and must stay
    # significant. Before the prefix nothing is data, so any whitespace a paste brought
    # (a space, a no-break space from a web page or an e-mail) is trimmed.
    text = text.lstrip().rstrip("\r\n\t")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise CoseRejected("oversized", f"input is larger than {MAX_INPUT_BYTES} bytes")
    if not text.startswith(PREFIX):
        raise CoseRejected("bad_prefix", f"the text must start with {PREFIX}")
    try:
        compressed = b45decode(text[len(PREFIX) :])
    except ValueError as exc:
        raise CoseRejected("bad_base45", str(exc)) from None
    data = _inflate(compressed)
    if data is None:
        raise CoseRejected("bad_compression", "the payload is not complete zlib data")
    if not _padding_is_zero(compressed, data):
        raise CoseRejected("bad_compression", "the zlib data carries non-zero padding bits")
    return data


def _inflate(compressed: bytes) -> bytes | None:
    d = zlib.decompressobj()
    try:
        data = d.decompress(compressed, _MAX_INFLATED)
    except zlib.error:
        return None
    # Incomplete, too large, or followed by extra bytes: all refused.
    if not d.eof or d.unconsumed_tail or d.unused_data:
        return None
    return data


def _padding_is_zero(compressed: bytes, data: bytes) -> bool:
    """True when the unused high bits of the last deflate byte are zero.

    Deflate ignores those bits, so without this check a character change that only flips
    them would still decode. Clearing the highest set bit of that byte tells: if the data
    still inflates to the same bytes, that bit was padding.
    """
    last = len(compressed) - 5  # 4 bytes of Adler-32 follow the deflate stream
    if last < 2 or compressed[last] == 0:
        return True
    byte = compressed[last]
    cleared = byte & ~(1 << (byte.bit_length() - 1))
    probe = compressed[:last] + bytes([cleared]) + compressed[last + 1 :]
    return _inflate(probe) != data
