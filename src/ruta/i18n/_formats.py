"""Dates and numbers the reader's way, with a fallback where CLDR has no data for a language.

Babel formats dates and numbers from CLDR. CLDR knows Haitian Creole (``ht``) only in part:
its numbers are right ("1 234,5") but its month names are placeholders ("M12"), so
``babel.dates.format_date(day, locale="ht")`` gives "2026 M12 5". For such a language Ruta
writes dates itself, with the month and weekday names and the order of a date taken from
the ``i18n`` catalog ("5 desanm 2026"): a translator supplies them like any other message,
and no code names the language. A language CLDR does not know at all is written the same
way, and its numbers follow English conventions until CLDR has it.

Examples:
    >>> import datetime as dt
    >>> format_date(dt.date(2026, 12, 5), "ht")
    '5 desanm 2026'
    >>> format_date(dt.date(2026, 12, 5), "fr")
    '5 décembre 2026'
    >>> format_date(dt.date(2026, 12, 5), "ht", "full")
    'samdi 5 desanm 2026'
    >>> format_month(dt.date(1990, 5, 1), "ht"), format_month(dt.date(1990, 5, 1), "es")
    ('me 1990', 'mayo de 1990')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Final, Literal

from ruta.i18n._catalogs import N_, translator
from ruta.i18n._languages import LOCALES_DIR, require_language

__all__ = [
    "DateForm",
    "babel_locale",
    "cldr_has_dates",
    "currency_name",
    "format_date",
    "format_datetime",
    "format_list",
    "format_month",
    "format_number",
    "format_time",
    "territory_names",
]

#: Babel's date forms: ``medium`` ("5 Dec 2026"), ``long`` ("5 December 2026"), ``full``
#: (with the weekday).
DateForm = Literal["short", "medium", "long", "full"]

_DOMAIN: Final = "i18n"
# The names a language without CLDR dates needs, marked here so that make i18n extracts
# them into the i18n catalog (which holds nothing else, so "May" can only be the month).
_MONTHS: Final = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_WEEKDAYS: Final = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@cache
def cldr_has_dates(lang: str) -> bool:
    """Whether CLDR (through Babel) has real month names for ``lang``.

    Examples:
        >>> cldr_has_dates("pt"), cldr_has_dates("ht")
        (True, False)
    """
    from babel import Locale, UnknownLocaleError

    try:
        months = Locale.parse(lang).months["format"]["wide"]
    except (UnknownLocaleError, ValueError, KeyError):
        return False
    # CLDR's placeholder for a month it has no name for is its number: "M01".
    return bool(months) and months.get(1, "M01") != "M01"


@cache
def babel_locale(lang: str) -> str:
    """The locale Babel formats numbers and currencies with for ``lang``.

    The language itself when CLDR knows it; English otherwise.

    Examples:
        >>> babel_locale("ht"), babel_locale("pt-BR")
        ('ht', 'pt')
    """
    from babel import Locale, UnknownLocaleError

    code = require_language(lang)
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return "en"
    return code


def format_number(value: float | Decimal, lang: str, pattern: str | None = None) -> str:
    """A number as a reader of ``lang`` writes it (grouped, at most three decimals), or to
    a Babel ``pattern`` (``"#,##0.00"``: two decimals exactly) with the language's marks.

    Examples:
        >>> format_number(12345, "es"), format_number(12345, "en"), format_number(2.5, "fr")
        ('12.345', '12,345', '2,5')
        >>> format_number(0.5, "es", "0.00"), format_number(0.95, "fr", "#,##0.######")
        ('0,50', '0,95')
    """
    from babel.numbers import format_decimal

    return str(format_decimal(value, pattern, locale=babel_locale(lang)))


def _names(lang: str, day: dt.date) -> dict[str, str]:
    catalog = translator(lang, _DOMAIN)
    return {
        "day": str(day.day),
        "month": catalog.gettext(_MONTHS[day.month - 1]),
        "year": str(day.year),
        "weekday": catalog.gettext(_WEEKDAYS[day.weekday()]),
    }


def format_date(day: dt.date, lang: str, form: DateForm = "long") -> str:
    """A day as a reader of ``lang`` writes it.

    Args:
        day: The day (a ``datetime`` is read as its date).
        lang: A supported language or a BCP 47 tag that falls back to one.
        form: Babel's date form; a language without CLDR dates writes ``short``,
            ``medium`` and ``long`` alike (the month in full) and ``full`` with the weekday.

    Examples:
        >>> day = dt.date(2021, 3, 27)
        >>> format_date(day, "es", "medium"), format_date(day, "ht")
        ('27 mar 2021', '27 mas 2021')
    """
    code = require_language(lang)
    if cldr_has_dates(code):
        from babel.dates import format_date as babel_format_date

        return babel_format_date(day, format=form, locale=code)
    catalog = translator(code, _DOMAIN)
    pattern = (
        # TRANSLATORS: A full date with the weekday, used only where CLDR has no date
        # formats for your language. Keep the placeholders; put them in your order.
        catalog.pgettext("date", "{weekday} {day} {month} {year}")
        if form == "full"
        # TRANSLATORS: A date, used only where CLDR has no date formats for your language.
        else catalog.pgettext("date", "{day} {month} {year}")
    )
    return str(pattern).format(**_names(code, day))


def format_month(day: dt.date, lang: str) -> str:
    """A month and its year ("May 1990"), for a date known only to the month.

    Examples:
        >>> format_month(dt.date(1990, 5, 1), "en"), format_month(dt.date(1990, 5, 1), "pt")
        ('May 1990', 'maio de 1990')
    """
    code = require_language(lang)
    if cldr_has_dates(code):
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", day, locale=code)
    # TRANSLATORS: A month and its year, used only where CLDR has no date formats for
    # your language.
    pattern = translator(code, _DOMAIN).pgettext("date", "{month} {year}")
    return str(pattern).format(**_names(code, day))


def format_time(moment: dt.datetime | dt.time, lang: str) -> str:
    """A time of day, short ("14:30"; "2:30 PM" in English).

    Examples:
        >>> format_time(dt.time(14, 30), "ht"), format_time(dt.time(14, 30), "en")
        ('14:30', '2:30\u202fPM')
    """
    from babel.dates import format_time as babel_format_time

    code = require_language(lang)
    if babel_locale(code) != code:
        # CLDR's time formats are complete where its dates are not (ht); a language it
        # does not know at all reads the 24-hour clock, as most of the region does.
        return babel_format_time(moment, "HH:mm", locale="en")
    return babel_format_time(moment, format="short", locale=code)


def format_datetime(moment: dt.datetime, lang: str, tzinfo: dt.tzinfo | None = None) -> str:
    """A moment as a date and a time ("5 Dec 2026, 14:30:00"), in ``tzinfo`` if given.

    Examples:
        >>> moment = dt.datetime(2026, 12, 5, 14, 30, tzinfo=dt.UTC)
        >>> format_datetime(moment, "ht")
        '5 desanm 2026 14:30:00'
    """
    code = require_language(lang)
    if cldr_has_dates(code):
        from babel.dates import format_datetime as babel_format_datetime

        return babel_format_datetime(moment, format="medium", tzinfo=tzinfo, locale=code)
    from babel.dates import format_time as babel_format_time

    local = moment.astimezone(tzinfo) if tzinfo is not None and moment.tzinfo else moment
    clock = babel_format_time(local, "HH:mm:ss", locale="en")
    return f"{format_date(local.date(), code, 'medium')} {clock}"


def _territory_file(lang: str) -> dict[str, object]:
    import yaml

    path = LOCALES_DIR / lang / "territories.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("names", {}), dict):
        raise ValueError(f"{path}: expected 'names', a mapping of ISO 3166-1 alpha-2 codes")
    return data


@cache
def territory_names(lang: str) -> dict[str, str]:
    """Country and territory names in ``lang``, by ISO 3166-1 alpha-2 code.

    CLDR's names where it has them. A language CLDR has no names for (Kreyòl) reads them
    from ``locales/<lang>/territories.yaml``, and any name missing there from the file's
    ``fallback`` language (CLDR's), so that a country is never shown as a bare code.

    Examples:
        >>> territory_names("fr")["HT"], territory_names("ht")["HT"], territory_names("ht")["AR"]
        ('Haïti', 'Ayiti', 'Ajantin')
        >>> territory_names("ht")["FJ"]  # not in the Kreyòl file: French, its fallback
        'Fidji'
    """
    from babel import Locale, UnknownLocaleError

    code = require_language(lang)
    try:
        names: dict[str, str] = dict(Locale.parse(code).territories)
    except (UnknownLocaleError, ValueError):
        names = {}
    own = _territory_file(code)
    if own:
        fallback = str(own.get("fallback") or "en")
        names = {**territory_names(fallback), **names} if fallback != code else names
        mapping = own.get("names") or {}
        assert isinstance(mapping, dict)  # checked by _territory_file
        names.update({str(key): str(value) for key, value in mapping.items()})
    return names


def currency_name(code: str, lang: str) -> str:
    """A currency's name in ``lang`` ("dólar estadounidense"), by ISO 4217 code.

    Where CLDR has no name in ``lang`` (Kreyòl), the name in the language that
    ``locales/<lang>/territories.yaml`` names as its fallback, else English.

    Examples:
        >>> currency_name("USD", "es"), currency_name("USD", "ht")
        ('dólar estadounidense', 'dollar des États-Unis')
    """
    from babel.numbers import get_currency_name

    code_lang = require_language(lang)
    name = str(get_currency_name(code, locale=babel_locale(code_lang)))
    if name != code:
        return name
    fallback = str(_territory_file(code_lang).get("fallback") or "en")
    return str(get_currency_name(code, locale=babel_locale(fallback)))


def format_list(items: Sequence[str], lang: str) -> str:
    """Items joined as a sentence of ``lang`` writes them ("A, B and C").

    CLDR's list patterns where it has a conjunction for the language; where it has only
    commas (Kreyòl), the last two items are joined with the i18n catalog's pattern.

    Examples:
        >>> format_list(["Ajantin", "Chili", "Irigwe"], "ht")
        'Ajantin, Chili ak Irigwe'
        >>> format_list(["Argentina", "Chile"], "es"), format_list(["Ajantin"], "ht")
        ('Argentina y Chile', 'Ajantin')
    """
    from babel import Locale
    from babel.lists import format_list as babel_format_list

    code = require_language(lang)
    locale = babel_locale(code)
    patterns = Locale.parse(locale).list_patterns["standard"]
    if locale == code and patterns.get("end") != "{0}, {1}":
        return str(babel_format_list(list(items), locale=locale))
    if len(items) < 2:
        return "".join(items)
    # TRANSLATORS: The last two items of a list ("Chile and Peru"), used only where CLDR
    # has no list patterns for your language. Keep {0} and {1}.
    last = translator(code, _DOMAIN).pgettext("list", "{0} and {1}")
    return str(last).format(", ".join(items[:-1]), items[-1])
