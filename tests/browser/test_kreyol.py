"""Kreyòl end to end in Chromium: a browser that asks for ht-HT gets the finder in Kreyòl,
answers it to a result, and every page on the way is axe-clean, without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page
from tests.browser.conftest import Server, axe_violations
from tests.browser.test_journey import answer_the_finder

pytestmark = pytest.mark.browser

# A Bolivian in Argentina, as in the English journey: MERCOSUR temporary residence.
ANSWERS = {
    "host_country": "Ajantin",
    "nationalities": "Bolivi",
    "nationalities.0.acquired": "Depi nesans",
}


def _axe_clean(page: Page, found: dict[str, list[str]]) -> None:
    problems = [f"{v['id']}: {v['help']}" for v in axe_violations(page)]
    if problems:
        found[page.url] = problems


def test_the_finder_in_kreyol_to_a_result(browser: Browser, server: Server) -> None:
    context = browser.new_context(
        locale="ht-HT", extra_http_headers={"Accept-Language": "ht-HT,ht;q=0.9,fr;q=0.5"}
    )
    context.route("**/*.js", lambda route: route.abort())  # the pages need no JavaScript
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/finder")
    assert page.get_attribute("html", "lang") == "ht"
    assert page.locator(".language-switcher [aria-current=true]").inner_text() == "Kreyòl ayisyen"
    _axe_clean(page, found)
    page.click("text=Kòmanse kounye a")
    _axe_clean(page, found)
    answer_the_finder(page, ANSWERS, no="Non", go_on="Kontinye")
    assert page.locator("h1").inner_text() == "Verifye repons ou yo"
    _axe_clean(page, found)
    page.click("text=Wè rezilta mwen yo")
    main = page.inner_text("main")
    assert "1 chemen ouvè pou ou jodi a." in main
    assert "Rezidans tanporè MERCOSUR" in main and "OU KA APLIKE" in main.upper()
    # The conditions are folded under the plain summary (issue 15 §2): read the folded text too.
    assert "Chemen sa a se pou moun ki vle viv nan Ajantin." in (page.text_content("main") or "")
    assert page.get_attribute("html", "lang") == "ht"
    _axe_clean(page, found)
    page.goto(f"{server.url}/translations")
    assert page.locator("h1").inner_text() == "Tradiksyon"
    _axe_clean(page, found)
    context.close()
    assert found == {}, found
