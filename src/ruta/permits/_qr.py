"""QR codes: drawing a permit's QR and reading one back from a photo."""

from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

__all__ = ["MAX_IMAGE_BYTES", "NotAQrCode", "make_qr", "read_qr"]

MAX_IMAGE_BYTES = 10 * 1024 * 1024
_MAX_PIXELS = 40_000_000  # well above phone cameras, well below a decompression bomb


class NotAQrCode(Exception):
    """The bytes are not an image, or the image holds no readable QR code."""


def make_qr(payload: str) -> segno.QRCode:
    """The permit QR: alphanumeric mode (Base45 is its alphabet), error correction M.

    Examples:
        >>> make_qr("RUTA1:ABC").mode, make_qr("RUTA1:ABC").error
        ('alphanumeric', 'M')
    """
    return segno.make_qr(payload, mode="alphanumeric", error="m", boost_error=False)


def read_qr(image: bytes) -> str:
    """Text of the first QR code found in an image (PNG, JPEG, ...).

    Raises:
        NotAQrCode: Too large, not an image, or no QR code in it.
    """
    if len(image) > MAX_IMAGE_BYTES:
        raise NotAQrCode(f"image larger than {MAX_IMAGE_BYTES} bytes")
    try:
        with Image.open(io.BytesIO(image)) as img:
            if img.width * img.height > _MAX_PIXELS:
                raise NotAQrCode("image has too many pixels")
            img.load()
            results = zxingcpp.read_barcodes(img.convert("L"),
                                             formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAQrCode(f"not a readable image ({exc})") from None
    for result in results:
        if result.valid and result.text:
            return str(result.text)
    raise NotAQrCode("no QR code found in the image")
