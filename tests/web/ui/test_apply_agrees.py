"""The "Apply" button and the next steps agree (issue 15 §2): for every pathway of the packs,
the button is shown exactly when the first next step says to apply here; otherwise that
step says where (the host's migration authority, when Ruta knows it) to apply instead."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from ruta.pathways import default_catalog, evaluate
from ruta.web.ui import finder
from ruta.web.ui._help import authority

PATHWAYS = sorted(default_catalog().pathways)


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
    page = finder_client.get("/finder/results", params={"lang": "es"})
    assert page.status_code == 200
    open_card, waiting_card = lxml.html.fromstring(page.text).xpath("//section[@class='result']")
    for card, open_here in ((open_card, True), (waiting_card, False)):
        button = card.xpath(".//a[contains(@href, '/apply/')]")
        first = card.xpath(".//h3/following-sibling::ol[1]/li[1]")[0]
        assert bool(button) is open_here
        assert ("apply-here" in first.get("class", "")) is open_here
        if not open_here:
            assert "apply-elsewhere" in first.get("class", "")
            known = authority(host)
            if known is not None:
                assert first.xpath(f".//a[@href='{known.url}']"), first.text_content()
