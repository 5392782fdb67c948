"""The public guided finder: one question per page, errors, check answers, results."""

from __future__ import annotations

import re

import lxml.html
import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import ARG_ANSWERS, csrf, hidden, main_text, walk_finder

from ruta.pathways import default_catalog
from ruta.web.ui import finder
from ruta.web.ui._state import FINDER_COOKIE


def _token(client: TestClient) -> str:
    return csrf(client.get("/finder/question?at=0").text)


def test_start_page_says_what_the_service_does(finder_client: TestClient) -> None:
    page = finder_client.get("/finder", params={"lang": "en"})
    assert page.status_code == 200
    text = main_text(page.text)
    assert "<h1>Find a regular migration pathway</h1>" in text
    assert 'href="http://testserver/finder/question"' in text
    assert "Start now" in text and "Continue where you left off" not in text


def test_first_question_is_chosen_by_the_engine_and_asked_alone(
    finder_client: TestClient,
) -> None:
    page = finder_client.get("/finder/question", params={"lang": "en"})
    assert page.status_code == 200
    assert hidden(page.text, "fact") == "host_country"
    # One question: the label is the page heading, and the select offers every country.
    assert '<label for="answer"><h1>In which country do you want to live' in page.text
    assert page.text.count("<h1>") == 1
    assert '<option value="ARG">Argentina</option>' in page.text
    assert "<title>In which country" in page.text


def test_questions_come_in_the_page_language(finder_client: TestClient) -> None:
    page = finder_client.get("/finder/question", params={"lang": "pt"})
    assert '<html lang="pt">' in page.text
    assert "Em que país você quer morar" in page.text
    assert "Continuar" in page.text


def test_an_empty_answer_shows_the_error_summary_and_the_inline_error(
    finder_client: TestClient,
) -> None:
    response = finder_client.post(
        "/finder/question?lang=en",
        data={"csrf_token": _token(finder_client), "at": "0", "fact": "host_country", "answer": ""},
    )
    assert response.status_code == 422
    html = response.text
    assert "<title>Error: " in html
    assert (
        'class="error-summary"' in html and 'href="#answer">Select a country from the list<' in html
    )
    assert 'id="answer-error" class="error-message"' in html
    assert 'aria-describedby="answer-error"' in html
    assert FINDER_COOKIE not in response.cookies


def test_an_answer_the_engine_refuses_is_shown_as_a_field_error(
    finder_client: TestClient,
) -> None:
    response = finder_client.post(
        "/finder/question?lang=es",
        data={
            "csrf_token": _token(finder_client),
            "at": "0",
            "fact": "host_country",
            "answer": "XXX",
        },
        forged=True,  # not a country the list offers
    )
    assert response.status_code == 422
    assert "Seleccione un país de la lista" in response.text


def test_walk_to_check_answers_with_change_links(finder_client: TestClient) -> None:
    asked = walk_finder(finder_client, ARG_ANSWERS)
    assert asked[0] == "host_country" and "nationalities" in asked
    check = finder_client.get("/finder/check", params={"lang": "en"})
    text = main_text(check.text)
    assert "<h1>Check your answers</h1>" in text
    assert "<dd>Argentina</dd>" in text and "<dd>Bolivia</dd>" in text
    assert len(re.findall(r"\?at=\d+&amp;return=check", text)) == len(asked)
    assert "See my results" in text


