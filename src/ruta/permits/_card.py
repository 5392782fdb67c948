"""The printable permit card (PDF): ID-1 (85.6 x 54 mm, two sides) or A6 (one page).

Text is in the host country's language and, when different, the holder's; the QR is drawn
as vector rectangles so it stays sharp at any printer resolution. The card shows what the
QR says: it is made from the signed payload, never from separate data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ruta.i18n import LANGUAGES, N_, language_of, translator
from ruta.names import latin1
from ruta.permits._codec import unpack
from ruta.permits._cose import CoseRejected, decode_sign1
from ruta.permits._errors import PermitsError, reason_of
from ruta.permits._messages import field_label, right_label
from ruta.permits._payload import Permit, iso_birth_date, permit_from_claims
from ruta.permits._qr import make_qr

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf2 (with its fonts and Pillow) is imported by the function that draws a card: it
# takes most of a second to load, and the web service imports this package at start-up.

__all__ = ["CardSize", "permit_card_pdf"]

CardSize = Literal["id1", "a6"]

_TEXT: dict[str, str] = {
    "title": N_("Residence permit"),
    "photo": N_("Photo"),
    "number": N_("No."),
    "verify": N_("Check the QR code at /verify or with the verifier app."),
}


def _t(key: str, lang: str) -> str:
    return translator(lang, "permits").gettext(_TEXT[key])


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1 (all of es/pt/fr/ht); any other letter gets the one
    # transliteration that linkage and intake use (ruta.names), not a second one of its own.
    return latin1(text)


def _draw_qr(pdf: FPDF, payload: str, x: float, y: float, size: float) -> None:
    qr = make_qr(payload)
    rows = [list(r) for r in qr.matrix]
    n = len(rows)
    module = size / n
    pdf.set_fill_color(0, 0, 0)
    for j, row in enumerate(rows):
        i = 0
        while i < n:  # one rectangle per horizontal run of dark modules
            if row[i]:
                start = i
                while i < n and row[i]:
                    i += 1
                pdf.rect(
                    x + start * module, y + j * module, (i - start) * module, module, style="F"
                )
            else:
                i += 1


def _labels(permit: Permit, langs: list[str]) -> list[tuple[str, str]]:
    def both(name: str) -> str:
        return " / ".join(dict.fromkeys(field_label(name, lang).capitalize() for lang in langs))

    h = permit.holder
    rows = [(both("holder"), h.full_name)]
    if h.date_of_birth:
        # ISO at its precision, like the card's other dates: "1990" when only the year is
        # known, never an invented day.
        rows.append((both("born"), str(iso_birth_date(h.date_of_birth))))
    if h.nationality:
        rows.append(("Nat.", h.nationality))
    rows.append((" / ".join(dict.fromkeys(_t("number", lang) for lang in langs)), permit.permit_id))
    rows.append((both("validity"), f"{permit.valid_from} - {permit.valid_until}"))
    return rows


def _language(tag: str, field: str) -> str:
    """The supported language of a card's language tag; a permits refusal naming ``field``
    (the same sentence as :func:`ruta.i18n.require_language`'s, from the permits catalog)."""
    lang = language_of(tag)
    if lang is None:
        raise PermitsError(
            N_("got %(value)s; expected one of %(expected)s (a region such as pt-BR is accepted)"),
            field=field,
            value=repr(tag),
            expected=", ".join(LANGUAGES),
        )
    return lang


def permit_card_pdf(
    payload: str, *, host_lang: str = "es", holder_lang: str = "es", size: CardSize = "id1"
) -> bytes:
    """Render the card of a ``RUTA1:`` payload (the issuer's own; not verified here).

    Args:
        payload: The signed permit text.
        host_lang: Language of the issuing country (a BCP 47 tag: ``pt-BR`` is ``pt``).
        holder_lang: The holder's language; shown second when different.
        size: ``"id1"`` (two pages, 85.6 x 54 mm) or ``"a6"`` (one page, 105 x 148 mm).

    Returns:
        The PDF bytes.
    """
    host_lang = _language(host_lang, "host_lang")
    holder_lang = _language(holder_lang, "holder_lang")
    try:
        permit = permit_from_claims(decode_sign1(unpack(payload)).claims())
    except (CoseRejected, PermitsError) as exc:
        raise PermitsError(
            N_("not a RUTA1 permit (%(reason)s)"), field="payload", reason=reason_of(exc)
        ) from None
    from fpdf import FPDF

    langs = list(dict.fromkeys([host_lang, holder_lang]))
    if size == "id1":
        pdf = FPDF(orientation="L", unit="mm", format=(54.0, 85.6))
        width, qr_size = 85.6, 30.0
    else:
        pdf = FPDF(orientation="P", unit="mm", format=(105.0, 148.0))
        width, qr_size = 105.0, 55.0
    pdf.set_auto_page_break(False)
    pdf.set_margins(4, 4, 4)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 8 if size == "id1" else 11)
    title = " / ".join(dict.fromkeys(_t("title", lang) for lang in langs))
    pdf.multi_cell(
        width - 8,
        4 if size == "id1" else 5,
        _latin1(f"{permit.issuer_country} - {title}"),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    top = pdf.get_y() + 1
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(4, top, 16, 20)  # photo placeholder
    pdf.set_font("Helvetica", "", 5)
    pdf.text(6, top + 11, _latin1(_t("photo", host_lang)))
    y = top
    for label, value in _labels(permit, langs):
        pdf.set_xy(22, y)
        pdf.set_font("Helvetica", "", 4.5 if size == "id1" else 6)
        pdf.cell(0, 2.5, _latin1(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(22)
        pdf.set_font("Helvetica", "B", 6 if size == "id1" else 8)
        value_width = width - 22 - (qr_size + 6 if size == "id1" else 4)
        pdf.multi_cell(
            value_width,
            3 if size == "id1" else 3.6,
            _latin1(value),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        y = pdf.get_y() + 0.5
    qr_y = top if size == "id1" else max(y, top + 22) + 2
    qr_x = width - 4 - qr_size if size == "id1" else (width - qr_size) / 2
    _draw_qr(pdf, payload, qr_x, qr_y, qr_size)
    if size == "id1":
        pdf.add_page()
        y = 4.0
    else:
        y = qr_y + qr_size + 3
    for lang in langs:
        pdf.set_xy(4, y)
        pdf.set_font("Helvetica", "B", 6 if size == "id1" else 8)
        pdf.cell(
            0, 3, _latin1(field_label("rights", lang).capitalize()), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("Helvetica", "", 5.5 if size == "id1" else 7)
        pdf.multi_cell(
            width - 8,
            2.6 if size == "id1" else 3.2,
            _latin1("; ".join(right_label(r, lang) for r in permit.rights) or "-"),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        y = pdf.get_y() + 1.5
    pdf.set_xy(4, y)
    pdf.set_font("Helvetica", "I", 4.5 if size == "id1" else 6)
    pdf.multi_cell(
        width - 8, 2.4, _latin1(" ".join(_t("verify", lang) for lang in langs)), align="L"
    )
    return bytes(pdf.output())
