"""The applicant's tracking page: the decision explained, appeal and withdrawal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.ui.conftest import Site, csrf, main_text


def _step(client: TestClient, app_id: str, action: str, **data: str):
    page = client.get(f"/casework/cases/{app_id}")
    return client.post(
        f"/casework/cases/{app_id}/{action}", data={"csrf_token": csrf(page.text), **data}
    )


def _deny(site: Site, app_id: str) -> None:
    proposer, decider = site.signed_in("sup"), site.signed_in("sup2")
    _step(proposer, app_id, "transition", to="in_review", reason="Review started")
    proposed = _step(
        proposer, app_id, "propose", outcome="denied", reasons="No proof of nationality"
    )
    assert "tag--decision_proposed" in proposed.text
    done = _step(
        decider,
        app_id,
        "decide",
        decision_outcome="denied",
        decision_reasons="No proof of nationality",
    )
    assert "tag--denied" in done.text


def test_a_denial_is_explained_and_can_be_appealed(site: Site, submitted) -> None:
    app_id = submitted("USA")  # ineligible for the Mercosur residence: a denial agrees
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    assert "Decision" not in main_text(page.text).split("History")[0]  # nothing decided yet
    _deny(site, app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    text = main_text(page.text)
    assert "Decision: Denied" in text and "No proof of nationality" in text
    assert "Legal basis" in text and "Acuerdo de Residencia MERCOSUR" in text
    assert "You can appeal this decision until" in text
    empty = migrant.post(
        f"/track/{app_id}/appeal", data={"csrf_token": csrf(page.text), "grounds": ""}
    )
    assert empty.status_code == 422 and "Say why the decision should be changed" in empty.text
    appealed = migrant.post(
        f"/track/{app_id}/appeal",
        data={"csrf_token": csrf(page.text), "grounds": "My birth certificate proves it"},
    )
    assert appealed.status_code == 200 and "tag--appealed" in appealed.text
    assert "Send appeal" not in appealed.text


def test_a_proposal_stays_internal_until_decided(site: Site, submitted) -> None:
    app_id = submitted("USA")
    migrant = site.migrant(app_id)
    supervisor = site.signed_in("sup")
    _step(supervisor, app_id, "transition", to="in_review", reason="Review started")
    proposed = _step(
        supervisor, app_id, "propose", outcome="denied", reasons="Internal draft reason"
    )
    assert "tag--decision_proposed" in proposed.text
    text = main_text(migrant.get(f"/track/{app_id}", params={"lang": "en"}).text)
    assert "Internal draft reason" not in text.split("History")[0]


def test_withdraw_an_open_application(site: Site, submitted) -> None:
    app_id = submitted()
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    assert "Withdraw this application" in page.text
    empty = migrant.post(
        f"/track/{app_id}/withdraw", data={"csrf_token": csrf(page.text), "withdraw_reason": ""}
    )
    assert empty.status_code == 422 and 'href="#withdraw_reason"' in empty.text
    done = migrant.post(
        f"/track/{app_id}/withdraw",
        data={"csrf_token": csrf(page.text), "withdraw_reason": "I got another visa"},
    )
    assert "tag--withdrawn" in done.text and "Withdraw this application" not in done.text
    assert migrant.post(f"/track/{app_id}/approve", data={}, forged=True).status_code == 404


def test_the_legal_basis_names_each_citation_once(site: Site, submitted) -> None:
    # Several conditions of a pathway often rest on one article (the Andean permanent
    # residence cites one article for four of them); the applicant reads it once.
    from ruta.store.models import Decision

    app_id = submitted("USA")
    _deny(site, app_id)
    with site.app.state.sessionmaker() as session:
        decision = session.query(Decision).filter_by(application_id=app_id).one()
        first = decision.legal_basis[0]
        decision.legal_basis = [first, *decision.legal_basis, {**first, "condition": "other"}]
        session.commit()
    page = site.migrant(app_id).get(f"/track/{app_id}", params={"lang": "en"}).text
    basis = page.split("Legal basis</h3>")[1].split("</ul>")[0]
    items = [item.split("</li>")[0] for item in basis.split("<li>")[1:]]
    assert items[0] == first["citation"]
    assert len(items) > 1 and len(items) == len(set(items)), items
