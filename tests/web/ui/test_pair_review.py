"""The registry review pages: queue, side-by-side comparison, decision form, access."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import select
from tests.web.ui.conftest import PASSWORD, Site, csrf, main_text

from ruta.cases.actions import do_import_review_pairs
from ruta.cases.actions.authentication import do_create_user
from ruta.linkage import Registry, borderline_pairs
from ruta.linkage._registry import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from ruta.store.models import AuditEvent, ReviewPairRow

SECOND = "Segundo apellido"


def queue_pairs(site: Site, count: int = 2) -> list[int]:
    """Import ``count`` borderline pairs (probabilities 0.6, 0.7 ...); their ids, queue order."""
    ids = [f"r{i}" for i in range(2 * count)]
    frame = pd.DataFrame({c: [""] * len(ids) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS})
    frame["record_id"] = ids
    frame["given_names"] = ["Ana", "Ana María"] * count
    frame["surname_1"] = ["Peña", "PENA"] * count
    frame["date_of_birth"] = "1990-05-01"
    pairs = pd.DataFrame(
        {
            "record_id_l": ids[0::2],
            "record_id_r": ids[1::2],
            "match_probability": [0.6 + i / 100 for i in range(count)],
        }
    )
    with site.app.state.sessionmaker() as session:
        band = borderline_pairs(pairs, Registry(frame))
        do_import_review_pairs(session, None, band, "ARG-26", country="ARG")
        rows = session.scalars(select(ReviewPairRow).order_by(ReviewPairRow.probability))
        return [row.id for row in rows]


def audit(site: Site, action: str) -> list[AuditEvent]:
    with site.app.state.sessionmaker() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_queue_lists_pending_pairs_with_probability_and_pages(site: Site) -> None:
    site.app.state.settings.page_size = 1
    first, second = queue_pairs(site)
    client = site.signed_in("cw")
    html = client.get("/review").text
    text = main_text(html)
    assert "Registry review" in text and "2 pairs." in text and "0.60" in text
    assert f'href="http://testserver/review/{first}"' in html
    assert f"/review/{second}" not in html and "Page 1 of 2" in text
    page_two = client.get("/review", params={"page": 2}).text
    assert f"/review/{second}" in page_two and "0.61" in page_two
    assert '<a href="/review">Registry review</a>' in client.get("/casework/queue").text
    # In French the probability has a decimal comma, in the queue and on the pair's page.
    french = site.signed_in("cw", lang="fr")
    assert "0,60" in main_text(french.get("/review", params={"lang": "fr"}).text)
    assert "0,60" in main_text(french.get(f"/review/{first}", params={"lang": "fr"}).text)


def test_pair_page_shows_both_records_and_marks_differences(site: Site) -> None:
    (pair_id,) = queue_pairs(site, 1)
    client = site.signed_in("sup", lang="es")
    html = client.get(f"/review/{pair_id}").text
    rows = re.findall(r"<tr( class=\"differs\")?>\s*<th scope=\"row\">(.*?)</th>", html)
    assert ("", "Primer apellido") in rows and ("", "Fecha de nacimiento") in rows
    assert [name for marked, name in rows if marked] == ["Nombres"]
    # Shown in the same order on both backends (PostgreSQL's JSONB reorders keys).
    assert [name for _, name in rows][:4] == ["Nombres", "Primer apellido", SECOND, "Sexo"]
    given = re.search(r'<tr class="differs">\s*<th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S)
    assert given is not None and "<mark>Ana</mark>" in given.group(2)
    assert "<mark>Ana María</mark>" in given.group(2) and "Difiere" in given.group(2)
    # Surnames differ only in case and accents: not marked.
    assert "<mark>PENA</mark>" not in html and "PENA" in html
    assert "Misma persona (fusionar)" in html and "No es la misma persona" in html
    assert "0,60" in main_text(html) and "0.60" not in main_text(html)
    (read,) = audit(site, "review_pair.read")
    assert read.entity_id == str(pair_id) and read.actor == "sup"


def test_decision_needs_a_reason_then_is_recorded_once(site: Site) -> None:
    (pair_id,) = queue_pairs(site, 1)
    client = site.signed_in("cw")
    page = client.get(f"/review/{pair_id}").text
    empty = client.post(
        f"/review/{pair_id}", data={"csrf_token": csrf(page), "outcome": "merged", "reason": " "}
    )
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.text and "<title>Error: " in empty.text
    expired = client.post(
        f"/review/{pair_id}",
        data={"csrf_token": "x", "outcome": "merged", "reason": "Same"},
        forged=True,
    )
    assert expired.status_code == 422 and "The form expired" in expired.text
    done = client.post(
        f"/review/{pair_id}",
        data={"csrf_token": csrf(page), "outcome": "distinct", "reason": "Other mother"},
    )
    assert done.status_code == 200 and "status=decided" in str(done.url)
    assert "Not the same person" in main_text(done.text)
    again = client.post(
        f"/review/{pair_id}",
        data={"csrf_token": csrf(page), "outcome": "merged", "reason": "Changed my mind"},
        forged=True,  # the decided pair's page has no form any more: a stale tab
    )
    assert again.status_code == 422 and "already decided" in again.text
    shown = client.get(f"/review/{pair_id}").text
    assert "Other mother" in shown and 'name="outcome"' not in shown
    (decision,) = audit(site, "review_pair.decide")
    assert decision.data["outcome"] == "distinct" and decision.actor == "cw"
    assert client.get("/review").text.count("/review/") == 0


def test_only_caseworkers_and_supervisors_see_the_queue(site: Site) -> None:
    (pair_id,) = queue_pairs(site, 1)
    anonymous = site.client().get("/review", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")
    with site.app.state.sessionmaker() as session:
        for name, role in (("aud", "auditor"), ("mig", "applicant")):
            country = "ARG" if role == "auditor" else None
            do_create_user(
                session, None, username=name, password=PASSWORD, role=role, country=country
            )
    for name in ("aud", "mig"):
        client = site.signed_in(name)
        assert client.get("/review").status_code == 404
        assert client.get(f"/review/{pair_id}").status_code == 404
        posted = client.post(
            f"/review/{pair_id}", data={"outcome": "merged", "reason": "x"}, forged=True
        )
        assert posted.status_code == 404
        assert "Registry review" not in client.get("/track").text
    assert audit(site, "review_pair.read") == []
    assert site.signed_in("cw").get("/review/999999").status_code == 404
    # An officer of another state: the pair does not exist for them.
    other = site.signed_in("cw-per")
    assert "0 pairs." in main_text(other.get("/review").text)
    assert other.get(f"/review/{pair_id}").status_code == 404
