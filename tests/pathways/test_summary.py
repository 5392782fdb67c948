"""A simulation's summary agrees with the per-person engine and reads back in other tools."""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from test_population import to_row, write_population

from ruta.pathways import judge, parse_profile
from ruta.pathways._catalog import default_catalog
from ruta.pathways._population import simulate
from ruta.pathways._summary import BLOCKER_COLUMNS, SUMMARY_COLUMNS

AS_OF = dt.date(2026, 6, 1)
PEOPLE: list[dict[str, Any]] = [
    {
        "host_country": "ARG",
        "in_host_country": True,
        "nationalities": [{"country": "BOL", "acquired": "birth"}],
        "criminal_records": [],
    },
    {
        "host_country": "ARG",
        "in_host_country": True,
        "nationalities": [{"country": "URY"}, {"country": "ARG", "acquired": "birth"}],
    },
    {"host_country": "COL", "nationalities": [{"country": "VEN"}], "in_host_country": True},
    {"host_country": "COL", "nationalities": []},
    {"nationalities": [{"country": "PER", "acquired": "birth"}]},  # host unknown
    {"host_country": "MEX", "date_of_birth": "2009", "unaccompanied_minor": True},
]


def _citizenship(profile: dict[str, Any]) -> str:
    if "nationalities" not in profile:
        return "unknown"
    codes = sorted({n["country"] for n in profile["nationalities"]})
    return "+".join(codes) if codes else "none"


@pytest.fixture(scope="module")
def summary_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("summary")
    rows = [to_row(f"p{i}", AS_OF, profile) for i, profile in enumerate(PEOPLE)]
    write_population(work / "pop.parquet", rows)
    simulate(work / "pop.parquet", work / "out.parquet", summary_out=work / "sum", lang="es")
    return work / "sum"


def _normal(rows: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Blocking conditions compared as sets (the engines may list them in another order)."""
    return {(*r[:4], "+".join(sorted(r[4].split("+"))) if r[4] else "", r[5]) for r in rows}


def test_summary_counts_match_the_per_person_engine(summary_dir: Path) -> None:
    expected: dict[tuple[str, ...], int] = {}
    for profile in PEOPLE:
        facts = parse_profile(profile).facts()
        for pathway in default_catalog().pathways.values():
            verdict = judge(pathway, facts, AS_OF)
            key = (
                pathway.id,
                verdict.status,
                profile.get("host_country", "unknown"),
                _citizenship(profile),
                "+".join(sorted(verdict.failed)),
            )
            expected[key] = expected.get(key, 0) + 1
    table = pq.read_table(summary_dir / "summary.parquet")  # pyarrow, not the writer's DuckDB
    assert tuple(table.column_names) == SUMMARY_COLUMNS
    got = [tuple(r.values()) for r in table.to_pylist()]
    assert _normal(got) == {(*k, n) for k, n in expected.items()}
    assert sum(r[-1] for r in got) == len(PEOPLE) * len(default_catalog().pathways)


def test_csv_and_parquet_hold_the_same_rows(summary_dir: Path) -> None:
    for name, columns in (("summary", SUMMARY_COLUMNS), ("blockers", BLOCKER_COLUMNS)):
        with (summary_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            assert tuple(next(reader)) == columns
            from_csv = sorted((*r[:-1], int(r[-1])) for r in reader)
        path = str(summary_dir / f"{name}.parquet")
        from_duckdb = sorted(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall())
        assert from_csv == from_duckdb and from_csv


def test_blockers_count_each_failed_condition(summary_dir: Path) -> None:
    path = str(summary_dir / "blockers.parquet")
    blockers = {
        (p, c, cit, cond): n
        for p, c, cit, cond, n in duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
    }
    # The dual Argentine-Uruguayan in Argentina is not a migrant there; the person whose
    # host country is unknown is never blocked by where they live.
    assert blockers[("arg.mercosur-temporary", "ARG", "ARG+URY", "not_host_national")] == 1
    assert not [k for k in blockers if k[1] == "unknown" and k[3] == "host_country"]


def test_charts_are_labelled_svg_with_their_tables(summary_dir: Path) -> None:
    for name in ("status", "blockers"):
        root = ET.parse(summary_dir / f"{name}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img" and root.get("aria-labelledby") == "title desc"
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text
        with (summary_dir / f"{name}-chart.csv").open(encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        assert len(table) > 1
    status_title = ET.parse(summary_dir / "status.svg").getroot()[0].text or ""
    assert "personas" in status_title  # asked in Spanish
    with (summary_dir / "status-chart.csv").open(encoding="utf-8") as handle:
        rows = {r[0]: r[1:] for r in csv.reader(handle)}
    # The Bolivian in Argentina is eligible for the temporary residence; the Argentine is not.
    assert rows["arg.mercosur-temporary"] == ["1", "0", "1"]
