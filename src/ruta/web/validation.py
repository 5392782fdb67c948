"""A request validation error (FastAPI's 422) in the reader's language.

Pydantic writes its messages in English only. :func:`validation_message` says one error in
another language from what pydantic documents as stable, the error's ``type`` and its
``ctx`` values (https://docs.pydantic.dev/latest/errors/validation_errors/), through the
``web`` catalog; never by matching pydantic's English sentence, which changes between
releases. English keeps pydantic's own sentence, byte for byte as before (clients and
tests read it); a type this module does not know falls back to it in every language.

Why not pydantic-i18n or pydantic-translations: both translate by matching pydantic's
English messages (a regular expression per sentence, or a table of pydantic 1's), ship no
Kreyòl, and would keep a second translation system beside Ruta's catalogs
(docs/dependencies.md).

A ``value_error`` carries the exception its validator raised: a refusal of Ruta's own (an
unsupported ``lang``, a malformed ``as_of``) or a date of birth that
:mod:`ruta.partial_dates` refused is said from its own catalog; any other ``ValueError``
is English text written in place, and stays pydantic's sentence.

Examples:
    >>> err = {"type": "string_too_long", "msg": "String should have at most 3 characters",
    ...        "ctx": {"max_length": 3}, "input": "abcd"}
    >>> validation_message(err, "en")
    'String should have at most 3 characters'
    >>> validation_message(err, "es")
    'debe tener como máximo 3 caracteres; tiene 4'
    >>> validation_message({"type": "no_such_type", "msg": "Something odd"}, "fr")
    'Something odd'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from gettext import NullTranslations
from typing import Any

from ruta.errors import RutaError
from ruta.i18n import format_number, translator
from ruta.partial_dates import PartialDateError

__all__ = ["SAID_TYPES", "validation_message"]


@dataclass(frozen=True)
class _Error:
    """One pydantic error as a text of the catalog ``t`` reads it."""

    t: NullTranslations
    lang: str
    ctx: Mapping[str, Any]
    given: Any

    def number(self, key: str) -> str:
        """The ``ctx`` value as the reader writes a number (a date or a text as it is)."""
        value = self.ctx.get(key, "")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value, self.lang)
        return str(value)

    def count(self, key: str) -> int:
        """The ``ctx`` value that chooses a plural form."""
        value = self.ctx.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 2

    def choices(self, key: str) -> str:
        """Pydantic's list of the expected values (``'a', 'b' or 'c'``) without its English
        "or": the values as pydantic quotes them, separated by commas."""
        head, sep, last = str(self.ctx.get(key, "")).rpartition(" or ")
        return f"{head}, {last}" if sep else last

    def length(self) -> str:
        """How many characters the input has (pydantic counts them as ``len``)."""
        return format_number(len(self.given), self.lang) if isinstance(self.given, str) else "?"


_Say = Callable[[_Error], str]

# One entry per documented error type (below, the types a person reads alike). The texts
# say what was expected and, where it helps, an example of it.
_SAID: dict[str, _Say] = {
    "missing": lambda e: e.t.gettext("this field is required; send it"),
    "extra_forbidden": lambda e: e.t.gettext("this field is not accepted here; remove it"),
    "string_type": lambda e: e.t.gettext("expected a text (a JSON string in quotes)"),
    "string_too_short": lambda e: (
        e.t.ngettext(
            "must have at least %(min_length)s character",
            "must have at least %(min_length)s characters",
            e.count("min_length"),
        )
        % {"min_length": e.number("min_length")}
    ),
    "string_too_long": lambda e: (
        e.t.ngettext(
            "must have at most %(max_length)s character; it has %(length)s",
            "must have at most %(max_length)s characters; it has %(length)s",
            e.count("max_length"),
        )
        % {"max_length": e.number("max_length"), "length": e.length()}
    ),
    "string_pattern_mismatch": lambda e: (
        e.t.gettext("does not have the expected form (the pattern %(pattern)s)")
        % {"pattern": e.ctx.get("pattern", "")}
    ),
    "int_type": lambda e: e.t.gettext("expected a whole number, e.g. 12"),
    "int_from_float": lambda e: e.t.gettext("expected a whole number, without decimals"),
    "float_type": lambda e: e.t.gettext("expected a number, e.g. 12.5"),
    "bool_type": lambda e: e.t.gettext("expected true or false"),
    "greater_than": lambda e: e.t.gettext("must be greater than %(gt)s") % {"gt": e.number("gt")},
    "greater_than_equal": lambda e: e.t.gettext("must be %(ge)s or more") % {"ge": e.number("ge")},
    "less_than": lambda e: e.t.gettext("must be less than %(lt)s") % {"lt": e.number("lt")},
    "less_than_equal": lambda e: e.t.gettext("must be %(le)s or less") % {"le": e.number("le")},
    "literal_error": lambda e: (
        e.t.gettext("expected one of: %(expected)s") % {"expected": e.choices("expected")}
    ),
    # The ctx "error" of the date and time types is pydantic's English reason ("month
    # value is outside expected range of 1-12"): the form expected says enough.
    "date_type": lambda e: e.t.gettext("expected a date as YYYY-MM-DD, e.g. 2026-03-31"),
    "date_from_datetime_inexact": lambda e: e.t.gettext(
        "expected a date without a time of day, e.g. 2026-03-31"
    ),
    "datetime_type": lambda e: e.t.gettext(
        "expected a date and time as YYYY-MM-DDTHH:MM, e.g. 2026-03-31T09:30:00Z"
    ),
    "time_type": lambda e: e.t.gettext("expected a time of day as HH:MM, e.g. 09:30"),
    "uuid_type": lambda e: e.t.gettext(
        "expected a UUID, e.g. 0f8e2a6c-3b1d-4c5e-9a7f-1e2d3c4b5a69"
    ),
    "json_invalid": lambda e: e.t.gettext(
        "the body is not valid JSON; check its quotes, commas and brackets"
    ),
    "json_type": lambda e: e.t.gettext("expected JSON text"),
    "model_type": lambda e: e.t.gettext("expected a JSON object: { ... }"),
    "list_type": lambda e: e.t.gettext("expected a list: [ ... ]"),
    "too_short": lambda e: (
        e.t.ngettext(
            "must have at least %(min_length)s item",
            "must have at least %(min_length)s items",
            e.count("min_length"),
        )
        % {"min_length": e.number("min_length")}
    ),
    "too_long": lambda e: (
        e.t.ngettext(
            "must have at most %(max_length)s item",
            "must have at most %(max_length)s items",
            e.count("max_length"),
        )
        % {"max_length": e.number("max_length")}
    ),
    "url_type": lambda e: e.t.gettext("expected a URL, e.g. https://example.org/page"),
    "url_scheme": lambda e: (
        e.t.gettext("the URL must start with one of: %(schemes)s")
        % {"schemes": e.choices("expected_schemes")}
    ),
}

#: Types said as another one is: to a person, an integer that is no number and a text that
#: is no integer are the same mistake.
_ALIKE: dict[str, str] = {
    "int_parsing": "int_type",
    "float_parsing": "float_type",
    "bool_parsing": "bool_type",
    "enum": "literal_error",
    "date_parsing": "date_type",
    "date_from_datetime_parsing": "date_type",
    "datetime_parsing": "datetime_type",
    "datetime_from_date_parsing": "datetime_type",
    "time_parsing": "time_type",
    "uuid_parsing": "uuid_type",
    "model_attributes_type": "model_type",
    "dict_type": "model_type",
    "url_parsing": "url_type",
}

#: The pydantic error types said in every language (the others stay pydantic's English).
SAID_TYPES: frozenset[str] = frozenset(_SAID) | frozenset(_ALIKE) | {"value_error"}


def _refusal(error: object, lang: str) -> str | None:
    """A ``value_error``'s exception said in ``lang``, when it is a catalog text."""
    if isinstance(error, RutaError) and error.domain is not None:
        return error.say(lang)
    if isinstance(error, PartialDateError):
        # ruta.partial_dates speaks the pathways catalog (src/ruta/locales/domains.cfg).
        gettext = translator(lang, "pathways").gettext
        return error.text.say(gettext, lambda value: format_number(value, lang))
    return None


def validation_message(err: Mapping[str, Any], lang: str) -> str:
    """One pydantic error (an item of ``errors()``) said in ``lang``.

    Args:
        err: The error: its ``type``, ``ctx``, ``input`` and English ``msg``.
        lang: A supported language; English answers pydantic's ``msg`` as it is.

    Returns:
        The message in ``lang``, or pydantic's English one for a type not in
        :data:`SAID_TYPES` (and for a ``value_error`` raised with English text).
    """
    english = str(err.get("msg", "invalid"))
    if lang == "en":
        return english
    ctx = err.get("ctx") or {}
    said = _refusal(ctx.get("error"), lang)
    if said is not None:
        return said
    kind = str(err.get("type", ""))
    say = _SAID.get(_ALIKE.get(kind, kind))
    if say is None:
        return english
    return say(_Error(translator(lang, "web"), lang, ctx, err.get("input")))
