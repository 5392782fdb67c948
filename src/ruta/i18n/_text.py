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

__all__ = ["Text", "say_in"]

Value = str | int | float


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

    def say(self, gettext: Callable[[str], str], number: Callable[[Any], str]) -> str:
        """The text through ``gettext``, numbers written by ``number``."""
        values = {k: _said(v, gettext, number) for k, v in self.values.items()}
        return gettext(self.message) % values


def _said(value: Value, gettext: Callable[[str], str], number: Callable[[Any], str]) -> str:
    # A value may itself be a Text (a bad row's reason inside the error that stops the run).
    if isinstance(value, Text):
        return value.say(gettext, number)
    return str(value) if isinstance(value, str | bool) else number(value)


def _rebuild(message: str, values: dict[str, Value]) -> Text:
    return Text(message, **values)


def say_in(text: str, gettext: Callable[[str], str], number: Callable[[Any], str]) -> str:
    """``text`` in the catalog's language when it is a :class:`Text`; as it is otherwise."""
    return text.say(gettext, number) if isinstance(text, Text) else text
