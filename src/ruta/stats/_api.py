"""The front door: a release of a period from the case store the caller connects to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from ruta.i18n import N_
from ruta.pathways import list_pathways
from ruta.stats._design import DEFAULT_STATISTICS, DEFAULT_TABLES, StatisticSpec, TableSpec
from ruta.stats._errors import PeriodError, SourceError
from ruta.stats._period import Period, parse_period
from ruta.stats._release import Release, compute_release
from ruta.stats._source import load_case_store
from ruta.stats._units import build_units, pathway_code

if TYPE_CHECKING:
    import duckdb
    from sqlalchemy.engine import Connection

# DuckDB is imported by the functions that use it: it is a noticeable part of the web
# service's start-up, which imports this package.

__all__ = ["CALENDARS", "build_release", "check_calendar", "load_simulation"]

#: What an office may publish: months beside their quarters, or quarters alone.
CALENDARS = ("months", "quarters")


def load_simulation(duck: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Load a population simulation's results (``ruta pathways simulate``) for take-up.

    Returns:
        The name of the DuckDB table (``sim_results``: ``pathway``, ``status``).

    Raises:
        SourceError: the file is missing, not Parquet, or lacks ``pathway``/``status``.
    """
    if not path.is_file():
        raise SourceError(N_("%(path)s does not exist"), field="population", path=str(path))
    if path.suffix.lower() != ".parquet":
        raise SourceError(
            N_("%(file)s is not .parquet; give the results of `ruta pathways simulate`"),
            field="population",
            file=path.name,
        )
    import duckdb

    literal = str(path).replace("'", "''")
    try:
        columns = {
            r[0]
            for r in duck.execute(f"DESCRIBE SELECT * FROM read_parquet('{literal}')").fetchall()
        }
    except duckdb.Error as exc:
        raise SourceError(
            N_("%(file)s is not readable Parquet (%(reason)s)"),
            field="population",
            file=path.name,
            reason=str(exc),
        ) from None
    if not {"pathway", "status"} <= columns:
        raise SourceError(
            N_(
                "%(file)s has no pathway and status columns; give the results of "
                "`ruta pathways simulate`"
            ),
            field="population",
            file=path.name,
        )
    duck.execute(
        f"CREATE OR REPLACE TABLE sim_results AS SELECT CAST(pathway AS VARCHAR) AS pathway, "
        f"CAST(status AS VARCHAR) AS status FROM read_parquet('{literal}')"
    )
    return "sim_results"


def check_calendar(period: Period, calendar: str, *, field: str = "period") -> None:
    """Refuse a release the office's publication calendar does not make.

    Raises:
        PeriodError: ``calendar`` is not one of :data:`CALENDARS`, or ``period`` is a
            month and only quarters are published (naming ``field``).

    Examples:
        >>> check_calendar(parse_period("2026-Q3"), "quarters")
        >>> check_calendar(parse_period("2026-07"), "quarters")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.stats._errors.PeriodError: period: 2026-07 is a month, and this office ...
    """
    if calendar not in CALENDARS:
        raise PeriodError(
            N_("%(calendar)s is not a publication calendar; use months or quarters"),
            field="RUTA_STATS_CALENDAR",
            calendar=repr(calendar),
        )
    if calendar == "quarters" and period.is_month:
        raise PeriodError(
            N_(
                "%(period)s is a month, and this office publishes quarters alone "
                "(RUTA_STATS_CALENDAR=quarters): a month's release beside its quarter's "
                "would undo the quarter's protection; give a quarter (YYYY-Qn)"
            ),
            field=field,
            period=period.code,
        )


def build_release(
    connection: Connection,
    period: str | Period,
    *,
    threshold: int | None = None,
    rounding: int | None = None,
    seed: int = 0,
    population: Path | None = None,
    now: datetime | None = None,
    tables: Sequence[TableSpec] = DEFAULT_TABLES,
    statistics: Sequence[StatisticSpec] = DEFAULT_STATISTICS,
    calendar: str = "months",
) -> Release:
    """Every indicator of ``period``, disclosure-controlled, from the case store.

    Args:
        connection: An open SQLAlchemy connection to the case store.
        period: ``YYYY-Qn`` or ``YYYY-MM`` (or a parsed :class:`Period`).
        threshold: Threshold rule, 3, 5 or 10 (default 5, parameters.yaml).
        rounding: Random rounding base of counts (3 or 5), or None.
        seed: Seed of the random rounding.
        population: Results of a population simulation, for take-up (optional).
        now: The extraction moment (default: now); stocks are taken at the end of the
            period or at this moment, whichever comes first.
        tables: The tables to publish (default: every indicator).
        statistics: The processing-time statistics to publish.
        calendar: What the office publishes (``RUTA_STATS_CALENDAR``): ``months`` (each
            quarter protected with its months) or ``quarters`` (quarters alone; a
            month's release is then refused).

    Raises:
        PeriodError: a malformed period, one that has not started, or a month where
            only quarters are published.
        SourceError: the case store or the simulation file cannot be read.
        DisclosureError: a threshold or rounding base the parameters do not allow.

    Examples:
        >>> from sqlalchemy import create_engine
        >>> from ruta.store import upgrade
        >>> import tempfile, pathlib
        >>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'ruta.db'}"
        >>> upgrade(url)
        >>> with create_engine(url).connect() as conn:
        ...     release = build_release(conn, "2026-Q3", now=datetime(2026, 12, 1, tzinfo=UTC))
        >>> release.period.code, release.threshold, len(release.observations)
        ('2026-Q3', 5, 0)
    """
    parsed = parse_period(period) if isinstance(period, str) else period
    check_calendar(parsed, calendar)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    start = datetime.combine(parsed.start, time())
    if moment <= start:
        raise PeriodError(
            N_(
                "%(period)s has not started yet (it starts on %(start)s); choose a "
                "past or current period"
            ),
            field="period",
            period=parsed.code,
            start=parsed.start.isoformat(),
        )
    as_of = min(datetime.combine(parsed.end, time()), moment)
    import duckdb

    duck = duckdb.connect()
    try:
        load_case_store(connection, duck)
        simulation = load_simulation(duck, population) if population is not None else None
        build_units(duck, parsed, as_of, simulation)
        areas = {
            str(r[0]) for r in duck.execute("SELECT DISTINCT ref_area FROM st_cases").fetchall()
        }
        if simulation:
            areas |= {
                str(r[0])
                for r in duck.execute("SELECT DISTINCT ref_area FROM u_eligible").fetchall()
            }
        pathways = {a: [pathway_code(p.id) for p in list_pathways(a)] for a in sorted(areas)}
        return compute_release(
            duck,
            parsed,
            as_of,
            pathways,
            threshold=threshold,
            rounding=rounding,
            seed=seed,
            tables=tables,
            statistics=statistics,
            linked=calendar == "months",
        )
    finally:
        duck.close()
