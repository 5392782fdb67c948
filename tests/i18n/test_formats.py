"""Dates the reader's way: CLDR where it has dates, the i18n catalog where it has none (ht)."""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.i18n import (
    LANGUAGES,
    babel_locale,
    cldr_has_dates,
    format_date,
    format_datetime,
    format_month,
    format_time,
)

DAY = dt.date(2026, 12, 5)  # a Saturday


def test_kreyol_dates_come_from_the_catalog_because_cldr_has_no_month_names() -> None:
    assert not cldr_has_dates("ht")
    assert format_date(DAY, "ht") == "5 desanm 2026"
    assert format_date(DAY, "ht-HT", "medium") == "5 desanm 2026"
    assert format_date(DAY, "ht", "full") == "samdi 5 desanm 2026"
    assert format_month(dt.date(2026, 7, 1), "ht") == "jiyè 2026"
    assert format_time(dt.time(9, 5), "ht") == "09:05"
    moment = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)
    assert format_datetime(moment, "ht") == "5 desanm 2026 23:30:00"
    assert babel_locale("ht") == "ht"  # CLDR's numbers for ht are complete


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if cldr_has_dates(code)])
def test_languages_with_cldr_dates_keep_babel(lang: str) -> None:
    from babel.dates import format_date as babel_format_date

    assert format_date(DAY, lang, "long") == babel_format_date(DAY, "long", locale=lang)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_month_and_weekday_reads_as_words_in_every_language(lang: str) -> None:
    for month in range(1, 13):
        text = format_month(dt.date(2026, month, 1), lang)
        assert "2026" in text and not any(f"M{n:02d}" in text for n in range(1, 13))
    for offset in range(7):
        assert str(DAY.day + offset) in format_date(DAY + dt.timedelta(days=offset), lang, "full")


def test_a_region_falls_back_and_an_unknown_language_is_an_error() -> None:
    assert format_date(DAY, "pt-BR") == format_date(DAY, "pt")
    with pytest.raises(ValueError, match="lang"):
        format_date(DAY, "de")


def test_kreyol_country_names_come_from_its_file_and_fall_back_to_french() -> None:
    from ruta.i18n import territory_names
    from ruta.pathways import COUNTRIES, country_name

    assert (
        country_name("HTI", "ht") == "Ayiti"
        and country_name("DOM", "ht-HT") == "Repiblik Dominikèn"
    )
    assert country_name("FJI", "ht") == territory_names("fr")["FJ"]  # not in the Kreyòl file
    # Every country the finder offers has a name in every language, never a bare code.
    for lang in LANGUAGES:
        assert [code for code in COUNTRIES if country_name(code, lang) == code] == []


def test_lists_join_with_the_languages_conjunction() -> None:
    from ruta.i18n import format_list

    assert format_list(["Ajantin", "Chili", "Brezil"], "ht-HT") == "Ajantin, Chili ak Brezil"
    assert format_list(["Argentine", "Chili"], "fr") == "Argentine et Chili"
    assert format_list([], "ht") == ""
