"""Texts a domain composes for people: English wherever a ``str`` is, any language on demand.

A :class:`Text` is the English sentence, usable wherever a ``str`` is (saved models, a
report, logs, an exception's ``message``), that also remembers its catalog message and
values, so that a command or a page can say it in the reader's language (the domain's
catalog) without the domain knowing the reader. The linkage engine's notes and the
casework refusals (``ruta.cases.errors``) are such texts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["SelfSaid", "Text", "say_in"]

Value = str | int | float


class SelfSaid(str):
    """An English text that says itself from a catalog of its own, whatever the catalog of
    the sentence it is a value of: the system's reason a file cannot be read, pydantic's
    message about a field (both in the ``i18n`` catalog, which every package may use).

    A sentence says such a value in its reader's language when it is told the language
    (:meth:`Text.say` with ``lang``, as :meth:`ruta.errors.RutaError.say` does); else in
    English. This base class is English in every language; subclasses translate.
    """

    __slots__ = ()

    def in_language(self, lang: str) -> str:
        """The text in ``lang`` (a supported language)."""
        return str(self)


def _english(value: Value) -> str:
    if isinstance(value, str | bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}"


class Text(str):
    """An English text and the catalog message it comes from.

    A value that is itself a :class:`Text` (a status word, a bad row's reason) is said in
    the same language; any other string value is a code or a name and stays as it is.

    Examples:
        >>> text = Text("EM on %(rule)s skipped: %(n)s pairs", rule="dob", n=219)
        >>> text
        'EM on dob skipped: 219 pairs'
        >>> text.say(lambda m: m.replace("skipped", "omitido"), str)
        'EM on dob omitido: 219 pairs'
        >>> import copy, pickle
        >>> pickle.loads(pickle.dumps(text)).values == copy.deepcopy(text).values == text.values
        True
    """

    message: str
    values: dict[str, Value]

    def __new__(cls, message: str, **values: Value) -> Text:
        text = super().__new__(cls, message % {k: _english(v) for k, v in values.items()})
        text.message = message
        text.values = values
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles rebuild the text from its message and values (str's own
        # reduction would pass the English sentence as the message).
        return (_rebuild, (self.message, self.values))

    def say(
        self,
        gettext: Callable[[str], str],
        number: Callable[[Any], str],
        lang: str | None = None,
    ) -> str:
        """The text through ``gettext``, numbers written by ``number``; a :class:`SelfSaid`
        value in ``lang`` (English when ``lang`` is not given)."""
        values = {k: _said(v, gettext, number, lang) for k, v in self.values.items()}
        return gettext(self.message) % values


def _said(
    value: Value,
    gettext: Callable[[str], str],
    number: Callable[[Any], str],
    lang: str | None,
) -> str:
    # A value may itself be a Text (a bad row's reason inside the error that stops the run),
    # or a text of another catalog (the system's reason a file cannot be read).
    if isinstance(value, Text):
        return value.say(gettext, number, lang)
    if isinstance(value, SelfSaid):
        return value.in_language(lang) if lang is not None else str(value)
    return str(value) if isinstance(value, str | bool) else number(value)


def _rebuild(message: str, values: dict[str, Value]) -> Text:
    return Text(message, **values)


def say_in(
    text: str,
    gettext: Callable[[str], str],
    number: Callable[[Any], str],
    lang: str | None = None,
) -> str:
    """``text`` in the catalog's language when it is a :class:`Text` (or in ``lang`` when it
    is a :class:`SelfSaid`); as it is otherwise."""
    if isinstance(text, Text):
        return text.say(gettext, number, lang)
    if isinstance(text, SelfSaid) and lang is not None:
        return text.in_language(lang)
    return text
