"""The shared chart style: colour-blind-safe, print-safe, readable back as SVG/PNG/PDF."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from PIL import Image

from ruta.charts import FORMATS, HATCHES, OKABE_ITO, Chart, bar_chart, render, series_style


def _chart() -> Chart:
    return bar_chart(
        title="Contribution",
        labels=["Education", "Occupation", "Région"],
        values=[0.05, -0.02, 0.01],
        errors=[0.01, 0.005, 0.002],
        value_label="Log points",
        series=[0, 1, 2],
        legend=["a", "b", "c"],
    )


def test_every_series_differs_by_pattern_as_well_as_colour() -> None:
    styles = [series_style(i) for i in range(len(OKABE_ITO))]
    assert len({s["hatch"] for s in styles}) == len(HATCHES) == len(styles)
    assert len({s["facecolor"] for s in styles}) == len(styles)


def test_svg_keeps_text_as_text_and_parses() -> None:
    svg = render(_chart(), "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Région" in svg.decode()  # accented labels survive as text, not paths
    assert "-0.020" in svg.decode() or "−0.020" in svg.decode()


def test_png_and_pdf_are_what_they_say() -> None:
    png = Image.open(io.BytesIO(render(_chart(), "png")))
    assert png.format == "PNG" and png.width > 1000  # 200 dpi: sharp in print
    assert render(_chart(), "pdf").startswith(b"%PDF")
    assert set(FORMATS) == {"svg", "png", "pdf"}


def test_data_table_carries_values_and_standard_errors() -> None:
    chart = _chart()
    assert chart.table.rows == (
        ("Education", "0.050", "0.010"),
        ("Occupation", "-0.020", "0.005"),
        ("Région", "0.010", "0.002"),
    )


def test_same_data_same_svg() -> None:
    assert render(_chart(), "svg") == render(_chart(), "svg")
