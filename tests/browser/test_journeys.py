"""Issue 15's journeys, walked in Chromium through the rendered pages as people use them.

Each test is one journey: a migrant on a phone in Spanish and in Portuguese from the finder
to a sent application and a booked appointment; the Venezuelan adult in Colombia to a page
with next steps; a shared phone after sign-out; a caseworker's request for information and
the applicant's answer; an approved applicant downloading the permit. Every step clicks or
types in the page (no hand-made posts), selects fields by their label or role in the page's
language (read from the catalogs, so a renamed field or a lost translation fails here), and
runs axe-core on each page (no serious or critical violation).

Screenshots of the key pages for docs/journeys.md are written only when ``SCREENSHOTS_DIR``
is set (a plain variable, not a ``RUTA_*`` setting: the service never reads it)::

    SCREENSHOTS_DIR=docs/journeys .venv/bin/pytest tests/browser/test_journeys.py -p no:randomly
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from tests.browser.conftest import (
    PASSWORD,
    Server,
    axe_violations,
    finish_second_factor,
)

from ruta.cases.actions import do_create_office, do_open_slot_range
from ruta.i18n import gettext
from ruta.pathways import country_name
from ruta.store import make_engine, make_sessionmaker
from ruta.store.models import User

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
#: An office of Argentina that takes appointments in these walks (opened in the database by
#: its supervisor before the walks: office set-up is not a journey of issue 15).
OFFICE_CODE = "JOURNEY-BA"
OFFICE_NAME = "Buenos Aires, Retiro"
#: Where the screenshots go (unset: none are taken, which keeps the ordinary run fast).
SHOTS = os.environ.get("SCREENSHOTS_DIR")
#: Locales of the browser per page language.
LOCALES = {"es": "es-AR", "pt": "pt-BR", "en": "en-GB"}


@dataclass
class Walk:
    """One person's walk through the pages: their tab, its language, what axe found."""

    page: Page
    lang: str
    journey: str
    found: dict[str, list[str]] = field(default_factory=dict)
    #: No screenshots (a walk's way to the page its journey is about, shown elsewhere).
    quiet: bool = False

    def t(self, message: str) -> str:
        """``message`` as the page says it in the walk's language."""
        return gettext(self.lang, "web", message)

    def named(self, name: str) -> Locator:
        """The link or button whose accessible name starts with ``name`` (translated)."""
        text = self.t(name)
        pattern = re.compile("^" + re.escape(text))
        return self.page.get_by_role("link", name=pattern).or_(
            self.page.get_by_role("button", name=pattern)
        )

    def press(self, name: str) -> None:
        """Click the link or button called ``name`` (translated), and let the page it
        leads to load (the click returns once a navigation has started)."""
        self.named(name).first.click()
        self.page.wait_for_load_state("load")

    def field(self, label: str) -> Locator:
        """The form field labelled ``label`` (translated, exact)."""
        return self.page.get_by_label(self.t(label), exact=True)

    def heading(self) -> str:
        return self.page.locator("main h1").first.inner_text().strip()

    def check(self, step: str | None = None, show: Locator | None = None) -> None:
        """axe-core on the page; with ``step``, a screenshot for docs/ when asked for (of
        the screen that shows ``show``, if given).

        A quiet walk's pages are the migrant walks' own, checked there: axe is not run
        on them again (each run takes seconds on a loaded machine).
        """
        if self.quiet:
            return
        problems = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in axe_violations(self.page)
        ]
        if problems:
            self.found[f"{self.journey} {self.page.url}"] = problems
        if step and SHOTS:
            if show is not None:
                show.scroll_into_view_if_needed()
            _screenshot(self.page, Path(SHOTS) / f"{self.journey}-{step}.png")


def _screenshot(page: Page, path: Path) -> None:
    """The visible part of the page as a small PNG (a 64-colour palette is plenty for
    these flat pages and keeps each file near 30-60 KB)."""
    from io import BytesIO

    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.open(BytesIO(page.screenshot(full_page=False)))
    image.convert("RGB").quantize(colors=64).save(path, optimize=True)


