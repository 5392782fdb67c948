"""The demo's history: when each case arrives, waits, is taken, decided, appealed.

Each demo office receives applications on working days at a rate that may grow over the
history, and its caseworkers take them first in, first out, after the intake appointment:
a multi-server queue. Where each case stands today follows from the queue (not from a
quota of states): a case decided before today is final, one in a caseworker's hands is
open in review, one still waiting is submitted. Bogotá's arrivals grow while its staff do
not, so its backlog grows; the other offices keep up.

Only the schedule is computed here (pure, seeded); ``ruta.cli._demo`` replays it through
the actions with a :class:`~ruta.cases.clock.ReplayClock`.

Examples:
    >>> from datetime import UTC
    >>> now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    >>> plan = plan_history(random.Random(7), 200, months=6, now=now)
    >>> len(plan), all(c.arrival < now for c in plan)
    (200, True)
    >>> sorted({c.office for c in plan})
    ['AQP-01', 'BOG-01', 'LIM-01', 'MED-01']
    >>> all(c.decided is None or c.taken < c.decided for c in plan if c.taken)
    True
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["DEMO_OFFICES", "DemoOffice", "PlannedCase", "plan_history", "working_moment"]


@dataclass(frozen=True)
class DemoOffice:
    """A demo office and how busy it is.

    Attributes:
        code: Office code.
        country: ISO alpha-3.
        name: Display name.
        share: Its part of the country's applications.
        growth: Arrivals per week at the end of the history over those at its start.
        caseworkers: Officers who take its cases.
        load: Arrivals at the start of the history over the office's capacity (below 1
            the office keeps up; arrivals times ``growth`` above 1 make a backlog grow).
    """

    code: str
    country: str
    name: str
    share: float
    growth: float
    caseworkers: int
    load: float


#: The demo's offices: Bogotá's arrivals double while its staff stay at three.
DEMO_OFFICES: tuple[DemoOffice, ...] = (
    DemoOffice("BOG-01", "COL", "Bogotá, Centro Facilitador", 0.6, 2.0, 3, 0.9),
    DemoOffice("MED-01", "COL", "Medellín, Centro Facilitador", 0.4, 1.0, 2, 0.7),
    DemoOffice("LIM-01", "PER", "Lima, Breña", 0.65, 1.1, 3, 0.7),
    DemoOffice("AQP-01", "PER", "Arequipa, Jefatura Zonal", 0.35, 1.0, 2, 0.7),
)

#: Days from submission to the intake appointment, after which a caseworker may take it.
INTAKE_DAYS = 7


@dataclass
class PlannedCase:
    """One case's schedule; ``None`` for a step that has not happened by now.

    Attributes:
        index: Order of arrival over the whole demo (seeds the person's draw).
        office: Office code; ``country`` its country.
        arrival: Submission (or, for a draft, creation).
        draft: Never submitted.
        appointment: The intake appointment's start.
        taken: When a caseworker took it into review.
        done: When the caseworker finished it (proposal), possibly after now.
        decided: When the supervisor decided (only when before now).
        caseworker: Which of the office's caseworkers (0-based).
    """

    index: int
    office: str
    country: str
    arrival: datetime
    draft: bool
    appointment: datetime | None
    taken: datetime | None
    done: datetime | None
    decided: datetime | None
    caseworker: int


def working_moment(moment: datetime) -> datetime:
    """The same time on the next working day when ``moment`` falls on a weekend.

    Examples:
        >>> from datetime import UTC
        >>> working_moment(datetime(2026, 11, 28, 15, tzinfo=UTC)).isoformat()  # Saturday
        '2026-11-30T15:00:00+00:00'
    """
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _arrival_fraction(rng: random.Random, growth: float) -> float:
    """A point in [0, 1) drawn with density rising linearly to ``growth`` times its start."""
    u = rng.random()
    g = growth - 1.0
    if abs(g) < 1e-9:
        return u
    # Inverse of F(x) = (x + g x^2 / 2) / (1 + g / 2).
    return (-1.0 + math.sqrt(1.0 + 2.0 * g * u * (1.0 + g / 2.0))) / g


def plan_history(
    rng: random.Random, applicants: int, *, months: int, now: datetime
) -> list[PlannedCase]:
    """The schedule of ``applicants`` cases over the ``months`` before ``now``.

    Countries alternate; within a country an office is drawn by its share. One case in
    25 stays a draft.

    Returns:
        The cases in order of arrival.
    """
    if months < 1:
        raise ValueError(f"a demo history needs at least one month, not {months}")
    start = now - timedelta(days=round(30.44 * months))
    span = (now - start).total_seconds() - 86_400  # the last arrival a day before now
    drawn: list[tuple[datetime, DemoOffice]] = []
    countries = sorted({o.country for o in DEMO_OFFICES}, reverse=True)  # COL, PER
    for i in range(applicants):
        country = countries[i % len(countries)]
        offices = [o for o in DEMO_OFFICES if o.country == country]
        office = rng.choices(offices, [o.share for o in offices])[0]
        at = start + timedelta(seconds=span * _arrival_fraction(rng, office.growth))
        # Office hours: 08:00-16:00 in Bogotá and Lima (UTC-5), on working days.
        at = at.replace(hour=13 + rng.randrange(8), minute=rng.randrange(60), second=0)
        while at.weekday() >= 5:  # back to Friday: moving forward could pass the present
            at -= timedelta(days=1)
        drawn.append((at, office))
    drawn.sort(key=lambda pair: pair[0])
    days = span / 86_400
    plan: list[PlannedCase] = []
    for office in DEMO_OFFICES:
        mine = [(i, at) for i, (at, o) in enumerate(drawn) if o is office]
        # Cases a day at the start of the history (linear growth: mean 1 + g/2 of it).
        first_rate = len(mine) / days / (1.0 + (office.growth - 1.0) / 2.0)
        capacity = max(first_rate, 1e-6) / office.load
        service = office.caseworkers / capacity  # days one caseworker spends on a case
        free = [(start, k) for k in range(office.caseworkers)]
        heapq.heapify(free)
        for index, at in mine:
            draft = index % 25 == 11
            if draft:
                plan.append(
                    PlannedCase(
                        index, office.code, office.country, at, True, None, None, None, None, 0
                    )
                )
                continue
            appointment = working_moment(
                (at + timedelta(days=INTAKE_DAYS)).replace(hour=14, minute=0)
            )
            ready = appointment + timedelta(hours=2)
            idle, worker = heapq.heappop(free)
            taken = working_moment(max(ready, idle))
            done = working_moment(taken + timedelta(days=service * rng.uniform(0.6, 1.4)))
            heapq.heappush(free, (done, worker))
            # The supervisor decides proposals within a week (four eyes).
            decided = working_moment(done + timedelta(days=rng.uniform(0.5, 6.0)))
            plan.append(
                PlannedCase(
                    index,
                    office.code,
                    office.country,
                    at,
                    False,
                    appointment,
                    taken if taken < now else None,
                    done,
                    decided if decided < now else None,
                    worker,
                )
            )
    plan.sort(key=lambda c: c.index)
    return plan
