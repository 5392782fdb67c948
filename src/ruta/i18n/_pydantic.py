"""Pydantic's message about one field, said in the reader's language.

Pydantic writes its messages in English only. :func:`pydantic_message` says one error in
another language from what pydantic documents as stable, the error's ``type`` and its
``ctx`` values (https://docs.pydantic.dev/latest/errors/validation_errors/), through the
``i18n`` catalog; never by matching pydantic's English sentence, which changes between
releases. English keeps pydantic's own sentence, byte for byte; a type this module does
not know stays pydantic's sentence in every language.

The web API says a request's errors with it (:mod:`ruta.web.validation`); the commands say
a data file's errors with it (a pension parameters file, a rule pack), inside their own
refusals. It works on the error's dictionary (``ValidationError.errors()``), so it imports
nothing of pydantic.

Examples:
    >>> err = {"type": "string_too_long", "msg": "String should have at most 3 characters",
    ...        "ctx": {"max_length": 3}, "input": "abcd"}
    >>> message = pydantic_message(err)
    >>> message, message.in_language("es")
    ('String should have at most 3 characters', 'debe tener como máximo 3 caracteres; tiene 4')
    >>> pydantic_message({"type": "no_such_type", "msg": "Something odd"}).in_language("fr")
    'Something odd'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from gettext import NullTranslations
from typing import Any

from ruta.i18n._catalogs import translator
from ruta.i18n._formats import format_number
from ruta.i18n._text import SelfSaid

__all__ = ["PYDANTIC_TYPES", "PydanticMessage", "pydantic_message"]


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
    "decimal_type": "float_type",
    "decimal_parsing": "float_type",
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
PYDANTIC_TYPES: frozenset[str] = frozenset(_SAID) | frozenset(_ALIKE)


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


class PydanticMessage(SelfSaid):
    """Pydantic's English message about one field, with its ``type``, the ``ctx`` values a
    translation names and the input when it is a text (whose length a message says)."""

    kind: str
    ctx: dict[str, Any]
    given: str | None

    def __new__(
        cls, english: str, kind: str, ctx: Mapping[str, Any], given: str | None
    ) -> PydanticMessage:
        message = super().__new__(cls, english)
        message.kind = kind
        message.ctx = {k: v for k, v in ctx.items() if _plain(v)}
        message.given = given
        return message

    def __reduce__(self) -> tuple[object, ...]:
        # Copies and pickles keep the type and values (str's own reduction would drop them).
        return (PydanticMessage, (str(self), self.kind, self.ctx, self.given))

    def in_language(self, lang: str) -> str:
        """The message in ``lang``: pydantic's own in English and for a type not in
        :data:`PYDANTIC_TYPES`."""
        say = _SAID.get(_ALIKE.get(self.kind, self.kind))
        if lang == "en" or say is None:
            return str(self)
        return say(_Error(translator(lang, "i18n"), lang, self.ctx, self.given))


def pydantic_message(err: Mapping[str, Any]) -> PydanticMessage:
    """One pydantic error (an item of ``errors()``) as a text a refusal carries: English
    is pydantic's ``msg``; :meth:`~PydanticMessage.in_language` says it in another.

    Args:
        err: The error: its ``type``, ``ctx``, ``input`` and English ``msg``.
    """
    given = err.get("input")
    return PydanticMessage(
        str(err.get("msg", "invalid")),
        str(err.get("type", "")),
        err.get("ctx") or {},
        given if isinstance(given, str) else None,
    )