def test_changing_an_answer_returns_to_check_and_keeps_later_answers(
    finder_client: TestClient,
) -> None:
    asked = walk_finder(finder_client, ARG_ANSWERS)
    position = asked.index("nationalities.0.acquired")
    page = finder_client.get(f"/finder/question?at={position}&return=check&lang=en")
    assert hidden(page.text, "fact") == "nationalities.0.acquired"
    assert 'value="birth" checked' in page.text  # the earlier answer is pre-filled
    assert 'href="http://testserver/finder/check" class="back-link"' in page.text
    response = finder_client.post(
        "/finder/question",
        data={
            "csrf_token": csrf(page.text),
            "at": str(position),
            "fact": "nationalities.0.acquired",
            "return": "check",
            "answer": "naturalization",
        },
    )
    # Naturalized nationals are asked since when: the engine needs one more answer first.
    assert "/finder/question" in str(response.url)
    assert hidden(response.text, "fact") == "nationalities.0.since"
    assert 'name="return" value="check"' in response.text
    done = finder_client.post(
        "/finder/question",
        data={
            "csrf_token": csrf(response.text),
            "at": hidden(response.text, "at"),
            "fact": "nationalities.0.since",
            "return": "check",
            "answer-day": "1",
            "answer-month": "10",
            "answer-year": "2015",
        },
    )
    assert "/finder/check" in str(done.url)
    text = main_text(done.text)
    assert "By naturalization" in text and "October 1, 2015" in text
    assert "<dd>Argentina</dd>" in text  # answers before and after the change are kept
    # Every answer is labelled with its question, and each Change link asks that question.
    assert "<dt>permits</dt>" not in text and "stay permit" in text
    for position in range(len(asked) + 1):
        fact = hidden(finder_client.get(f"/finder/question?at={position}").text, "fact")
        assert fact in {*asked, "nationalities.0.since"}


def test_back_link_goes_to_the_previous_question(finder_client: TestClient) -> None:
    first = finder_client.get("/finder/question?lang=en")
    assert 'href="http://testserver/finder" class="back-link"' in first.text
    second = finder_client.post(
        "/finder/question",
        data={
            "csrf_token": _token(finder_client),
            "at": "0",
            "fact": "host_country",
            "answer": "ARG",
        },
    )
    assert 'href="http://testserver/finder/question?at=0" class="back-link"' in second.text


def test_a_stale_form_asks_the_current_question_again(finder_client: TestClient) -> None:
    response = finder_client.post(
        "/finder/question",
        data={
            "csrf_token": _token(finder_client),
            "at": "0",
            "fact": "entry.date",
            "answer": "ARG",
        },
        forged=True,  # a tab left open on a question the answers no longer reach
    )
    assert str(response.url).endswith("/finder/question?at=0")
    assert hidden(response.text, "fact") == "host_country"


def test_a_tampered_cookie_is_ignored(finder_client: TestClient) -> None:
    walk_finder(finder_client, ARG_ANSWERS)
    finder_client.cookies.set(FINDER_COOKIE, "W1siaG9zdF9jb3VudHJ5IiwiUEVSIl1d.forged")
    page = finder_client.get("/finder/question")
    assert hidden(page.text, "fact") == "host_country"


