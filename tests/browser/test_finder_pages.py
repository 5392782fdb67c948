"""The finder pages of issue 15 §2 in Chromium with axe: the start page's promises, the
nationality type-ahead (a <datalist>, no JavaScript), and the results of a Venezuelan in
Colombia with the legal detail unfolded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from tests.browser.conftest import Server, axe_violations

pytestmark = pytest.mark.browser


def _no_violations(page: Page, where: str, found: dict[str, list[str]]) -> None:
    problems = [f"{v['id']}: {v['help']}" for v in axe_violations(page)]
    if problems:
        found[where] = problems


def _in_colombia(page: Page) -> None:
    """Answer the first two questions: in Colombia, and there now."""
    page.select_option("#answer", "COL")
    page.click("button >> text=Continuar")
    page.get_by_label("Sí", exact=True).check()
    page.click("button >> text=Continuar")


def test_finder_pages_of_issue_15_are_accessible(page: Page, server: Server) -> None:
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/finder?lang=es")
    _no_violations(page, "start", found)
    page.click("text=Empezar ahora")
    _in_colombia(page)
    assert page.get_attribute("input[name=fact]", "value") == "nationalities"
    _no_violations(page, "nationality", found)
    # The type-ahead refuses a name it does not know, naming the field.
    page.fill("#answer-other", "Narnia")
    page.click("button >> text=Continuar")
    assert page.locator(".error-summary a[href='#answer-other']").count() == 1
    _no_violations(page, "nationality error", found)
    page.fill("#answer-other", "")
    page.get_by_label("Venezuela", exact=True).check()
    page.click("button >> text=Continuar")
    for _ in range(10):
        fact = page.get_attribute("input[name=fact]", "value")
        if fact == "date_of_birth":
            page.fill("#answer-day", "12")
            page.fill("#answer-month", "3")
            page.fill("#answer-year", "1988")
        elif fact == "entry.date":
            page.fill("#answer-day", "4")
            page.fill("#answer-month", "6")
            page.fill("#answer-year", "2024")
        elif page.locator("#answer-none").count():
            page.check("#answer-none")
        else:
            page.get_by_label("No", exact=True).check()
        page.click("button >> text=Continuar")
        if page.url.endswith("/finder/check"):
            break
    page.click("text=Ver mis resultados")
    assert "Ninguna vía está abierta" in page.inner_text("main")
    for summary in page.locator("details > summary").all():
        summary.click()
    _no_violations(page, "results", found)
    assert found == {}, found


def test_results_with_answers_missing_are_accessible(page: Page, server: Server) -> None:
    """Before the country: every pathway by country. "I do not know" after the nationality:
    brief cards, each linking to its pathway's own page, given in full there."""
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/finder/results?lang=es")
    assert page.locator("main h3", has_text="Colombia").count() == 1
    _no_violations(page, "results by country", found)
    page.click("text=Responder las preguntas")
    _in_colombia(page)
    page.get_by_label("Venezuela", exact=True).check()
    page.click("button >> text=Continuar")
    if page.get_attribute("input[name=fact]", "value") == "nationalities.0.acquired":
        page.locator("input[name=answer]").first.check()
        page.click("button >> text=Continuar")
    page.click("text=No lo sé: ver los resultados con mis respuestas hasta ahora")
    page.click("text=Ver mis resultados")
    briefs = page.locator("section.result--brief")
    assert briefs.count() >= 3
    _no_violations(page, "results with answers missing", found)
    briefs.first.locator("p.more a").click()
    assert "/finder/results/col." in page.url
    assert page.locator("main h1").count() == 1
    for summary in page.locator("details > summary").all():
        summary.click()
    assert page.locator("main cite").count() >= 1
    _no_violations(page, "a pathway's own page", found)
    assert found == {}, found
