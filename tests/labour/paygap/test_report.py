"""Reports in every served language: translated, every figure with its standard error."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ruta.i18n import LANGUAGES
from ruta.labour.paygap import analyse, survey_from_table, synthetic_survey
from ruta.labour.paygap._report import render_html
from ruta.labour.paygap._report_model import report_model


@pytest.fixture(scope="module")
def result(survey_columns):
    return analyse(survey_from_table(synthetic_survey(1_500, seed=3)[0], survey_columns()))


class _Tables(HTMLParser):
    """Collects table rows and svg roles with the standard library's parser."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.svg_labels: list[str] = []
        self._cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = True
            self.rows[-1].append("")
        if tag == "svg":
            self.svg_labels.append(dict(attrs).get("aria-label", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = False

    def handle_data(self, data):
        if self._cell and self.rows:
            self.rows[-1][-1] += data


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_report_reads_in_every_language(result, lang: str) -> None:
    model = report_model(result, lang, "encuesta.csv")
    english = report_model(result, "en", "encuesta.csv")
    if lang != "en":
        assert model.title != english.title and model.summary[0] != english.summary[0]
    parser = _Tables()
    parser.feed(render_html(model))
    assert all(parser.svg_labels) and len(parser.svg_labels) >= 5  # every chart is labelled
    figure_rows = [r for r in parser.rows if len(r) >= 3 and r[1] and r[1][0].isdigit()]
    assert figure_rows and all(r[2] for r in figure_rows)  # a standard error beside each


def test_summary_says_more_when_migrants_earn_more(survey_columns) -> None:
    table, _ = synthetic_survey(1_500, seed=3, migrant_penalty=-0.6)
    flipped = analyse(survey_from_table(table, survey_columns()))
    assert "more per hour" in report_model(flipped, "en", "x.csv").summary[0]
