"""A birth date known only to the year, end to end in Chromium: the finder, the apply form it
prefills, the submitted application, a caseworker's proposal and a supervisor's decision.

A Venezuelan child in school in Colombia (PPT, ETPV group 4) knows only the year of birth;
14 years ago is under 18 whatever the day, so the PPT is open.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page
from tests.browser.conftest import Server, sign_in

pytestmark = pytest.mark.browser

BORN = str(datetime.now(UTC).year - 14)
#: Answers by fact: a label to choose, or "yes".
CHOICES = {
    "nationalities": "Venezuela",
    "in_host_country": "Yes",
    "in_school_or_child_protection": "Yes",
    "entry.authorized_crossing": "Yes",
}


def answer_the_finder(page: Page) -> None:
    """Answer what the engine asks; the birth date with the year alone, other yes/no "No"."""
    asked = []
    for _ in range(25):
        if page.url.endswith("/finder/check"):
            assert "date_of_birth" in asked, asked
            return
        fact = page.get_attribute("input[name=fact]", "value") or ""
        asked.append(fact)
        if fact == "host_country":
            page.select_option("#answer", label="Colombia")
        elif fact == "date_of_birth":
            page.fill("#answer-year", BORN)  # day and month stay empty
        elif fact == "entry.date":
            page.fill("#answer-day", "1")
            page.fill("#answer-month", "3")
            page.fill("#answer-year", "2022")
        elif fact in CHOICES:
            page.get_by_label(CHOICES[fact], exact=True).check()
        elif page.locator("#answer-none").count():
            page.check("#answer-none")
        else:
            page.get_by_label("No", exact=True).check()
        page.click("button >> text=Continue")
    raise AssertionError(f"the finder did not reach the check page: {asked}")


def test_a_year_only_birth_date_goes_from_the_finder_to_a_decision(
    browser: Browser, page: Page, server: Server
) -> None:
    page.goto(f"{server.url}/finder")
    page.click("text=Start now")
    answer_the_finder(page)
    # The check page says the year as it was given, not a made-up 1 January.
    assert re.search(rf"date of birth\?\s*{BORN}\s", page.inner_text("main"))
    page.click("text=See my results")
    page.click("a[href$='/apply/col.ppt']")
    page.click("text=Create an account")
    page.fill("#username", "luisa.rojas")
    page.fill("#password", "correct-horse-battery")
    page.click("button >> text=Create account")
    page.click("text=Continue")
    assert page.locator("h1").inner_text() == "Your details"
    # The finder's answer is carried into the form: the year, and the day and month left empty.
    assert page.input_value("#date_of_birth-year") == BORN
    assert page.input_value("#date_of_birth-month") == ""
    assert page.input_value("#date_of_birth-day") == ""
    page.fill("#given_names", "Luisa")
    page.fill("#surname_1", "Rojas")
    page.check("#sex")
    page.select_option("#nationality", "VEN")
    page.check("#document_type")
    page.fill("#document_number", "V30111222")
    page.click("button >> text=Continue")
    assert page.locator("h1").inner_text() == "Check your application before sending it"
    assert re.search(rf"Date of birth\s*{BORN}\b", page.inner_text("main"))
    page.click("button >> text=Send application")
    reference = page.inner_text("#reference")

    officer = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    desk = officer.new_page()
    sign_in(desk, server, "carla.cw")
    desk.goto(f"{server.url}/casework/queue?lang=es")  # the office reads Spanish from here on
    desk.click(f"text={reference}")
    evidence = desk.inner_text("main")
    assert re.search(rf"Fecha de nacimiento\s*{BORN}\b", evidence)
    desk.click("button >> text=Iniciar revisión")
    desk.check("#outcome")  # Approve
    desk.fill("#reasons", "Menor escolarizada; año de nacimiento según la partida")
    desk.click("button >> text=Proponer decisión")
    assert f"(fecha de nacimiento: {BORN})" in desk.inner_text("main")
    officer.close()

    boss = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    office = boss.new_page()
    sign_in(office, server, "diego.sup")
    office.goto(f"{server.url}/casework/queue?status=decision_proposed&lang=es")
    office.click(f"text={reference}")
    office.click("button >> text=Confirmar la decisión propuesta")
    assert office.locator("main h1 + p .tag--approved").count() == 1
    boss.close()

    page.click("text=Follow this application")
    assert page.locator("main .tag--approved").text_content() == "Approved"
    assert f"(date of birth: {BORN})" in page.inner_text("main")
