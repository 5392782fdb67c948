"""Pension totalization: the period ledger next to the day-by-day count in the same run.

The peer is the way a spreadsheet (or the property test's reference) credits periods: one
entry per contributed day, each day kept by the period the overlap rule prefers. Ruta's
ledger sweeps the period boundaries instead. Both must give the same days per state; the
bench checks that before it times anything.

Run: ``.venv/bin/python -m bench pensions`` (well under a minute). Times are CPU time of
the process (``time.process_time``), best of 5 rounds, so that other engineers' load on
the shared machine does not count.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import time
from collections import Counter
from collections.abc import Callable

from ruta.labour.pensions import Period, totalize
from ruta.labour.pensions._ledger import build_ledger

STATES = ["ARG", "BRA", "URY", "PRY", "CHL", "BOL", "PER"]
ROUNDS = 5


def career(periods: int, seed: int) -> list[Period]:
    """A synthetic working life: consecutive jobs with gaps, some overlapping, some voluntary."""
    rng = random.Random(seed)
    day, rows = dt.date(1975, 1, 1), []
    for line in range(1, periods + 1):
        start = day + dt.timedelta(days=rng.randint(-120, 200))  # overlaps and gaps
        end = start + dt.timedelta(days=rng.randint(90, 900))
        rows.append(Period(rng.choice(STATES), start, end, voluntary=rng.random() < 0.1, line=line))
        day = end
    return rows


def crowded(periods: int, seed: int) -> list[Period]:
    """A stress case, not a life: periods anywhere in 1975-2028, most of them overlapping."""
    rng = random.Random(seed)
    rows = []
    for line in range(1, periods + 1):
        start = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 19_700))
        end = start + dt.timedelta(days=rng.randint(30, 400))
        rows.append(Period(rng.choice(STATES), start, end, voluntary=rng.random() < 0.1, line=line))
    return rows


def day_by_day(periods: list[Period]) -> Counter[str]:
    """The peer: every day once, kept by compulsory, then earliest start, code, line."""
    kept: dict[int, tuple[tuple[bool, dt.date, str, int], str]] = {}
    for p in periods:
        key = (p.voluntary, p.start, p.country, p.line)
        for day in range(p.start.toordinal(), p.end.toordinal() + 1):
            if day not in kept or key < kept[day][0]:
                kept[day] = (key, p.country)
    return Counter(country for _, country in kept.values())


def ledger_days(periods: list[Period]) -> Counter[str]:
    ledger = build_ledger(periods)
    return Counter({c: ledger.days(c) for c in ledger.countries})


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(repeat):
            fn()
        times.append((time.process_time() - start) / repeat)
    return min(times)


def main() -> None:
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()}"
    )
    claim = dt.date(2030, 1, 1)
    totalize(career(3, 0), as_of=claim)  # catalogs and agreements loaded once, not timed
    print(
        f"{'history':>8} {'periods':>8} {'years':>6} {'ledger ms':>10} "
        f"{'day-by-day ms':>14} {'ratio':>6} {'totalize ms':>12}"
    )
    cases = [
        ("career", career(15, 1), 200),
        ("career", career(40, 2), 100),
        ("crowded", crowded(400, 3), 5),
        ("crowded", crowded(2000, 4), 1),
    ]
    for name, generated, repeat in cases:
        rows = [p for p in generated if p.end <= claim]
        assert ledger_days(rows) == day_by_day(rows), "ledger and peer disagree"
        ours = best(lambda rows=rows: build_ledger(rows), repeat)
        peer = best(lambda rows=rows: day_by_day(rows), repeat)
        whole = best(lambda rows=rows: totalize(rows, as_of=claim), repeat)
        years = (max(p.end for p in rows) - min(p.start for p in rows)).days / 365.25
        print(
            f"{name:>8} {len(rows):>8} {years:>6.0f} {ours * 1e3:>10.3f} {peer * 1e3:>14.3f} "
            f"{peer / ours:>6.1f} {whole * 1e3:>12.3f}"
        )
