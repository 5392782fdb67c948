"""The statistics dashboards' figures: each chart's data and the table behind it.

Every published number comes from a disclosure-controlled release of ``ruta.stats``
(the same cells ``ruta stats export`` writes for the period, so the page and the export
can be read together without either revealing a withheld cell); a withheld cell is
``None`` here and "confidential" on the page, never 0. The forecast (supervisor view
only: it is the office's own operational data, like the case queue) comes from
``office_histories`` and ``forecast_backlog``.

Figures are plain data (:class:`Figure`): the page draws them as inline SVG
(``_chart``), the export renders the PNG with :mod:`ruta.charts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy.engine import Connection

from ruta.pathways import list_pathways
from ruta.stats import (
    DIMENSIONS,
    Forecast,
    ForecastError,
    Observation,
    OfficeHistory,
    Period,
    Release,
    ReleaseCache,
    build_units,
    check_calendar,
    code_names,
    compute_release,
    forecast_backlog,
    load_case_store,
    load_simulation,
    moment_key,
    office_histories,
    parse_period,
    pathway_code,
    population_key,
    store_version,
)

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "Figure",
    "OfficeForecast",
    "StatisticsView",
    "current_quarter",
    "quarters_before",
    "statistics_view",
]

Value = float | None


@dataclass
class Figure:
    """One chart: what it shows, the series, and how its table reads.

    Attributes:
        id: Stable slug (the chart's element id and its export file name).
        title: Accessible title (translated).
        kind: ``bar`` or ``line``.
        categories: Labels along the x axis.
        series: ``(name, values)``; a value None is withheld (confidential).
        value_label: What the values count ("Cases", "Days").
        band: ``(name, low, high)``: an uncertainty band (forecasts).
        category_label: Heading of the table's first column.
        note: A sentence shown under the chart (e.g. why a chart is empty).
    """

    id: str
    title: str
    kind: Literal["bar", "line"]
    categories: list[str]
    series: list[tuple[str, list[Value]]]
    value_label: str
    band: tuple[str, list[Value], list[Value]] | None = None
    category_label: str = ""
    note: str = ""

    @property
    def empty(self) -> bool:
        """Whether no value at all is published (nothing to draw)."""
        return not any(v is not None for _, values in self.series for v in values)

    def table(self, confidential: str) -> tuple[list[str], list[list[str]]]:
        """Header and rows of the table behind the chart (withheld: ``confidential``)."""

        def show(value: Value) -> str:
            if value is None:
                return confidential
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

        header = [self.category_label, *(name for name, _ in self.series)]
        columns = [values for _, values in self.series]
        if self.band is not None:
            header += [f"{self.band[0]} (−)", f"{self.band[0]} (+)"]
            columns += [self.band[1], self.band[2]]
        rows = [
            [category, *(show(col[i]) for col in columns)]
            for i, category in enumerate(self.categories)
        ]
        return header, rows


@dataclass
class OfficeForecast:
    """The planning answers of one office, ready to print."""

    office: str
    name: str
    forecast: Forecast | None
    error: str = ""


@dataclass
class StatisticsView:
    """Everything a dashboard shows for one period and scope."""

    period: Period
    as_of: datetime
    countries: tuple[str, ...]
    figures: list[Figure]
    forecasts: list[OfficeForecast] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    threshold: int = 5

    def figure(self, figure_id: str) -> Figure | None:
        """The figure with this id, if the view has it."""
        return next((f for f in self.figures if f.id == figure_id), None)


def current_quarter(now: datetime) -> str:
    """The quarter ``now`` falls in.

    Examples:
        >>> current_quarter(datetime(2026, 12, 5, tzinfo=UTC))
        '2026-Q4'
    """
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


def quarters_before(code: str, count: int) -> list[str]:
    """``count`` quarters ending with ``code``, oldest first.

    Examples:
        >>> quarters_before("2026-Q2", 3)
        ['2025-Q4', '2026-Q1', '2026-Q2']
    """
    year, quarter = int(code[:4]), int(code[-1])
    out = []
    for _ in range(count):
        out.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return out[::-1]


#: Computed releases and office histories, keyed by the store's version (``ruta.stats``
#: ``store_version``): a change to the cases changes the key, so nothing stale is shown.
RELEASES: ReleaseCache[Release] = ReleaseCache(32)
HISTORIES: ReleaseCache[list[OfficeHistory]] = ReleaseCache(8)


def _as_of(period: Period, now: datetime) -> datetime:
    """The moment of the stocks: the end of the period, or now while it runs (naive UTC)."""
    moment = now.astimezone(UTC).replace(tzinfo=None)
    return min(datetime.combine(period.end, time()), moment)


def _release(
    duck: duckdb.DuckDBPyConnection,
    period: Period,
    as_of: datetime,
    simulation: str | None,
    threshold: int | None,
    calendar: str,
) -> Release:
    """The full default release of ``period``, protected for the office's ``calendar``.

    Why the full release and not only the tables a chart needs: tables published from
    the same data are protected together; a page protecting fewer tables could publish
    a cell the export withholds, and the two together would reveal it.
    """
    build_units(duck, period, as_of, simulation)
    areas = {str(r[0]) for r in duck.execute("SELECT DISTINCT ref_area FROM st_cases").fetchall()}
    pathways = {a: [pathway_code(p.id) for p in list_pathways(a)] for a in sorted(areas)}
    return compute_release(
        duck, period, as_of, pathways, threshold=threshold, linked=calendar == "months"
    )


def _total(observation: Observation, **fixed: str) -> bool:
    """Whether every dimension not in ``fixed`` is a total (``_T``) or not applicable."""
    for dimension in DIMENSIONS:
        if dimension in fixed:
            if observation.code(dimension) != fixed[dimension]:
                return False
        elif dimension not in ("REF_AREA", "INDICATOR") and observation.code(dimension) not in (
            "_T",
            "_Z",
        ):
            return False
    return True


def _cell(release: Release, area: str, indicator: str, **fixed: str) -> Value:
    """One published value of the whole period (None when withheld or not published)."""
    fixed.setdefault("TIME_PERIOD", release.period.code)
    for o in release.select(REF_AREA=area, INDICATOR=indicator):
        if _total(o, **fixed):
            return o.value
    return None


def _codes(release: Release, area: str, indicator: str, dimension: str) -> list[str]:
    """The codes of ``dimension`` published for ``indicator`` in ``area`` (no totals)."""
    found = {
        o.code(dimension)
        for o in release.select(REF_AREA=area, INDICATOR=indicator)
        if o.code(dimension) not in ("_T", "_Z")
    }
    return sorted(found)


def statistics_view(
    connection: Connection,
    *,
    database_key: str,
    countries: Sequence[str] | None,
    period: str,
    lang: str,
    gettext: Callable[[str], str],
    now: datetime | None = None,
    population: Path | None = None,
    deadline: date | None = None,
    forecast: bool = False,
    threshold: int | None = None,
    calendar: str = "months",
) -> StatisticsView:
    """The dashboard of ``period`` for ``countries`` (all states when None).

    Args:
        connection: An open connection to the case store.
        database_key: Names the store in the cache of computed releases.
        countries: The states shown (a supervisor's own); None for the regional view.
        period: ``YYYY-Qn`` (or ``YYYY-MM``).
        lang: Language of the code names.
        gettext: The page's translation function.
        now: The present (default: the system clock).
        population: A population simulation's results, for take-up.
        deadline: Date the staffing question asks about.
        forecast: Whether to project each office's backlog (supervisor view).
        threshold: Threshold rule (default: the parameters').
        calendar: What the office publishes (``RUTA_STATS_CALENDAR``), which decides
            how a quarter is protected; a month is refused where only quarters are.

    Raises:
        PeriodError: a malformed period, one that has not started, or a month where
            only quarters are published.
        SourceError: the store or the simulation cannot be read.
    """
    _ = gettext
    present = now or datetime.now(UTC)
    parsed = parse_period(period)
    check_calendar(parsed, calendar)
    trend_periods = [parse_period(q) for q in quarters_before(parsed.code, 5)]
    trend_periods = [p for p in trend_periods if datetime.combine(p.start, time(), UTC) < present]
    wanted = {p.code: p for p in [*trend_periods, parsed]}
    # Everything the figures depend on is in the keys: a second view of an unchanged
    # store reads no case at all.
    version = store_version(connection)
    base = (database_key, version.fingerprint, threshold, calendar, population_key(population))
    keys = {
        code: (*base, code, moment_key(version, _as_of(p, present))) for code, p in wanted.items()
    }
    releases: dict[str, Release] = {}
    for code, key in keys.items():
        found = RELEASES.get(key)
        if found is not None:
            releases[code] = replace(found, as_of=_as_of(wanted[code], present))
    moment = present.astimezone(UTC).replace(tzinfo=None)
    history_key = (database_key, version.fingerprint, moment_key(version, moment))
    histories = HISTORIES.get(history_key) if forecast else []
    if len(releases) < len(wanted) or histories is None:
        # Imported here: DuckDB is a noticeable part of the service's start-up, and a
        # page served from the caches never opens a connection.
        import duckdb

        duck = duckdb.connect()
        try:
            load_case_store(connection, duck)
            simulation = load_simulation(duck, population) if population is not None else None
            for code, p in wanted.items():
                if code not in releases:
                    releases[code] = _release(
                        duck, p, _as_of(p, present), simulation, threshold, calendar
                    )
                    RELEASES.put(keys[code], releases[code])
            if histories is None:
                histories = office_histories(duck, moment)
                HISTORIES.put(history_key, histories)
        finally:
            duck.close()
    release = releases[parsed.code]
    trend = {p.code: releases[p.code] for p in trend_periods}
    known = {o.code("REF_AREA") for r in trend.values() for o in r.observations}
    areas = tuple(sorted(countries if countries is not None else known))
    forecasts = (
        _forecasts(histories or [], areas, deadline, release.offices, lang) if forecast else []
    )
    names = _Names(lang, release.offices)
    figures = [
        _backlog_trend(trend, areas, names, _, by_office=countries is not None),
        *_processing(release, areas, names, _),
        _outcomes(release, areas, names, _, "PATHWAY"),
        _outcomes(release, areas, names, _, "CITIZENSHIP"),
        _pair(
            release,
            areas,
            names,
            _,
            "take-up",
            _(
                "Take-up: applications to date beside the "
                "people a population simulation finds eligible"
            ),
            ("APPLICATIONS_TO_DATE", _("Applications to date")),
            ("ELIGIBLE_POPULATION", _("Eligible (simulated)")),
            note=""
            if population is not None
            else _(
                "No population simulation is configured (RUTA_STATS_POPULATION), so the "
                "eligible population is not shown."
            ),
        ),
        _pair(
            release,
            areas,
            names,
            _,
            "sla",
            _("Decisions and SLA breaches by pathway"),
            ("DECISIONS", _("Decisions")),
            ("SLA_BREACHES", _("Decided after the SLA")),
            time_period=release.period.code,
        ),
        _pair(
            release,
            areas,
            names,
            _,
            "permits",
            _("Permits in force and expiring within 90 days, by pathway"),
            ("PERMITS_IN_FORCE", _("In force")),
            ("PERMITS_EXPIRING", _("Expiring")),
        ),
    ]
    figures += [_forecast_figure(f, _) for f in forecasts if f.forecast is not None]
    return StatisticsView(
        release.period,
        release.as_of,
        areas,
        figures,
        forecasts,
        [f"{c.name}: {c.citation}" for c in release.uncertain],
        release.threshold,
    )


class _Names:
    """Names of codes in the page's language."""

    def __init__(self, lang: str, offices: Mapping[str, str]) -> None:
        self.lang, self.offices = lang, offices

    def __call__(self, dimension: str, code: str) -> str:
        try:
            return str(code_names(dimension, code, self.offices)[self.lang])
        except (KeyError, LookupError):
            return code


def _backlog_trend(
    releases: Mapping[str, Release],
    areas: Sequence[str],
    names: _Names,
    _: Callable[[str], str],
    *,
    by_office: bool,
) -> Figure:
    """Open cases at the end of each quarter (or now, for the running one)."""
    periods = list(releases)
    series: list[tuple[str, list[Value]]] = []
    for area in areas:
        series.append(
            (names("REF_AREA", area), [_cell(releases[p], area, "BACKLOG") for p in periods])
        )
        if by_office:
            offices = sorted(
                {o for p in periods for o in _codes(releases[p], area, "BACKLOG", "OFFICE")}
            )
            for office in offices:
                series.append(
                    (
                        names("OFFICE", office),
                        [_cell(releases[p], area, "BACKLOG", OFFICE=office) for p in periods],
                    )
                )
    return Figure(
        "backlog-trend",
        _("Open cases at the end of each quarter"),
        "line",
        periods,
        series[:5],
        _("Cases"),
        category_label=_("Quarter"),
    )


_STAGE_ORDER = ("SUBMITTED", "IN_REVIEW", "INFORMATION_REQUESTED", "DECISION_PROPOSED", "_T")


def _processing(
    release: Release, areas: Sequence[str], names: _Names, _: Callable[[str], str]
) -> list[Figure]:
    """Median and 90th percentile of days in each stage before a decision."""
    if len(areas) == 1:
        area = areas[0]
        stages = [
            s
            for s in _STAGE_ORDER
            if any(
                o.code("STAGE") == s
                for o in release.select(REF_AREA=area, INDICATOR="PROC_TIME_MEDIAN")
            )
        ]
        categories = [
            _("Submission to decision") if s == "_T" else names("STAGE", s) for s in stages
        ]
        series: list[tuple[str, list[Value]]] = [
            (label, [_cell(release, area, indicator, STAGE=s) for s in stages])
            for indicator, label in (
                ("PROC_TIME_MEDIAN", _("Median")),
                ("PROC_TIME_P90", _("90th percentile")),
            )
        ]
        category_label = _("Stage")
    else:
        categories = [names("REF_AREA", a) for a in areas]
        series = [
            (label, [_cell(release, a, indicator, STAGE="_T") for a in areas])
            for indicator, label in (
                ("PROC_TIME_MEDIAN", _("Median")),
                ("PROC_TIME_P90", _("90th percentile")),
            )
        ]
        category_label = _("Country")
    return [
        Figure(
            "processing-time",
            _("Days from submission to decision, by stage: median and 90th percentile")
            if len(areas) == 1
            else _("Days from submission to decision: median and 90th percentile"),
            "bar",
            categories,
            series,
            _("Days"),
            category_label=category_label,
        )
    ]


def _outcomes(
    release: Release,
    areas: Sequence[str],
    names: _Names,
    _: Callable[[str], str],
    dimension: str,
) -> Figure:
    """Approvals and denials by pathway or by citizenship."""
    keys: list[tuple[str, str]] = [
        (area, code) for area in areas for code in _codes(release, area, "DECISIONS", dimension)
    ]
    several = len(areas) > 1
    categories = [
        f"{area} · {names(dimension, code)}" if several else names(dimension, code)
        for area, code in keys
    ]
    series: list[tuple[str, list[Value]]] = [
        (label, [_cell(release, area, indicator, **{dimension: code}) for area, code in keys])
        for indicator, label in (("APPROVALS", _("Approved")), ("DENIALS", _("Denied")))
    ]
    title = (
        _("Decisions by pathway: approved and denied")
        if dimension == "PATHWAY"
        else _("Decisions by citizenship: approved and denied")
    )
    return Figure(
        f"outcomes-{dimension.lower()}",
        title,
        "bar",
        categories,
        series,
        _("Decisions"),
        category_label=_("Pathway") if dimension == "PATHWAY" else _("Citizenship"),
    )


def _pair(
    release: Release,
    areas: Sequence[str],
    names: _Names,
    _: Callable[[str], str],
    figure_id: str,
    title: str,
    first: tuple[str, str],
    second: tuple[str, str],
    *,
    time_period: str | None = None,
    note: str = "",
) -> Figure:
    """Two indicators by pathway (applications and eligible, decisions and breaches ...)."""
    fixed = {"TIME_PERIOD": time_period} if time_period else {}
    keys = [
        (area, code)
        for area in areas
        for code in sorted(
            set(_codes(release, area, first[0], "PATHWAY"))
            | set(_codes(release, area, second[0], "PATHWAY"))
        )
    ]
    several = len(areas) > 1
    categories = [
        f"{area} · {names('PATHWAY', code)}" if several else names("PATHWAY", code)
        for area, code in keys
    ]
    series: list[tuple[str, list[Value]]] = [
        (label, [_cell(release, area, indicator, PATHWAY=code, **fixed) for area, code in keys])
        for indicator, label in (first, second)
    ]
    return Figure(
        figure_id,
        title,
        "bar",
        categories,
        series,
        _("Cases"),
        category_label=_("Pathway"),
        note=note,
    )


def _forecasts(
    histories: Sequence[OfficeHistory],
    areas: Sequence[str],
    deadline: date | None,
    offices: Mapping[str, str],
    lang: str,
) -> list[OfficeForecast]:
    """Each office's projection; an office without enough history says why, in ``lang``."""
    out = []
    for history in histories:
        if history.ref_area not in areas:
            continue
        name = offices.get(history.office, history.office)
        try:
            result = forecast_backlog(history, horizon=26, deadline=deadline, seed=0)
        except ForecastError as exc:
            out.append(OfficeForecast(history.office, name, None, exc.say(lang)))
            continue
        out.append(OfficeForecast(history.office, name, result))
    return out


def _forecast_figure(office: OfficeForecast, _: Callable[[str], str]) -> Figure:
    """The projected backlog of one office: median line in its 80% band."""
    result = office.forecast
    assert result is not None
    weeks = [w.week.isoformat() for w in result.projection]
    return Figure(
        f"forecast-{office.office.lower()}",
        _("Projected open cases at %(office)s, week by week") % {"office": office.name},
        "line",
        weeks,
        [(_("Median projection"), [round(w.p50, 1) for w in result.projection])],
        _("Cases"),
        band=(
            _("80% band"),
            [round(w.p10, 1) for w in result.projection],
            [round(w.p90, 1) for w in result.projection],
        ),
        category_label=_("Week"),
    )
