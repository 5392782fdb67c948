"""The "Apply" button and the next steps agree (issue 15 §2): for every pathway of the packs,
the button is shown exactly when the first next step says to apply here, which is when the
pathway is open and an office of the host country takes it; otherwise that step says where
(the host's migration authority, when Ruta knows it) and how to apply instead."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from tests.web.ui.conftest import ARG_ANSWERS, Site, walk_finder

from ruta.cases.actions import do_create_office, do_update_office
from ruta.pathways import default_catalog, evaluate
from ruta.web.ui import finder
from ruta.web.ui._help import authority

PATHWAYS = sorted(default_catalog().pathways)
PATHWAY = "arg.mercosur-temporary"


def _as(status: str, result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "status": status, "opens_on": None, "eligible_on": None}


def _first_step_agrees(card: Any, host: str, open_here: bool, office: bool) -> None:
    """The card offers "Apply" exactly when its first next step says to apply here."""
    button = card.xpath(".//a[contains(@href, '/apply/')]")
    first = card.xpath(".//ol[1]/li[1]")[0]
    assert bool(button) is open_here
    assert ("apply-here" in first.get("class", "")) is open_here
    assert ("no-office" in first.get("class", "")) is (not office)
    if not open_here:
        assert "apply-elsewhere" in first.get("class", "")
        known = authority(host)
        if known is not None:
            assert first.xpath(f".//a[@href='{known.url}']"), first.text_content()


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_the_button_shows_exactly_when_the_steps_say_apply_here(
    finder_client: TestClient, monkeypatch: pytest.MonkeyPatch, pathway: str
) -> None:
    """On the results page an open pathway's card, and on each pathway's own page its
    card, whether open or still waiting for an answer."""
    host = default_catalog().get(pathway).host_country
    answers = {"host_country": host, "in_host_country": "true"}
    walk_finder(finder_client, answers, "es", until_unknown=True)
    result = evaluate({"host_country": host}, pathways=[pathway]).results[0]
    plain = result.model_dump(mode="json")
    shown = [_as("eligible", plain), _as("undetermined", plain)]
    monkeypatch.setattr(finder, "sorted_results", lambda profile, lang: [dict(r) for r in shown])
    for office in (True, False):
        taken = {pathway} if office else {"other.pathway"}
        monkeypatch.setattr(
            finder,
            "pathways_with_office",
            lambda request, countries, t=taken: dict.fromkeys(countries, t),
        )
        page = finder_client.get("/finder/results", params={"lang": "es"})
        assert page.status_code == 200
        tree = lxml.html.fromstring(page.text)
        (open_card,) = tree.xpath("//section[@class='result']")
        _first_step_agrees(open_card, host, open_here=office, office=office)
        # A pathway still waiting for an answer is a brief card: no button, no steps, a
        # link to its own page, where the steps say where to apply once it is open.
        (waiting_card,) = tree.xpath("//section[@class='result result--brief']")
        assert not waiting_card.xpath(".//a[contains(@href, '/apply/')]|.//ol")
        assert waiting_card.xpath(f".//a[contains(@href, '/finder/results/{pathway}')]")
        for status in ("eligible", "undetermined"):
            monkeypatch.setattr(
                finder, "pathway_result", lambda profile, pid, lang, s=status: _as(s, plain)
            )
            page = finder_client.get(f"/finder/results/{pathway}", params={"lang": "es"})
            assert page.status_code == 200
            (card,) = lxml.html.fromstring(page.text).xpath("//section[@class='result']")
            here = office and status == "eligible"
            _first_step_agrees(card, host, open_here=here, office=office)


def test_on_the_service_the_button_follows_the_offices_of_the_store(site: Site) -> None:
    """On the whole service the offices come from the case store: an office of Argentina
    that takes the open pathway gives the Apply button; once it stops taking it, the same
    answers say to apply with the authority instead."""
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    page = client.get("/finder/results", params={"lang": "en"})
    assert "/apply/arg.mercosur-temporary" not in page.text  # no office at all yet
    with site.acting_as("sup") as (session, boss):
        do_create_office(session, boss, "BUE-01", "Buenos Aires", pathways=[PATHWAY])
    page = client.get("/finder/results", params={"lang": "en"})
    assert f"/apply/{PATHWAY}" in page.text and "no-office" not in page.text
    with site.acting_as("sup") as (session, boss):
        do_update_office(
            session, boss, "BUE-01", name="Buenos Aires", address=None, address_source=None,
            pathways=["arg.mercosur-permanent"],
        )  # fmt: skip
    page = client.get("/finder/results", params={"lang": "en"})
    assert f"/apply/{PATHWAY}" not in page.text
    assert "No office of this service takes applications for this pathway." in page.text


def test_the_results_ask_the_store_in_one_transaction(site: Site) -> None:
    """The results of a person who named only the country (every pathway of it waiting for
    an answer) open one transaction for all their cards (on SQLite each takes the write
    lock the caseworkers wait on); the page without any answer needs none."""
    client = site.client()
    begins: list[object] = []

    def begun(connection: object) -> None:
        begins.append(connection)

    event.listen(site.app.state.engine, "begin", begun)
    try:
        empty = client.get("/finder/results", params={"lang": "en"})
        assert empty.status_code == 200 and not begins
        walk_finder(client, {"host_country": "PER", "in_host_country": "true"}, until_unknown=True)
        begins.clear()
        page = client.get("/finder/results", params={"lang": "en"})
    finally:
        event.remove(site.app.state.engine, "begin", begun)
    assert page.status_code == 200
    assert page.text.count('class="result result--brief"') >= 3
    assert len(begins) == 1
