"""Linked tables of one population in one country, as keys, values and sums.

Each table's finest cells ("details") are the cross product of its attributes' codes;
every published cell of the table (each indicator, each margin) is a sum of details,
held as a sparse 0/1 matrix. Cells are identified across the population's tables by a
*key*: one code index per population attribute, ``TOTAL`` (= the number of codes) where
the cell sums over the attribute. A margin shared by two tables is one key, so it is one
observation, suppressed or published once, and links the tables in the audit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from ruta.stats._design import Population, TableSpec

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import numpy.typing as npt
    from scipy import sparse

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]

# NumPy, SciPy are imported by the functions that compute with them: together
# they take seconds to load, and the web service imports this package at start-up.

__all__ = ["Group", "GroupTable", "TableRows", "build_groups", "table_attributes", "table_rows"]


@dataclass
class GroupTable:
    """One table of a group: its details, and which details each of its cells sums."""

    spec: TableSpec
    attributes: tuple[str, ...]
    details: FloatArray
    matrix: sparse.csr_matrix
    cells: IntArray  # row of ``matrix`` -> index into Group.keys


@dataclass
class Group:
    """The linked tables of one population in one country (protected together)."""

    ref_area: str
    population: Population
    codes: dict[str, tuple[str, ...]]
    keys: IntArray  # (cells, attributes) code indices, TOTAL = len(codes[attribute])
    values: FloatArray
    contributors: FloatArray
    top: FloatArray  # (cells, 2): the two largest contributions (magnitude tables)
    tables: list[GroupTable]
    currency: str | None = None

    def total(self, attribute: str) -> int:
        """The index that stands for ``_T`` in ``attribute``."""
        return len(self.codes[attribute])


def _strides(codes: Mapping[str, Sequence[str]], attributes: Sequence[str]) -> IntArray:
    import numpy as np

    radix = np.array([len(codes[a]) + 1 for a in attributes], dtype=np.int64)
    return np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)


def _detail_grid(sizes: Sequence[int]) -> IntArray:
    import numpy as np

    if not sizes:
        return np.zeros((1, 0), dtype=np.int64)
    grid = np.indices(tuple(sizes), dtype=np.int64).reshape(len(sizes), -1)
    return np.ascontiguousarray(grid.T)


@dataclass
class TableRows:
    """One table's details as counted in its unit table.

    Attributes:
        attributes: The table's attributes (population order).
        by_area: Country -> rows ``(code, ..., value, contributors, top-2 contributions)``.
    """

    attributes: tuple[str, ...]
    by_area: dict[str, list[tuple[Any, ...]]]


def table_attributes(
    population: Population, spec: TableSpec, dimensions: tuple[str, ...]
) -> tuple[str, ...]:
    """The attributes of a table's finest cells in a release with these ``dimensions``."""
    return tuple(
        a
        for a in population.attributes
        if a
        in (set(spec.dimensions) & set(dimensions))
        | {h for i in spec.indicators for h in population.indicators[i]}
    )