@pytest.fixture(scope="module")
def office(server: Server) -> str:
    """Argentina's office for these walks, with free times three days from now."""
    assert server.data is not None
    engine = make_engine(f"sqlite:///{server.data / 'ruta.db'}")
    with make_sessionmaker(engine)() as session:
        supervisor = session.scalars(select(User).where(User.username == "bruno.sup")).one()
        do_create_office(session, supervisor, OFFICE_CODE, OFFICE_NAME)
        day = (datetime.now(UTC) + timedelta(days=3)).date()
        do_open_slot_range(session, supervisor, OFFICE_CODE, day, time(9), time(12), 30, 2)
    engine.dispose()
    return OFFICE_NAME


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Any]:
    """Opens a fresh browser (no cookies) for a person: ``open_tab(journey, lang, size)``.

    Fails the test if a page broke its Content-Security-Policy.
    """
    contexts: list[BrowserContext] = []
    refused: list[str] = []

    def open_(
        journey: str, lang: str, viewport: ViewportSize = PHONE, *, javascript: bool = True
    ) -> Walk:
        context = browser.new_context(
            locale=LOCALES[lang],
            viewport=viewport,
            extra_http_headers={"Accept-Language": lang},
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        tab.on(
            "console",
            lambda msg: refused.append(msg.text) if "Content Security" in msg.text else None,
        )
        return Walk(tab, lang, journey)

    yield open_
    for context in contexts:
        context.close()
    assert refused == [], f"a page broke its Content-Security-Policy: {refused}"


def _choose_country(walk: Walk, code: str) -> None:
    """A country question: the plain select list, or the checkbox with the country's name."""
    page = walk.page
    select_list = page.locator("select[name=answer]")
    if select_list.count() and select_list.is_visible():
        select_list.select_option(value=code)
    else:
        page.get_by_label(country_name(code, walk.lang), exact=True).check()


def answer_finder(walk: Walk, host: str, nationality: str, answers: dict[str, Any]) -> None:
    """From the finder's start page to "check your answers": the host country and the
    nationality by name, the facts of ``answers`` (an option's value, or a date as
    ``(day, month, year)``), "No" or "None of these" to everything else."""
    page = walk.page
    walk.check("start")
    walk.press("Start now")
    for _ in range(25):
        if page.url.endswith("/finder/check"):
            walk.check("check-answers")
            return
        walk.check()
        fact = page.locator("input[name=fact]").get_attribute("value") or ""
        value = answers.get(fact)
        if fact == "host_country":
            _choose_country(walk, host)
        elif fact == "nationalities":
            _choose_country(walk, nationality)
        elif isinstance(value, tuple):
            for part, label in zip(value, ("Day", "Month", "Year"), strict=True):
                walk.field(label).fill(str(part))
        elif value is not None:
            page.locator(f"input[name=answer][value='{value}']").check()
        elif page.get_by_label(walk.t("None of these"), exact=True).count():
            page.get_by_label(walk.t("None of these"), exact=True).check()
        else:
            page.get_by_label(walk.t("No"), exact=True).check()
        walk.press("Continue")
    raise AssertionError(f"the finder did not reach the check page (at {page.url})")


@dataclass
class Applicant:
    given_names: str
    surname: str
    nationality: str
    document: str


def apply_from_results(walk: Walk, who: Applicant, username: str) -> str:
    """From the results with one open pathway to the confirmation: account, details,
    check, send. Returns the reference number shown."""
    page = walk.page
    walk.press("Apply for this pathway")
    walk.check("sign-in-or-create")
    walk.press("Create an account")
    walk.field("Username").fill(username)
    walk.field("Password").fill(PASSWORD)
    walk.press("Create account")
    assert walk.heading() == walk.t("Your account is ready")
    walk.check()
    walk.press("Continue")
    assert walk.heading() == walk.t("Your details")
    walk.check("details")
    walk.field("Given names").fill(who.given_names)
    walk.field("First surname").fill(who.surname)
    for part, label in zip(("14", "2", "1991"), ("Day", "Month", "Year"), strict=True):
        walk.field(label).fill(part)
    walk.field("Female").check()
    walk.field("Nationality").select_option(value=who.nationality)
    walk.field("Passport").check()
    walk.field("Document number").fill(who.document)
    walk.press("Continue")
    walk.check("check-application")
    assert page.get_by_text(who.document).count() == 1
    walk.press("Send application")
    assert walk.heading() == walk.t("Application sent")
    reference = page.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"[0-9A-F]{8}", reference), reference
    walk.check("sent")
    return reference


def start_application(walk: Walk, server: Server, who: Applicant, username: str) -> str:
    """A Bolivian (or another MERCOSUR national) in Argentina, from the finder to a sent
    application; returns the reference number."""
    walk.quiet = True  # the migrant journeys photograph these pages
    walk.page.goto(f"{server.url}/finder")
    answer_finder(walk, "ARG", who.nationality, {"nationalities.0.acquired": "birth"})
    walk.press("See my results")
    walk.check("results")
    reference = apply_from_results(walk, who, username)
    walk.quiet = False
    return reference


