"""The work queue built for volume (issue 15 §3): open cases by default, one search box
(name, reference, document number), "assigned to me", the proposed outcome, and the
"Next case" link after an action. Forms are posted as the pages rendered them."""

from __future__ import annotations

import lxml.html
from tests.web.ui.conftest import Site, main_text
from tests.web.ui.test_casework import _post, _to_review

from ruta.store.models import Applicant, Application


def _rename(site: Site, app_id: str, given: str, surname: str, document: str) -> None:
    # The ``submitted`` fixture gives every applicant the same identity; searching needs
    # people that differ.
    with site.app.state.sessionmaker() as session:
        app = session.get(Application, app_id)
        assert app is not None
        person = session.get(Applicant, app.applicant_id)
        assert person is not None
        person.given_names, person.surname_1, person.document_number = given, surname, document
        session.commit()


def _listed(client, **params: str) -> set[str]:
    html = client.get("/casework/queue", params={"lang": "en", **params}).text
    page = lxml.html.fromstring(html)
    return {
        a.get("href").rsplit("/", 1)[1]
        for a in page.xpath("//table//a[contains(@href, '/casework/cases/')]")
    }


def test_one_search_box_finds_name_reference_and_document(site: Site, submitted) -> None:
    ana, luis = submitted(), submitted()
    _rename(site, ana, "Ana Lucía", "Quispe", "P-55%01")
    _rename(site, luis, "Luis", "Mamani_Rojas", "C998877")
    officer = site.signed_in("cw")
    assert _listed(officer) == {ana, luis}
    assert _listed(officer, q="quispe") == {ana}  # case-insensitive, surname
    assert _listed(officer, q="ana  QUISPE") == {ana}  # every word must match
    assert _listed(officer, q="lucía") == {ana}
    assert _listed(officer, q=luis[:8].upper()) == {luis}  # the reference as shown
    assert _listed(officer, q="998877") == {luis}  # part of the document number
    # LIKE wildcards typed are plain characters, not "anything".
    assert _listed(officer, q="%") == {ana}  # only Ana's document has a %
    assert _listed(officer, q="_") == {luis}  # only Luis's surname has an _
    assert _listed(officer, q="ana luis") == set()
    page = officer.get("/casework/queue", params={"q": "quispe", "lang": "en"}).text
    assert 'value="quispe"' in page and "1 case matches." in main_text(page)
    # Scope rules unchanged: another country's officer finds nothing by the same search.
    assert _listed(site.signed_in("cw-per"), q="quispe") == set()


def test_assigned_to_me(site: Site, submitted) -> None:
    mine, other = submitted(), submitted()
    supervisor = site.signed_in("sup")
    _post(supervisor, mine, "assign", assignee=str(site.user("cw")))
    _post(supervisor, other, "assign", assignee=str(site.user("cw2")))
    officer = site.signed_in("cw")
    assert _listed(officer, mine="1") == {mine}
    assert _listed(officer) == {mine, other}
    assert _listed(site.signed_in("cw2"), mine="1") == {other}


def test_open_cases_by_default_closed_on_request(site: Site, submitted) -> None:
    closed, open_ = submitted(), submitted()
    officer = site.signed_in("cw")
    _to_review(officer, closed)
    _post(officer, closed, "propose", outcome="withdrawn", reasons="No answer in 90 days")
    decided = _post(
        site.signed_in("sup"),
        closed,
        "decide",
        decision_outcome="withdrawn",
        decision_reasons="No answer in 90 days",
    )
    assert "tag--withdrawn" in decided.text
    assert _listed(officer) == {open_}
    assert _listed(officer, closed="1") == {closed, open_}
    assert _listed(officer, status="withdrawn") == {closed}  # a closed status shows them


def test_proposed_outcome_column_and_next_case_after_a_decision(site: Site, submitted) -> None:
    first, second = submitted(), submitted()
    officer = site.signed_in("cw")
    _to_review(officer, first)
    proposed = _post(officer, first, "propose", outcome="approved", reasons="All conditions met")
    text = main_text(proposed.text)
    assert "Decision proposed: it now waits for a supervisor." in text
    queue = lxml.html.fromstring(officer.get("/casework/queue", params={"lang": "en"}).text)
    headers = [th.text_content().strip() for th in queue.xpath("//table//th")]
    column = headers.index("Proposed outcome")
    cells = {
        row.xpath(".//a")[0].get("href").rsplit("/", 1)[1]: row.xpath("./td")[column]
        for row in queue.xpath("//table/tbody/tr")
    }
    assert cells[first].text_content().strip() == "Approved"
    assert cells[second].text_content().strip() == "–"

    decided = _post(
        site.signed_in("sup"),
        first,
        "decide",
        decision_outcome="approved",
        decision_reasons="All conditions met",
    )
    assert decided.status_code == 200 and "done=decided" in str(decided.url)
    page = lxml.html.fromstring(decided.text)
    (banner,) = page.find_class("success-banner")
    links = banner.xpath(".//a")
    # "Next case" is the banner's first link: one Tab from the message.
    assert links[0].text_content().startswith("Next case")
    assert links[0].get("href").endswith(f"/casework/cases/{second}")
    assert "Decision recorded." in banner.text_content()


def test_success_message_is_translated_and_unknown_codes_are_ignored(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw", lang="es")
    started = _post(officer, app_id, "transition", to="in_review", reason="Review started")
    assert "Revisión iniciada." in main_text(started.text)
    # The only other open case is this one: no next case, a way back to the queue.
    assert 'id="next-case"' not in started.text
    page = officer.get(f"/casework/cases/{app_id}", params={"done": "<script>"})
    assert page.status_code == 200 and "success-banner" not in page.text
