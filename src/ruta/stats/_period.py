"""Reference periods in SDMX time formats: a quarter (``2026-Q3``) or a month (``2026-07``).

Examples:
    >>> p = parse_period("2026-Q3")
    >>> p.code, p.start, p.end
    ('2026-Q3', datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
    >>> [m.code for m in p.months]
    ['2026-07', '2026-08', '2026-09']
    >>> parse_period("2026-07").months[0].code
    '2026-07'
    >>> parse_period("2026-13")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruta.stats._errors.PeriodError: period: '2026-13' is not a period; expected YYYY-Qn ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ruta.i18n import N_
from ruta.stats._errors import PeriodError

__all__ = ["Period", "month_code", "parse_period"]

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_code(day: date) -> str:
    """The SDMX monthly period containing ``day``.

    Examples:
        >>> month_code(date(2026, 7, 31))
        '2026-07'
    """
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class Period:
    """A reference period: ``start`` inclusive, ``end`` exclusive (first day after it)."""

    code: str
    start: date
    end: date

    @property
    def is_month(self) -> bool:
        """Whether this is a single month (flows then have no monthly breakdown)."""
        return _add_months(self.start, 1) == self.end

    @property
    def quarter(self) -> Period:
        """The quarter that holds the period (itself for a quarter).

        Examples:
            >>> parse_period("2026-08").quarter.code
            '2026-Q3'
        """
        first = _add_months(self.start, -((self.start.month - 1) % 3))
        code = f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
        return Period(code, first, _add_months(first, 3))

    @property
    def months(self) -> tuple[Period, ...]:
        """The months of the period, in order."""
        out: list[Period] = []
        day = self.start
        while day < self.end:
            nxt = _add_months(day, 1)
            out.append(Period(month_code(day), day, nxt))
            day = nxt
        return tuple(out)


def parse_period(text: str, *, field: str = "period") -> Period:
    """Parse ``YYYY-Qn`` or ``YYYY-MM``.

    Raises:
        PeriodError: naming ``field`` and the expected forms.
    """
    raw = (text or "").strip()
    if match := _QUARTER.match(raw):
        start = date(int(match[1]), 3 * int(match[2]) - 2, 1)
        return Period(raw, start, _add_months(start, 3))
    if match := _MONTH.match(raw):
        start = date(int(match[1]), int(match[2]), 1)
        return Period(raw, start, _add_months(start, 1))
    raise PeriodError(
        N_(
            "%(value)s is not a period; expected YYYY-Qn (a quarter, e.g. 2026-Q3) or YYYY-MM "
            "(a month, e.g. 2026-07)"
        ),
        field=field,
        value=repr(text),
    )