def table_rows(
    duck: duckdb.DuckDBPyConnection,
    population: Population,
    specs: Sequence[TableSpec],
    dimensions: tuple[str, ...],
    code_sql: Callable[[str, str], str] | None = None,
) -> list[TableRows]:
    """Count every table of ``population`` in one scan of its unit table.

    One ``GROUPING SETS`` query gives each table's details; ``code_sql(attribute, column)``
    then turns stored values into codes once per group (not per unit), and groups whose
    values share a code are added up.
    """
    wanted = [table_attributes(population, s, dimensions) for s in specs]
    used = tuple(a for a in population.attributes if any(a in w for w in wanted))
    value = "sum(value)" if population.magnitude else "count(*)"
    top = "max(value, 2)" if population.magnitude else "NULL"
    merged_top = "list_sort(flatten(list(top)), 'DESC')[1:2]" if population.magnitude else "NULL"
    columns = "".join(f", {a}" for a in used)
    sets = ", ".join(f"({', '.join(['ref_area', *w])})" for w in dict.fromkeys(wanted))
    grouping = f"GROUPING({', '.join(used)})" if used else "0"
    codes = "".join(f", {code_sql(a, a) if code_sql else a} AS {a}" for a in used)
    rows = duck.execute(
        f"SELECT gid, ref_area{codes}, CAST(sum(v) AS DOUBLE), sum(n), {merged_top} "
        f"FROM (SELECT {grouping} AS gid, ref_area{columns}, {value} AS v, count(*) AS n, "
        f"{top} AS top FROM u_{population.name} GROUP BY GROUPING SETS ({sets})) "
        f"GROUP BY ALL"
    ).fetchall()
    out: list[TableRows] = []
    for attributes in wanted:
        # GROUPING() sets a bit for each attribute left out, the first one highest.
        gid = sum(1 << (len(used) - 1 - j) for j, a in enumerate(used) if a not in attributes)
        positions = [2 + used.index(a) for a in attributes]
        by_area: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            if row[0] == gid:
                by_area.setdefault(str(row[1]), []).append(
                    (*(row[i] for i in positions), row[-3], row[-2], row[-1] or [])
                )
        out.append(TableRows(attributes, by_area))
    return out


def _table(
    rows: TableRows, codes_by_area: Mapping[str, dict[str, tuple[str, ...]]]
) -> dict[str, tuple[tuple[str, ...], FloatArray, FloatArray, FloatArray]]:
    """Per country: the table's attributes and its details' value, contributors, top-2."""
    import numpy as np

    attributes = rows.attributes
    out: dict[str, tuple[tuple[str, ...], FloatArray, FloatArray, FloatArray]] = {}
    for area, codes in codes_by_area.items():
        sizes = [len(codes[a]) for a in attributes]
        index = {a: {c: i for i, c in enumerate(codes[a])} for a in attributes}
        # Details are laid out as np.indices does: the last attribute varies fastest.
        strides = [int(np.prod(sizes[j + 1 :])) for j in range(len(sizes))]
        n = int(np.prod(sizes)) if sizes else 1
        values, counts, tops = np.zeros(n), np.zeros(n), np.zeros((n, 2))
        for row in rows.by_area.get(area, []):
            position = sum(index[a][str(row[j])] * strides[j] for j, a in enumerate(attributes))
            values[position] = float(row[-3])
            counts[position] = float(row[-2])
            best = sorted((float(v) for v in row[-1]), reverse=True)[:2]
            tops[position, : len(best)] = best
        out[area] = (attributes, values, counts, tops)
    return out


def _cells(
    population: Population,
    spec: TableSpec,
    attributes: tuple[str, ...],
    codes: Mapping[str, Sequence[str]],
    dimensions: tuple[str, ...],
) -> tuple[IntArray, IntArray, IntArray]:
    """Keys of the table's cells and its (cell row, detail) membership pairs."""
    import numpy as np

    all_attrs = population.attributes
    grid = _detail_grid([len(codes[a]) for a in attributes])
    position = {a: j for j, a in enumerate(attributes)}
    totals = np.array([len(codes[a]) for a in all_attrs], dtype=np.int64)
    key_rows: list[IntArray] = []
    pairs_rows: list[IntArray] = []
    pairs_details: list[IntArray] = []
    offset = 0
    table_dims = [d for d in spec.dimensions if d in dimensions]
    for indicator in spec.indicators:
        fixed = population.indicators[indicator]
        selected = np.ones(len(grid), dtype=bool)
        for attribute, code in fixed.items():
            selected &= grid[:, position[attribute]] == list(codes[attribute]).index(code)
        details = np.nonzero(selected)[0]
        for size in range(len(table_dims) + 1):
            for kept in combinations(table_dims, size):
                keep = set(kept) | set(fixed)
                keys = np.tile(totals, (len(details), 1))
                for attribute in keep:
                    keys[:, all_attrs.index(attribute)] = grid[details, position[attribute]]
                unique, inverse = np.unique(keys, axis=0, return_inverse=True)
                key_rows.append(unique)
                pairs_rows.append(inverse.reshape(-1) + offset)
                pairs_details.append(details)
                offset += len(unique)
    return np.vstack(key_rows), np.concatenate(pairs_rows), np.concatenate(pairs_details)


