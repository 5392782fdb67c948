"""A release: every indicator of a period, disclosure-controlled, as SDMX observations.

:func:`compute_release` works on a DuckDB connection that holds the case store's
``st_*`` tables (``load_case_store``, or synthetic tables in the benchmark);
:func:`build_release` in ``__init__`` reads them through the caller's connection first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ruta.i18n import N_
from ruta.stats._audit import attack_intervals
from ruta.stats._design import (
    DEFAULT_STATISTICS,
    DEFAULT_TABLES,
    DIMENSIONS,
    POPULATIONS,
    RATES,
    Population,
    StatisticSpec,
    TableSpec,
)
from ruta.stats._errors import DisclosureError
from ruta.stats._params import (
    Cited,
    DisclosureRules,
    age_bands,
    disclosure_rules,
    expiring_days,
    sla_rule,
    waiting_bands,
)
from ruta.stats._period import Period
from ruta.stats._protect import passes, protect
from ruta.stats._tables import Group, TableRows, build_groups, table_rows
from ruta.stats._units import code_sql

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

# DuckDB and NumPy are imported by the functions that compute with them: they are a
# noticeable part of the web service's start-up, which imports this package.

__all__ = ["AuditReport", "CellAudit", "Observation", "Release", "compute_release"]

#: Person dimensions filled with ``_T`` (all) in processing-time observations.
_PERSON = ("CITIZENSHIP", "SEX", "AGE")


@dataclass(frozen=True, slots=True)
class Observation:
    """One published cell: its key (codes of :data:`DIMENSIONS`), value and status.

    ``value`` is None exactly when ``status`` is ``C`` (confidential: withheld, never 0).
    """

    key: tuple[str, ...]
    value: float | None
    status: str
    unit: str

    def code(self, dimension: str) -> str:
        """The code of one dimension (``INDICATOR``, ``PATHWAY``, ``TIME_PERIOD`` ...)."""
        return self.key[DIMENSIONS.index(dimension)]


@dataclass(frozen=True, slots=True)
class CellAudit:
    """The audit of one withheld cell: what an attacker can prove, and what it needs."""

    key: tuple[str, ...]
    lower: float
    upper: float
    required: float
    primary: bool
    passed: bool


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The audit of a release: every withheld cell's tightest interval."""

    cells: tuple[CellAudit, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether no confidential cell can be narrowed below its protection."""
        return all(c.passed for c in self.cells)

    @property
    def failures(self) -> tuple[CellAudit, ...]:
        """The confidential cells an attacker can narrow too far."""
        return tuple(c for c in self.cells if not c.passed)


@dataclass
class _Protected:
    group: Group
    primary: npt.NDArray[np.bool_]
    suppressed: npt.NDArray[np.bool_]
    required: FloatArray
    published: FloatArray
    low: FloatArray
    high: FloatArray
    keys: list[tuple[str, ...]]


@dataclass
class Release:
    """Every indicator of one period with disclosure control applied.

    Attributes:
        period: The reference period.
        as_of: The UTC moment of the stocks (the end of the period, or the extraction
            time while the period runs).
        threshold: The threshold rule used.
        rounding: The base of random rounding of counts, or None.
        observations: The published cells (confidential ones with ``value`` None).
        sources: The parameters used, with their citations and confidence.
        seconds: Time taken to compute and protect the release.
    """

    period: Period
    as_of: datetime
    threshold: int
    rounding: int | None
    observations: list[Observation]
    sources: tuple[Cited, ...]
    seconds: float
    offices: dict[str, str] = field(default_factory=dict)
    _protected: list[_Protected] = field(default_factory=list, repr=False)

    @property
    def uncertain(self) -> tuple[Cited, ...]:
        """Parameters marked UNCERTAIN in their source: users must be told."""
        return tuple(s for s in self.sources if s.uncertain)

    def select(self, **codes: str) -> list[Observation]:
        """Observations whose codes match, e.g. ``select(INDICATOR="BACKLOG", OFFICE="_T")``.

        Raises:
            ValueError: a name that is not a dimension.
        """
        positions = [(DIMENSIONS.index(d), c) for d, c in codes.items()]
        return [o for o in self.observations if all(o.key[i] == c for i, c in positions)]

    def audit(self) -> AuditReport:
        """Attack every withheld count or amount cell with linear programming.

        Uses only what the release publishes (values, rounding, the tables' sums);
        each confidential cell must keep an interval at least its protection wide.
        """
        start = time.perf_counter()
        cells: list[CellAudit] = []
        for part in self._protected:
            if not part.suppressed.any():
                continue
            magnitude = part.group.population.magnitude
            for interval in attack_intervals(part.group, part.suppressed, part.low, part.high):
                index = interval.cell
                is_primary = bool(part.primary[index])
                ok = not is_primary or passes(
                    interval,
                    float(part.required[index]),
                    float(part.group.values[index]),
                    magnitude,
                )
                cells.append(
                    CellAudit(
                        part.keys[index],
                        interval.lower,
                        interval.upper,
                        float(part.required[index]),
                        is_primary,
                        ok,
                    )
                )
        return AuditReport(tuple(cells), time.perf_counter() - start)


def _codes(
    duck: duckdb.DuckDBPyConnection,
    population: Population,
    attributes: Sequence[str],
    period: Period,
    pathways: dict[str, list[str]],
    tables: Sequence[TableRows],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Country -> attribute -> codes of the population's attributes.

    The codes found in the data are read from the counted tables (every unit is in
    every table), not from another scan of the unit table.
    """
    found: dict[str, dict[str, set[str]]] = {}
    for table in tables:
        for area, rows in table.by_area.items():
            seen = found.setdefault(area, {})
            for j, attribute in enumerate(table.attributes):
                seen.setdefault(attribute, set()).update(str(r[j]) for r in rows)
    areas = sorted(found)
    offices = duck.execute("SELECT ref_area, code FROM st_offices").fetchall()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for area in areas:
        codes: dict[str, tuple[str, ...]] = {}
        for attribute in attributes:
            present = sorted(found[area].get(attribute, set()))
            if attribute in population.hidden:
                full = list(population.hidden[attribute])
            elif attribute == "TIME":
                full = [m.code for m in period.months]
            elif attribute == "AGE":
                full = [b.code for b in age_bands()]
            elif attribute == "WAITING_TIME":
                full = [b.code for b in waiting_bands()]
            elif attribute == "SEX":
                full = ["F", "M"]
            elif attribute == "PATHWAY":
                full = sorted(pathways.get(area, []))
            elif attribute == "OFFICE":
                full = sorted(str(c) for a, c in offices if a == area)
            else:
                full = []
            codes[attribute] = tuple(full + [c for c in present if c not in full])
        out[area] = codes
    return out


def _round(values: FloatArray, base: int, rng: np.random.Generator) -> FloatArray:
    """Unbiased random rounding to a multiple of ``base`` (zeros stay zero)."""
    import numpy as np

    below = np.floor(values / base) * base
    up = rng.random(len(values)) < (values - below) / base
    return below + np.where(up, base, 0)


def _key(group: Group, row: npt.NDArray[np.int64], period: Period) -> tuple[str, ...]:
    population = group.population
    values = {}
    for j, attribute in enumerate(population.attributes):
        index = int(row[j])
        total = index == group.total(attribute)
        values[attribute] = None if total else group.codes[attribute][index]
    hidden = {a: values[a] for a in population.hidden if values.get(a) is not None}
    indicator = next(i for i, f in population.indicators.items() if f == hidden)
    key = []
    for dimension in DIMENSIONS:
        if dimension == "REF_AREA":
            key.append(group.ref_area)
        elif dimension == "INDICATOR":
            key.append(indicator)
        elif dimension == "TIME_PERIOD":
            key.append(values.get("TIME") or period.code)
        elif dimension in population.attributes:
            key.append(values[dimension] or "_T")
        else:
            key.append("_Z")
    return tuple(key)


def _rates(observations: list[Observation], available: set[str]) -> list[Observation]:
    index = {o.key: o for o in observations}
    position = DIMENSIONS.index("INDICATOR")
    out = []
    for rate, (numerator, denominator) in RATES.items():
        if not {numerator, denominator} <= available:
            continue
        for obs in observations:
            if obs.key[position] != denominator:
                continue
            top = index.get((*obs.key[:position], numerator, *obs.key[position + 1 :]))
            if top is None or obs.value == 0:
                continue
            key = (*obs.key[:position], rate, *obs.key[position + 1 :])
            if obs.value is None or top.value is None:
                out.append(Observation(key, None, "C", "PERCENT"))
            else:
                out.append(
                    Observation(key, round(100.0 * top.value / obs.value, 1), "A", "PERCENT")
                )
    return out


def _processing_times(
    duck: duckdb.DuckDBPyConnection,
    specs: Sequence[StatisticSpec],
    period: Period,
    threshold: int,
) -> list[Observation]:
    """Median and 90th percentile of days per stage; withheld below the threshold."""
    dimensions = list(dict.fromkeys(d for spec in specs for d in spec.dimensions))
    if not dimensions:
        return []
    sets = [tuple(spec.dimensions) for spec in specs]
    grouping_sets = ", ".join(
        f"({', '.join(['ref_area', 'STAGE', *dims])})" for dims in dict.fromkeys([*sets, ()])
    )
    statistics = (
        f"SELECT ref_area, STAGE, {', '.join(dimensions)}, count(*), median(days), "
        f"quantile_cont(days, 0.9), {', '.join(f'GROUPING({d})' for d in dimensions)} "
        f"FROM {{}} GROUP BY GROUPING SETS ({grouping_sets})"
    )
    rows = _stored_value_rows(duck, dimensions, statistics)
    if rows is None:
        # Codes of the stored values, computed once per distinct value and joined: a
        # median cannot be merged after grouping, so the codes must be there before it.
        maps = ", ".join(
            f"m_{d} AS (SELECT raw, {code_sql(d, 'raw')} AS code FROM "
            f"(SELECT DISTINCT {d} AS raw FROM u_stages))"
            for d in dimensions
        )
        joins = " ".join(f"JOIN m_{d} ON m_{d}.raw IS NOT DISTINCT FROM u.{d}" for d in dimensions)
        coded = ", ".join(f"m_{d}.code AS {d}" for d in dimensions)
        rows = duck.execute(
            f"WITH {maps}, s AS (SELECT u.ref_area, u.STAGE, {coded}, u.days FROM u_stages u "
            f"{joins}) {statistics.format('s')}"
        ).fetchall()
    out: list[Observation] = []
    width = len(dimensions)
    for spec in specs:
        for row in rows:
            area, stage = row[0], row[1]
            values = dict(zip(dimensions, row[2 : 2 + width], strict=True))
            count, median, p90 = row[2 + width : 5 + width]
            grouped = {d for d, g in zip(dimensions, row[5 + width :], strict=True) if not g}
            if grouped and grouped != set(spec.dimensions):
                continue
            key_parts = []
            for dimension in DIMENSIONS:
                if dimension == "REF_AREA":
                    key_parts.append(str(area))
                elif dimension == "STAGE":
                    key_parts.append(str(stage))
                elif dimension == "TIME_PERIOD":
                    key_parts.append(period.code)
                elif dimension in spec.dimensions:
                    key_parts.append(str(values[dimension]) if grouped else "_T")
                elif dimension in ("PATHWAY", "OFFICE", *_PERSON):
                    key_parts.append("_T")
                else:
                    key_parts.append("_Z")
            for indicator, value in (("PROC_TIME_MEDIAN", median), ("PROC_TIME_P90", p90)):
                key = list(key_parts)
                key[DIMENSIONS.index("INDICATOR")] = indicator
                if count < threshold:
                    out.append(Observation(tuple(key), None, "C", "DAYS"))
                else:
                    out.append(Observation(tuple(key), round(float(value), 1), "A", "DAYS"))
    unique = {o.key: o for o in out}
    return list(unique.values())


def _stored_value_rows(
    duck: duckdb.DuckDBPyConnection, dimensions: Sequence[str], statistics: str
) -> list[tuple[Any, ...]] | None:
    """The processing-time rows grouped by stored values, with their codes put in after.

    Right when no two stored values of a dimension share a code (the usual store): then
    each group of codes is one group of stored values, and the medians need no codes
    before grouping. The stored values are those of the rows grouped by the dimension.
    None when two values share a code (``col.02`` and ``COL_02``): the caller groups by
    code instead.
    """
    rows = duck.execute(statistics.format("u_stages")).fetchall()
    width = len(dimensions)
    maps: list[dict[Any, Any]] = []
    for j, dimension in enumerate(dimensions):
        values = list({r[2 + j] for r in rows if not r[5 + width + j]})
        found = duck.execute(
            f"SELECT raw, {code_sql(dimension, 'raw')} FROM (SELECT unnest(?) AS raw)",
            [values],
        ).fetchall()
        codes = dict(found) if values else {}
        if len(set(codes.values())) < len(values):
            return None
        maps.append(codes)
    return [
        (
            *r[:2],
            *(
                v if g else m[v]
                for m, v, g in zip(maps, r[2 : 2 + width], r[5 + width :], strict=True)
            ),
            *r[2 + width :],
        )
        for r in rows
    ]


def compute_release(
    duck: duckdb.DuckDBPyConnection,
    period: Period,
    as_of: datetime,
    pathways: dict[str, list[str]],
    *,
    threshold: int | None = None,
    rounding: int | None = None,
    seed: int = 0,
    tables: Sequence[TableSpec] = DEFAULT_TABLES,
    statistics: Sequence[StatisticSpec] = DEFAULT_STATISTICS,
) -> Release:
    """Compute, protect and key every table of the release from the ``u_*`` unit tables.

    Args:
        duck: DuckDB holding the unit tables (``build_units``) and ``st_offices``.
        period: The reference period.
        as_of: The moment of the stocks (naive UTC).
        pathways: Country -> pathway codes of its packs (the PATHWAY code list).
        threshold: Threshold rule (3, 5 or 10); default from the parameters.
        rounding: Random rounding base for counts (3 or 5), or None.
        seed: Seed of the random rounding (the same seed gives the same release).
        tables: The tables to publish.
        statistics: The processing-time statistics to publish.

    Raises:
        DisclosureError: a threshold or rounding base the parameters do not allow.
    """
    import numpy as np

    start = time.perf_counter()
    rules = disclosure_rules()
    threshold = rules.threshold if threshold is None else threshold
    if threshold not in rules.thresholds:
        allowed = ", ".join(str(t) for t in rules.thresholds)
        raise DisclosureError(
            N_("%(threshold)s is not allowed; use one of %(allowed)s"),
            field="threshold",
            threshold=str(threshold),
            allowed=allowed,
        )
    if rounding is not None and rounding not in rules.rounding_bases:
        allowed = ", ".join(str(b) for b in rules.rounding_bases)
        raise DisclosureError(
            N_("base %(rounding)s is not allowed; use %(allowed)s"),
            field="rounding",
            rounding=str(rounding),
            allowed=allowed,
        )
    dimensions = {d for spec in tables for d in spec.dimensions}
    if period.is_month:
        dimensions.discard("TIME")
    rng = np.random.default_rng(seed)
    observations: list[Observation] = []
    protected: list[_Protected] = []
    for name in dict.fromkeys(spec.population for spec in tables):
        base = POPULATIONS[name]
        attributes = tuple(a for a in base.attributes if a in dimensions or a in base.hidden)
        population = Population(
            base.name,
            attributes,
            base.indicators,
            base.hidden,
            base.flow,
            base.magnitude,
            base.unit,
        )
        specs = [s for s in tables if s.population == name]
        counted = table_rows(duck, population, specs, tuple(dimensions), code_sql)
        codes = _codes(duck, population, attributes, period, pathways, counted)
        currencies = _currencies(duck) if population.magnitude else None
        for group in build_groups(
            duck, population, specs, codes, tuple(dimensions), currencies, counted
        ):
            part = _protect_group(group, threshold, rules, rounding, rng, period)
            protected.append(part)
            unit = group.currency or population.unit
            for index, key in enumerate(part.keys):
                if part.suppressed[index]:
                    observations.append(Observation(key, None, "C", unit))
                else:
                    observations.append(Observation(key, float(part.published[index]), "A", unit))
    available = {i for spec in tables for i in spec.indicators}
    observations += _rates(observations, available)
    observations += _processing_times(duck, statistics, period, threshold)
    observations.sort(key=lambda o: o.key)
    sources = (
        *rules.sources,
        *(sla_rule(a).source for a in sorted({o.key[0] for o in observations})),
        expiring_days()[1],
    )
    offices = {
        str(c): str(n) for c, n in duck.execute("SELECT code, name FROM st_offices").fetchall()
    }
    return Release(
        period,
        as_of,
        threshold,
        rounding,
        observations,
        tuple(dict.fromkeys(sources)),
        time.perf_counter() - start,
        offices,
        protected,
    )


def _protect_group(
    group: Group,
    threshold: int,
    rules: DisclosureRules,
    rounding: int | None,
    rng: np.random.Generator,
    period: Period,
) -> _Protected:
    import numpy as np

    protection = protect(group, threshold, rules)
    published = low = high = group.values
    if rounding and not group.population.magnitude:
        published = _round(group.values, rounding, rng)
        # What an attacker knows of a count rounded to base b: it is within b - 1.
        low = np.maximum(published - (rounding - 1), 0.0)
        high = published + (rounding - 1)
    keys = [_key(group, row, period) for row in group.keys]
    return _Protected(
        group,
        protection.primary,
        protection.suppressed,
        protection.required,
        published,
        low,
        high,
        keys,
    )


def _currencies(duck: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = duck.execute("SELECT ref_area, min(currency) FROM u_fees GROUP BY 1").fetchall()
    return {str(a): str(c) for a, c in rows}
