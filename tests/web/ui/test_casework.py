"""Caseworker and supervisor pages: queue, case file, review, decisions, bulk, dashboard."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.ui.conftest import Site, csrf, main_text


def _post(client: TestClient, app_id: str, action: str, forged: bool = False, **data: str):
    """Post one of the case page's forms, as rendered (``forged``: a request no form makes)."""
    page = client.get(f"/casework/cases/{app_id}")
    return client.post(
        f"/casework/cases/{app_id}/{action}",
        data={"csrf_token": csrf(page.text), **data},
        forged=forged,
    )


def _to_review(client: TestClient, app_id: str) -> None:
    response = _post(client, app_id, "transition", to="in_review", reason="Review started")
    assert response.status_code == 200, main_text(response.text)


def test_officers_land_on_the_queue_and_migrants_on_the_finder(site: Site) -> None:
    assert "/casework/queue" in str(site.signed_in("cw").get("/").url)
    assert "/finder" in str(site.client().get("/").url)
    # A link shared with ?lang= keeps its language through the redirect.
    assert str(site.client().get("/?lang=pt").url).endswith("/finder?lang=pt")


def test_queue_shows_age_target_and_filters(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    page = officer.get("/casework/queue", params={"lang": "en"})
    text = main_text(page.text)
    assert "1 case matches." in text and "Review target: 30 days from submission." in text
    assert app_id[:8].upper() in text and "María José Pérez" in text
    assert "Due in 30 days" in text
    assert 'type="checkbox" name="ids"' not in text  # bulk actions are for supervisors
    none = officer.get("/casework/queue", params={"status": "approved", "lang": "en"})
    assert "No cases match these filters." in none.text
    by_pathway = officer.get("/casework/queue", params={"pathway": "arg.mercosur-permanent"})
    assert app_id[:8].upper() not in by_pathway.text
    assert 'option value="arg.mercosur-temporary"' in page.text


def test_queue_and_case_are_limited_to_the_officers_country(site: Site, submitted) -> None:
    app_id = submitted()
    peru = site.signed_in("cw-per")
    assert "No cases match" in peru.get("/casework/queue", params={"lang": "en"}).text
    assert peru.get(f"/casework/cases/{app_id}").status_code == 404


def test_migrants_cannot_open_the_casework_pages(site: Site, applied) -> None:
    migrant, app_id = applied()
    assert "/track" in str(migrant.get("/casework/queue").url)
    assert migrant.get(f"/casework/cases/{app_id}").status_code == 404


def test_case_page_puts_the_engine_trace_beside_the_evidence(site: Site, submitted) -> None:
    app_id = submitted()
    page = site.signed_in("cw").get(f"/casework/cases/{app_id}", params={"lang": "en"})
    text = main_text(page.text)
    trace, evidence = text.index("Engine assessment"), text.index('<h2 id="evidence-heading">')
    assert trace < evidence
    assert "Acuerdo de Residencia MERCOSUR" in text and "<td>Met</td>" in text
    assert re.search(r"rule packs [0-9a-f]{6,}", text)
    assert '<h3 id="checklist">Document checklist</h3>' in text and "Missing" in text
    assert "Passport A1234567" in text and "Start review" in text
    assert "Propose decision" not in text  # only once the review has started


def test_request_information_needs_a_message(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    # The textarea's own name, as the page renders it (the handler once read another one).
    field = "reason-information_requested"
    empty = _post(officer, app_id, "transition", to="information_requested", **{field: ""})
    assert empty.status_code == 422
    assert 'href="#reason-information_requested"' in empty.text
    assert "Say what information or documents the applicant must send" in empty.text
    sent = _post(
        officer,
        app_id,
        "transition",
        to="information_requested",
        **{field: "Send the birth certificate"},
    )
    assert "tag--information_requested" in sent.text
    assert "Send the birth certificate" in sent.text


def test_propose_then_decide_approval_issues_the_decision(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    missing = _post(officer, app_id, "propose", outcome="", reasons="")
    assert missing.status_code == 422
    assert "Select approve, deny or withdraw" in missing.text
    assert "Give at least one reason" in missing.text
    proposed = _post(
        officer,
        app_id,
        "propose",
        outcome="approved",
        reasons="All conditions met\nDocuments verified",
    )
    assert "tag--decision_proposed" in proposed.text and "Proposed decision" in proposed.text
    assert "Confirm the proposed decision" not in proposed.text  # a caseworker does not decide
    supervisor = site.signed_in("sup")
    decided = _post(
        supervisor,
        app_id,
        "decide",
        decision_outcome="approved",
        decision_reasons="All conditions met",
    )
    assert decided.status_code == 200, main_text(decided.text)
    assert "tag--approved" in decided.text


def test_a_denial_needs_a_second_supervisor(site: Site, submitted) -> None:
    app_id = submitted("USA")  # ineligible for the Mercosur residence: a denial agrees
    first = site.signed_in("sup")
    _to_review(first, app_id)
    _post(first, app_id, "propose", outcome="denied", reasons="Criminal record in the last 3 years")
    refused = _post(
        first, app_id, "decide", decision_outcome="denied", decision_reasons="Criminal record"
    )
    assert refused.status_code == 422
    assert "Four eyes" in refused.text and 'href="#decision_outcome"' in refused.text
    second = site.signed_in("sup2")
    decided = _post(
        second, app_id, "decide", decision_outcome="denied", decision_reasons="Criminal record"
    )
    assert "tag--denied" in decided.text and "Appeal deadline" in decided.text


def test_the_decide_form_offers_only_the_proposed_outcome(site: Site, submitted) -> None:
    # Issue 16: a supervisor turned a caseworker's approval proposal into a denial alone.
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    _post(officer, app_id, "propose", outcome="approved", reasons="All conditions met")
    supervisor = site.signed_in("sup")
    page = main_text(supervisor.get(f"/casework/cases/{app_id}").text)
    assert 'name="decision_outcome" value="approved"' in page and 'value="denied"' not in page
    forged = _post(
        supervisor,
        app_id,
        "decide",
        forged=True,
        decision_outcome="denied",
        decision_reasons="I say no",
    )
    assert forged.status_code == 422 and 'href="#decision_outcome"' in forged.text
    assert "The decision must be the outcome proposed" in forged.text
    assert "tag--decision_proposed" in forged.text


def test_staff_withdrawal_is_proposed_then_decided_by_another(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    # No form offers it; a hand-made request is refused.
    alone = _post(
        officer, app_id, "transition", forged=True, to="withdrawn", reason="No answer in 90 days"
    )
    assert alone.status_code == 422 and "tag--in_review" in alone.text
    _post(officer, app_id, "propose", outcome="withdrawn", reasons="No answer in 90 days")
    decided = _post(
        site.signed_in("sup"),
        app_id,
        "decide",
        decision_outcome="withdrawn",
        decision_reasons="No answer in 90 days",
    )
    assert "tag--withdrawn" in decided.text


def test_supervisor_reassigns_a_case(site: Site, submitted) -> None:
    app_id = submitted()
    supervisor = site.signed_in("sup")
    choose = _post(supervisor, app_id, "assign", assignee="")
    assert choose.status_code == 422 and "Select the officer" in choose.text
    done = _post(supervisor, app_id, "assign", assignee=str(site.user("cw2")))
    assert done.status_code == 200
    assert f'<option value="{site.user("cw2")}" selected>cw2 (caseworker)</option>' in done.text


def test_bulk_action_reports_each_case(site: Site, submitted) -> None:
    first = submitted()
    second = submitted()
    supervisor = site.signed_in("sup")
    _to_review(supervisor, second)  # already in review: in_review -> in_review is refused
    queue = supervisor.get("/casework/queue", params={"lang": "en"})
    assert 'type="checkbox" name="ids"' in queue.text
    result = supervisor.post(
        "/casework/bulk",
        data={
            "csrf_token": csrf(queue.text),
            "ids": [first, second],
            "to": "in_review",
            "reason": "Weekly intake",
        },
    )
    text = main_text(result.text)
    assert "1 case moved." in text and "Not moved:" in text
    queue = supervisor.get("/casework/queue", params={"lang": "en"})
    nothing = supervisor.post(
        "/casework/bulk", data={"csrf_token": csrf(queue.text), "to": "in_review", "reason": ""}
    )
    assert nothing.status_code == 422
    assert "Select at least one case" in nothing.text and "Enter a reason" in nothing.text


def test_dashboard_charts_backlog_and_throughput_without_javascript(site: Site, submitted) -> None:
    submitted()
    supervisor = site.signed_in("sup")
    page = supervisor.get("/casework/dashboard", params={"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert html.count('<svg class="chart" role="img"') == 2
    assert "<script" not in html
    assert 'id="open-total">1<' in html
    assert "<caption>Cases by status</caption>" in html


def test_a_caseworker_takes_a_case_and_the_queue_shows_it(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    page = officer.get(f"/casework/cases/{app_id}", params={"lang": "en"})
    assert "Take this case" in page.text and 'id="assignee"' not in page.text
    taken = _post(officer, app_id, "assign", assignee=str(site.user("cw")))
    assert "Assigned to cw." in main_text(taken.text) and "Take this case" not in taken.text
    queue = main_text(officer.get("/casework/queue", params={"lang": "en"}).text)
    assert "<td>cw</td>" in queue


def test_queue_pages_through_the_cases(site: Site, submitted) -> None:
    ids = [submitted() for _ in range(3)]
    site.app.state.settings = site.app.state.settings.model_copy(update={"page_size": 2})
    officer = site.signed_in("cw")
    first = main_text(officer.get("/casework/queue", params={"lang": "en"}).text)
    assert "3 cases match." in first and "Page 1 of 2" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = main_text(officer.get("/casework/queue", params={"page": 2, "lang": "en"}).text)
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    shown = [i for i in ids if i[:8].upper() in first + second]
    assert sorted(shown) == sorted(ids)  # every case on exactly one of the pages
    assert all((i[:8].upper() in first) != (i[:8].upper() in second) for i in ids)


def test_a_spanish_case_page_speaks_spanish_in_its_history(site: Site, submitted) -> None:
    # Issue 15: the history of a Spanish case page was in English, and the assignee ran
    # into the due date ("Asignado a col-caseworker.Vence").
    app_id = submitted()
    officer = site.signed_in("cw", lang="es")
    _to_review(officer, app_id)
    _post(officer, app_id, "assign", assignee=str(site.user("cw")))
    _post(officer, app_id, "propose", outcome="approved", reasons="Requisitos cumplidos")
    page = main_text(officer.get(f"/casework/cases/{app_id}", params={"lang": "es"}).text)
    history = page.split("Historial", 1)[1]
    assert "Presentada por la persona solicitante" in history
    assert "Propuesta: Aprobada. Motivos: Requisitos cumplidos" in history
    assert "submitted by the applicant" not in history and "proposed approved" not in history
    assert re.search(r"Asignado a cw\. \S", page)


def test_a_permits_refusal_at_approval_is_said_in_the_page_language(site: Site, submitted) -> None:
    # The permits package's refusals are permits catalog texts: a key store whose issuers
    # file is damaged stops the approval with the reason in the supervisor's language.
    keys = site.app.state.settings.resolved_keys_dir
    keys.mkdir(parents=True, exist_ok=True)
    (keys / "issuers.json").write_text('[{"country": "ARG"}]')
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    _post(officer, app_id, "propose", outcome="approved", reasons="All conditions met")
    refused = _post(
        site.signed_in("sup", lang="es"),
        app_id,
        "decide",
        decision_outcome="approved",
        decision_reasons="All conditions met",
    )
    assert refused.status_code == 422
    text = main_text(refused.text)
    assert (
        f"{keys / 'issuers.json'} no es una lista de emisores (issuers: entrada de emisor mal "
        "formada (KeyError(&#39;public_key&#39;)); se esperan country, kid, public_key, "
        "valid_from, valid_until)"
    ) in text, text
    assert "tag--decision_proposed" in refused.text  # nothing was decided


def test_an_approved_applicant_sees_and_downloads_the_permit(site: Site, submitted) -> None:
    # Issue 15: the tracking page of an approved application showed no permit.
    app_id = submitted()
    officer = site.signed_in("cw")
    _to_review(officer, app_id)
    _post(officer, app_id, "propose", outcome="approved", reasons="All conditions met")
    _post(
        site.signed_in("sup"),
        app_id,
        "decide",
        decision_outcome="approved",
        decision_reasons="All conditions met",
    )
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "es"})
    text = main_text(page.text)
    assert "Su permiso" in text and "<svg" in text and "Válido desde el" in text
    card = migrant.get(f"/track/{app_id}/permit.pdf", params={"lang": "es"})
    assert card.status_code == 200 and card.content.startswith(b"%PDF")
    assert card.headers["cache-control"] == "no-store"
    qr = migrant.get(f"/track/{app_id}/permit.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    # A standalone SVG document (namespace, the permit id as its title), not the page's snippet.
    assert b"<svg" in qr.content and b"xmlns" in qr.content
    # Nobody else's: another applicant, and a case without a permit.
    assert site.signed_in("cw-per").get(f"/track/{app_id}/permit.pdf").status_code == 404
    other = submitted()
    assert site.migrant(other).get(f"/track/{other}/permit.pdf").status_code == 404
