"""Country names in sentences (issue 15 §2): "no Brasil", "en Colombia", "de nacionalidad
boliviana", in every language, for every country of the Americas."""

from __future__ import annotations

import pytest

from ruta.i18n import LANGUAGES
from ruta.pathways._facts import (
    COUNTRIES,
    countries_in,
    country_in,
    country_name,
    nationality_adjective,
)
from ruta.pathways._questions import question_for

AMERICAS = [
    "ARG",
    "BOL",
    "BRA",
    "CHL",
    "COL",
    "ECU",
    "GUY",
    "PRY",
    "PER",
    "SUR",
    "URY",
    "VEN",
    "MEX",
    "GTM",
    "BLZ",
    "HND",
    "SLV",
    "NIC",
    "CRI",
    "PAN",
    "CUB",
    "DOM",
    "HTI",
    "JAM",
    "TTO",
    "BHS",
    "BRB",
    "USA",
    "CAN",
]


@pytest.mark.parametrize(
    "code,lang,where",
    [
        ("BRA", "pt", "no Brasil"),
        ("ARG", "pt", "na Argentina"),
        ("USA", "pt", "nos Estados Unidos"),
        ("PRT", "pt", "em Portugal"),
        ("BRA", "fr", "au Brésil"),
        ("COL", "fr", "en Colombie"),
        ("USA", "fr", "aux États-Unis"),
        ("CUB", "fr", "à Cuba"),
        ("COL", "es", "en Colombia"),
        ("DOM", "es", "en la República Dominicana"),
        ("USA", "en", "in the United States"),
        ("HTI", "ht", "ann Ayiti"),
        ("BRA", "pt-BR", "no Brasil"),
    ],
)
def test_where_a_country_is_said_with_its_preposition_and_article(
    code: str, lang: str, where: str
) -> None:
    assert country_in(code, lang) == where


def test_every_country_of_the_americas_has_its_portuguese_and_french_preposition() -> None:
    # The fallbacks (em X, en X) are wrong for names with an article (no Peru, au Pérou), so
    # the region is listed in full where the language needs it.
    for code in AMERICAS:
        assert code in COUNTRIES
        for lang in ("pt", "fr"):
            where = country_in(code, lang)
            assert where.split()[0] in {"no", "na", "nos", "nas", "em", "au", "aux", "en", "à"}, (
                code,
                lang,
                where,
            )


def test_nationalities_agree_with_the_word_for_nationality() -> None:
    assert nationality_adjective("BOL", "es") == "boliviana"
    assert nationality_adjective("BRA", "pt") == "brasileira"
    assert nationality_adjective("VEN", "fr") == "vénézuélienne"
    assert nationality_adjective("VEN", "en") == "Venezuelan"
    assert nationality_adjective("HTI", "ht") == "ayisyen"
    # A country without a listed adjective is named, which reads right in every language.
    assert nationality_adjective("DEU", "es") == f"de {country_name('DEU', 'es')}"


@pytest.mark.parametrize(
    "lang,where,adjective",
    [
        ("es", "en {}", "de {}"),
        ("pt", "em {}", "de {}"),
        ("fr", "en {}", "de {}"),
        ("en", "in {}", "{}"),
        ("ht", "nan {}", "{}"),
    ],
)
def test_an_unlisted_country_falls_back_to_its_name_in_every_language(
    lang: str, where: str, adjective: str
) -> None:
    # New Zealand is in no language's list of country_forms.yaml: it is named after the
    # language's usual preposition, and as "of <name>" where no adjective is listed.
    name = country_name("NZL", lang)
    assert country_in("NZL", lang) == where.format(name)
    assert nationality_adjective("NZL", lang) == adjective.format(name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finder_questions_put_the_country_in_the_sentence(lang: str) -> None:
    facts = {"nationalities": [{"country": "BOL"}], "residences": [{"country": "BRA"}]}
    acquired = question_for("nationalities.0.acquired", facts, lang).text
    assert nationality_adjective("BOL", lang) in acquired
    assert "{" not in acquired and country_name("BOL", lang) not in acquired.split()
    expected = {
        "es": "¿Cómo obtuvo la nacionalidad boliviana?",
        "pt": "Como você obteve a nacionalidade boliviana?",
        "en": "How did you acquire your Bolivian nationality?",
        "fr": "Comment avez-vous acquis la nationalité bolivienne ?",
    }
    if lang in expected:
        assert acquired == expected[lang]
    since = question_for("residences.0.since", facts, lang).text
    assert country_in("BRA", lang) in since and "{" not in since
    if lang == "pt":
        assert since == "Desde que data você morou no Brasil?"


@pytest.mark.parametrize(
    "codes,lang,where",
    [
        (["CHL", "PER"], "fr", "au Chili et au Pérou"),
        (["CHL", "PER"], "pt", "no Chile e no Peru"),
        (["CHL", "PER"], "es", "en Chile y en Perú"),
        (["CHL", "PER"], "ht", "nan Chili ak nan Pewou"),
        (["CHL"], "fr", "au Chili"),
        (["CHL"], "pt", "no Chile"),
        (["CHL"], "es", "en Chile"),
        (["ARG", "CUB", "USA"], "fr", "en Argentine, à Cuba et aux États-Unis"),
        (["DOM", "USA"], "es", "en la República Dominicana y en los Estados Unidos"),
        (["BRA", "PRT"], "pt-BR", "no Brasil e em Portugal"),
    ],
)
def test_several_countries_each_keep_their_preposition_and_article(
    codes: list[str], lang: str, where: str
) -> None:
    assert countries_in(codes, lang) == where


@pytest.mark.parametrize(
    "codes,where",
    [
        (["CHL"], "in Chile"),
        (["CHL", "PER"], "in Chile and Peru"),
        (["ARG", "CHL", "BRA"], "in Argentina, Chile, and Brazil"),
        (["USA"], "in United States"),
    ],
)
def test_english_says_in_once_before_the_names_as_its_sentences_always_have(
    codes: list[str], where: str
) -> None:
    assert countries_in(codes, "en") == where


def test_the_country_form_helpers_are_exported_by_the_package() -> None:
    import ruta.pathways

    assert ruta.pathways.country_in("BRA", "pt") == "no Brasil"
    assert ruta.pathways.nationality_adjective("BOL", "es") == "boliviana"
    assert ruta.pathways.countries_in(["CHL", "PER"], "fr") == "au Chili et au Pérou"
