"""Language negotiation and the base layout (ruta.web.i18n).

The catalogs' completeness (every message of the pages in every language) is checked with
every other domain's in tests/i18n.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from ruta.web.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_COOKIE,
    negotiate_language,
    render,
    translator,
)


def test_translations_differ_from_english_where_expected() -> None:
    assert translator("es").gettext("Continue") == "Continuar"
    assert translator("pt").gettext("Check your answers") == "Confira suas respostas"
    assert translator("fr").gettext("Start now") == "Commencer"
    assert translator("en").gettext("Start now") == "Start now"


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("fr", "pt", "en", "fr"),
        (None, "pt", "en", "pt"),
        ("xx", "pt", None, "pt"),
        (None, None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, None, "de-DE,de;q=0.9,pt;q=0.5,en;q=0.7", "en"),
        (None, None, "en;q=0.1,pt", "pt"),
        (None, None, "de", DEFAULT_LANGUAGE),
        (None, None, "en;q=0", DEFAULT_LANGUAGE),
        (None, None, "en;q=abc", DEFAULT_LANGUAGE),
        (None, None, None, DEFAULT_LANGUAGE),
        ("PT", None, None, "pt"),
        ("ht-HT", "fr", None, "ht"),
        (None, None, "fr;q=0.3, ht-HT;q=0.9, en;q=0.5", "ht"),
        (None, None, "ht", "ht"),
        (None, "ht", "es-419", "ht"),
        (None, None, "de-CH;q=1, es-419;q=0.8", "es"),
    ],
)
def test_language_negotiation_order(query, cookie, accept, expected) -> None:
    assert negotiate_language(query, cookie, accept) == expected


@pytest.fixture()
def layout_client() -> TestClient:
    app = FastAPI()

    @app.get("/page")
    @app.post("/page/action")
    def page(request: Request):
        return render(request, "base.html", {"has_errors": request.query_params.get("e") == "1"})

    return TestClient(app)


def test_base_layout_is_accessible_and_translated(layout_client: TestClient) -> None:
    response = layout_client.get("/page", params={"lang": "pt", "x": "1"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="pt">' in html
    assert 'href="#main-content" class="skip-link">Ir para o conteúdo principal<' in html
    assert 'id="main-content"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    # The switcher keeps the other query parameters and marks the current language.
    assert 'href="/page?x=1&amp;lang=fr"' in html
    assert '<span aria-current="true" lang="pt">Português</span>' in html
    assert response.cookies.get(LANGUAGE_COOKIE) == "pt"


def test_cookie_then_header_choose_the_language(layout_client: TestClient) -> None:
    layout_client.cookies.set(LANGUAGE_COOKIE, "fr")
    assert '<html lang="fr">' in layout_client.get("/page").text
    layout_client.cookies.clear()
    html = layout_client.get("/page", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in html
    assert '<html lang="es">' in layout_client.get("/page").text


def test_error_pages_prefix_the_title(layout_client: TestClient) -> None:
    html = layout_client.get("/page", params={"e": "1", "lang": "en"}).text
    assert "<title>Error: " in html


def test_translated_text_is_not_an_injection_vector() -> None:
    from ruta.web.i18n import template_environment

    env = template_environment()
    template = env.from_string('{{ _("Question %(number)s", number=n) }}')
    from ruta.web.i18n import gettext_callables

    html = template.render(n="<script>", **gettext_callables("es"))
    assert html == "Pregunta &lt;script&gt;"


def test_switcher_on_a_form_error_page_links_to_the_form_page(layout_client: TestClient) -> None:
    html = layout_client.post(
        "/page/action", headers={"Referer": "http://testserver/page?step=2&lang=es"}
    ).text
    assert 'href="/page?step=2&amp;lang=pt"' in html
    foreign = layout_client.post("/page/action", headers={"Referer": "https://evil.example/x"})
    assert 'href="/?lang=pt"' in foreign.text


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"lang": "ht"}, {}), ({"lang": "ht-HT"}, {}), ({}, {"Accept-Language": "ht-HT,fr;q=0.5"})],
)
def test_pages_in_kreyol_by_query_or_header(layout_client: TestClient, params, headers) -> None:
    html = layout_client.get("/page", params=params, headers=headers).text
    assert '<html lang="ht">' in html
    assert "Ale dirèkteman nan kontni prensipal la" in html  # the skip link, in Kreyòl
    assert '<span aria-current="true" lang="ht">Kreyòl ayisyen</span>' in html
