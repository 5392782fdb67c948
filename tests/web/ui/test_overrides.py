"""The case page and a decision against the engine's assessment (issue 15 §3): the forms
ask for an override reason, the server refuses without one, and the supervisor sees the
proposal marked as an override with its reason before deciding."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from tests.web.ui.conftest import Site, csrf
from tests.web.ui.conftest import main_text as _main_text


def main_text(html: str) -> str:
    """The page's <main> as read (entities such as &#39; decoded)."""
    return unescape(_main_text(html))


WHY = "Mercosur residence shown by a consular certificate the engine does not read"


def _post(client: TestClient, app_id: str, action: str, **data: str):
    """Post one of the case page's forms, as rendered."""
    page = client.get(f"/casework/cases/{app_id}")
    return client.post(
        f"/casework/cases/{app_id}/{action}", data={"csrf_token": csrf(page.text), **data}
    )


def _in_review(site: Site, app_id: str) -> TestClient:
    officer = site.signed_in("cw")
    started = _post(officer, app_id, "transition", to="in_review", reason="Review started")
    assert started.status_code == 200, main_text(started.text)
    return officer


def test_approving_an_ineligible_case_needs_and_shows_an_override(site: Site, submitted) -> None:
    app_id = submitted("USA")  # not a Mercosur national: the engine finds it ineligible
    officer = _in_review(site, app_id)
    page = officer.get(f"/casework/cases/{app_id}")
    assert 'name="override_reason"' in page.text  # the field is there, with its help
    assert "The engine assessed this case: Not eligible." in main_text(page.text)
    refused = _post(officer, app_id, "propose", outcome="approved", reasons="Seen at the counter")
    assert refused.status_code == 422
    text = main_text(refused.text)
    assert 'href="#override_reason"' in refused.text
    assert "This outcome goes against the engine's assessment: give an override reason" in text
    assert "tag--in_review" in refused.text
    proposed = _post(
        officer,
        app_id,
        "propose",
        outcome="approved",
        reasons="Seen at the counter",
        override_reason=WHY,
    )
    assert proposed.status_code == 200, main_text(proposed.text)
    supervisor = site.signed_in("sup")
    case = supervisor.get(f"/casework/cases/{app_id}")
    text = main_text(case.text)
    # Marked before deciding: the tag, what it goes against, the proposer's reason.
    assert "tag--override" in case.text
    assert "This decision goes against the engine's assessment (Not eligible)." in text
    assert f"Override reason: {WHY}" in text
    assert 'name="decision_override_reason"' in case.text
    missing = _post(
        supervisor, app_id, "decide", decision_outcome="approved", decision_reasons="Agreed"
    )
    assert missing.status_code == 422
    assert 'href="#decision_override_reason"' in missing.text
    assert "tag--decision_proposed" in missing.text
    decided = _post(
        supervisor,
        app_id,
        "decide",
        decision_outcome="approved",
        decision_reasons="Agreed",
        decision_override_reason="I saw the certificate too",
    )
    assert decided.status_code == 200, main_text(decided.text)
    text = main_text(decided.text)
    assert "tag--approved" in decided.text and "tag--override" in decided.text
    assert "Override reason: I saw the certificate too" in text
    # The legal basis gives each condition's finding: the failed one is "Not met".
    assert "Legal basis: each condition and the engine's finding" in text
    assert "<strong>Not met</strong>" in decided.text


def test_denying_an_eligible_case_needs_an_override_reason(site: Site, submitted) -> None:
    app_id = submitted()  # a Bolivian on Argentina's Mercosur residence: eligible
    officer = _in_review(site, app_id)
    refused = _post(officer, app_id, "propose", outcome="denied", reasons="Doubts")
    assert refused.status_code == 422 and 'href="#override_reason"' in refused.text
    proposed = _post(
        officer, app_id, "propose", outcome="denied", reasons="Doubts", override_reason="Forgery"
    )
    assert proposed.status_code == 200 and "tag--override" in proposed.text


def test_a_decision_that_agrees_asks_for_no_override(site: Site, submitted) -> None:
    app_id = submitted()
    officer = _in_review(site, app_id)
    needless = _post(
        officer, app_id, "propose", outcome="approved", reasons="Met", override_reason="why not"
    )
    assert needless.status_code == 422
    assert "This outcome agrees with the engine's assessment" in main_text(needless.text)
    proposed = _post(officer, app_id, "propose", outcome="approved", reasons="Met")
    assert proposed.status_code == 200 and "tag--override" not in proposed.text
    case = site.signed_in("sup").get(f"/casework/cases/{app_id}")
    assert "Confirm the proposed decision" in case.text
    assert 'name="decision_override_reason"' not in case.text
