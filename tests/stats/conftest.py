"""Helpers for disclosure-control tests: unit tables built by hand in DuckDB."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np

from ruta.stats._design import Population, TableSpec
from ruta.stats._tables import Group, build_groups

#: A count population of applications with two hidden outcomes, for small tests.
DECIDED = Population(
    "decided",
    ("PATHWAY", "CITIZENSHIP", "OUTCOME"),
    {"DECISIONS": {}, "APPROVALS": {"OUTCOME": "APPROVED"}, "DENIALS": {"OUTCOME": "DENIED"}},
    hidden={"OUTCOME": ("APPROVED", "DENIED")},
)


def group_of(
    rows: Sequence[tuple[str, ...]],
    specs: Sequence[TableSpec],
    population: Population = DECIDED,
    values: Sequence[float] | None = None,
) -> Group:
    """The group of ``specs`` over unit ``rows`` (one tuple of codes per unit, country XXX)."""
    duck = duckdb.connect()
    columns = ", ".join(f"{a} VARCHAR" for a in population.attributes)
    duck.execute(f"CREATE TABLE u_{population.name} (ref_area VARCHAR, {columns}, value DOUBLE)")
    for index, row in enumerate(rows):
        value = 1.0 if values is None else float(values[index])
        duck.execute(
            f"INSERT INTO u_{population.name} VALUES (?, {', '.join('?' * len(row))}, ?)",
            ["XXX", *row, value],
        )
    codes = {
        a: tuple(sorted({r[j] for r in rows} | set(population.hidden.get(a, ()))))
        for j, a in enumerate(population.attributes)
    }
    dimensions = tuple(d for s in specs for d in s.dimensions)
    (group,) = build_groups(duck, population, specs, {"XXX": codes}, dimensions)
    return group


def units(counts: dict[tuple[str, ...], int]) -> list[tuple[str, ...]]:
    """Unit rows from counts per combination of codes."""
    return [key for key, n in counts.items() for _ in range(n)]


def cell(group: Group, **codes: str) -> int:
    """The index of the cell with these codes (others total)."""
    attributes = group.population.attributes
    want = np.array(
        [group.codes[a].index(codes[a]) if a in codes else group.total(a) for a in attributes]
    )
    (found,) = np.flatnonzero((group.keys == want).all(axis=1))
    return int(found)