@pytest.mark.parametrize(
    ("lang", "who"),
    [
        ("es", Applicant("María José", "Quispe", "BOL", "JS1000001")),
        ("pt", Applicant("Ana Clara", "Souza", "BRA", "JS1000002")),
    ],
)
def test_migrant_applies_and_books_an_appointment(
    open_tab: Any, server: Server, office: str, lang: str, who: Applicant
) -> None:
    """Spanish and Portuguese on a phone: finder, results, account, details, send, book."""
    walk: Walk = open_tab(f"migrant-{lang}", lang)
    page = walk.page
    page.goto(f"{server.url}/finder")
    assert page.locator("html").get_attribute("lang") == lang  # from Accept-Language
    answer_finder(walk, "ARG", who.nationality, {"nationalities.0.acquired": "birth"})
    assert page.get_by_text(country_name(who.nationality, lang)).count() >= 1
    walk.press("See my results")
    walk.check("results")
    assert walk.heading() == walk.t("Your results")
    reference = apply_from_results(walk, who, f"journey.{lang}")

    walk.press("Choose an office and a time")
    walk.check("book")
    slot = page.get_by_role("radio", name=re.compile(re.escape(office))).first
    # The first free time depends on what other walks booked before: take the one chosen.
    label = slot.evaluate("e => e.labels && e.labels[0] ? e.labels[0].innerText : ''")
    chosen = re.search(r"\b0?(\d{1,2})[:.h](\d{2})\b", label)
    assert chosen, label
    slot.check()
    walk.press("Book appointment")
    walk.check("booked")
    # The booking is confirmed with the office, the day and the time chosen.
    booked = page.locator("main").inner_text()
    assert office in booked
    hour, minute = chosen.groups()
    assert re.search(rf"\b0?{hour}[:.h]{minute}\b", booked), (label, booked)
    assert reference in booked
    assert walk.found == {}


def test_venezuelan_adult_in_colombia_sees_what_to_do_next(open_tab: Any, server: Server) -> None:
    """No pathway is open to her (the PPT closed for adults): the page says so in one
    sentence, then what can still be done and where to get help; the closed pathways are
    folded away, not a list of red cards."""
    walk: Walk = open_tab("venezuelan-in-colombia", "es")
    page = walk.page
    page.goto(f"{server.url}/finder")
    answer_finder(
        walk,
        "COL",
        "VEN",
        {
            "nationalities.0.acquired": "birth",
            "in_host_country": "true",
            "date_of_birth": (1, 5, 1990),
        },
    )
    walk.press("See my results")
    walk.check("results")
    main = page.locator("main")
    assert main.locator(".lead").inner_text().strip() == walk.t("No pathway is open to you today.")
    assert page.get_by_role("heading", name=walk.t("What you can still do")).is_visible()
    assert page.get_by_role("heading", name=walk.t("Where to get help")).is_visible()
    # The country's migration authority, by name and with a working link.
    authority = page.get_by_role("link", name="Migración Colombia")
    assert authority.get_attribute("href", timeout=2_000)
    # Closed pathways: one folded list, none of them printed as a card.
    folded = page.locator("details.closed-pathways")
    assert folded.count() == 1
    assert folded.get_attribute("open") is None
    assert not page.get_by_text(re.compile("Estatuto Temporal|PPT")).first.is_visible()
    folded.locator("summary").click()
    walk.check("closed-pathways")
    # Each closed pathway links to its own page: the whole card, the laws one click away.
    folded.get_by_role("link", name=re.compile("Permiso por Protección Temporal")).click()
    assert "/finder/results/col.ppt" in page.url
    page.locator("details.legal-detail > summary").click()
    assert page.locator("details.legal-detail cite").first.is_visible()
    walk.check("pathway-page")
    assert walk.found == {}


