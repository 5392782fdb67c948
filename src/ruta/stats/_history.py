"""Weekly history of each office from the case store: arrivals, exits, active staff.

An office's week counts the applications submitted to it (arrivals), the cases that left
the backlog (approved, denied or withdrawn: exits) and the officers who moved at least one
of its cases (active caseworkers). Weeks start on Monday (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ruta.stats._units import open_at

if TYPE_CHECKING:
    import duckdb  # the callers' connections; imported by them when they compute

__all__ = ["OfficeHistory", "office_histories"]


@dataclass(frozen=True, slots=True)
class OfficeHistory:
    """What an office did week by week, and its backlog at ``as_of``.

    Attributes:
        ref_area: The country (ISO alpha-3).
        office: The office code (``_U`` for cases without an office).
        weeks: Monday of each week, oldest first (complete weeks before ``as_of``).
        arrivals: Applications submitted per week.
        exits: Cases decided or withdrawn per week.
        caseworkers: Officers active per week.
        backlog: Open cases at ``as_of``.
        as_of: The moment of the backlog (UTC).
    """

    ref_area: str
    office: str
    weeks: tuple[date, ...]
    arrivals: tuple[int, ...]
    exits: tuple[int, ...]
    caseworkers: tuple[int, ...]
    backlog: int
    as_of: datetime


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def office_histories(
    duck: duckdb.DuckDBPyConnection, as_of: datetime, weeks: int = 26
) -> list[OfficeHistory]:
    """The last ``weeks`` complete weeks of every office, from the ``st_*`` tables.

    Args:
        duck: DuckDB holding the case store tables (``load_case_store``).
        as_of: The present (naive UTC): the backlog is counted here, and the history
            ends with the last complete week before it.
        weeks: How many weeks of history.
    """
    end = _monday(as_of.date())
    start = end - timedelta(weeks=weeks)
    office = "coalesce(c.office, '_U')"
    week = "CAST(date_trunc('week', {}) AS DATE)"
    bounds = f"BETWEEN TIMESTAMP '{start}' AND TIMESTAMP '{end}' - INTERVAL 1 MICROSECOND"
    arrivals = duck.execute(
        f"SELECT c.ref_area, {office}, {week.format('c.submitted_at')}, count(*) "
        f"FROM st_cases c WHERE c.submitted_at {bounds} GROUP BY ALL"
    ).fetchall()
    exits = duck.execute(
        f"SELECT c.ref_area, {office}, {week.format('s.step_at')}, count(*) FROM st_steps s "
        f"JOIN st_cases c USING (application_id) WHERE s.to_status IN "
        f"('approved', 'denied', 'withdrawn') AND s.step_at {bounds} GROUP BY ALL"
    ).fetchall()
    staff = duck.execute(
        f"SELECT c.ref_area, {office}, {week.format('s.step_at')}, count(DISTINCT s.actor_id) "
        f"FROM st_steps s JOIN st_cases c USING (application_id) JOIN st_officers o "
        f"ON o.user_id = s.actor_id WHERE s.step_at {bounds} GROUP BY ALL"
    ).fetchall()
    at = f"TIMESTAMP '{as_of.isoformat(sep=' ')}'"
    # The open step each case stood in at ``at``, as the release's backlog reads it.
    backlog = duck.execute(
        f"SELECT c.ref_area, {office}, count(*) FROM st_steps s JOIN st_cases c "
        f"USING (application_id) WHERE {open_at('s', at)} GROUP BY ALL"
    ).fetchall()
    offices = sorted({(str(r[0]), str(r[1])) for r in [*arrivals, *exits, *backlog]})
    calendar = tuple(start + timedelta(weeks=i) for i in range(weeks))

    def series(rows: list[tuple[Any, ...]], key: tuple[str, str]) -> tuple[int, ...]:
        found = {r[2]: int(r[3]) for r in rows if (str(r[0]), str(r[1])) == key}
        return tuple(found.get(w, 0) for w in calendar)

    open_now = {(str(r[0]), str(r[1])): int(r[2]) for r in backlog}
    return [
        OfficeHistory(
            area,
            code,
            calendar,
            series(arrivals, (area, code)),
            series(exits, (area, code)),
            series(staff, (area, code)),
            open_now.get((area, code), 0),
            as_of,
        )
        for area, code in offices
    ]
