"""End to end in Chromium: finder -> apply -> review -> decide, with no JavaScript needed,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page
from tests.browser.conftest import Server, sign_in

pytestmark = pytest.mark.browser

# A Bolivian in Argentina: eligible for MERCOSUR temporary residence.
ANSWERS = {
    "host_country": "Argentina",
    "nationalities": "Bolivia",
    "nationalities.0.acquired": "From birth",
}


def answer_the_finder(
    page: Page, answers: dict[str, str] = ANSWERS, no: str = "No", go_on: str = "Continue"
) -> None:
    """Answer whatever the engine asks; yes/no questions get "No" (``no``, in the page's
    language), and ``go_on`` is the Continue button's text."""
    for _ in range(20):
        if page.url.endswith("/finder/check"):
            return
        fact = page.get_attribute("input[name=fact]", "value")
        if fact == "host_country":
            page.select_option("#answer", label=answers[fact])
        elif fact in answers:
            page.get_by_label(answers[fact], exact=True).check()
        elif page.locator("#answer-none").count():
            page.check("#answer-none")
        else:
            page.get_by_label(no, exact=True).check()
        page.click(f"button >> text={go_on}")
    raise AssertionError("the finder did not reach the check page")


def test_migrant_applies_and_the_office_decides(
    browser: Browser, page: Page, any_server: Server
) -> None:
    """The whole scenario, on SQLite and on PostgreSQL."""
    server = any_server
    page.goto(f"{server.url}/finder")
    page.click("text=Start now")
    # A Continue with nothing chosen shows the error summary, linked to the field.
    page.click("button >> text=Continue")
    assert page.title().startswith("Error: ")
    page.click(".error-summary a")
    assert page.evaluate("document.activeElement.id") == "answer"
    answer_the_finder(page)
    assert page.locator("h1").inner_text() == "Check your answers"
    page.click("text=See my results")
    assert "1 pathway is open to you today." in page.inner_text("main")
    page.click("text=Apply for this pathway")
    page.click("text=Create an account")
    page.fill("#username", "maria.perez")
    page.fill("#password", "correct-horse-battery")
    page.click("button >> text=Create account")
    assert page.locator("h1").inner_text() == "Your account is ready"
    assert page.locator("#username").inner_text().startswith("maria.perez-")
    page.click("text=Continue")
    assert page.locator("h1").inner_text() == "Your details"
    page.fill("#given_names", "María José")
    page.fill("#surname_1", "Pérez")
    page.fill("#date_of_birth-day", "1")
    page.fill("#date_of_birth-month", "5")
    page.fill("#date_of_birth-year", "1990")
    page.check("#sex")
    page.select_option("#nationality", "BOL")
    page.check("#document_type")
    page.fill("#document_number", "A1234567")
    page.click("button >> text=Continue")
    page.click("button >> text=Send application")
    reference = page.inner_text("#reference")
    assert re.fullmatch(r"[0-9A-F]{8}", reference)

    officer = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    desk = officer.new_page()
    sign_in(desk, server, "ana.cw")
    assert desk.url.endswith("/casework/queue")
    desk.click(f"text={reference}")
    assert "Engine assessment" in desk.inner_text("main")
    desk.click("button >> text=Start review")
    desk.check("#outcome")  # Approve
    desk.fill("#reasons", "Nationality and clean record proven")
    desk.click("button >> text=Propose decision")
    assert "Proposed decision" in desk.inner_text("main")
    officer.close()

    boss = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    office = boss.new_page()
    sign_in(office, server, "bruno.sup")
    office.goto(f"{server.url}/casework/queue?status=decision_proposed")
    office.click(f"text={reference}")
    office.click("button >> text=Confirm the proposed decision")
    assert office.locator("main h1 + p .tag--approved").count() == 1
    boss.close()

    page.click("text=Follow this application")
    assert page.locator("main .tag--approved").text_content() == "Approved"
