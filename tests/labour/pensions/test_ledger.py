"""The ledger against a naive day-by-day reference: each day once, kept by the right period."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.labour.pensions import Period
from ruta.labour.pensions._ledger import build_ledger, credited_months, gaps

START = dt.date(2000, 1, 1)


@st.composite
def histories(draw) -> list[Period]:
    rows = []
    for line in range(1, draw(st.integers(1, 7)) + 1):
        first = draw(st.integers(0, 1500))
        rows.append(
            Period(
                draw(st.sampled_from(["ARG", "BRA", "URY"])),
                START + dt.timedelta(days=first),
                START + dt.timedelta(days=first + draw(st.integers(0, 700))),
                voluntary=draw(st.booleans()),
                line=line,
            )
        )
    return rows


def naive(periods: list[Period]) -> dict[int, Period]:
    """Every day, and the period that keeps it: compulsory, then earliest start, then code."""
    kept: dict[int, Period] = {}
    for period in periods:
        for day in range(period.start.toordinal(), period.end.toordinal() + 1):
            best = kept.get(day)
            key = (period.voluntary, period.start, period.country, period.line)
            if best is None or key < (best.voluntary, best.start, best.country, best.line):
                kept[day] = period
    return kept


@settings(max_examples=150, deadline=None)
@given(histories())
def test_ledger_agrees_with_the_day_by_day_reference(periods: list[Period]) -> None:
    ledger, kept = build_ledger(periods), naive(periods)
    assert ledger.total_days == len(kept)
    for country in {p.country for p in periods}:
        assert ledger.days(country) == sum(1 for p in kept.values() if p.country == country)
    credited = {
        day: segment.period
        for segment in ledger.segments
        for day in range(segment.start.toordinal(), segment.end.toordinal() + 1)
    }
    assert credited == kept
    overlapping = sum(o.days for o in ledger.overlaps)
    assert overlapping == sum(
        1
        for day in kept
        if sum(p.start.toordinal() <= day <= p.end.toordinal() for p in periods) > 1
    )
    missing = sum((b - a).days + 1 for a, b in gaps(periods))
    span = max(p.end for p in periods).toordinal() - min(p.start for p in periods).toordinal() + 1
    assert missing == span - len(kept)


@settings(max_examples=100, deadline=None)
@given(histories())
def test_credited_months_never_exceed_the_days(periods: list[Period]) -> None:
    ledger = build_ledger(periods)
    credit = credited_months(ledger.segments, 30)
    # A calendar month has at least 28 days; the carried rest is under 30 days.
    assert credit.months * 28 + credit.days <= ledger.total_days
    assert credit.days < 31
