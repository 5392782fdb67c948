"""Uploaded photos are limited by pixels and decoded with decompression-bomb protection."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from ruta.permits import MAX_IMAGE_PIXELS, ImageTooLarge, NotAQrCode, make_qr, read_qr


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring ``width`` x ``height`` with a few bytes of data: what
    an attacker sends to make a decoder allocate gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # The first rows of zeros, deflated: tiny on the wire, huge once decoded.
    data = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (4001, 3000), (20_000, 20_000)])
def test_a_huge_declared_size_is_refused_before_decoding(width: int, height: int) -> None:
    png = huge_png(width, height)
    assert len(png) < 200_000
    with pytest.raises(ImageTooLarge, match="12 megapixels") as refused:
        read_qr(png)
    assert isinstance(refused.value, NotAQrCode) and refused.value.reason_code == "image_too_large"


def test_a_phone_photo_at_the_limit_is_read() -> None:
    qr = Image.open(io.BytesIO(_qr_png("RUTA1:LIMIT"))).convert("L")
    canvas = Image.new("L", (4000, 3000), 255)
    assert MAX_IMAGE_PIXELS == 4000 * 3000
    canvas.paste(qr, (100, 100))
    buf = io.BytesIO()
    canvas.save(buf, "PNG")
    assert read_qr(buf.getvalue()) == "RUTA1:LIMIT"


def _qr_png(text: str) -> bytes:
    buf = io.BytesIO()
    make_qr(text).save(buf, kind="png", scale=6)
    return buf.getvalue()
