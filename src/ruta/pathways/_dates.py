"""Dates known only to the year or the month (ISO 8601 reduced precision: ``1990``,
``1990-05``), as UNHCR and civil registries record many births.

Such a date is the interval of the days it may be: ``1990`` is 1990-01-01 .. 1990-12-31. The
engines decide a comparison when the whole interval is on one side of it, and leave it
unknown (asking for a document with the full date) only when the interval straddles it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["DateRange", "parse_partial_date", "partial_bounds"]

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class DateRange:
    """A day known only to lie between ``earliest`` and ``latest`` (both inclusive)."""

    earliest: dt.date
    latest: dt.date


def partial_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a reduced-precision ISO date may be.

    Raises:
        ValueError: ``text`` is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or names no
            real day or month.

    Examples:
        >>> partial_bounds("1990")
        (datetime.date(1990, 1, 1), datetime.date(1990, 12, 31))
        >>> partial_bounds("2000-02")
        (datetime.date(2000, 2, 1), datetime.date(2000, 2, 29))
    """
    match = _PARTIAL.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' is not a date; expected YYYY-MM-DD, or YYYY-MM or YYYY when only the "
            "month or the year is known, e.g. 1990-05-17, 1990-05 or 1990"
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the pattern always captures the year
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, 1), dt.date(
                year, month, calendar.monthrange(year, month)[1]
            )
        exact = dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise ValueError(f"'{text}' names no real day or month") from None
    return exact, exact


def parse_partial_date(value: Any) -> str:
    """Check a birth date given to the day, the month or the year; return its ISO form.

    Examples:
        >>> parse_partial_date("1990-05"), parse_partial_date(dt.date(1990, 5, 17))
        ('1990-05', '1990-05-17')
        >>> parse_partial_date(1990)
        '1990'
    """
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD, YYYY-MM or YYYY), not a timestamp")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        # A YAML or JSON year written without quotes (date_of_birth: 1990).
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(
            f"{value!r} is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY, e.g. 1990-05-17"
        )
    partial_bounds(value)
    return value


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
