"""Texts the linkage engine composes for people (summary notes, reasons, progress).

A :class:`~ruta.i18n.Text` is the English sentence, usable wherever a ``str`` is (saved
models, the report, logs), that also remembers its catalog message and values, so that a
command can say it in the user's language (the ``linkage`` catalog) without the engine
knowing it. The class is the one of :mod:`ruta.i18n`, shared with the other domains; this
module adds what pandas needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ruta.i18n import Text, say_in

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Text", "put", "say_in"]


def put(series: pd.Series, mask: pd.Series, values: Any) -> pd.Series:
    """``series`` with ``values`` where ``mask`` holds, texts kept as :class:`Text`.

    pandas turns a single ``str`` subclass it is given into a plain ``str``; numpy does not.
    """
    import pandas as pd

    array = series.to_numpy(dtype=object, copy=True)
    array[mask.to_numpy(dtype=bool)] = values
    return pd.Series(array, index=series.index, dtype=object)
