"""A casework action's refusal on a page is in the page's language (rendered forms)."""

from __future__ import annotations

from html import unescape

from tests.web.ui.conftest import Site, csrf, main_text


def test_a_refusal_on_a_spanish_page_is_spanish(site: Site, submitted) -> None:
    app_id = submitted("USA")  # the engine finds it ineligible: approving needs an override
    officer = site.signed_in("cw", lang="es")
    page = officer.get(f"/casework/cases/{app_id}")
    started = officer.post(
        f"/casework/cases/{app_id}/transition",
        data={"csrf_token": csrf(page.text), "to": "in_review", "reason": "Review started"},
    )
    assert started.status_code == 200, main_text(started.text)
    refused = officer.post(
        f"/casework/cases/{app_id}/propose",
        data={
            "csrf_token": csrf(started.text),
            "outcome": "approved",
            "reasons": "Visto en ventanilla",
            "override_reason": "x" * 2001,
        },
    )
    assert refused.status_code == 422
    text = unescape(main_text(refused.text))
    assert "acorte el motivo de la excepción a 2000 caracteres (tiene 2001)" in text
    assert "shorten" not in text
