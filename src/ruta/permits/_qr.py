"""QR codes: drawing a permit's QR and reading one back from a photo."""

from __future__ import annotations

import io
import warnings

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "ImageTooLarge",
    "NotAQrCode",
    "make_qr",
    "read_qr",
]

MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Largest photo decoded: 12 megapixels, what phone cameras take (4000 x 3000). Decoding
#: costs memory by pixels, not bytes: a PNG of a few kilobytes can declare 100,000 x
#: 100,000 pixels (40 GB once decoded), so the size is checked from the header, before
#: any pixel is decoded.
MAX_IMAGE_PIXELS = 12_000_000
_LIMIT_ADVICE = (
    f"send a photo of at most {MAX_IMAGE_PIXELS:,} pixels (12 megapixels), "
    "or crop it to the QR code"
)


class NotAQrCode(Exception):
    """The bytes are not an image, or the image holds no readable QR code."""


class ImageTooLarge(NotAQrCode):
    """The image has more pixels than :data:`MAX_IMAGE_PIXELS` (or is a decompression bomb).

    Attributes:
        reason_code: ``image_too_large`` (a verification result's reason).
    """

    reason_code = "image_too_large"


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
        with warnings.catch_warnings():
            # Pillow's own guard (Image.MAX_IMAGE_PIXELS, process-wide) only warns below
            # twice its limit; here any warning of a bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image)) as img:
                _check_pixels(img.width, img.height)
                img.load()
                results = zxingcpp.read_barcodes(
                    img.convert("L"),
                    formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
                )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses it from the header alone: far past any photo (a bomb).
        raise ImageTooLarge(f"{exc}; {_LIMIT_ADVICE}") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotAQrCode(f"not a readable image ({exc})") from None
    for result in results:
        if result.valid and result.text:
            return str(result.text)
    raise NotAQrCode("no QR code found in the image")


def _check_pixels(width: int, height: int) -> None:
    """Refuse an image over :data:`MAX_IMAGE_PIXELS` from its declared size.

    Examples:
        >>> _check_pixels(4000, 3000)
        >>> _check_pixels(100_000, 100_000)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.permits._qr.ImageTooLarge: image has 10,000,000,000 pixels; ...
    """
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageTooLarge(f"image has {width * height:,} pixels; {_LIMIT_ADVICE}")
