"""axe-core on the notification pages: the applicant's choices and the dead letters."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from tests.browser.conftest import Server, axe_violations, sign_in

pytestmark = pytest.mark.browser


def _problems(page: Page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in axe_violations(page)]


def test_notification_pages_have_no_serious_accessibility_violations(
    page: Page, server: Server
) -> None:
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/account/new?lang=es")
    page.fill("#username", "axe.notify")
    page.fill("#password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.goto(f"{server.url}/account/notifications")
    found["preferences"] = _problems(page)
    page.check("#channel-2")  # SMS, without a phone number: the error state
    page.click("button[type=submit] >> text=Guardar")
    assert page.locator(".error-summary, [role=alert]").count() > 0
    found["preferences, with an error"] = _problems(page)
    page.fill("#phone", "+54 11 5555 0101")
    page.click("button[type=submit] >> text=Guardar")
    assert page.locator("text=Sus preferencias están guardadas.").count() == 1
    page.context.clear_cookies()
    sign_in(page, server, "bruno.sup")
    page.goto(f"{server.url}/casework/notifications")
    found["undelivered messages"] = _problems(page)
    assert {k: v for k, v in found.items() if v} == {}
