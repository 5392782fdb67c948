"""Dates known only to the year or the month, as the engines read them.

Parsing and bounds live in :mod:`ruta.partial_dates` (shared with casework, the store and
the pages); this module adds the value a condition reads: a ``date`` when the day is known,
otherwise a :class:`DateRange` that the engines compare as an interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ruta.partial_dates import parse_partial_date, partial_bounds

__all__ = ["DateRange", "fact_of", "parse_partial_date", "partial_bounds"]


@dataclass(frozen=True, slots=True)
class DateRange:
    """A day known only to lie between ``earliest`` and ``latest`` (both inclusive)."""

    earliest: dt.date
    latest: dt.date


def fact_of(text: str) -> dt.date | DateRange:
    """The value conditions read: a ``date`` when the day is known, else a ``DateRange``.

    Examples:
        >>> fact_of("1990-05-17")
        datetime.date(1990, 5, 17)
        >>> fact_of("1990-05").latest
        datetime.date(1990, 5, 31)
    """
    earliest, latest = partial_bounds(text)
    return earliest if earliest == latest else DateRange(earliest, latest)
