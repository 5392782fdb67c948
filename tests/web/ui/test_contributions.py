"""The finder's page "My contributions abroad": rows without JavaScript, the answer with
citations and confidence, errors that say how to fix them, nothing stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from tests.web.forms import form_values
from tests.web.ui.conftest import main_text

from ruta.i18n import LANGUAGES, N_
from ruta.labour.pensions import PensionsError
from ruta.web.ui import contributions
from ruta.web.ui.contributions import MAX_ROWS

URL = "/finder/contributions"


def row(index: int, country: str, start: tuple[str, str, str], end: tuple[str, str, str]):
    values = {f"country-{index}": country}
    for name, (day, month, year) in (("from", start), ("to", end)):
        values |= {
            f"{name}-{index}-day": day,
            f"{name}-{index}-month": month,
            f"{name}-{index}-year": year,
        }
    return values


def post_rows(client: TestClient, data: dict[str, str], **kwargs: object):
    """Post the form as a person fills it: open the page, press "add a row" until it has
    the rows ``data`` fills (each press posts the form as rendered), then post ``data``."""
    rows = 1 + max((int(k.split("-")[1]) for k in data if k.startswith("country-")), default=0)
    params = kwargs.pop("params", None)
    page = client.get(URL, params=params)
    while (shown := page.text.count('id="country-')) < rows:
        page = client.post(
            URL, data={**form_values(page.text, URL), "action": "add"}, params=params
        )
        if page.text.count('id="country-') == shown:
            break  # the page offers no more rows
    return client.post(URL, data=data, params=params, **kwargs)  # type: ignore[arg-type]


# A Peruvian who worked in Peru, then Chile, then Argentina (claim on 1 January 2026).
HISTORY = (
    row(0, "PER", ("", "3", "1998"), ("", "12", "2006"))
    | row(1, "CHL", ("1", "1", "2007"), ("31", "12", "2016"))
    | row(2, "ARG", ("", "1", "2017"), ("", "6", "2025"))
    | {"claim-day": "1", "claim-month": "1", "claim-year": "2026"}
)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_empty_form_in_every_language(finder_client: TestClient, lang: str) -> None:
    page = finder_client.get(URL, params={"lang": lang})
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert "<script" not in page.text  # works without JavaScript
    assert page.text.count('<select class="select" id="country-') == 2
    assert 'name="action" value="add"' in page.text
    titles = {
        "es": "Mis cotizaciones en el exterior",
        "pt": "Minhas contribuições no exterior",
        "en": "My contributions abroad",
        "fr": "Mes cotisations à l'étranger",
        "ht": "Kotizasyon mwen aletranje",
    }
    assert f"<h1>{titles[lang]}</h1>" in page.text.replace("&#39;", "'")


def test_the_finder_start_page_links_here(finder_client: TestClient) -> None:
    start = finder_client.get("/finder", params={"lang": "en"}).text
    assert f'href="http://testserver{URL}"' in start


def test_rows_are_added_and_removed_by_posting_the_form(finder_client: TestClient) -> None:
    added = post_rows(finder_client, data={**HISTORY, "action": "add"}, params={"lang": "en"})
    assert added.status_code == 200
    assert added.text.count('id="country-') == 4
    assert '<select class="select" id="country-3" name="country-3" autofocus>' in added.text
    assert '<option value="CHL" selected>' in added.text  # what was typed stays
    removed = post_rows(finder_client, data={**HISTORY, "action": "remove-0"})
    assert removed.text.count('id="country-') == 2
    # Peru's row is gone; Chile's moved up to the first row, with its dates.
    assert re.search(
        r'id="country-0" name="country-0">.*?<option value="CHL" selected>', removed.text, re.S
    )
    assert 'id="from-0-year" name="from-0-year" inputmode="numeric" size="4" value="2007"' in (
        removed.text
    )
    assert "Your periods added up" not in removed.text


def test_no_more_than_the_maximum_of_rows(finder_client: TestClient) -> None:
    many = {
        k: v for i in range(MAX_ROWS) for k, v in row(i, "", ("", "", ""), ("", "", "")).items()
    }
    page = post_rows(finder_client, data={**many, "action": "calculate"})
    assert page.text.count('<select class="select" id="country-') == MAX_ROWS
    assert 'value="add"' not in page.text
    # A hand-made "add" past the maximum (no page offers it) adds nothing either.
    page = finder_client.post(URL, data={**many, "action": "add"}, forged=True)
    assert page.text.count('<select class="select" id="country-') == MAX_ROWS
    assert 'value="add"' not in page.text


def test_the_answer_with_citations_and_confidence(finder_client: TestClient) -> None:
    page = post_rows(finder_client, data={**HISTORY, "action": "calculate"}, params={"lang": "es"})
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Sus períodos sumados" in text
    assert "<strong>Convenio Multilateral Iberoamericano de Seguridad Social</strong>" in text
    # Peru from March 1998 (day left empty: the 1st) to December 2006 (the 31st).
    peru_days = (dt.date(2007, 1, 1) - dt.date(1998, 3, 1)).days
    assert f'<th scope="row">Perú</th> <td class="numeric">{peru_days}</td>' in text
    assert "(Convenio Multilateral Iberoamericano de Seguridad Social, art. 13.1 b))" in text
    # Argentina and Peru joined the Convention in 2016, after periods there began: the
    # pre-application rule is UNCERTAIN and the page says so.
    assert '<strong class="tag tag--uncertain">Regla no confirmada</strong>' in text
    assert '<strong class="uncertain-mark">' in text
    # Why: the agreement, adding up, periods before it applied, each state's share.
    assert text.count("<li>") == 4


def test_a_gap_and_a_state_outside_the_agreements(finder_client: TestClient) -> None:
    data = (
        row(0, "MEX", ("", "1", "2000"), ("", "12", "2005"))
        | row(1, "COL", ("", "1", "2008"), ("", "12", "2015"))
        | row(2, "ECU", ("", "1", "2016"), ("", "12", "2024"))
    )
    text = main_text(post_rows(finder_client, data=data, params={"lang": "en"}).text)
    assert "Periods not added up" in text and "<strong>Mexico</strong>" in text
    assert "Mexico is not a party." in text
    assert "Gaps: no contributions in any country" in text


def test_errors_name_the_field_and_keep_the_input(finder_client: TestClient) -> None:
    data = (
        row(0, "", ("", "3", "1998"), ("", "12", "2006"))
        | row(1, "CHL", ("", "13", "2007"), ("", "", ""))
        | row(2, "ARG", ("", "1", "2017"), ("", "6", "2016"))
        | row(3, "ARG", ("", "1", "2017"), ("", "6", "2031"))
    )
    page = post_rows(finder_client, data={**data, "action": "calculate"}, params={"lang": "en"})
    assert page.status_code == 422
    assert "<title>Error: " in page.text
    text = main_text(page.text)
    for field, message in [
        ("country-0", "Choose the country of period 1"),
        ("from-1-month", "Enter the month and year period 2 started, for example 3 2015"),
        ("to-1-month", "Enter the month and year period 2 ended, for example 12 2019"),
        ("to-2-month", "Period 3 must end on or after the day it started"),
        ("to-3-month", "Period 4 ends after the date of your claim"),
    ]:
        assert f'<a href="#{field}">{message}</a>' in text, field
    assert 'value="13"' in text  # the wrong month is shown back to be corrected


@pytest.mark.parametrize("country", ["XYZ", "AR", "FRA"])
def test_a_country_the_page_does_not_offer_is_asked_again(
    finder_client: TestClient, country: str
) -> None:
    # A forged or stale form: answered as a state named by its raw text, party to nothing.
    data = row(0, country, ("", "1", "2000"), ("", "12", "2010")) | row(
        1, "CHL", ("", "1", "2011"), ("", "12", "2020")
    )
    finder_client.get(URL, params={"lang": "es"})
    page = finder_client.post(
        URL, data={**data, "action": "calculate"}, params={"lang": "es"}, forged=True
    )
    assert page.status_code == 422
    assert '<a href="#country-0">Elija el país del período 1</a>' in main_text(page.text)


def test_empty_form_and_bad_claim_date(finder_client: TestClient) -> None:
    empty = post_rows(
        finder_client, data={"country-0": "", "action": "calculate"}, params={"lang": "en"}
    )
    assert empty.status_code == 422 and "Enter at least one period" in empty.text
    bad = post_rows(finder_client, data={**HISTORY, "claim-day": "31", "claim-month": "2"})
    assert bad.status_code == 422
    assert '<a href="#claim-day">Enter a real date for your claim' in bad.text


def test_an_engine_refusal_is_shown_in_the_page_language(
    finder_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The form's own checks leave the engine nothing to refuse today; should it refuse, the
    # page shows its refusal in the page's language, as a form error (not a problem+json).
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PensionsError(
            N_("no agreement '%(agreement)s'; expected one of %(known)s or auto"),
            field="agreement",
            agreement="nafta",
            known="mercosur, iberoamerican",
        )

    monkeypatch.setattr(contributions, "totalize", refuse)
    page = post_rows(finder_client, data={**HISTORY, "action": "calculate"}, params={"lang": "fr"})
    assert page.status_code == 422
    said = "aucun accord 'nafta' ; l'un de mercosur, iberoamerican ou auto est attendu"
    assert f'<a href="#country-0">{said}</a>' in main_text(page.text).replace("&#39;", "'")


def test_a_claim_before_the_convention_applied(finder_client: TestClient) -> None:
    data = {**HISTORY, "claim-year": "2016", "claim-month": "9", "claim-day": "1"}
    data |= {"to-1-year": "2015"}  # Chile until December 2015
    data |= row(2, "", ("", "", ""), ("", "", ""))  # Argentina's row left empty: ignored
    text = main_text(post_rows(finder_client, data=data, params={"lang": "en"}).text)
    # Peru applies the CMISS only from 20 October 2016.
    assert "No agreement adds up your periods on Sep 1, 2016." in text
    assert "applies it only from October 20, 2016" in text


def test_nothing_is_stored(site) -> None:
    client = site.client()
    engine = site.app.state.engine
    tables = inspect(engine).get_table_names()

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables
            }

    before = counts()
    page = post_rows(client, data={**HISTORY, "action": "calculate"}, params={"lang": "en"})
    assert page.status_code == 200 and "Your periods added up" in page.text
    assert counts() == before
    assert all(name in ("ruta_csrf", "ruta_lang") for name in page.cookies)
    assert "1998" not in str(page.headers)
