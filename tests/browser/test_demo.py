"""The demo as a new user meets it: a service seeded by ``ruta demo``'s seeder, in Chromium.

``make demo`` runs ``ruta demo``, which seeds with :func:`ruta.cli._demo.seed_demo` and
serves; here the same seeder fills a small database (the full 2,000 applicants take
about 45 s and add nothing a browser can see) and the demo logins walk a case from the
queue to a decision that follows the engine's assessment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from tests.browser.conftest import Server, finish_second_factor, run_server

from ruta.cli._demo import DEMO_LOGINS, seed_demo
from ruta.store import make_engine, make_sessionmaker, upgrade
from ruta.store.models import Application

pytestmark = pytest.mark.browser

PASSWORDS = {username: password for username, password, *_ in DEMO_LOGINS}


@dataclass
class Demo:
    """The running demo and a case of each country."""

    server: Server
    col_case: str
    per_case: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data = tmp_path_factory.mktemp("demo-server")
    url = f"sqlite:///{data / 'ruta.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        seed_demo(session, applicants=60, keys_dir=data / "keys")
        first = {
            country: session.scalars(
                select(Application.id)
                .where(Application.host_country == country, Application.status == "submitted")
                .order_by(Application.id)
            ).first()
            for country in ("COL", "PER")
        }
    engine.dispose()
    assert first["COL"] and first["PER"]
    with run_server(data, url) as server:
        yield Demo(server, first["COL"], first["PER"])


def _sign_in(browser: Browser, server: Server, username: str) -> Page:
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit] >> text=Sign in")
    finish_second_factor(page, username)
    return page


def test_demo_logins_take_a_case_to_the_decision_the_engine_supports(
    browser: Browser, demo: Demo
) -> None:
    desk = _sign_in(browser, demo.server, "col-caseworker")
    assert desk.url.endswith("/casework/queue")
    assert desk.locator("main tbody tr").count() > 0
    # A Colombian officer cannot open a Peruvian case.
    response = desk.goto(f"{demo.server.url}/casework/cases/{demo.per_case}")
    assert response is not None and response.status == 404
    # The assessment reads in the officer's language.
    desk.goto(f"{demo.server.url}/casework/cases/{demo.col_case}?lang=es")
    assert "Evaluación del motor de reglas" in desk.inner_text("main")
    desk.goto(f"{demo.server.url}/casework/cases/{demo.col_case}?lang=en")
    eligible = desk.locator("#trace-heading ~ p .tag--eligible").count() == 1
    desk.click("button >> text=Start review")
    desk.check("#outcome" if eligible else "#outcome-2")  # Approve / Deny
    desk.fill("#reasons", "As the engine's assessment shows" if eligible else "Conditions not met")
    desk.click("button >> text=Propose decision")
    assert "Proposed decision" in desk.inner_text("main")
    desk.context.close()

    office = _sign_in(browser, demo.server, "col-supervisor")
    office.goto(f"{demo.server.url}/casework/cases/{demo.col_case}")
    office.click("button >> text=Confirm the proposed decision")
    tag = ".tag--approved" if eligible else ".tag--denied"
    assert office.locator(f"main h1 + p {tag}").count() == 1
    office.context.close()

    migrant = _sign_in(browser, demo.server, "applicant")
    migrant.goto(f"{demo.server.url}/track")
    assert migrant.locator("main a[href*='/track/']").count() > 0
    migrant.context.close()


def _open_tables(page: Page) -> None:
    """Open every chart's table, so that axe checks the tables too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")


def test_statistics_and_comparison_pages_are_axe_clean(
    browser: Browser, demo: Demo, tmp_path
) -> None:
    """The dashboards and the comparison on the demo, in two languages, with every
    table open; a screenshot of each is a PNG a reader opens."""
    from PIL import Image
    from tests.browser.conftest import axe_violations

    found: dict[str, list[str]] = {}
    desk = _sign_in(browser, demo.server, "col-supervisor")
    for path in ("/casework/statistics", "/casework/statistics?lang=es", "/statistics/regional"):
        response = desk.goto(f"{demo.server.url}{path}")
        assert response is not None and response.status == 200, path
        _open_tables(desk)
        for violation in axe_violations(desk):
            found.setdefault(path, []).append(violation["id"])
    # Seven charts, each drawn or saying that nothing is published (a small demo).
    assert desk.locator("section.chart-block").count() >= 7
    assert desk.locator("svg.chart").count() >= 1
    shot = tmp_path / "statistics.png"
    desk.screenshot(path=str(shot), full_page=True)
    assert Image.open(shot).height > 1500
    for path in ("/pathways/compare", "/pathways/compare?template=andean-permanent&lang=fr"):
        desk.goto(f"{demo.server.url}{path}")
        for violation in axe_violations(desk):
            found.setdefault(path, []).append(violation["id"])
    assert found == {}
