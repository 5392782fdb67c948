"""The finder asks what its start page says, in the order people expect (issue 15 §2)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import ARG_ANSWERS, main_text, walk_finder
from tests.web.ui.test_no_dead_ends import VENEZUELAN_IN_COLOMBIA

from ruta.pathways._facts import fact_catalog
from ruta.web.ui.finder import START_TOPICS

VENEZUELAN_IN_BRAZIL = {
    "host_country": "BRA",
    "in_host_country": "true",
    "nationalities": ["VEN"],
    "nationalities.0.acquired": "birth",
}
WALKS = [ARG_ANSWERS, VENEZUELAN_IN_COLOMBIA, VENEZUELAN_IN_BRAZIL]


def _topic(fact: str) -> str:
    generic = ".".join(part for part in fact.split(".") if not part.isdigit())
    for topic, facts in START_TOPICS.items():
        if generic in facts or generic.split(".")[0] in facts:
            return topic
    raise AssertionError(f"{fact} is on no topic of the start page")


def test_every_fact_the_finder_can_ask_is_promised_on_the_start_page() -> None:
    listed = [fact for facts in START_TOPICS.values() for fact in facts]
    assert sorted(listed) == sorted(fact_catalog()), "START_TOPICS and facts.yaml differ"
    assert len(listed) == len(set(listed)), "a fact is on two topics"


@pytest.mark.parametrize("lang", ["es", "pt", "en", "fr", "ht"])
def test_the_start_page_lists_every_topic(finder_client: TestClient, lang: str) -> None:
    text = main_text(finder_client.get("/finder", params={"lang": lang}).text)
    for topic in START_TOPICS:
        assert f'id="ask-{topic}"' in text
    assert "It helps to have with you" not in text  # the old list promised other things


@pytest.mark.parametrize("answers", WALKS, ids=["ARG", "COL", "BRA"])
def test_where_and_who_come_first_and_the_record_last(
    finder_client: TestClient, answers: dict[str, object]
) -> None:
    asked = walk_finder(finder_client, answers, "es")  # type: ignore[arg-type]
    topics = [_topic(fact) for fact in asked]
    first = [t for t in topics if t in ("where", "who")]
    assert topics[: len(first)] == first, asked  # no other question before these
    assert asked[0] == "host_country"
    if "in_host_country" in asked:
        assert asked[1] == "in_host_country", asked  # "where you are" right after "where"
    if "record" in topics:
        assert topics[topics.index("record") :] == ["record"] * topics.count("record"), asked
