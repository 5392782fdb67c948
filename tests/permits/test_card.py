"""The printable card: text in both languages, and a vector QR equal to the payload's."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

import pytest

from ruta.permits import PemSigner, Permit, PermitsError, issue_permit, make_qr, permit_card_pdf


def _page_streams(pdf: bytes) -> list[str]:
    """Decompressed content streams, in order (fpdf2 writes one per page, Flate)."""
    out = []
    # Slice by /Length: compressed bytes may themselves end in CR or LF.
    for m in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", pdf):
        data = pdf[m.end() : m.end() + int(m.group(1))]
        try:
            out.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue  # not Flate (images, fonts)
    return [s for s in out if " re" in s or " Tj" in s]


def _text(streams: list[str]) -> str:
    """Shown strings joined by spaces, so a phrase wrapped over two lines still matches."""
    return " ".join(m for s in streams for m in re.findall(r"\((.*?)\) Tj", s))


def _filled_area(stream: str) -> float:
    return sum(
        abs(float(w) * float(h))
        for w, h in re.findall(r"[-\d.]+ [-\d.]+ ([-\d.]+) ([-\d.]+) re f", stream)
    )


@pytest.mark.parametrize("size,pages,qr_mm", [("id1", 2, 30.0), ("a6", 1, 55.0)])
def test_card_layout_text_and_qr(
    issuer_signer: PemSigner,
    permit_factory: Callable[..., Permit],
    size: str,
    pages: int,
    qr_mm: float,
) -> None:
    payload = issue_permit(permit_factory(), issuer_signer)
    pdf = permit_card_pdf(payload, host_lang="es", holder_lang="fr", size=size)  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF-")
    streams = _page_streams(pdf)
    assert len(streams) == pages
    text = _text(streams)
    for needle in (
        "Permiso de residencia / Titre de s\xe9jour",
        "Mar\xeda Fernanda",
        "COL-7K2M9Q4X1B",
        "2026-01-10 - 2028-01-09",
        "Derechos",
        "Droits",
        "Abrir una cuenta bancaria",
        "Ouvrir un compte bancaire",
    ):
        assert needle in text, needle
    # The dark area drawn equals the dark modules of the payload's own QR code.
    matrix = make_qr(payload).matrix
    module_pt = qr_mm / len(matrix) * 72 / 25.4
    dark = sum(sum(1 for v in row if v) for row in matrix)
    assert _filled_area(streams[0]) == pytest.approx(dark * module_pt**2, rel=0.01)


def test_one_language_when_host_and_holder_share_it(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    text = _text(
        _page_streams(
            permit_card_pdf(
                issue_permit(permit_factory(), issuer_signer), host_lang="pt", holder_lang="pt"
            )
        )
    )
    assert "Autoriza\xe7\xe3o de resid\xeancia" in text and "Droits" not in text


def test_names_outside_latin1_are_transliterated(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    from ruta.permits import Holder

    p = permit_factory(holder=Holder("Łucja", "Dvořák"))
    text = _text(_page_streams(permit_card_pdf(issue_permit(p, issuer_signer))))
    assert "Lucja Dvor\xe1k" in text


def test_card_prints_other_scripts_as_linkage_folds_them(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    from ruta.names import fold
    from ruta.permits import Holder

    # Cyrillic, Chinese and Nordic letters get the transliteration that dedupe and intake
    # compare (ruta.names), and the Kreyòl accents stay: they are in the card's fonts.
    holder = Holder("Олена Søren", "王 Pòl")
    text = _text(
        _page_streams(permit_card_pdf(issue_permit(permit_factory(holder=holder), issuer_signer)))
    )
    assert "Olena S\xf8ren Wang P\xf2l" in text
    assert fold("Olena S\xf8ren Wang P\xf2l") == fold(holder.full_name)


@pytest.mark.parametrize(
    "payload,kwargs,field",
    [
        ("RUTA1:XYZ", {}, "payload"),
        ("hello", {}, "payload"),
        (None, {"host_lang": "de"}, "host_lang"),
        (None, {"holder_lang": "xx-ES"}, "holder_lang"),
    ],
)
def test_bad_input(
    issuer_signer: PemSigner,
    permit_factory: Callable[..., Permit],
    payload: str | None,
    kwargs: dict[str, str],
    field: str,
) -> None:
    text = payload or issue_permit(permit_factory(), issuer_signer)
    with pytest.raises(PermitsError) as err:
        permit_card_pdf(text, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_a_birth_known_only_to_the_year_is_printed_as_the_year(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    from ruta.permits import Holder

    p = permit_factory(holder=Holder("Ana", "Pérez", date_of_birth="1990", nationality="HTI"))
    text = _text(_page_streams(permit_card_pdf(issue_permit(p, issuer_signer))))
    assert "1990" in text and "1990-01-01" not in text


def test_a_card_in_kreyol_reads_back_with_its_accents(
    issuer_signer: PemSigner, permit_factory: Callable[..., Permit]
) -> None:
    """Kreyòl fits the card's Latin-1 fonts (ò, è): read back by pypdf, not by our writer."""
    import io

    from pypdf import PdfReader

    pdf = permit_card_pdf(
        issue_permit(permit_factory(), issuer_signer), host_lang="es", holder_lang="ht-HT"
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for needle in (
        "Permiso de residencia / Pèmi rezidans",
        "Dwa",
        "Louvri yon kont labank",
        "Verifye kòd QR la",
    ):
        assert needle in text, needle
