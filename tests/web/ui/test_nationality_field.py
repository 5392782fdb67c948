"""The nationality question: the region's countries as boxes, any other country in a
type-ahead field that works without JavaScript (issue 15 §2)."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import csrf, hidden, main_text, walk_finder

AT_NATIONALITY = {"host_country": "BRA", "in_host_country": "true"}


def _nationality_page(client: TestClient, lang: str) -> str:
    walk_finder(client, {**AT_NATIONALITY, "nationalities": ["VEN"]}, lang)
    for at in range(4):
        page = client.get("/finder/question", params={"lang": lang, "at": at})
        if hidden(page.text, "fact") == "nationalities":
            return page.text
    raise AssertionError("the finder did not ask for the nationality")


def _answer(client: TestClient, page: str, lang: str, **fields: object):
    return client.post(
        f"/finder/question?lang={lang}",
        data={
            "csrf_token": csrf(page),
            "at": hidden(page, "at"),
            "fact": "nationalities",
            **fields,
        },
    )


def test_the_field_is_a_datalist_with_a_select_fallback_and_no_script(
    finder_client: TestClient,
) -> None:
    page = _nationality_page(finder_client, "es")
    tree = lxml.html.fromstring(page)
    field = tree.get_element_by_id("answer-other")
    assert field.get("list") == "other-countries"
    assert tree.xpath("//label[@for='answer-other']")
    fallback = tree.xpath("//datalist[@id='other-countries']/select/option/text()")
    assert "España" in fallback and "Japón" in fallback
    assert "Antártida" not in fallback  # nobody holds that nationality
    boxes = tree.xpath("//input[@type='checkbox'][@name='answer']/@value")
    assert "BOL" in boxes and "ESP" not in boxes and "ESP" not in fallback
    assert not tree.xpath("//script")
    assert len(page.encode()) < 20_000


@pytest.mark.parametrize(
    ("lang", "typed", "shown"),
    [
        ("es", "españa", "España"),
        ("pt", " Japão ", "Japão"),
        ("fr", "Egypte", "Égypte"),  # accents aside
        ("en", "ESP", "Spain"),  # the ISO code
    ],
)
def test_a_name_typed_in_the_page_language_or_a_code_is_taken(
    finder_client: TestClient, lang: str, typed: str, shown: str
) -> None:
    page = _nationality_page(finder_client, lang)
    response = _answer(finder_client, page, lang, answer=["VEN"], **{"answer-other": typed})
    assert response.status_code == 200, main_text(response.text)
    check = main_text(finder_client.get("/finder/check", params={"lang": lang}).text)
    assert shown in check
    again = _nationality_page(finder_client, lang)
    assert f'value="{shown}"' in again  # shown back by name, in its own field


def test_the_fallback_select_is_taken_too(finder_client: TestClient) -> None:
    page = _nationality_page(finder_client, "es")
    response = _answer(
        finder_client, page, "es", **{"answer-other": "", "answer-other-list": "Francia"}
    )
    assert response.status_code == 200, main_text(response.text)
    assert "Francia" in main_text(finder_client.get("/finder/check", params={"lang": "es"}).text)


def test_an_unknown_country_is_refused_naming_the_field(finder_client: TestClient) -> None:
    page = _nationality_page(finder_client, "es")
    response = _answer(finder_client, page, "es", answer=["VEN"], **{"answer-other": "Narnia"})
    assert response.status_code == 422
    tree = lxml.html.fromstring(response.text)
    link = tree.xpath("//div[@class='error-summary']//a")[0]
    assert link.get("href") == "#answer-other"
    assert "Colombia" in link.text_content()  # an example of what to type
    assert tree.get_element_by_id("answer-other").get("value") == "Narnia"
    assert tree.xpath("//input[@value='VEN']")[0].get("checked") is not None  # kept
