"""The period ledger: every contributed day credited once, to one state.

Periods may overlap: two schemes in one state, or work in two states at once. A day is
counted once; the rule that picks which period keeps it is data (``conventions.yaml``,
``overlap``): a compulsory period beats a voluntary one, then the period that began first
keeps the day, then (the same start) the lower country code, then the earlier line.

Examples:
    >>> from ruta.labour.pensions._periods import Period
    >>> d = dt.date
    >>> ledger = build_ledger([
    ...     Period("ARG", d(2000, 1, 1), d(2000, 12, 31), line=1),
    ...     Period("BRA", d(2000, 7, 1), d(2001, 6, 30), line=2),
    ... ])
    >>> ledger.days("ARG"), ledger.days("BRA"), ledger.total_days
    (366, 181, 547)
    >>> [(o.start, o.days, o.kept_by.country, o.rule) for o in ledger.overlaps]
    [(datetime.date(2000, 7, 1), 184, 'ARG', 'earlier')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from ruta.labour.pensions._periods import Period

__all__ = ["Credit", "Ledger", "Overlap", "Segment", "build_ledger", "credited_months", "gaps"]

OverlapRule = Literal["same_state", "compulsory", "earlier", "order"]
_DAY = dt.timedelta(days=1)


class Credit(NamedTuple):
    """Months and days credited; ``carried`` when left-over days were turned into months."""

    months: int
    days: int
    carried: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    """Consecutive days credited to one state, kept by one period."""

    start: dt.date
    end: dt.date
    period: Period

    @property
    def days(self) -> int:
        """Days in the segment, both ends included."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Overlap:
    """Days covered by more than one period, and which period kept them and why."""

    start: dt.date
    end: dt.date
    periods: tuple[Period, ...]
    kept_by: Period
    rule: OverlapRule

    @property
    def days(self) -> int:
        """Days in the overlap, both ends included."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Ledger:
    """The credited segments of a set of periods, and the overlaps resolved on the way."""

    segments: tuple[Segment, ...]
    overlaps: tuple[Overlap, ...]

    def of(self, country: str) -> list[Segment]:
        """The segments credited to ``country``, in date order."""
        return [s for s in self.segments if s.period.country == country]

    def days(self, country: str) -> int:
        """Days credited to ``country``."""
        return sum(s.days for s in self.of(country))

    @property
    def total_days(self) -> int:
        """Days credited to any state: each contributed day once."""
        return sum(s.days for s in self.segments)

    @property
    def countries(self) -> list[str]:
        """The states with credited days, in order of their first day."""
        return list(dict.fromkeys(s.period.country for s in self.segments))


def _priority(period: Period) -> tuple[bool, dt.date, str, int]:
    return (period.voluntary, period.start, period.country, period.line)


def _rule(active: Sequence[Period]) -> OverlapRule:
    winner, runner_up = active[0], active[1]
    if all(p.country == winner.country for p in active):
        return "same_state"
    if runner_up.voluntary and not winner.voluntary:
        return "compulsory"
    return "earlier" if winner.start < runner_up.start else "order"


def build_ledger(periods: Iterable[Period]) -> Ledger:
    """Credit each contributed day once, resolving overlaps by the overlap rule."""
    by_start = sorted(periods, key=lambda p: p.start)
    bounds = sorted({p.start for p in by_start} | {p.end + _DAY for p in by_start})
    segments: list[Segment] = []
    overlaps: list[Overlap] = []
    active: list[Period] = []
    waiting = 0
    # Between two consecutive bounds no period starts or ends, so the periods covering
    # the first day of a stretch cover all of it: one sweep, each period entered once.
    for start, after in itertools.pairwise(bounds):
        while waiting < len(by_start) and by_start[waiting].start <= start:
            active.append(by_start[waiting])
            waiting += 1
        active = [p for p in active if p.end >= start]
        if not active:
            continue
        ranked = sorted(active, key=_priority)
        end = after - _DAY
        last = segments[-1] if segments else None
        if last and last.period is ranked[0] and last.end + _DAY == start:
            segments[-1] = Segment(last.start, end, ranked[0])
        else:
            segments.append(Segment(start, end, ranked[0]))
        if len(ranked) > 1:
            previous = overlaps[-1] if overlaps else None
            if previous and previous.periods == tuple(ranked) and previous.end + _DAY == start:
                overlaps[-1] = Overlap(
                    previous.start, end, previous.periods, ranked[0], previous.rule
                )
            else:
                overlaps.append(Overlap(start, end, tuple(ranked), ranked[0], _rule(ranked)))
    return Ledger(tuple(segments), tuple(overlaps))


def gaps(periods: Iterable[Period]) -> list[tuple[dt.date, dt.date]]:
    """Stretches between the first and last period with no contribution in any state.

    Examples:
        >>> from ruta.labour.pensions._periods import Period
        >>> gaps([Period("ARG", dt.date(2000, 1, 1), dt.date(2000, 1, 31)),
        ...       Period("BRA", dt.date(2000, 3, 1), dt.date(2000, 3, 31))])
        [(datetime.date(2000, 2, 1), datetime.date(2000, 2, 29))]
    """
    found: list[tuple[dt.date, dt.date]] = []
    covered_until: dt.date | None = None
    for period in sorted(periods, key=lambda p: p.start):
        if covered_until is not None and period.start > covered_until + _DAY:
            found.append((covered_until + _DAY, period.start - _DAY))
        if covered_until is None or period.end > covered_until:
            covered_until = period.end
    return found


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months_and_days(start: dt.date, end: dt.date) -> tuple[int, int]:
    after = end + _DAY
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and _add_months(start, months) > after:
        months -= 1
    return months, (after - _add_months(start, months)).days


def credited_months(segments: Iterable[Segment], days_per_month: int) -> Credit:
    """Whole months and remaining days of one state's segments.

    Consecutive days form one run; each run counts its whole calendar months. The days
    left over in different runs are added up, ``days_per_month`` of them to a month; the
    days left over in a single run never make a month (1 to 30 December is not a month).

    Examples:
        >>> from ruta.labour.pensions._periods import Period
        >>> def runs(*spans):
        ...     return [Segment(a, b, Period("ARG", a, b)) for a, b in spans]
        >>> credited_months(runs((dt.date(2021, 1, 1), dt.date(2021, 12, 31))), 30)
        Credit(months=12, days=0, carried=False)
        >>> credited_months(runs((dt.date(2021, 1, 1), dt.date(2021, 12, 30))), 30)
        Credit(months=11, days=30, carried=False)
        >>> credited_months(runs((dt.date(2019, 1, 1), dt.date(2019, 6, 20)),
        ...                      (dt.date(2020, 1, 1), dt.date(2020, 6, 20))), 30)
        Credit(months=11, days=10, carried=True)
    """
    runs: list[list[dt.date]] = []
    for segment in sorted(segments, key=lambda s: s.start):
        if runs and runs[-1][1] + _DAY == segment.start:
            runs[-1][1] = segment.end
        else:
            runs.append([segment.start, segment.end])
    months, leftovers = 0, []
    for start, end in runs:
        whole, rest = _months_and_days(start, end)
        months += whole
        if rest:
            leftovers.append(rest)
    if len(leftovers) < 2:
        return Credit(months, sum(leftovers))
    carried, days = divmod(sum(leftovers), days_per_month)
    return Credit(months + carried, days, carried > 0)
