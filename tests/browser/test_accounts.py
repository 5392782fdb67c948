"""The account pages in Chromium, checked with axe-core: the forced set-up of the
authenticator, the recovery codes, the code at the next sign-in, "Your sessions", and
the administrators' pages."""

from __future__ import annotations

from playwright.sync_api import Page
from tests.browser.conftest import PASSWORD, Server, axe_violations, finish_second_factor

from ruta.cases.actions.authentication import do_create_user
from ruta.store import make_engine, make_sessionmaker


def _password(page: Page, server: Server, username: str) -> None:
    page.goto(f"{server.url}/login?next=/account/sessions")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")


def test_second_factor_and_account_pages_are_accessible(page: Page, server: Server) -> None:
    # The server fixture's database file; the admin is made here so no other test sees it.
    assert server.data is not None
    engine = make_engine(f"sqlite:///{server.data / 'ruta.db'}")
    with make_sessionmaker(engine)() as session:
        do_create_user(
            session, None, username="eva.admin", password=PASSWORD, role="admin", country="ARG"
        )
        do_create_user(
            session, None, username="zoe.cw", password=PASSWORD, role="caseworker", country="ARG"
        )
    engine.dispose()
    _password(page, server, "eva.admin")
    assert "/login/enrol" in page.url
    assert page.locator(".qr-code svg[role=img] title").count() == 1
    assert axe_violations(page) == []
    finish_second_factor(page, "eva.admin")
    assert page.url.endswith("/account/sessions")
    assert axe_violations(page) == []
    page.goto(f"{server.url}/admin/users?role=caseworker")
    assert page.locator("main tbody tr").count() >= 1
    assert axe_violations(page) == []
    page.click("main a >> text=zoe.cw")
    assert axe_violations(page) == []
    page.click("button >> text=Reset password")
    assert len(page.inner_text("#new-password")) >= 20
    assert axe_violations(page) == []
    page.context.clear_cookies()
    _password(page, server, "eva.admin")
    assert "/login/code" in page.url
    assert axe_violations(page) == []
    page.fill("#code", "000000")
    page.click("button[type=submit] >> text=Sign in")
    assert page.locator(".error-summary").count() == 1
    assert axe_violations(page) == []
    finish_second_factor(page, "eva.admin")
    assert page.url.endswith("/account/sessions")
