"""No dead ends (issue 15 §2): an adult Venezuelan who entered Colombia in 2024 has no
pathway open; the results say so in one sentence, then what can still be done and where
to get help, with the closed pathways folded away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import main_text, walk_finder

from ruta.web.ui._help import PartnersError, load_partners

VENEZUELAN_IN_COLOMBIA = {
    "host_country": "COL",
    "in_host_country": "true",
    "nationalities": ["VEN"],
    "nationalities.0.acquired": "birth",
    "date_of_birth": {"answer-day": "12", "answer-month": "3", "answer-year": "1988"},
    "entry.date": {"answer-day": "4", "answer-month": "6", "answer-year": "2024"},
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_adult_venezuelan_in_colombia_gets_next_steps(
    finder_client: TestClient, lang: str
) -> None:
    walk_finder(finder_client, VENEZUELAN_IN_COLOMBIA, lang)
    page = finder_client.get("/finder/results", params={"lang": lang})
    text = main_text(page.text)
    sentence = {"en": "No pathway is open to you today.", "es": "Ninguna vía está abierta"}
    assert sentence[lang] in text
    help_title = {"en": "Where to get help", "es": "Dónde pedir ayuda"}[lang]
    assert help_title in text and "https://www.migracioncolombia.gov.co" in text
    # The closed pathways are folded away: no red card outside the <details>.
    before, folded = text.split('<details class="closed-pathways">', 1)
    assert "tag--ineligible" not in before
    assert folded.count("<li><strong>") >= 3


def test_partner_organisations_come_from_the_offices_file(settings, tmp_path: Path) -> None:
    from fastapi import FastAPI
    from tests.web.forms import RenderedFormsClient

    from ruta.web.security import CsrfCookieMiddleware
    from ruta.web.ui import router as pages

    example = Path(__file__).parents[3] / "examples" / "partners.yaml"
    app = FastAPI()
    app.state.settings = settings.model_copy(update={"partners": example})
    app.add_middleware(CsrfCookieMiddleware)
    app.include_router(pages)
    with RenderedFormsClient(app) as client:
        walk_finder(client, VENEZUELAN_IN_COLOMBIA, "en")
        text = main_text(client.get("/finder/results", params={"lang": "en"}).text)
    assert "Example legal aid clinic" in text and "Free legal advice on regularization" in text
    assert "Example entry: this office has not listed its partners yet" in text
    assert "Example migrant support network" not in text  # an Argentine partner


def test_a_broken_partners_file_is_refused_with_its_entry(tmp_path: Path) -> None:
    broken = tmp_path / "partners.yaml"
    broken.write_text("partners:\n  - {country: COL, name: Clinic, url: http://x.org}\n")
    with pytest.raises(PartnersError, match=re.escape("entry 1: url must start with https://")):
        load_partners(broken)
