"""The public comparison page and its CSV: the same cells as ``ruta.pathways.compare``."""

from __future__ import annotations

import csv
import io

from ruta.pathways import compare

from .conftest import main_text


def test_comparison_page_and_csv_show_the_states_side_by_side(site):
    client = site.client()
    page = client.get("/pathways/compare", params={"template": "mercosur-temporary", "lang": "es"})
    assert page.status_code == 200
    html = page.text
    table = compare("mercosur-temporary", "es")
    arg = table.row("condition", "no_criminal_record").cells["ARG"]
    assert arg.value in html and arg.citation in html
    assert "En qué difieren las reglas de los Estados" in html
    assert html.count('<th scope="col">') == 2 + len(table.states)
    assert html.count('class="departs"') == sum(
        1 for r in table.rows for s in table.states if r.cells[s].departs
    )
    # Confidence is said in the page's language, not as the packs' English codes.
    assert '<strong class="tag tag--uncertain">INCIERTO</strong>' in html
    assert '<strong class="tag tag--medium">MEDIA</strong>' in html
    assert ">UNCERTAIN<" not in html and ">MEDIUM<" not in html
    # A parameter cites the rule that reads it; the permanence rule, which the pack does
    # not cite, says so in the reader's language.
    years = table.row("parameter", "residence_years").cells["ARG"]
    assert years.citation and years.citation in html
    assert table.row("permanence", "leads_to").cells["ARG"].citation in html
    assert "el paquete no cita fuente" in html

    download = client.get("/pathways/compare.csv", params={"template": "andean-temporary"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["kind", "id", "treaty", "BOL", "COL", "ECU", "PER"]
    assert len(rows) == 1 + len(compare("andean-temporary").rows)


def test_unknown_template_is_named_not_a_server_error(site):
    client = site.client()
    page = client.get("/pathways/compare", params={"template": "schengen", "lang": "en"})
    assert page.status_code == 422
    assert "Choose one of the treaties in the list" in main_text(page.text)
    missing = client.get("/pathways/compare.csv", params={"template": "schengen", "lang": "pt"})
    assert missing.status_code == 404
    assert missing.text.startswith("não há um modelo 'schengen'; use um de andean-permanent")


def test_the_comparison_is_reached_from_every_page_s_navigation(site):
    # A forum's reader (no account) finds it from the first page, in the page's language.
    page = site.client().get("/finder", params={"lang": "pt"})
    assert page.status_code == 200
    nav = page.text.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert '<a href="/pathways/compare">Como diferem as regras dos Estados</a>' in nav
