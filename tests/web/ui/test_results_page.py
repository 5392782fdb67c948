"""The results page reads plain first (issue 15 §2): each pathway's summary before its legal
detail, which is folded in a <details>; acronyms explained on first use; citations marked
with the language of the law; dates as the page language writes them."""

from __future__ import annotations

import re

import lxml.html
import pytest
from fastapi.testclient import TestClient
from tests.web.ui.conftest import ARG_ANSWERS, walk_finder
from tests.web.ui.test_finder_promises import VENEZUELAN_IN_BRAZIL
from tests.web.ui.test_no_dead_ends import VENEZUELAN_IN_COLOMBIA

from ruta.i18n import LANGUAGES
from ruta.pathways import evaluate
from ruta.web.ui import finder
from ruta.web.ui._terms import load_terms

WALKS = {"ARG": ARG_ANSWERS, "COL": VENEZUELAN_IN_COLOMBIA, "BRA": VENEZUELAN_IN_BRAZIL}
#: "I do not know" right after the nationality: every pathway of Colombia still undecided.
EARLY = {"COL-early": {k: VENEZUELAN_IN_COLOMBIA[k] for k in list(VENEZUELAN_IN_COLOMBIA)[:4]}}
WALKS.update(EARLY)


def _results(client: TestClient, walk: str, lang: str) -> lxml.html.HtmlElement:
    walk_finder(client, WALKS[walk], lang, until_unknown=walk in EARLY)  # type: ignore[arg-type]
    page = client.get("/finder/results", params={"lang": lang})
    assert page.status_code == 200
    tree: lxml.html.HtmlElement = lxml.html.fromstring(page.text)
    return tree.xpath("//main")[0]


@pytest.mark.parametrize("walk", sorted(WALKS))
def test_the_summary_comes_first_and_the_legal_detail_is_one_click_away(
    finder_client: TestClient, walk: str
) -> None:
    main = _results(finder_client, walk, "es")
    _summary_first(main)
    # A pathway not open yet is a brief card with its summary and a link to its own page,
    # where the same card is given in full.
    briefs = main.xpath("//section[@class='result result--brief']")
    for brief in briefs:
        assert brief.xpath("./p[@class='summary']")[0].text_content().strip()
        (link,) = brief.xpath(".//a[contains(@href, '/finder/results/')]/@href")
        page = finder_client.get(link, params={"lang": "es"})
        assert page.status_code == 200
        own: lxml.html.HtmlElement = lxml.html.fromstring(page.text).xpath("//main")[0]
        assert len(own.xpath("//section[@class='result']")) == 1
        _summary_first(own)
    cards = main.xpath("//section[@class='result']")
    closed = main.xpath("//details[@class='closed-pathways']")
    assert cards or closed or briefs


def _summary_first(main: lxml.html.HtmlElement) -> None:
    """Each full card says its summary first and folds the conditions and laws in a
    <details>; every citation and every met/not-met mark of the page is folded."""
    for card in main.xpath("//section[@class='result']"):
        children = [c for c in card if isinstance(c.tag, str)]
        summary = card.xpath("./p[@class='summary']")[0]
        assert summary.text_content().strip()
        detail = card.xpath("./details[@class='legal-detail']")[0]
        assert children.index(summary) < children.index(detail)
        assert detail.xpath(".//cite") or detail.xpath(".//p[@class='citation']")
    for cite in main.xpath("//cite"):
        assert cite.xpath("ancestor::details"), cite.text_content()
    for mark in main.xpath("//span[@aria-hidden='true']"):
        if mark.text in ("✔", "✘"):
            assert mark.xpath("ancestor::details")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("walk", sorted(WALKS))
def test_every_acronym_is_explained_once_on_the_page(
    finder_client: TestClient, walk: str, lang: str
) -> None:
    main = _results(finder_client, walk, lang)
    text = re.sub(r"\s+", " ", main.text_content())
    terms = load_terms()
    used = {abbr.text for abbr in main.xpath("//abbr")}
    for spelling in used:
        term = terms[spelling]
        assert all(a.get("title") for a in main.xpath(f"//abbr[text()='{spelling}']"))
        assert text.count(term.explains[lang]) == 1, (spelling, lang)
    # Every listed acronym the page shows is marked (none slips through unexplained), except
    # in citations, which name a law by its official title.
    for cite in main.xpath("//cite"):
        cite.drop_tree()
    prose = re.sub(r"\s+", " ", main.text_content())
    for spelling in terms:
        if re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", prose):
            assert spelling in used, spelling


