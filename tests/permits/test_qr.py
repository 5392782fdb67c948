"""QR generation (size budget) and QR reading from images."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from ruta.permits import NotAQrCode, PemSigner, Permit, issue_permit, make_qr, read_qr


def _png(qr_text: str, scale: int = 4) -> bytes:
    buf = io.BytesIO()
    make_qr(qr_text).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def test_typical_permit_fits_version_17_at_level_m(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    # With the standard claims (typ header, status-list URI) a full permit with a photo
    # hash needs about 120 characters more than before: versions 15-17 (docs/performance.md).
    uri = "https://migracion.example.gov/permits/status/COL.json"
    qr = make_qr(issue_permit(permit_factory(status_uri=uri), issuer_signer))
    assert qr.mode == "alphanumeric" and qr.error == "M"
    assert isinstance(qr.version, int) and qr.version <= 17


def test_qr_image_reads_back_to_the_payload(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    assert read_qr(_png(text)) == text


def test_photo_like_jpeg_reads_back(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    img = (
        Image.open(io.BytesIO(_png(text, scale=6)))
        .convert("RGB")
        .rotate(7, expand=True, fillcolor="white")
    )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    assert read_qr(buf.getvalue()) == text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text, not an image",
        b"\x89PNG\r\n\x1a\n broken",
    ],
)
def test_not_an_image(data: bytes) -> None:
    with pytest.raises(NotAQrCode, match="not a readable image"):
        read_qr(data)


def test_image_without_a_qr_code() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (200, 120), "white").save(buf, "PNG")
    with pytest.raises(NotAQrCode, match="no QR code"):
        read_qr(buf.getvalue())


def test_too_large_upload() -> None:
    with pytest.raises(NotAQrCode, match="larger than"):
        read_qr(b"\x00" * (10 * 1024 * 1024 + 1))
