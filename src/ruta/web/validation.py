"""A request validation error (FastAPI's 422) in the reader's language.

Pydantic writes its messages in English only. :func:`validation_message` says one error in
another language from what pydantic documents as stable, the error's ``type`` and its
``ctx`` values (https://docs.pydantic.dev/latest/errors/validation_errors/), through the
``i18n`` catalog (:func:`ruta.i18n.pydantic_message`, which the commands use too); never
by matching pydantic's English sentence, which changes between releases. English keeps
pydantic's own sentence, byte for byte as before (clients and tests read it); a type this
module does not know falls back to it in every language.

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

from collections.abc import Mapping
from typing import Any

from ruta.errors import RutaError
from ruta.i18n import PYDANTIC_TYPES, format_number, pydantic_message, translator
from ruta.partial_dates import PartialDateError

__all__ = ["SAID_TYPES", "validation_message"]


#: The pydantic error types said in every language (the others stay pydantic's English).
SAID_TYPES: frozenset[str] = PYDANTIC_TYPES | {"value_error"}


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
    return pydantic_message(err).in_language(lang)
