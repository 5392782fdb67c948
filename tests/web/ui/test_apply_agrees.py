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


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_the_button_shows_exactly_when_the_steps_say_apply_here(
    finder_client: TestClient, monkeypatch: pytest.MonkeyPatch, pathway: str
) -> None:
    host = default_catalog().get(pathway).host_country
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
        cards = lxml.html.fromstring(page.text).xpath("//section[@class='result']")
        open_card, waiting_card = cards
        for card, open_here in ((open_card, office), (waiting_card, False)):
            button = card.xpath(".//a[contains(@href, '/apply/')]")
            first = card.xpath(".//h3/following-sibling::ol[1]/li[1]")[0]
            assert bool(button) is open_here
            assert ("apply-here" in first.get("class", "")) is open_here
            assert ("no-office" in first.get("class", "")) is (not office)
            if not open_here:
                assert "apply-elsewhere" in first.get("class", "")
                known = authority(host)
                if known is not None:
                    assert first.xpath(f".//a[@href='{known.url}']"), first.text_content()


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
    """Without answers every pathway of every country is shown, and still the public page
    opens one transaction (on SQLite each takes the write lock the caseworkers wait on)."""
    client = site.client()
    begins: list[object] = []

    def begun(connection: object) -> None:
        begins.append(connection)

    event.listen(site.app.state.engine, "begin", begun)
    try:
        page = client.get("/finder/results", params={"lang": "en"})
    finally:
        event.remove(site.app.state.engine, "begin", begun)
    assert page.status_code == 200
    open_or_unknown = [r for r in finder.sorted_results({}, "en") if r["status"] != "ineligible"]
    assert len({r["host_country"] for r in open_or_unknown}) > 1  # cards of many countries
    assert page.text.count("no-office") >= len(open_or_unknown)
    assert len(begins) == 1
