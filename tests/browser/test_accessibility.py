"""axe-core on the main pages: no serious or critical violations (WCAG 2.1 A/AA rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from tests.browser.conftest import (
    PASSWORD,
    Server,
    axe_violations,
    second_factor_code,
    sign_in,
)
from tests.browser.test_journey import answer_the_finder

pytestmark = pytest.mark.browser


def _check(page: Page, found: dict[str, list[str]]) -> None:
    problems = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in axe_violations(page)]
    if problems:
        found[page.url] = problems


def test_main_pages_have_no_serious_accessibility_violations(
    browser: Browser, page: Page, server: Server
) -> None:
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/finder")
    _check(page, found)
    page.click("text=Start now")
    _check(page, found)
    page.click("button >> text=Continue")  # the error state of a question page
    _check(page, found)
    answer_the_finder(page)
    _check(page, found)  # check your answers
    page.click("text=See my results")
    _check(page, found)
    page.click("text=Apply for this pathway")
    _check(page, found)  # sign in or create an account
    page.click("text=Create an account")
    _check(page, found)
    page.fill("#username", "axe.migrant")
    page.fill("#password", "correct-horse-battery")
    page.click("button >> text=Create account")
    _check(page, found)  # "your account is ready", with the name to sign in with
    page.click("text=Continue")
    page.click("button >> text=Continue")  # every error of the details form at once
    _check(page, found)
    page.fill("#given_names", "Rosa")
    page.fill("#surname_1", "Quispe")
    page.fill("#date_of_birth-day", "12")
    page.fill("#date_of_birth-month", "8")
    page.fill("#date_of_birth-year", "1988")
    page.check("#sex")
    page.select_option("#nationality", "BOL")
    page.check("#document_type")
    page.fill("#document_number", "B7654321")
    page.click("button >> text=Continue")
    _check(page, found)  # check your application
    page.click("button >> text=Add a person applying with you")
    page.click("button >> text=Add this person")  # the person form with its errors
    _check(page, found)
    page.fill("#member_given_names", "Luz")
    page.fill("#member_surname_1", "Quispe")
    page.fill("#member_dob-day", "3")
    page.fill("#member_dob-month", "9")
    page.fill("#member_dob-year", "2016")
    page.check("#member_relationship-3")  # Child
    page.check("#member_guardian")  # Me (the applicant)
    page.click("button >> text=Add this person")
    _check(page, found)  # check page with a household
    page.click("button >> text=Send application")
    _check(page, found)  # confirmation
    reference = page.inner_text("#reference")
    page.click("text=Follow this application")
    _check(page, found)  # tracking: documents, upload form, withdraw
    tracking = page.url
    page.goto(f"{server.url}/finder?lang=es")  # another language, same checks
    _check(page, found)

    officer = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    desk = officer.new_page()
    sign_in(desk, server, "bruno.sup")
    _check(desk, found)  # the queue (with the supervisor's bulk form)
    desk.click(f"text={reference}")
    _check(desk, found)  # the case page: trace, evidence, actions
    desk.click("text=Compare side by side")  # the possible duplicate from the registry
    _check(desk, found)  # /review/{id}: both records side by side, the decision form
    desk.goto(f"{server.url}/review")
    _check(desk, found)  # the review queue
    desk.goto(f"{server.url}/casework/dashboard")
    _check(desk, found)
    _check_appointment_pages(officer, desk, page, server, tracking, found)
    officer.close()
    assert found == {}


def _check_appointment_pages(
    officer: BrowserContext,
    desk: Page,
    migrant: Page,
    server: Server,
    tracking: str,
    found: dict[str, list[str]],
) -> None:
    """The office day (with the slot form and its errors), booking, and the booked case."""
    # A supervisor's API token needs the second factor too (issue 12 §4).
    otp = second_factor_code(server, "bruno.sup")
    token = officer.request.post(
        f"{server.url}/api/v1/auth/token",
        data={"username": "bruno.sup", "password": PASSWORD, "otp": otp},
    ).json()["access_token"]
    officer.request.post(
        f"{server.url}/api/v1/offices",
        data={"code": "AXE-01", "name": "Buenos Aires, Retiro"},
        headers={"Authorization": f"Bearer {token}"},
    )
    desk.goto(f"{server.url}/casework/appointments?office=AXE-01")
    _check(desk, found)  # the office day, empty, with the slot-opening form
    desk.click("button >> text=Open times")
    _check(desk, found)  # every error of the slot form
    day = date.today() + timedelta(days=3)
    desk.fill("#date-day", str(day.day))
    desk.fill("#date-month", str(day.month))
    desk.fill("#date-year", str(day.year))
    desk.fill("#start", "09:00")
    desk.fill("#end", "10:00")
    desk.click("button >> text=Open times")
    migrant.goto(f"{tracking}/appointment?lang=en")  # the migrant last chose Spanish
    _check(migrant, found)  # free times by office and day
    migrant.click("button >> text=Book appointment")
    _check(migrant, found)  # the booking page's error
    migrant.check("#slot")
    migrant.click("button >> text=Book appointment")
    _check(migrant, found)  # tracking with the booked appointment
    desk.goto(f"{server.url}/casework/appointments?office=AXE-01&day={day.isoformat()}")
    _check(desk, found)  # the day with a booking and its attendance buttons


def test_the_check_can_fail(page: Page, server: Server) -> None:
    # Guards the test above: an unlabeled field must be reported.
    page.goto(f"{server.url}/finder")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<input type=text><img src=x.png>')"
    )
    assert {v["id"] for v in axe_violations(page)} >= {"label", "image-alt"}


def test_contributions_abroad_page_is_accessible_without_javascript(
    page: Page, server: Server
) -> None:
    """My contributions abroad: empty, with errors, rows added, the answer, another language."""
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/finder")
    page.click("text=See what your contributions abroad count for")
    _check(page, found)  # the empty form
    page.click("button.button:has-text('Add up my periods')")  # the visible one
    _check(page, found)  # "enter at least one period"
    for index, (country, start, end) in enumerate(
        [("PER", ("3", "1998"), ("12", "2006")), ("CHL", ("1", "2007"), ("12", "2016"))]
    ):
        page.select_option(f"#country-{index}", country)
        page.fill(f"#from-{index}-month", start[0])
        page.fill(f"#from-{index}-year", start[1])
        page.fill(f"#to-{index}-month", end[0])
        page.fill(f"#to-{index}-year", end[1])
    page.click("button >> text=Add another period")
    _check(page, found)  # three rows, the new one focused
    page.select_option("#country-2", "ARG")
    page.fill("#from-2-month", "1")
    page.fill("#from-2-year", "2017")
    page.fill("#to-2-month", "6")
    page.fill("#to-2-year", "2025")
    page.press("#to-2-year", "Enter")  # Enter adds up (the form's first button), not "Remove"
    assert page.locator("#answer-title").inner_text() == "Your periods added up"
    assert page.locator("table").first.locator("tbody tr").count() == 3
    _check(page, found)  # the answer: table, reasons, citations, confidence
    page.goto(f"{server.url}/finder/contributions?lang=pt")
    _check(page, found)
    assert found == {}


def test_purpose_check_pages_are_accessible_without_javascript(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The employer/bank check: empty form, the missing-purpose error, both answers, in
    every language, with JavaScript off (the page needs none)."""
    from tests.browser.conftest import run_server

    from ruta.i18n import LANGUAGES
    from ruta.permits import KeyStore, issue_for_application
    from ruta.store import upgrade

    data = tmp_path_factory.mktemp("purpose-server")
    KeyStore(data / "keys").init("COL")
    today = date.today()
    payload = issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder={
            "given_names": "Ana María",
            "surname_1": "Pérez",
            "date_of_birth": "1990-01-02",
            "nationality": "VEN",
            "sex": "F",
        },
        valid_from=today,
        valid_until=today + timedelta(days=700),
        rights=["work", "banking"],
        status_index=1,
        keys_dir=data / "keys",
    ).payload
    url = f"sqlite:///{data / 'ruta.db'}"
    upgrade(url)
    found: dict[str, list[str]] = {}
    with run_server(data, url) as server:
        # axe runs as a script, so the checks use a normal context; the page has none.
        context = browser.new_context()
        page = context.new_page()
        refused: list[str] = []
        page.on(
            "console",
            lambda msg: refused.append(msg.text) if "Content Security" in msg.text else None,
        )
        for lang in LANGUAGES:
            page.goto(f"{server.url}/verify/purpose?lang={lang}")
            _check(page, found)
        page.goto(f"{server.url}/verify/purpose?lang=en")
        page.fill("#payload", payload)
        page.click("button[type=submit]")
        assert page.locator(".error-summary a[href='#purpose']").count() == 1
        _check(page, found)  # the purpose was not chosen
        for purpose, answer in (("employer", "Right to work"), ("bank", "Lawful residence")):
            page.check(f"input[name=purpose][value={purpose}]")
            page.fill("#payload", payload)
            page.click("button[type=submit]")
            assert page.locator(".verdict h2").inner_text() == "Valid"
            assert page.locator(f"dt >> text={answer}").count() == 1
            _check(page, found)
        context.close()
        no_js = browser.new_context(java_script_enabled=False).new_page()
        no_js.goto(f"{server.url}/verify/purpose?lang=es")
        no_js.check("input[name=purpose][value=bank]")
        no_js.fill("#payload", payload)
        no_js.click("button[type=submit]")
        assert no_js.locator(".verdict h2").inner_text() == "Válido"
        assert no_js.locator("dd >> text=Ana María Pérez").count() == 1
        no_js.context.close()
    assert found == {}
    assert refused == [], f"the page broke its Content-Security-Policy: {refused}"
