"""A release: every indicator of a period, disclosure-controlled, as SDMX observations.

:func:`compute_release` works on a DuckDB connection that holds the case store's
``st_*`` tables (``load_case_store``, or synthetic tables in the benchmark);
:func:`build_release` in ``__init__`` reads them through the caller's connection first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from ruta.stats._period import Period, parse_period
from ruta.stats._protect import Protection, passes, primary, protect
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

#: The applications a month's release publishes when a release has none of its own.
_APPLIED = TableSpec("applications", ("APPLICATIONS",), ("PATHWAY", "TIME"))

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
    #: The cells this release publishes (None: all). A quarter's group also holds its
    #: months' cells of every table, protected with it but published by the months.
    shown: npt.NDArray[np.bool_] | None = None


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


def _round(values: FloatArray, base: int, draws: FloatArray) -> FloatArray:
    """Unbiased random rounding to a multiple of ``base`` (zeros stay zero).

    ``draws`` are uniform in [0, 1), one per cell (:func:`_draws`).
    """
    import numpy as np

    below = np.floor(values / base) * base
    up = draws < (values - below) / base
    return below + np.where(up, base, 0)


def _draws(keys: Sequence[tuple[str, ...]], seed: int, stock_at: datetime | None) -> FloatArray:
    """One uniform draw in [0, 1) per cell, from the seed and the cell's key alone.

    Why not a random stream: a cell that two releases publish (a month's flows in the
    month's and in the quarter's release; the stocks at the end of a quarter in its last
    month's release) must round the same way in both, or the two roundings together
    narrow it. A stock is keyed by its moment, not by the period's code.

    Examples:
        >>> key = ("COL", "APPLICATIONS", "2026-07")
        >>> bool(_draws([key], 7, None)[0] == _draws([key], 7, None)[0])
        True
        >>> 0 <= float(_draws([key], 7, None)[0]) < 1
        True
    """
    import hashlib

    import numpy as np

    period = DIMENSIONS.index("TIME_PERIOD")
    out = np.empty(len(keys))
    for index, key in enumerate(keys):
        named = list(key)
        if stock_at is not None:
            named[period] = stock_at.isoformat()
        digest = hashlib.blake2b(f"{seed}|{'|'.join(named)}".encode(), digest_size=8).digest()
        out[index] = int.from_bytes(digest, "big") / 2.0**64
    return out


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
    linked: bool = True,
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
        linked: Whether months are published beside their quarters (a quarter is then
            protected with its months); False where only quarters are published.

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
    observations: list[Observation] = []
    protected: list[_Protected] = []
    counting = _Counting(duck, period, as_of, pathways, threshold, rules, rounding, seed, linked)
    applied = [s for s in tables if s.population == "applications"] or [_APPLIED]
    for name in dict.fromkeys(spec.population for spec in tables):
        base = POPULATIONS[name]
        specs = [s for s in tables if s.population == name]
        quarter = linked and base.flow and "TIME" in dimensions and len(period.months) > 1
        counted = None
        if name == "applications":
            # Counted with the months before the period, which the applications to date
            # need: one scan of the applications, not two.
            history = counting.history(applied, tuple(dimensions))
            counted = _period_rows(history, specs, period, months_kept=quarter)
        if quarter:
            parts = counting.quarter(base, specs, tuple(dimensions), counted)
        else:
            parts = counting.plain(base, specs, tuple(dimensions), counted)
        if name == "applications_to_date":
            unsafe = counting.to_date(applied, tuple(dimensions))
            pathway = DIMENSIONS.index("PATHWAY")
            for part in parts:
                follows = [(key[0], key[pathway]) in unsafe for key in part.keys]
                part.suppressed = part.suppressed | np.array(follows, dtype=bool)
        for part in parts:
            protected.append(part)
            unit = part.group.currency or part.group.population.unit
            for index, key in enumerate(part.keys):
                if part.shown is not None and not part.shown[index]:
                    continue
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


def _within(base: Population, dimensions: Sequence[str]) -> Population:
    """``base`` with only the attributes a release with these dimensions uses."""
    attributes = tuple(a for a in base.attributes if a in dimensions or a in base.hidden)
    return Population(
        base.name,
        attributes,
        base.indicators,
        base.hidden,
        base.flow,
        base.magnitude,
        base.unit,
    )


def _period_rows(
    counted: Sequence[TableRows],
    specs: Sequence[TableSpec],
    period: Period,
    *,
    months_kept: bool = False,
) -> list[TableRows]:
    """Each table's rows in ``period`` from the tables of ``specs`` counted by month.

    A table by ``TIME`` keeps its months in a quarter (every table does with
    ``months_kept``); in a month (whose release has no ``TIME``), and for the other
    tables, the months' rows are added up without it.
    """
    months = {m.code for m in period.months}
    out = []
    for spec, table in zip(specs, counted, strict=True):
        at = table.attributes.index("TIME")
        by_month = months_kept or ("TIME" in spec.dimensions and not period.is_month)
        by_area: dict[str, list[tuple[Any, ...]]] = {}
        for area, rows in table.by_area.items():
            summed: dict[tuple[Any, ...], list[Any]] = {}
            for row in rows:
                if str(row[at]) not in months:
                    continue
                codes = row[:-3] if by_month else (*row[:at], *row[at + 1 : -3])
                total = summed.setdefault(codes, [0.0, 0, []])
                total[0] += row[-3]
                total[1] += row[-2]
                total[2] = sorted([*total[2], *(row[-1] or [])], reverse=True)[:2]
            if summed:
                by_area[area] = [(*codes, v, n, top) for codes, (v, n, top) in summed.items()]
        kept = table.attributes if by_month else tuple(a for a in table.attributes if a != "TIME")
        out.append(TableRows(kept, by_area))
    return out


def _by_month(specs: Sequence[TableSpec]) -> list[TableSpec]:
    """Each table by month too (``TIME`` added where it is not a dimension)."""
    return [
        s if "TIME" in s.dimensions else replace(s, dimensions=(*s.dimensions, "TIME"))
        for s in specs
    ]


_DECIDED: OrderedDict[bytes, Protection] = OrderedDict()
_DECIDED_LOCK = threading.Lock()
#: Groups whose protection is remembered: a closed month's groups come back in every
#: release after it (its quarter's, the applications to date of every later one). A
#: release of three countries with three years of months needs about 150; an entry holds
#: three arrays of the group's cells (tens of KB), so 512 stay under about 25 MB.
_DECIDED_SIZE = 512


def _decide(group: Group, threshold: int, rules: DisclosureRules) -> Protection:
    """:func:`protect`, remembered by the group's content (it is deterministic)."""
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((group.ref_area, group.population, group.codes, threshold, rules)).encode())
    digest.update(repr([(t.spec, t.attributes) for t in group.tables]).encode())
    for array in (group.keys, group.values, group.contributors, group.top):
        digest.update(array.tobytes())
    name = digest.digest()
    with _DECIDED_LOCK:
        if name in _DECIDED:
            _DECIDED.move_to_end(name)
            return _DECIDED[name]
    decided = protect(group, threshold, rules)
    with _DECIDED_LOCK:
        _DECIDED[name] = decided
        while len(_DECIDED) > _DECIDED_SIZE:
            _DECIDED.popitem(last=False)
    return decided


