"""Texts the linkage engine composes for people (summary notes, reasons, progress).

A :class:`Text` is the English sentence, usable wherever a ``str`` is (saved models, the
report, logs), that also remembers its catalog message and values, so that a command can
say it in the user's language (the ``linkage`` catalog) without the engine knowing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Text", "put", "say_in"]

Value = str | int | float


def _english(value: Value) -> str:
    if isinstance(value, str | bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}"


class Text(str):
    """An English text and the catalog message it comes from.

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


def put(series: pd.Series, mask: pd.Series, values: Any) -> pd.Series:
    """``series`` with ``values`` where ``mask`` holds, texts kept as :class:`Text`.

    pandas turns a single ``str`` subclass it is given into a plain ``str``; numpy does not.
    """
    import pandas as pd

    array = series.to_numpy(dtype=object, copy=True)
    array[mask.to_numpy(dtype=bool)] = values
    return pd.Series(array, index=series.index, dtype=object)


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
