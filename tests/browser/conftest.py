"""A real server and a real browser: uvicorn on a free loopback port with a temporary
SQLite database (``server``) or a PostgreSQL schema of its own (``pg_server``; ``any_server``
is both), driven by Debian's Chromium through Playwright.

The server runs in its own process (as in production) with settings from ``RUTA_*``
variables; the officers (and an office per country) are created in the database before it
starts. axe-core comes from ``node_modules`` (``scripts/ensure-browser-deps.sh`` installs it
with ``npm ci``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from tests.conftest import pg_schema
from tests.serving import serve

from ruta.cases.actions import do_create_office
from ruta.cases.actions.authentication import do_create_user
from ruta.store import make_engine, make_sessionmaker, upgrade

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"
#: Officers per country: username -> role.
OFFICERS = {
    "ARG": {"ana.cw": "caseworker", "bruno.sup": "supervisor"},
    "COL": {"carla.cw": "caseworker", "diego.sup": "supervisor"},
}
#: ARG's registry for the intake duplicate search: it holds the accessibility test's
#: applicant (Rosa Quispe), so that her case shows a possible duplicate to review.
REGISTRY = (
    "record_id,given_names,surname_1,surname_2,sex,date_of_birth,nationality,document_number\n"
    "ARG-0001,ROSA,Quispe,Condori,F,1988-08-12,BOL,B7654321\n"
    "ARG-0002,Juan,Mamani,,M,1975-02-14,BOL,C998877\n"
)


@dataclass
class Server:
    """The running service."""

    url: str
    #: Its data directory (the SQLite file of the ``server`` fixture is ``ruta.db`` there).
    data: Path | None = None


#: An office per country, taking every pathway of it: applying is offered only where an
#: office takes the pathway (issue 15 §2).
OFFICES = {"ARG": ("ARG-01", "Buenos Aires, Sede central"), "COL": ("COL-01", "Bogotá, Sede")}


def _create_officers(url: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        for country, officers in OFFICERS.items():
            for username, role in officers.items():
                user = do_create_user(
                    session,
                    None,
                    username=username,
                    password=PASSWORD,
                    role=role,
                    country=country,
                )
                if role == "supervisor":
                    do_create_office(session, user, *OFFICES[country])
    engine.dispose()


@contextmanager
def run_server(data: Path, url: str) -> Iterator[Server]:
    """uvicorn on a free loopback port serving the (migrated) database at ``url``.

    Args:
        data: The server's data directory (keys, uploads) and working directory.
        url: The database URL (``RUTA_DATABASE_URL``).
    """
    (data / "arg-registry.csv").write_text(REGISTRY, encoding="utf-8")
    env = {
        **os.environ,
        "RUTA_ENV": "test",
        # Every journey signs people in: Argon2 at production cost would be most of it.
        "RUTA_PASSWORD_HASHING": "cheapest",
        "RUTA_SECRET_KEY": "browser-test-secret-" + "k" * 32,
        "RUTA_DATA_DIR": str(data),
        "RUTA_DATABASE_URL": url,
        "RUTA_REGISTRIES": json.dumps({"ARG": str(data / "arg-registry.csv")}),
    }
    with serve(env, data, ready_path="/finder") as base:
        yield Server(base, data)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The service on a temporary SQLite database, with the officers of :data:`OFFICERS`."""
    data = tmp_path_factory.mktemp("browser-server")
    url = f"sqlite:///{data / 'ruta.db'}"
    upgrade(url)
    _create_officers(url)
    with run_server(data, url) as running:
        yield running


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The service on PostgreSQL, in a schema of its own dropped afterwards.

    Why a schema and not the ``database`` fixture's: that one is truncated before each
    test, and several engineers' runs share the server, so each run gets a fresh one.
    """
    data = tmp_path_factory.mktemp("browser-server-pg")
    with pg_schema("b") as url:
        upgrade(url)
        _create_officers(url)
        with run_server(data, url) as running:
            yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest) -> Server:
    """The service on SQLite and on PostgreSQL (one test each)."""
    return request.getfixturevalue("server" if request.param == "sqlite" else "pg_server")


@pytest.fixture(scope="session", autouse=True)
def _browser_dependencies() -> None:
    # A fresh clone has no node_modules: install the locked axe-core (and Chromium if the
    # machine lacks it) with the same script the Makefile can call, once per run.
    if not AXE.is_file() or not Path(CHROMIUM).is_file():
        subprocess.run(["bash", str(REPO / "scripts" / "ensure-browser-deps.sh")], check=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) with English pages.

    Fails the test if the browser refused anything under the Content-Security-Policy (an
    inline script or style, a resource from elsewhere): such a page is broken for users.
    """
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    refused: list[str] = []
    tab.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield tab
    context.close()
    assert refused == [], f"the page broke its Content-Security-Policy: {refused}"


#: What Chromium says when a page is replaced under a script: the click before the check
#: started a navigation that had not finished (the old document is torn down while axe
#: reads it, or the new one has no axe yet).
_NAVIGATING = (
    "Execution context was destroyed",
    "reading 'documentElement'",
    "axe is not defined",
    "Cannot find context",
)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page, once it has loaded.

    A click that submits a form returns once the navigation has started, not when the
    next page is there; axe run in between reads a document being replaced. So the check
    waits for the page to load and, should the page still change under it, runs again.
    """
    for attempt in range(4):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                # Evaluated through the DevTools protocol, which the page's
                # Content-Security-Policy does not govern (an inline <script> is refused).
                page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
        except PlaywrightError as error:
            if attempt == 3 or not any(sign in error.message for sign in _NAVIGATING):
                raise
            page.wait_for_timeout(250)
            continue
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Authenticator:
    """What an officer's phone holds after the set-up: the key and the recovery codes."""

    secret: str
    recovery: list[str]
    last_step: int


#: Authenticators set up during this test run, by server URL and username.
_AUTHENTICATORS: dict[tuple[str, str], _Authenticator] = {}


def finish_second_factor(page: Page, username: str) -> None:
    """After the password: set up the authenticator when the service asks (reading the key
    the page shows, as a person types it into an app), or give the code when it has one.

    A code's time step can be used once; a second sign-in of the same officer within one
    30-second step takes the next step's code, and then a recovery code (no sleeping).
    """
    import pyotp

    base = page.url.split("/login", 1)[0]
    step = int(time.time() // 30)
    if "/login/enrol" in page.url:
        secret = page.inner_text("#secret").replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).generate_otp(step))
        page.click("button >> text=Turn on")
        codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
        _AUTHENTICATORS[(base, username)] = _Authenticator(secret, codes, step)
        page.click("a >> text=Continue")
    elif "/login/code" in page.url:
        phone = _AUTHENTICATORS[(base, username)]
        if phone.last_step < step + 1:
            phone.last_step = max(step, phone.last_step + 1)
            code = pyotp.TOTP(phone.secret).generate_otp(phone.last_step)
        else:
            code = phone.recovery.pop()
        page.fill("#code", code)
        page.click("button[type=submit] >> text=Sign in")


def second_factor_code(server: Server, username: str) -> str:
    """A fresh code from the officer's authenticator set up in this run (for the API's
    ``otp``): the next unused time step's code, then a recovery code."""
    import pyotp

    phone = _AUTHENTICATORS[(server.url, username)]
    step = int(time.time() // 30)
    if phone.last_step < step + 1:
        phone.last_step = max(step, phone.last_step + 1)
        return str(pyotp.TOTP(phone.secret).generate_otp(phone.last_step))
    return phone.recovery.pop()


def sign_in(page: Page, server: Server, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    finish_second_factor(page, username)