@dataclass
class _Counting:
    """What every group of one release is counted and protected with."""

    duck: duckdb.DuckDBPyConnection
    period: Period
    as_of: datetime
    pathways: dict[str, list[str]]
    threshold: int
    rules: DisclosureRules
    rounding: int | None
    seed: int
    #: Whether months are published beside their quarters (False: quarters alone).
    linked: bool = True
    _history: list[TableRows] | None = field(default=None, init=False)

    def history(self, specs: Sequence[TableSpec], dimensions: Sequence[str]) -> list[TableRows]:
        """Applications of every month up to the moment, each table of ``specs`` by month.

        Counted once per release: the release's own applications are the period's
        months of it, and the applications to date add all of them up.
        """
        if self._history is None:
            by_time = tuple(dict.fromkeys((*dimensions, "TIME")))
            base = _within(POPULATIONS["applications"], by_time)
            history = replace(base, name="applications_history")
            self._history = table_rows(self.duck, history, _by_month(specs), by_time, code_sql)
        return self._history

    def _groups(
        self,
        population: Population,
        specs: Sequence[TableSpec],
        dimensions: tuple[str, ...],
        period: Period,
        counted: Sequence[TableRows],
    ) -> list[Group]:
        codes = _codes(self.duck, population, population.attributes, period, self.pathways, counted)
        currencies = _currencies(self.duck) if population.magnitude else None
        return build_groups(self.duck, population, specs, codes, dimensions, currencies, counted)

    def plain(
        self,
        base: Population,
        specs: Sequence[TableSpec],
        dimensions: tuple[str, ...],
        counted: Sequence[TableRows] | None = None,
    ) -> list[_Protected]:
        """Each country's group of ``base``, protected on its own (``counted``: its
        tables as counted already)."""
        population = _within(base, dimensions)
        if counted is None:
            counted = table_rows(self.duck, population, specs, dimensions, code_sql)
        return [
            self._protect(group, self.period, _decide(group, self.threshold, self.rules))
            for group in self._groups(population, specs, dimensions, self.period, counted)
        ]

    def quarter(
        self,
        base: Population,
        specs: Sequence[TableSpec],
        dimensions: tuple[str, ...],
        counted: Sequence[TableRows] | None = None,
    ) -> list[_Protected]:
        """A quarter's flows, protected with the releases of its months.

        A month's release publishes every table of the month; the quarter's release
        publishes every table of the quarter and the months of the tables by ``TIME``.
        Protected apart, each would withhold its own cells, and a cell one withholds and
        the other publishes undoes the protection (the quarter minus two months' cells
        is the third). So each month is protected here exactly as its own release
        protects it (the same counts, code lists and steps withhold the same cells),
        a month's cell in the quarter's release keeps the month's decision, and a cell
        of the quarter is published only when every month's part of it is.

        Why that is safe without another proof: a published quarter cell is then a sum
        of cells the months publish, so the quarter tells an attacker nothing the
        months do not, and the months share no cell. A quarter cell that is
        confidential has a confidential part in some month (a count of 1 to 4 has one
        of 1 to 4; a fee total one or two payers dominate has a month they dominate),
        withheld with at least the protection the quarter cell needs. ``audit()``
        attacks the quarter with its months' tables all the same. ``counted``: the
        tables by month, as counted already.

        Why not protect the quarter's own cells by the audit loop instead, with the
        months' decisions fixed (a quarter of 2, 2 and 3 could publish its 7): measured,
        it withheld 6-7% fewer cells at six to eight times the time (1,000,000 cases:
        797 against 846 withheld, 13.7 s against 2.2 s), docs/performance.md.
        """
        import numpy as np

        population = _within(base, dimensions)
        by_month = _by_month(specs)
        if counted is None:
            counted = table_rows(self.duck, population, by_month, dimensions, code_sql)
        withheld_in_month = self._withheld(base, specs, dimensions, counted, self.period.months)
        at = DIMENSIONS.index("TIME_PERIOD")
        months = [m.code for m in self.period.months]
        out = []
        for group in self._groups(population, by_month, dimensions, self.period, counted):
            keys = [_key(group, row, self.period) for row in group.keys]
            first, required = primary(group, self.threshold, self.rules)
            withheld = [
                key in withheld_in_month
                or (
                    key[at] == self.period.code
                    and any((*key[:at], m, *key[at + 1 :]) in withheld_in_month for m in months)
                )
                for key in keys
            ]
            protection = Protection(first, first | np.array(withheld, dtype=bool), required, 0)
            shown = group.keys[:, population.attributes.index("TIME")] == group.total("TIME")
            for spec, table in zip(specs, group.tables, strict=True):
                if "TIME" in spec.dimensions:
                    shown[table.cells] = True
            out.append(self._protect(group, self.period, protection, keys, shown))
        return out

    def _withheld(
        self,
        base: Population,
        specs: Sequence[TableSpec],
        dimensions: Sequence[str],
        counted: Sequence[TableRows],
        periods: Sequence[Period],
    ) -> set[tuple[str, ...]]:
        """The keys each period's own release withholds, from tables counted by month."""
        withheld: set[tuple[str, ...]] = set()
        for period in periods:
            used = tuple(d for d in dimensions if d != "TIME" or not period.is_month)
            population = _within(base, used)
            rows = _period_rows(counted, specs, period)
            for group in self._groups(population, specs, used, period, rows):
                decided = _decide(group, self.threshold, self.rules)
                withheld.update(_key(group, row, period) for row in group.keys[decided.suppressed])
        return withheld

    def to_date(
        self, specs: Sequence[TableSpec], dimensions: Sequence[str]
    ) -> set[tuple[str, str]]:
        """(country, pathway) whose applications some month's release withholds, up to now.

        Applications to the end of a period minus those to the end of the month before
        are that month's applications: two releases that publish the applications to
        date give every month's count by pathway, withheld there or not. So a pathway's
        (or a country's, ``_T``) applications to date are published only while every
        month's release up to the moment publishes its applications: then they add up
        cells already published and tell an attacker nothing new. Where quarters are
        published alone (``linked`` False), every quarter's release instead. ``specs``:
        the applications tables a release publishes.
        """
        base = POPULATIONS["applications"]
        by_time = tuple(dict.fromkeys((*dimensions, "TIME")))
        counted = self.history(specs, dimensions)
        codes = {
            str(row[table.attributes.index("TIME")])
            for table in counted
            for rows in table.by_area.values()
            for row in rows
        }
        months = [parse_period(code) for code in sorted(codes)]
        # Quarters published alone: the quarters' releases, their months' otherwise.
        periods = months if self.linked else list(dict.fromkeys(m.quarter for m in months))
        withheld = self._withheld(base, specs, by_time, counted, periods)
        pathway, indicator = DIMENSIONS.index("PATHWAY"), DIMENSIONS.index("INDICATOR")
        person = [
            i for i, d in enumerate(DIMENSIONS) if d in ("CITIZENSHIP", "SEX", "AGE", "OFFICE")
        ]
        return {
            (key[0], key[pathway])
            for key in withheld
            if key[indicator] == "APPLICATIONS" and all(key[i] == "_T" for i in person)
        }

    def _protect(
        self,
        group: Group,
        period: Period,
        protection: Protection,
        keys: list[tuple[str, ...]] | None = None,
        shown: npt.NDArray[np.bool_] | None = None,
    ) -> _Protected:
        import numpy as np

        keys = keys if keys is not None else [_key(group, row, period) for row in group.keys]
        published = low = high = group.values
        if self.rounding and not group.population.magnitude:
            stock_at = None if group.population.flow else self.as_of
            published = _round(group.values, self.rounding, _draws(keys, self.seed, stock_at))
            # What an attacker knows of a count rounded to base b: it is within b - 1.
            low = np.maximum(published - (self.rounding - 1), 0.0)
            high = published + (self.rounding - 1)
        return _Protected(
            group,
            protection.primary,
            protection.suppressed,
            protection.required,
            published,
            low,
            high,
            keys,
            shown,
        )


def _currencies(duck: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = duck.execute("SELECT ref_area, min(currency) FROM u_fees GROUP BY 1").fetchall()
    return {str(a): str(c) for a, c in rows}