def build_groups(
    duck: duckdb.DuckDBPyConnection,
    population: Population,
    specs: Sequence[TableSpec],
    codes_by_area: Mapping[str, dict[str, tuple[str, ...]]],
    dimensions: tuple[str, ...],
    currencies: Mapping[str, str] | None = None,
    counted: Sequence[TableRows] | None = None,
) -> list[Group]:
    """The groups (one per country) of ``population`` for its tables in ``specs``.

    Args:
        duck: DuckDB connection holding ``u_<population>``.
        population: The population counted.
        specs: The tables of this population.
        codes_by_area: Country -> attribute -> its codes (in key order).
        dimensions: The dimensions tables may use in this release (``TIME`` is absent
            from a one-month release).
        currencies: Country -> currency of its magnitude values.
        counted: The tables as counted by :func:`table_rows` (counted here when None,
            with the unit table's values taken as codes).
    """
    import numpy as np
    from scipy import sparse

    if counted is None:
        counted = table_rows(duck, population, specs, dimensions)
    per_table = [_table(r, codes_by_area) for r in counted]
    groups: list[Group] = []
    for area, codes in codes_by_area.items():
        strides = _strides(codes, population.attributes)
        all_keys: list[IntArray] = []
        built: list[tuple[TableSpec, tuple[str, ...], FloatArray, sparse.csr_matrix, IntArray]] = []
        detail_counts: list[FloatArray] = []
        detail_tops: list[FloatArray] = []
        for spec, table in zip(specs, per_table, strict=True):
            attributes, values, counts, tops = table[area]
            keys, rows, details = _cells(population, spec, attributes, codes, dimensions)
            matrix = sparse.csr_matrix(
                (np.ones(len(rows)), (rows, details)), shape=(len(keys), len(values))
            )
            all_keys.append(keys)
            built.append((spec, attributes, values, matrix, keys @ strides))
            detail_counts.append(counts)
            detail_tops.append(tops)
        stacked = np.vstack(all_keys)
        encoded = stacked @ strides
        unique_codes, first = np.unique(encoded, return_index=True)
        keys = stacked[first]
        n = len(keys)
        values, contributors, top = np.zeros(n), np.zeros(n), np.zeros((n, 2))
        tables: list[GroupTable] = []
        for (spec, attributes, detail, matrix, table_codes), counts, tops in zip(
            built, detail_counts, detail_tops, strict=True
        ):
            cells = np.searchsorted(unique_codes, table_codes)
            values[cells] = matrix @ detail
            contributors[cells] = matrix @ counts
            if population.magnitude:
                top[cells] = _top_two(matrix, tops)
            tables.append(GroupTable(spec, attributes, detail, matrix, cells))
        currency = (currencies or {}).get(area)
        groups.append(
            Group(area, population, codes, keys, values, contributors, top, tables, currency)
        )
    return groups


def _top_two(matrix: sparse.csr_matrix, tops: FloatArray) -> FloatArray:
    """Per cell, the two largest contributions among its details' own two largest."""
    import numpy as np

    coo = matrix.tocoo()
    rows = np.concatenate([coo.row, coo.row])
    values = np.concatenate([tops[coo.col, 0], tops[coo.col, 1]])
    order = np.lexsort((-values, rows))
    rows, values = rows[order], values[order]
    out = np.zeros((matrix.shape[0], 2))
    starts = np.searchsorted(rows, np.arange(matrix.shape[0]))
    ends = np.searchsorted(rows, np.arange(matrix.shape[0]), side="right")
    has_one = ends > starts
    out[has_one, 0] = values[starts[has_one]]
    has_two = ends > starts + 1
    out[has_two, 1] = values[starts[has_two] + 1]
    return out
