"""Dates known only to the year or the month (ISO 8601 reduced precision: ``1990``,
``1990-05``), as UNHCR and civil registries record many births.

Such a date is the interval of the days it may be: ``1990`` is 1990-01-01 .. 1990-12-31.
The engines decide a comparison when the whole interval is on one side of it; casework
stores the first day with the precision (so the column stays a SQL ``DATE``) and treats a
person as possibly a minor while any day of the interval would be under age.

One implementation for every package (pathways, cases, store, web, permits): it imports
nothing but the standard library and :mod:`ruta.i18n`.

A date it refuses raises :class:`PartialDateError`, a ``ValueError`` (what pydantic's
validators want) whose :attr:`~PartialDateError.text` is a catalog text: the messages of this
module are in the ``pathways`` catalog (``locales/domains.cfg``), the one of the refusals
that carry them on (a profile's date of birth), which say them in the reader's language.

Examples:
    >>> partial_bounds("1990-05")
    (datetime.date(1990, 5, 1), datetime.date(1990, 5, 31))
    >>> split_partial("1990"), join_partial(dt.date(1990, 1, 1), "year")
    ((datetime.date(1990, 1, 1), 'year'), '1990')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Final, Literal

from ruta.i18n import N_, Text

__all__ = [
    "PRECISIONS",
    "PartialDateError",
    "Precision",
    "ages_on",
    "join_partial",
    "parse_partial_date",
    "partial_bounds",
    "precision_of",
    "split_partial",
    "whole_years",
]

Precision = Literal["day", "month", "year"]
#: How much of a date is known, finest first (the values of the store's precision column).
PRECISIONS: Final[tuple[Precision, ...]] = ("day", "month", "year")

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDateError(ValueError):
    """A value that is not a date to the day, the month or the year: ``str()`` is the
    English sentence, :attr:`text` the catalog text (``pathways`` catalog) that a refusal
    carrying it on says in the reader's language.

    Examples:
        >>> error = PartialDateError(N_("precision %(precision)s: expected one of %(precisions)s"),
        ...     precision="'week'", precisions="day, month, year")
        >>> str(error), type(error.text).__name__
        ("precision 'week': expected one of day, month, year", 'Text')
    """

    def __init__(self, message: str, **values: str | int | float) -> None:
        self.text = message if isinstance(message, Text) and not values else Text(message, **values)
        super().__init__(self.text)


def partial_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a reduced-precision ISO date may be.

    Raises:
        PartialDateError: ``text`` is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or names
            no real day or month (a ``ValueError``).

    Examples:
        >>> partial_bounds("1990")
        (datetime.date(1990, 1, 1), datetime.date(1990, 12, 31))
        >>> partial_bounds("2000-02")
        (datetime.date(2000, 2, 1), datetime.date(2000, 2, 29))
        >>> partial_bounds("1990-13")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.partial_dates.PartialDateError: '1990-13' names no real day or month; expected ...
    """
    match = _PARTIAL.match(text)
    if match is None:
        raise PartialDateError(
            N_(
                "'%(value)s' is not a date; expected YYYY-MM-DD, or YYYY-MM or YYYY when only "
                "the month or the year is known, e.g. 1990-05-17, 1990-05 or 1990"
            ),
            value=text,
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the pattern always captures the year
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        exact = dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise PartialDateError(
            N_(
                "'%(value)s' names no real day or month; expected YYYY-MM-DD, or YYYY-MM or "
                "YYYY when only the month or the year is known, e.g. 1990-05-17, 1990-05 or 1990"
            ),
            value=text,
        ) from None
    return exact, exact


def parse_partial_date(value: Any) -> str:
    """Check a date given to the day, the month or the year; return its ISO form.

    Raises:
        PartialDateError: not a date in one of the three forms (the message says which are).

    Examples:
        >>> parse_partial_date("1990-05"), parse_partial_date(dt.date(1990, 5, 17))
        ('1990-05', '1990-05-17')
        >>> parse_partial_date(1990)
        '1990'
    """
    if isinstance(value, dt.datetime):
        raise PartialDateError(N_("expected a date (YYYY-MM-DD, YYYY-MM or YYYY), not a timestamp"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        # A YAML or JSON year written without quotes (date_of_birth: 1990).
        value = str(value)
    if not isinstance(value, str):
        raise PartialDateError(
            N_(
                "%(value)s is not a date; expected YYYY-MM-DD, or YYYY-MM or YYYY when only the "
                "month or the year is known, e.g. 1990-05-17"
            ),
            value=repr(value),
        )
    partial_bounds(value)
    return value


def precision_of(text: str) -> Precision:
    """How much of a valid reduced-precision ISO date is known.

    Examples:
        >>> precision_of("1990"), precision_of("1990-05"), precision_of("1990-05-17")
        ('year', 'month', 'day')
    """
    if len(text) == 4:
        return "year"
    return "month" if len(text) == 7 else "day"


def split_partial(text: str) -> tuple[dt.date, Precision]:
    """The first day a date may be and its precision (how casework stores a birth date).

    Raises:
        PartialDateError: as :func:`partial_bounds`.

    Examples:
        >>> split_partial("1990-05-17")
        (datetime.date(1990, 5, 17), 'day')
    """
    return partial_bounds(text)[0], precision_of(text)


def join_partial(first_day: dt.date, precision: str) -> str:
    """The ISO form of a stored first day and precision (the inverse of :func:`split_partial`).

    Raises:
        PartialDateError: ``precision`` is not one of :data:`PRECISIONS`.

    Examples:
        >>> join_partial(dt.date(1990, 5, 1), "month")
        '1990-05'
    """
    widths = {"day": 10, "month": 7, "year": 4}
    if precision not in widths:
        raise PartialDateError(
            N_("precision %(precision)s: expected one of %(precisions)s"),
            precision=repr(precision),
            precisions=", ".join(PRECISIONS),
        )
    return first_day.isoformat()[: widths[precision]]


def whole_years(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (an age on ``end``).

    Examples:
        >>> whole_years(dt.date(2010, 6, 15), dt.date(2028, 6, 14))
        17
    """
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def ages_on(text: str, day: dt.date) -> tuple[int, int]:
    """The youngest and the oldest age on ``day`` of a person born on ``text``.

    Raises:
        PartialDateError: as :func:`partial_bounds`.

    Examples:
        >>> ages_on("2008", dt.date(2026, 6, 1))
        (17, 18)
        >>> ages_on("2008-07", dt.date(2026, 6, 1))
        (17, 17)
    """
    earliest, latest = partial_bounds(text)
    return whole_years(latest, day), whole_years(earliest, day)
