"""Where a worker's periods are, said with each language's prepositions and articles (issue
15): "au Chili et au Pérou", "no Chile e no Peru", "en Chile y en Perú"; English unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.labour.pensions import Period, totalize
from ruta.labour.pensions._explain import Words

D = dt.date
CLAIM = D(2026, 1, 1)
TOTALIZED = (
    "Your periods %(in_states)s are added up: %(days)s days, that is %(months)s months and "
    "%(extra)s days."
)
EARLY = "Periods %(in_states)s from before the agreement applied there are counted."
ALONE = "All your periods are %(in_state)s: its own law applies and no agreement is needed."


def texts(rows: list[tuple[str, dt.date, dt.date]], lang: str) -> dict[str, str]:
    answer = totalize(
        [Period(c, a, b, line=i) for i, (c, a, b) in enumerate(rows, 1)], as_of=CLAIM, lang=lang
    )
    return {s.step: s.text for s in answer.steps}


CHILE_PERU = [("CHL", D(2000, 1, 1), D(2009, 12, 31)), ("PER", D(2010, 1, 1), D(2020, 12, 31))]
ARGENTINA_BRAZIL = [
    ("ARG", D(1990, 1, 1), D(2009, 12, 31)),
    ("BRA", D(2010, 1, 1), D(2020, 12, 31)),
]
PERU = [("PER", D(2000, 1, 1), D(2020, 12, 31))]
UNITED_STATES = [("USA", D(2000, 1, 1), D(2020, 12, 31))]


@pytest.mark.parametrize(
    "lang,totalization,early",
    [
        (
            "fr",
            "Vos périodes au Chili et au Pérou sont additionnées : 7 671 jours, soit 252 mois "
            "et 0 jours.",
            "Les périodes au Chili et au Pérou antérieures à l'application de l'accord y sont "
            "comptées.",
        ),
        (
            "pt",
            "Somam-se os seus períodos no Chile e no Peru: 7.671 dias, ou seja, 252 meses e "
            "0 dias.",
            "Contam-se os períodos no Chile e no Peru anteriores à aplicação do acordo ali.",
        ),
        (
            "es",
            "Se suman sus períodos en Chile y en Perú: 7.671 días, es decir, 252 meses y 0 días.",
            "Se cuentan los períodos en Chile y en Perú anteriores a que el convenio se "
            "aplicara allí.",
        ),
        (
            "ht",
            "Peryòd ou yo nan Chili ak nan Pewou adisyone: 7 671 jou, sa vle di 252 mwa ak 0 jou.",
            "Peryòd nan Chili ak nan Pewou ki anvan akò a te aplike la yo konte.",
        ),
    ],
)
def test_two_states_each_keep_their_preposition_and_article(
    lang: str, totalization: str, early: str
) -> None:
    said = texts(CHILE_PERU, lang)
    assert said["totalization"].replace("\u202f", " ").replace("\xa0", " ") == totalization
    assert said["pre_agreement"] == early


@pytest.mark.parametrize(
    "lang,early",
    [
        (
            "fr",
            "Les périodes en Argentine antérieures à l'application de l'accord y sont comptées.",
        ),
        ("pt", "Contam-se os períodos na Argentina anteriores à aplicação do acordo ali."),
        (
            "es",
            "Se cuentan los períodos en Argentina anteriores a que el convenio se aplicara allí.",
        ),
    ],
)
def test_one_early_state_is_said_with_its_own_form(lang: str, early: str) -> None:
    assert texts(ARGENTINA_BRAZIL, lang)["pre_agreement"] == early


@pytest.mark.parametrize(
    "rows,lang,alone",
    [
        (PERU, "fr", "Toutes vos périodes sont au Pérou : sa propre législation s'applique"),
        (PERU, "pt", "Todos os seus períodos estão no Peru: aplica-se a lei desse Estado"),
        (PERU, "es", "Todos sus períodos están en Perú: se aplica su propia ley"),
        (UNITED_STATES, "fr", "Toutes vos périodes sont aux États-Unis : sa propre"),
        (UNITED_STATES, "pt", "Todos os seus períodos estão nos Estados Unidos: aplica-se"),
        (UNITED_STATES, "es", "Todos sus períodos están en los Estados Unidos: se aplica"),
    ],
)
def test_periods_in_one_state_say_where_with_its_article(
    rows: list[tuple[str, dt.date, dt.date]], lang: str, alone: str
) -> None:
    assert texts(rows, lang)["no_agreement"].startswith(alone)


@pytest.mark.parametrize(
    "msgid,key,lang,codes,where",
    [
        (TOTALIZED, "in_states", "fr", ["BRA"], "Vos périodes au Brésil sont additionnées"),
        (TOTALIZED, "in_states", "pt", ["BRA"], "Somam-se os seus períodos no Brasil:"),
        (
            TOTALIZED,
            "in_states",
            "es",
            ["DOM"],
            "Se suman sus períodos en la República Dominicana:",
        ),
        (EARLY, "in_states", "fr", ["CUB", "USA"], "Les périodes à Cuba et aux États-Unis "),
        (
            EARLY,
            "in_states",
            "pt",
            ["PRT", "BRA"],
            "Contam-se os períodos em Portugal e no Brasil ",
        ),
        (ALONE, "in_state", "pt", ["ARG"], "Todos os seus períodos estão na Argentina:"),
        (ALONE, "in_state", "ht", ["HTI"], "Tout peryòd ou yo ann Ayiti:"),
    ],
)
def test_each_message_takes_the_whole_where_phrase(
    msgid: str, key: str, lang: str, codes: list[str], where: str
) -> None:
    words = Words(lang)
    values = {key: words.where(codes), "days": "1", "months": "0", "extra": "1"}
    assert (words.gettext(msgid) % values).startswith(where)


def test_english_is_said_as_before() -> None:
    # Byte for byte what the English sentences said before the where phrase (issue 15).
    said = texts(CHILE_PERU, "en")
    assert said["totalization"] == (
        "Your periods in Chile and Peru are added up: 7,671 days, that is 252 months and 0 days."
    )
    assert said["pre_agreement"] == (
        "Periods in Chile and Peru from before the agreement applied there are counted."
    )
    assert texts(ARGENTINA_BRAZIL, "en")["pre_agreement"] == (
        "Periods in Argentina from before the agreement applied there are counted."
    )
    assert texts(UNITED_STATES, "en")["no_agreement"] == (
        "All your periods are in United States: its own law applies and no agreement is needed."
    )
    three = [
        ("ARG", D(1995, 3, 1), D(2009, 12, 31)),
        ("CHL", D(2010, 1, 1), D(2019, 12, 31)),
        ("BRA", D(2020, 1, 1), D(2022, 12, 31)),
    ]
    assert texts(three, "en")["totalization"].startswith(
        "Your periods in Argentina, Chile, and Brazil are added up: 10,168 days"
    )