def test_results_explain_each_pathway_with_citations(
    finder_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An office of Argentina takes both MERCOSUR pathways (the bare finder has no store).
    taken = {"arg.mercosur-temporary", "arg.mercosur-permanent"}
    monkeypatch.setattr(
        finder, "pathways_with_office", lambda request, countries: dict.fromkeys(countries, taken)
    )
    walk_finder(finder_client, ARG_ANSWERS)
    page = finder_client.get("/finder/results", params={"lang": "en"})
    text = re.sub(r"</?abbr[^>]*>", "", main_text(page.text))  # acronyms are explained
    assert "1 pathway is open to you today." in text
    eligible = text.index("MERCOSUR temporary residence")
    ineligible = text.index("MERCOSUR permanent residence")
    assert eligible < ineligible  # good news first
    assert "Acuerdo de Residencia MERCOSUR" in text  # citations
    assert "<h3>Documents to gather</h3>" in text and "<h3>Rights this permit gives</h3>" in text
    assert 'href="http://testserver/apply/arg.mercosur-temporary"' in text
    assert text.count('href="http://testserver/apply/') == 1  # only eligible ones offer Apply


def test_an_open_pathway_no_office_takes_says_where_to_apply_instead(
    finder_client: TestClient,
) -> None:
    # The bare finder has no case store, so no office: apply with the authority instead.
    walk_finder(finder_client, ARG_ANSWERS)
    text = main_text(finder_client.get("/finder/results", params={"lang": "es"}).text)
    assert "/apply/" not in text
    assert "Ninguna oficina de este servicio recibe solicitudes para esta vía." in text
    assert "https://www.argentina.gob.ar/interior/migraciones" in text


def test_results_mark_rules_the_reference_calls_uncertain(finder_client: TestClient) -> None:
    walk_finder(finder_client, {**ARG_ANSWERS, "host_country": "PER"})
    text = main_text(finder_client.get("/finder/results", params={"lang": "fr"}).text)
    assert "Règle non confirmée" in text
    assert "(règle non confirmée)" in text  # on the condition itself


def test_results_without_answers_list_the_pathways_by_country(
    finder_client: TestClient,
) -> None:
    """Nothing is assessed before the country is known: the page says so, offers the
    questions, and lists every pathway by country, each a link to its own page."""
    page = finder_client.get("/finder/results", params={"lang": "en"})
    text = main_text(page.text)
    assert "depends first on the country you are in" in text
    assert "No pathway is open to you today." not in text
    tree = lxml.html.fromstring(page.text)
    links = tree.xpath("//main//li/a/@href")
    assert {link.rsplit("/", 1)[1] for link in links} == set(default_catalog().pathways)
    countries = [h.text_content() for h in tree.xpath("//main//h3")]
    assert countries.index("Argentina") < countries.index("Colombia") < countries.index("Peru")
    one = finder_client.get(links[0], params={"lang": "en"})
    assert one.status_code == 200 and "We need more information" in one.text


def test_a_pathway_page_of_no_pack_is_not_found(finder_client: TestClient) -> None:
    page = finder_client.get("/finder/results/xxx.nothing", params={"lang": "es"})
    assert page.status_code == 404 and "Página no encontrada" in page.text


def test_start_again_forgets_the_answers(finder_client: TestClient) -> None:
    walk_finder(finder_client, ARG_ANSWERS)
    assert "Continue where you left off" in finder_client.get("/finder?lang=en").text
    response = finder_client.post("/finder/restart", data={"csrf_token": _token(finder_client)})
    assert hidden(response.text, "fact") == "host_country"
    assert "Continue where you left off" not in finder_client.get("/finder?lang=en").text


def test_an_answer_from_another_site_is_refused(finder_client: TestClient) -> None:
    response = finder_client.post(
        "/finder/question?lang=en",
        data={"at": "0", "fact": "host_country", "answer": "ARG"},
        forged=True,
    )
    assert response.status_code == 422 and "The form expired. Try again" in response.text
    assert FINDER_COOKIE not in response.cookies


def test_country_questions_list_the_region_first_in_the_languages_order(
    finder_client: TestClient,
) -> None:
    # Issue 15: no Antarctica or Bouvet Island; the Americas first; names in the order a
    # reader of the language expects (accents do not send a name to the end).
    first = finder_client.get("/finder/question", params={"lang": "fr"})
    second = finder_client.post(
        "/finder/question",
        data={"csrf_token": csrf(first.text), "at": "0", "fact": "host_country", "answer": "ARG"},
    )
    page = second
    while hidden(page.text, "fact") != "nationalities":
        page = finder_client.post(
            "/finder/question",
            data={
                "csrf_token": csrf(page.text),
                "at": hidden(page.text, "at"),
                "fact": hidden(page.text, "fact"),
                "answer": "true",
            },
        )
    codes = re.findall(r'type="checkbox" value="([A-Z]{3})"', page.text)
    # The Americas are boxes; every other country is offered by name in the type-ahead
    # field that follows them (its <datalist>).
    others = re.findall(r"<option>([^<]+)</option>", page.text.split('id="other-countries"')[1])
    assert "VEN" in codes and "ESP" not in codes  # the Americas first
    assert "Antarctique" not in others and "Île Bouvet" not in others
    assert others.index("Égypte") < others.index("Espagne") < others.index("Estonie")
