"""/translations: per language and catalog, messages, translated and not reviewed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ruta.i18n import LANGUAGES, translation_status


def test_the_page_lists_every_language_and_what_awaits_review(finder_client: TestClient) -> None:
    page = finder_client.get("/translations", params={"lang": "ht"})
    assert page.status_code == 200
    assert '<html lang="ht">' in page.text
    assert "<h1>Tradiksyon</h1>" in page.text
    for code, name in LANGUAGES.items():
        assert f'<h2 id="lang-{code}"><span lang="{code}">{name}</span> ({code})</h2>' in page.text
    # Kreyòl is the one language awaiting review, and its web catalog row says how much.
    pending = re.search(r'<div class="panel" id="unreviewed">(.*?)</div>', page.text, re.S)
    assert pending is not None and 'href="#lang-ht"' in pending.group(1)
    assert 'href="#lang-fr"' not in pending.group(1)
    web = next(r for r in translation_status() if r.lang == "ht" and r.domain == "web")
    row = (
        '<th scope="row">katalòg web</th>\n'
        f'    <td class="numeric">{web.messages}</td>\n'
        f'    <td class="numeric">{web.translated}</td>\n'
        f'    <td class="numeric">{web.unreviewed}</td>'
    )
    assert row in page.text


def test_the_footer_links_to_the_page(finder_client: TestClient) -> None:
    page = finder_client.get("/finder", params={"lang": "es"})
    assert '<a href="/translations">Traducciones y su revisión</a>' in page.text