def test_colombia_explains_the_ppt_and_the_rumv(finder_client: TestClient) -> None:
    main = _results(finder_client, "COL", "en")
    html = lxml.html.tostring(main, encoding="unicode")
    assert '<abbr title="Permiso por Protección Temporal">PPT</abbr>' in html
    assert "Colombia's permit for Venezuelan migrants, which is also an identity document" in html


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "April 30, 2026"), ("es", "30 de abril de 2026")]
)
def test_citations_carry_the_laws_language_and_dates_the_pages(
    finder_client: TestClient, lang: str, said: str
) -> None:
    main = _results(finder_client, "COL", lang)
    text = re.sub(r"\s+", " ", main.text_content())
    assert said in text and "2026-04-30" not in text  # the PEP Tutor window, closed
    cites = main.xpath("//cite")
    assert cites
    if lang == "es":
        assert all(c.get("lang") is None for c in cites)  # already the page's language
    else:
        assert {c.get("lang") for c in cites} == {"es"}
        assert "in the language they are published in: Spanish." in text


def test_a_brazilian_citation_is_marked_portuguese(finder_client: TestClient) -> None:
    main = _results(finder_client, "BRA", "es")
    assert {c.get("lang") for c in main.xpath("//cite")} == {"pt"}
    assert "portugués" in main.text_content()


def test_protection_is_among_what_can_still_be_done_without_invented_contacts(
    finder_client: TestClient,
) -> None:
    main = _results(finder_client, "COL", "en")
    item = main.xpath("//ul[@class='next-options']/li[@id='protection']")[0]
    assert "protection as a refugee" in item.text_content()
    # The only contact is the migration authority Ruta lists for Colombia (help.yaml).
    assert item.xpath(".//a/@href") == ["https://www.migracioncolombia.gov.co"]


def test_a_question_explains_the_acronyms_of_its_options(finder_client: TestClient) -> None:
    answers = {
        **VENEZUELAN_IN_COLOMBIA,
        "permits": "true",
        "permits.0.country": "COL",
        "permits.0.type": "sc2",
    }
    asked = walk_finder(finder_client, answers, "en")  # type: ignore[arg-type]
    at = asked.index("permits.0.type")
    page = finder_client.get("/finder/question", params={"lang": "en", "at": at})
    tree = lxml.html.fromstring(page.text)
    labels = " ".join(label.text_content() for label in tree.xpath("//label"))
    assert "Colombia's permit for Venezuelan migrants" in labels  # the PPT option
    assert tree.xpath("//label/abbr[@title='Permiso por Protección Temporal']")


@pytest.mark.parametrize("lang", ["es", "pt", "en"])
def test_a_closed_pathway_is_named_as_its_title_not_split_by_explanations(
    finder_client: TestClient, lang: str
) -> None:
    # "PEP (an earlier Colombian permit…) Tutor (… PPT (Colombia's permit…))" split the
    # pathway's name and nested brackets; its terms are explained after its reasons instead.
    main = _results(finder_client, "COL", lang)
    names = main.xpath("//details[@class='closed-pathways']//li/strong")
    assert names
    terms = load_terms()
    for name in names:
        said = re.sub(r"\s+", " ", name.text_content())
        for term in terms.values():
            assert (term.explains.get(lang) or term.explains["en"]) not in said, said
    text = re.sub(r"\s+", " ", main.text_content())
    assert "PEP Tutor" in text  # the name reads whole


def test_open_pathways_come_before_what_the_others_still_ask(
    finder_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open pathway's card first; then the questions still open, once; then the
    pathways waiting for them, briefly."""
    walk_finder(
        finder_client, {"host_country": "ARG", "in_host_country": "true"}, "es", until_unknown=True
    )
    plain = evaluate({"host_country": "ARG"}, pathways=["arg.mercosur-temporary"]).results[0]
    waiting = plain.model_dump(mode="json")
    shown = [{**waiting, "status": "eligible", "missing": []}, waiting]
    monkeypatch.setattr(finder, "sorted_results", lambda profile, lang: [dict(r) for r in shown])
    main = _results_page(finder_client)
    order = [
        el.get("class")
        for el in main.xpath("./section")
        if el.get("class") in ("result", "still-needed", "result result--brief")
    ]
    assert order == ["result", "still-needed", "result result--brief"]
    assert main.xpath("//section[@class='still-needed']//li")


def _results_page(client: TestClient) -> lxml.html.HtmlElement:
    page = client.get("/finder/results", params={"lang": "es"})
    assert page.status_code == 200
    tree: lxml.html.HtmlElement = lxml.html.fromstring(page.text)
    return tree.xpath("//main")[0]