def test_shared_phone_keeps_nothing_after_sign_out(
    open_tab: Any, server: Server, office: str
) -> None:
    """A migrant applies on a shared phone and signs out: the back button, the history, the
    cookies, the storage and the cache show nothing of her to the next person."""
    walk: Walk = open_tab("shared-phone", "es")
    page = walk.page
    who = Applicant("Rocío", "Mamani", "BOL", "SP7000001")
    reference = start_application(walk, server, who, "shared.phone")
    walk.press("Follow this application")
    tracking = page.url
    assert reference in page.locator("main").inner_text()
    page.goto(f"{server.url}/finder/check")  # her answers, still on the phone
    assert page.get_by_text(country_name("BOL", "es")).count() >= 1
    page.go_back()  # the checks below can fail: before signing out, back shows her
    assert reference in page.content()
    page.go_forward()

    walk.press("Sign out")
    walk.check("signed-out")
    personal = (who.given_names, who.surname, who.document, reference, country_name("BOL", "es"))

    # The application's id is in the tracking page's address, so in the history anyway, and
    # the sign-in page asked for by that address carries it back (``next``); the reference
    # is its first 8 characters upper-cased, which an id starting with 8 digits repeats.
    (application_id,) = re.findall(r"/track/([0-9a-f-]{36})", tracking)

    def shows_her(text: str) -> list[str]:
        text = text.replace(application_id, "")
        return [p for p in personal if p in text]

    # Back, again and again: every page is fetched anew (or, for a form's answer, the
    # browser asks to send the form again), and none shows her.
    for _ in range(8):
        try:
            page.go_back(wait_until="load")
        except PlaywrightError:  # no more history: nothing to show
            break
        page.wait_for_load_state()
        assert shows_her(page.content()) == [], page.url
    _goto(page, f"{server.url}/finder/check")
    assert shows_her(page.content()) == []
    _goto(page, tracking)
    assert "/login" in page.url
    assert shows_her(page.content()) == []
    context = page.context
    # Only the language chosen and the sign-in form's fresh anonymous CSRF token are left:
    # no session, no finder answers.
    assert {c["name"] for c in context.cookies()} <= {"ruta_lang", "ruta_csrf"}
    assert [c["name"] for c in context.cookies() if shows_her(c["value"])] == []
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    # Nothing in the cache: offline, her tracking page cannot be shown at all.
    context.set_offline(True)
    try:
        page.goto(tracking)
        offline = page.content()
    except PlaywrightError:  # the browser has no copy to show
        offline = ""
    context.set_offline(False)
    assert shows_her(offline) == []
    assert walk.found == {}


def _goto(page: Page, url: str) -> None:
    """Go to ``url``, again if the browser's own error page (a form's answer that would
    be sent again, met while going back) interrupted the first try."""
    for _ in range(3):
        try:
            page.goto(url)
        except PlaywrightError:
            page.wait_for_load_state()
        else:
            return
    raise AssertionError(f"the browser did not go to {url}")


def _sign_in_officer(walk: Walk, server: Server, username: str) -> None:
    walk.page.goto(f"{server.url}/login")
    walk.field("Username").fill(username)
    walk.field("Password").fill(PASSWORD)
    walk.named("Sign in").first.click()
    finish_second_factor(walk.page, username)


def _open_case(desk: Walk, reference: str) -> None:
    desk.page.get_by_role("link", name=re.compile(reference)).first.click()
    assert reference in desk.heading()


def _applied_and_opened(
    open_tab: Any, server: Server, tab: tuple[str, str], applicant: Applicant, username: str
) -> tuple[Walk, str, Walk]:
    """The applicant (tab name and language; ``username``: her account's) applies and
    follows her application; then the caseworker ana.cw signs in on a desktop tab
    (``<name>-caseworker``) and opens the case.

    Returns:
        The applicant's walk, her tracking page's address, the caseworker's walk.
    """
    name, lang = tab
    walk: Walk = open_tab(name, lang)
    reference = start_application(walk, server, applicant, username)
    walk.press("Follow this application")
    tracking = walk.page.url
    desk: Walk = open_tab(f"{name}-caseworker", "en", DESKTOP)
    _sign_in_officer(desk, server, "ana.cw")
    _open_case(desk, reference)
    return walk, tracking, desk


