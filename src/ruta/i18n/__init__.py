"""The one translation system: supported languages and the Babel catalogs of every package.

Every user-facing text outside the rule packs lives in a gettext catalog under
``ruta/locales/<lang>/LC_MESSAGES/<domain>.po``, one domain per package (``web`` for the
pages, ``pathways``, ``permits``, ``cli``, ``labour``, ``stats`` ...). Message ids are the
English text. Catalogs are compiled in memory at first use, so neither ``make`` nor a wheel
build needs a compile step, and a command loads only the domains it uses.

The supported languages are listed once, in ``ruta/locales/languages.txt``, and read into
:data:`LANGUAGES`. Texts kept in YAML data (the rule packs) follow the convention of
:func:`text_problems`. ``make i18n`` (``python -m ruta.i18n update`` then ``check``)
extracts, updates and checks the catalogs; docs/translating.md explains it to translators.

In code, translate with ``translator(lang, domain).gettext("English text")`` (or ``_`` bound
to it) so that extraction sees the literal; mark module-level tables with :func:`N_` and
translate them where they are shown with :func:`gettext`. A package uses its own domain.

A domain that composes a sentence from values (a refusal naming the status, a note naming
a count) returns it as a :class:`Text`: the English sentence, which also says itself in a
reader's language through the domain's catalog (:meth:`ruta.errors.RutaError.say`).

The system's reason a file cannot be read (:func:`os_reason`) and pydantic's message about
a field (:func:`pydantic_message`) are texts of the ``i18n`` catalog that every package
quotes inside its own refusals; they say themselves in the reader's language.

Dates are written with :func:`format_date` (and its siblings), which fall back to names
from the ``i18n`` catalog where CLDR has no dates for a language (Kreyòl).

This package imports nothing from the web, the database or the settings, and Babel only
when a message is translated, so every package and command may use it.

Examples:
    >>> language_of("pt-BR")
    'pt'
    >>> language_of("es-419")
    'es'
    >>> language_of("de") is None
    True
    >>> translator("fr", "web").gettext("Continue")
    'Continuer'
"""

from __future__ import annotations

from ruta.i18n._catalogs import (
    N_,
    REVIEW_HEADER,
    catalog_path,
    domains,
    gettext,
    read_catalog,
    review_status,
    translator,
)
from ruta.i18n._formats import (
    DateForm,
    babel_locale,
    cldr_has_dates,
    currency_name,
    format_date,
    format_datetime,
    format_list,
    format_month,
    format_number,
    format_time,
    territory_names,
)
from ruta.i18n._languages import (
    LANGUAGES,
    LOCALES_DIR,
    UnsupportedLanguage,
    expected_languages,
    language_of,
    require_language,
)
from ruta.i18n._os_reasons import OS_REASONS, OsReason, os_reason
from ruta.i18n._pydantic import PYDANTIC_TYPES, PydanticMessage, pydantic_message
from ruta.i18n._status import (
    TranslationStatus,
    text_area,
    translation_status,
    unreviewed_summary,
)
from ruta.i18n._text import SelfSaid, Text, say_in
from ruta.i18n._texts import (
    REVIEW_KEY,
    REVIEW_STATUSES,
    ReviewStatus,
    TextProblem,
    review_languages,
    text_files,
    text_nodes,
    text_problems,
    unreviewed_languages,
    yaml_document,
)

__all__ = [
    "LANGUAGES",
    "LOCALES_DIR",
    "N_",
    "OS_REASONS",
    "PYDANTIC_TYPES",
    "REVIEW_HEADER",
    "REVIEW_KEY",
    "REVIEW_STATUSES",
    "DateForm",
    "OsReason",
    "PydanticMessage",
    "ReviewStatus",
    "SelfSaid",
    "Text",
    "TextProblem",
    "TranslationStatus",
    "UnsupportedLanguage",
    "babel_locale",
    "catalog_path",
    "cldr_has_dates",
    "currency_name",
    "domains",
    "expected_languages",
    "format_date",
    "format_datetime",
    "format_list",
    "format_month",
    "format_number",
    "format_time",
    "gettext",
    "language_of",
    "os_reason",
    "pydantic_message",
    "read_catalog",
    "require_language",
    "review_languages",
    "review_status",
    "say_in",
    "territory_names",
    "text_area",
    "text_files",
    "text_nodes",
    "text_problems",
    "translation_status",
    "translator",
    "unreviewed_languages",
    "unreviewed_summary",
    "yaml_document",
]

# Public classes say where they are imported from (ruta.i18n.UnsupportedLanguage in a
# traceback), as httpx does.
for _value in (
    OsReason,
    PydanticMessage,
    SelfSaid,
    Text,
    TextProblem,
    TranslationStatus,
    UnsupportedLanguage,
):
    _value.__module__ = __name__
del _value
