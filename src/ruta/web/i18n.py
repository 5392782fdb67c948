"""Per-request translation of the server-rendered pages (Babel catalogs, Jinja2 gettext).

The language of a request comes from, in order: the ``?lang=`` query parameter (the
language switcher's links), the ``ruta_lang`` cookie that a ``?lang=`` choice leaves behind,
then the browser's ``Accept-Language`` header; Spanish is the default because most people
who use the finder read it. The pages' texts are the ``web`` domain of :mod:`ruta.i18n`
(``ruta/locales/<lang>/LC_MESSAGES/web.po``), compiled in memory at first use.

Templates get ``_()``, ``gettext()`` and ``ngettext()`` in their render context, not as
environment globals: the environment is shared between concurrent requests, each of which
may speak another language.

Examples:
    >>> translator("fr").gettext("Continue")
    'Continuer'
    >>> negotiate_language(None, None, "pt-BR,pt;q=0.9,en;q=0.5")
    'pt'
    >>> negotiate_language("xx", None, None)
    'es'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel.numbers import format_currency
from babel.support import NullTranslations
from fastapi import Query
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from pydantic import AfterValidator
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ruta import i18n
from ruta.i18n import (
    LANGUAGES,
    expected_languages,
    language_of,
    require_language,
)
from ruta.partial_dates import partial_bounds

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "LOCALES_DIR",
    "TEMPLATES_DIR",
    "LanguageQuery",
    "api_language",
    "format_partial_date",
    "gettext_callables",
    "language_links",
    "locale_formatters",
    "negotiate_language",
    "render",
    "request_language",
    "template_environment",
    "translator",
]

DEFAULT_LANGUAGE = "es"
LANGUAGE_COOKIE = "ruta_lang"
LOCALES_DIR = i18n.LOCALES_DIR
TEMPLATES_DIR = Path(__file__).parent / "templates"
# A year: the choice is a preference, not a secret, and re-asking on every visit is hostile.
_COOKIE_MAX_AGE = 365 * 24 * 3600


def _supported(tag: str) -> str:
    # UnsupportedLanguage is a ValueError: FastAPI answers 422 naming the parameter, in the
    # reader's language (its message is an i18n catalog text).
    return require_language(tag)


#: The ``lang`` query parameter of an API route: a BCP 47 tag, given as its language.
LanguageQuery = Annotated[
    str,
    Query(
        max_length=35,
        description=f"Language of the texts: {expected_languages()}; a BCP 47 tag with a "
        "region (pt-BR, es-419) falls back to its language.",
    ),
    AfterValidator(_supported),
]


def translator(lang: str) -> NullTranslations:
    """The pages' catalog (domain ``web``) for one language (see :func:`ruta.i18n.translator`).

    Args:
        lang: One of :data:`LANGUAGES`, or a BCP 47 tag that falls back to one.

    Returns:
        A gettext translations object (``gettext`` / ``ngettext``).
    """
    return i18n.translator(lang, "web")


def _accepted(header: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, best first (q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for quality, _, tag in sorted(ranked) if quality < 0]


def accepted_language(header: str | None) -> str | None:
    """The best supported language an ``Accept-Language`` header names, if it names one.

    Examples:
        >>> accepted_language("de-CH, fr-CA;q=0.8, es;q=0.5"), accepted_language("de") is None
        ('fr', True)
    """
    for tag in _accepted(header or ""):
        if (lang := language_of(tag)) is not None:
            return lang
    return None


def negotiate_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """Pick the page language from the query parameter, the cookie, then the header.

    Args:
        query: The ``lang`` query parameter, if any.
        cookie: The language cookie, if any.
        accept: The ``Accept-Language`` header, if any.

    Returns:
        A key of :data:`LANGUAGES`; :data:`DEFAULT_LANGUAGE` when nothing matches.
    """
    for explicit in (query, cookie):
        if (lang := language_of(explicit)) is not None:
            return lang
    return accepted_language(accept) or DEFAULT_LANGUAGE


def api_language(request: Request) -> str:
    """The language of an API request: an explicit ``?lang=`` must be supported.

    A page quietly falls back from an unknown ``?lang=`` (a stale link should still show
    the page), but a program that asks for a language should hear that it is not served.

    Raises:
        UnsupportedLanguage: A 422 problem naming ``lang``.
    """
    explicit = request.query_params.get("lang")
    if explicit is not None:
        return require_language(explicit)
    return request_language(request)


def request_language(request: Request) -> str:
    """The language of one request (see :func:`negotiate_language`)."""
    return negotiate_language(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )


def gettext_callables(lang: str) -> dict[str, Callable[..., Any]]:
    """``_``, ``gettext``, ``ngettext`` and ``dgettext`` for a render context (Jinja's new style).

    New style means ``_("Hello %(name)s", name=x)`` formats after translating and, under
    autoescaping, escapes ``x`` but not the translated text. ``dgettext(domain, message)``
    shows a message another package marked and stored (a duplicate search's reasons, in
    domain ``linkage``); its result is escaped like any value, because the message may
    come from the database rather than a catalog.

    Args:
        lang: One of :data:`LANGUAGES`.

    Returns:
        The callables keyed by the names templates use.
    """
    catalog = translator(lang)

    def dgettext(domain: str, message: str) -> str:
        return i18n.translator(lang, domain).gettext(message)

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        text = catalog.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - catalogs are our own reviewed files
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        text = catalog.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - catalogs are our own reviewed files
        return text % {"num": num, **variables}

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "dgettext": dgettext}


def format_partial_date(value: date | str, lang: str, full: i18n.DateForm = "medium") -> str:
    """A date as the language says it, at the precision it is known: a birth known only to
    the year is its year, one known to the month is the month and the year.

    Args:
        value: A ``date``, or ISO text: ``YYYY-MM-DD`` (or a timestamp starting with one),
            ``YYYY-MM`` or ``YYYY``.
        lang: One of :data:`LANGUAGES`.
        full: Babel's format for a full date (``medium``: "27 mar 1990"; ``long``).

    Returns:
        The text; a value that is not a date is shown as given rather than failing a page.

    Examples:
        >>> format_partial_date("1990-05", "en"), format_partial_date("1990-05", "es")
        ('May 1990', 'mayo de 1990')
        >>> format_partial_date("1990", "fr"), format_partial_date("1990-05-17", "pt", "long")
        ('1990', '17 de maio de 1990')
        >>> format_partial_date("1990-05", "ht"), format_partial_date("1990-05-17", "ht")
        ('me 1990', '17 me 1990')
    """
    if isinstance(value, date):
        return i18n.format_date(value, lang, full)
    text = str(value)
    try:
        if len(text) == 4 and text.isdigit():
            partial_bounds(text)
            return text
        if len(text) == 7:
            first, _last = partial_bounds(text)
            return i18n.format_month(first, lang)
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return i18n.format_date(day, lang, full)


def locale_formatters(lang: str) -> dict[str, Callable[..., str]]:
    """``format_date``, ``format_datetime``, ``format_money``, ``format_number``: page language.

    Dates may be ``date`` objects or ISO strings (as in a JSON result), birth dates at their
    precision ("1990", "May 1990": see :func:`format_partial_date`); amounts may be
    decimal strings; numbers are grouped and pointed as the language writes them (0,93 in
    Spanish and French). Anything that does not parse is shown as given rather than failing
    the page.

    Args:
        lang: One of :data:`LANGUAGES`.

    Returns:
        The formatters keyed by the names templates use.

    Examples:
        >>> locale_formatters("es")["format_date"]("2021-03-27")
        '27 mar 2021'
        >>> locale_formatters("en")["format_money"]("50.00", "USD")
        '$50.00'
        >>> number = locale_formatters("es")["format_number"]
        >>> number(0.9, 2), number(12345), number(4.5)
        ('0,90', '12.345', '4,5')
    """

    def format_date(value: date | str | None) -> str:
        if value is None:
            return ""
        return format_partial_date(value, lang, "medium")

    def format_datetime(value: datetime | None) -> str:
        if value is None:
            return ""
        return i18n.format_datetime(value, lang, UTC)

    def format_money(amount: str | float | Decimal, currency: str) -> str:
        try:
            number = Decimal(str(amount))
        except InvalidOperation:
            return f"{amount} {currency}"
        return format_currency(number, currency, locale=i18n.babel_locale(lang))

    def format_number(value: float | Decimal | None, digits: int | None = None) -> str:
        # Grouped, with the page language's separators: ``digits`` decimals exactly (a
        # probability: 0,93), or when omitted as many as it has up to three (12.345; 4,56).
        # Anything else (a missing figure) is shown as given rather than failing the page.
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return "" if value is None else str(value)
        if digits is None:
            return i18n.format_number(float(value), lang)
        return i18n.format_number(value, lang, "#,##0" + ("." + "0" * digits if digits else ""))

    return {
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_money": format_money,
        "format_number": format_number,
    }


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja2 environment every server-rendered page uses (autoescaped, i18n-enabled).

    Returns:
        An environment loading from :data:`TEMPLATES_DIR`; ``{% trans %}`` blocks resolve
        ``gettext`` from the render context that :func:`render` fills.
    """
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Null callables only fix the new-style calling convention; real ones come per request.
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    environment.globals["LANGUAGES"] = LANGUAGES
    return environment


def language_links(request: Request) -> list[dict[str, str]]:
    """Links to the current page in each language, for the language switcher.

    A page shown in answer to a form post (an error) cannot be fetched again with GET, so
    its links point at the page the form was on (the same-site ``Referer``) instead.

    Args:
        request: The current request; its path and other query parameters are kept.

    Returns:
        One ``{"code", "name", "href"}`` per language.
    """
    path = request.url.path
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if request.method != "GET":
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc
        path = referer.path if same_site and referer.path else "/"
        params = [(k, v) for k, v in parse_qsl(referer.query) if k != "lang"] if same_site else []
    return [
        {"code": code, "name": name, "href": f"{path}?{urlencode([*params, ('lang', code)])}"}
        for code, name in LANGUAGES.items()
    ]


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the request's language and remember an explicit language choice.

    Args:
        request: The current request (language, switcher links, URL building).
        template: Template path under :data:`TEMPLATES_DIR`, e.g. ``"finder/start.html"``.
        context: Template variables.
        status_code: HTTP status of the response (422 for a form with errors).

    Returns:
        The HTML response, with the language cookie set when ``?lang=`` chose the language.
    """
    lang = request_language(request)
    values: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "language_links": language_links(request),
        **gettext_callables(lang),
        **locale_formatters(lang),
        **(context or {}),
    }
    html = template_environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    chosen = language_of(request.query_params.get("lang"))
    if chosen is not None:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=_COOKIE_MAX_AGE, samesite="lax", httponly=True
        )
    return response