def test_caseworker_requests_information_and_the_applicant_answers(
    open_tab: Any, server: Server
) -> None:
    """The request is written on the case page, read on the tracking page, answered there,
    and the answer is on the case page."""
    applicant = Applicant("Juana", "Choque", "BOL", "RI5000001")
    walk, tracking, desk = _applied_and_opened(
        open_tab, server, ("request-information", "es"), applicant, "request.info"
    )
    desk.check("case")
    actions_in_view(desk, ["Start review", "Take this case"])
    desk.press("Start review")
    actions_in_view(desk, ["Propose a decision", "Request information"])
    request = "Envíe una foto de la página de datos de su pasaporte."
    desk.field("Request information from the applicant").fill(request)
    desk.press("Send request")
    assert desk.page.get_by_role("status").first.is_visible()
    desk.check("requested")
    assert desk.page.get_by_text(request).count() >= 1

    walk.page.goto(tracking)
    assert walk.page.get_by_text(walk.t("The office needs more information")).is_visible()
    assert walk.page.get_by_text(request).is_visible()
    walk.check("request-seen", walk.page.get_by_text(request))
    answer = "Mañana llevo el pasaporte a la oficina de Retiro."
    walk.field("Your answer").fill(answer)
    walk.press("Send answer")
    assert walk.page.get_by_text(request).count() == 0  # answered: the request is gone
    walk.check("answered")

    desk.page.reload()
    assert desk.page.get_by_text(answer).count() >= 1
    desk.check("answer-seen", desk.page.get_by_text(answer).last)

    # The action bar needs no JavaScript: its links lead to the forms.
    plain: Walk = open_tab("no-javascript", "en", DESKTOP, javascript=False)
    _sign_in_officer(plain, server, "ana.cw")
    plain.page.goto(desk.page.url.split("?")[0])
    plain.page.get_by_role("navigation", name=plain.t("Case actions")).get_by_role(
        "link", name=plain.t("Propose a decision")
    ).click()
    assert plain.page.url.endswith("#propose")
    assert plain.field("Reasons").first.is_visible()
    assert walk.found == {} and desk.found == {}


def test_approved_applicant_downloads_the_permit(open_tab: Any, server: Server) -> None:
    """Approved by the office (a caseworker proposes, a supervisor confirms), she sees her
    permit on the tracking page and downloads the card (a PDF) and the QR code (an SVG)."""
    applicant = Applicant("Beatriz", "Lima", "BRA", "PM3000001")
    walk, tracking, desk = _applied_and_opened(
        open_tab, server, ("permit", "pt"), applicant, "permit.holder"
    )
    desk.press("Start review")
    desk.field("Approve").check()
    desk.field("Reasons").fill("Nationality and clean record proven")
    desk.press("Propose decision")
    assert desk.page.get_by_role("status").first.is_visible()

    boss: Walk = open_tab("permit-supervisor", "en", DESKTOP)
    _sign_in_officer(boss, server, "bruno.sup")
    boss.page.goto(f"{server.url}/casework/cases/{_case_id(desk.page)}")
    boss.check("decide")
    actions_in_view(boss, ["Decide"])
    boss.press("Confirm the proposed decision")
    assert boss.page.get_by_role("status").first.is_visible()

    walk.page.goto(tracking)
    assert walk.page.get_by_role("heading", name=walk.t("Your permit")).is_visible()
    walk.check("permit", walk.page.locator("#permit"))
    with walk.page.expect_download() as card:
        walk.press("Download the permit card (PDF)")
    pdf = Path(card.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:], pdf[:20]
    assert card.value.suggested_filename.endswith(".pdf")
    with walk.page.expect_download() as qr:
        walk.press("Download the QR code (SVG)")
    svg = ET.fromstring(Path(qr.value.path()).read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}path")) >= 1
    assert walk.found == {} and desk.found == {} and boss.found == {}


def actions_in_view(desk: Walk, names: list[str]) -> None:
    """The case page's actions at 1366x768: in the first screen, still in view after
    scrolling to the end (the sticky bar), reached with Tab, and their links lead to the
    forms (which the bar does not cover)."""
    page = desk.page
    bar = page.get_by_role("navigation", name=desk.t("Case actions"))
    height = page.viewport_size["height"] if page.viewport_size else 768

    def visible_in_viewport(name: str) -> bool:
        label = desk.t(name)
        control = bar.get_by_role("link", name=label).or_(bar.get_by_role("button", name=label))
        box = control.bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height

    page.evaluate("window.scrollTo(0, 0)")
    for name in names:
        assert visible_in_viewport(name), f"{name} is not in the first screen"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    for name in names:
        assert visible_in_viewport(name), f"{name} scrolled out of view"
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("body").focus()
    for _ in range(30):  # skip link, header, language links, then the bar
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.action-bar')"):
            break
    else:
        raise AssertionError("Tab does not reach the case's actions")
    for name in names:
        link = bar.get_by_role("link", name=desk.t(name))
        if link.count():
            target = link.get_attribute("href") or ""
            link.click()
            form = page.locator(target)
            top = form.bounding_box()
            bar_box = bar.bounding_box()
            assert top is not None and bar_box is not None
            assert top["y"] >= bar_box["y"] + bar_box["height"] - 1, f"{name}: under the bar"
            assert top["y"] < height, f"{name}: its form is not shown"
    page.evaluate("window.scrollTo(0, 0)")


def _case_id(page: Page) -> str:
    match = re.search(r"/casework/cases/([^/?#]+)", page.url)
    assert match, page.url
    return match.group(1)
