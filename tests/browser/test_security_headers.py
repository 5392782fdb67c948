"""The Content-Security-Policy in a real browser: the verifier's script (a static file)
runs, the page stays accessible, and an inline script is refused."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from tests.browser.conftest import Server, axe_violations


def test_the_verifier_script_runs_under_the_policy(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/verify?lang=en")
    # verify.js shows either the camera button or why there is none; without it running,
    # both stay hidden.
    page.wait_for_selector("#camera-button:visible, #camera-unsupported:visible")
    assert axe_violations(page) == []


def test_an_injected_inline_script_does_not_run(browser: Browser, server: Server) -> None:
    # Its own context: the page fixture fails a test whose page refused something, and
    # here the refusal is the point.
    context = browser.new_context()
    try:
        tab = context.new_page()
        messages: list[str] = []
        tab.on("console", lambda msg: messages.append(msg.text))
        tab.goto(f"{server.url}/finder")
        # What an HTML injection would do: add an inline script to the page.
        tab.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
        )
        assert tab.evaluate("() => window.injected === true") is False
        assert any("Content Security Policy" in m for m in messages)
    finally:
        context.close()
