"""The pay-gap report as one self-contained HTML file or a PDF.

HTML: charts inlined as SVG (text stays text, so screen readers and search work), each
followed by its data table; a print style sheet. PDF (fpdf2): the same sections with the
charts as 200-dpi PNG and matplotlib's bundled DejaVu Sans, which covers every served
language. Both are written to a temporary file and renamed, so a failed run never leaves
half a report.
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace
from jinja2 import Environment, PackageLoader, select_autoescape

from ruta.charts import render
from ruta.i18n import N_
from ruta.labour.paygap._analysis import PayGap
from ruta.labour.paygap._errors import PayGapError
from ruta.labour.paygap._report_model import ReportModel, report_model

__all__ = ["render_html", "render_pdf", "write_report"]

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_SVG_START = re.compile(r"^.*?(<svg\b)", re.DOTALL)


def _inline_svg(svg: bytes, label: str) -> str:
    text = _SVG_START.sub(r"\1", svg.decode("utf-8"), count=1)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def render_html(model: ReportModel) -> str:
    """The report as one HTML document (charts inline, no external files)."""
    env = Environment(
        loader=PackageLoader("ruta.labour.paygap", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    charts = [
        _inline_svg(render(s.chart, "svg"), s.chart.title) if s.chart else ""
        for s in model.sections
    ]
    return env.get_template("report.html").render(model=model, charts=charts)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, str(self.page_no()), align="C")


def render_pdf(model: ReportModel) -> bytes:
    """The report as A4 PDF bytes."""
    pdf = _Pdf(format="A4")
    pdf.set_title(model.title)
    pdf.set_lang(model.lang)
    pdf.add_font("DejaVu", "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    _para(pdf, 0, 9, model.title)
    pdf.set_font("DejaVu", size=9)
    _para(pdf, 0, 5, f"{model.labels['source']}: {model.source}")
    _heading(pdf, model.labels["summary"])
    pdf.set_font("DejaVu", size=10.5)
    for paragraph in model.summary:
        _para(pdf, 0, 5.5, paragraph)
        pdf.ln(2)
    if model.uncertain:
        pdf.set_fill_color(255, 246, 224)
        _para(pdf, 0, 5.5, f"{model.labels['uncertain']}: {model.uncertain}", fill=True)
    for section in model.sections:
        _heading(pdf, section.title)
        pdf.set_font("DejaVu", size=9.5)
        _para(pdf, 0, 5, section.text)
        if section.chart is not None:
            width_in, height_in = section.chart.figure.get_size_inches()
            width = pdf.epw * 0.92
            if pdf.will_page_break(width * height_in / width_in + 4):
                pdf.add_page()
            pdf.image(io.BytesIO(render(section.chart, "png")), w=width)
        pdf.ln(1)
        pdf.set_font("DejaVu", size=8.5)
        head = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
        with pdf.table(
            headings_style=head, text_align="LEFT", line_height=4.6, first_row_as_headings=True
        ) as table:
            table.row(section.columns)
            for row in section.rows:
                table.row(row)
    _heading(pdf, model.labels["method"])
    pdf.set_font("DejaVu", size=9.5)
    for note in model.notes:
        _para(pdf, 0, 5, f"• {note}")
        pdf.ln(1)
    return bytes(pdf.output())


def _para(pdf: FPDF, width: float, height: float, text: str, fill: bool = False) -> None:
    pdf.multi_cell(width, height, text, fill=fill, new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    _para(pdf, 0, 7, text)
    pdf.set_draw_color(0, 114, 178)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(2)


def write_report(result: PayGap, path: Path, lang: str = "en", source: str | None = None) -> Path:
    """Write the report to ``path``: HTML for ``.html``/``.htm``, PDF for ``.pdf``.

    Raises:
        PayGapError: Another extension, or a directory that does not exist.
    """
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise PayGapError(
            N_("got %(name)s; expected a file ending in .html or .pdf"),
            field="report",
            name=repr(path.name),
        )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise PayGapError(
            N_("directory %(directory)s does not exist; create it first"),
            field="report",
            directory=str(directory),
        )
    model = report_model(result, lang, source or str(result.survey.columns.wage))
    data = render_pdf(model) if suffix == ".pdf" else render_html(model).encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
