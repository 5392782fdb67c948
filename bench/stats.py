"""Statistics benchmark: every indicator of a quarter, with disclosure control, on
10,000,000 synthetic cases; the same aggregation in pandas and in Polars in the same run;
the disclosure audit of a 20-table release.

The synthetic case store is made directly as the DuckDB tables ``load_case_store`` creates
(``st_cases``, ``st_steps``, ``st_appointments``, ``st_permits`` ...), so the run measures
the statistics, not a database read (reading the store is linear in its rows and measured
separately by ``RUTA_BENCH_READ``, see docs/performance.md).

1. Release: ``build_units`` + ``compute_release`` (22 linked tables, threshold 5, primary
   and secondary suppression with its LP repair loop, rates, processing-time quantiles).
2. Peers: the applications and decisions tables (8 tables with every margin) from the raw
   case and step tables, in DuckDB (our SQL), pandas and Polars, same answer checked.
3. Audit: ``Release.audit()`` of the 10M release, and of a release on 20,000 cases where
   many cells are small (hundreds of withheld cells).

Run: ``python -m bench stats`` (``RUTA_BENCH_CASES`` sets the size; default 10,000,000).
Results printed and written to ``bench/out/stats.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl

from ruta.pathways import list_pathways
from ruta.stats import build_units, compute_release, parse_period, pathway_code

CASES = int(os.environ.get("RUTA_BENCH_CASES", "10000000"))
PERIOD = parse_period("2026-Q3")
AS_OF = datetime(2026, 10, 1)
OUT = Path(__file__).parent / "out"

# Citizenships drawn with skew (a few large groups and a long tail, as in the region).
CITIZENSHIPS = [
    "VEN",
    "COL",
    "HTI",
    "PER",
    "ECU",
    "BOL",
    "CUB",
    "ARG",
    "BRA",
    "CHL",
    "PRY",
    "URY",
    "DOM",
    "NIC",
    "HND",
    "GTM",
    "SLV",
    "MEX",
    "USA",
    "CHN",
]

GENERATE = """
CREATE OR REPLACE TABLE st_offices AS
SELECT * FROM (VALUES {offices}) t(code, ref_area, name);
CREATE OR REPLACE TABLE st_officers AS
SELECT range AS user_id, 'caseworker' AS role, 'COL' AS ref_area, NULL AS office FROM range(400);
CREATE OR REPLACE TABLE st_cases AS
WITH base AS (
  SELECT range AS i, hash(range) AS h, hash(range * 7 + 3) AS g FROM range({n})
)
SELECT
  'a' || i AS application_id,
  list_extract({pathways}, 1 + (h % {npath})::INT) AS pathway_id,
  upper(split_part(list_extract({pathways}, 1 + (h % {npath})::INT), '.', 1)) AS ref_area,
  upper(split_part(list_extract({pathways}, 1 + (h % {npath})::INT), '.', 1)) || '-'
    || lpad(((g % 12) + 1)::VARCHAR, 2, '0') AS office,
  NULL::VARCHAR AS status,
  TIMESTAMP '2025-10-01' + to_seconds(((g >> 8) % 31536000)::BIGINT) AS created_at,
  TIMESTAMP '2025-10-01' + to_seconds(((g >> 8) % 31536000)::BIGINT) AS submitted_at,
  CASE WHEN h % 100 < 49 THEN 'F' WHEN h % 100 < 99 THEN 'M' ELSE 'X' END AS sex,
  list_extract({citizenships},
    1 + least(floor(-ln(1 - ((h >> 16) % 1000000) / 1000000.0) * 3.5)::INT, {ncit} - 1))
    AS citizenship,
  DATE '1950-01-01' + ((h >> 24) % 25000)::INT AS birth_date,
  'day' AS birth_precision,
  CASE WHEN h % 9 = 0 THEN '[{{"amount": "65000", "currency": "COP", "exempt": false}}]'
       ELSE '[]' END AS fees
FROM base;
CREATE OR REPLACE TABLE st_steps AS
WITH c AS (
  SELECT application_id, submitted_at, h, CAST(substr(application_id, 2) AS BIGINT) + 1 AS d,
         submitted_at + to_seconds(((h >> 4) % 1728000)::BIGINT) AS reviewed_at,
         submitted_at + to_seconds(((h >> 4) % 1728000 + (h >> 20) % 5184000)::BIGINT)
           AS decided_at
  FROM (SELECT application_id, submitted_at, hash(application_id) AS h FROM st_cases)
)
-- ended_at, closed_at and decision_id as the action layer writes them
-- (ruta.cases.actions._common.move): the next step's time, the time of the decision
-- closing the episode, and on a decision step the final decision it records.
SELECT application_id, 'draft' AS from_status, 'submitted' AS to_status,
       (h % 400)::BIGINT AS actor_id, submitted_at AS step_at,
       CASE WHEN h % 10 < 9 THEN reviewed_at END AS ended_at,
       CASE WHEN h % 10 < 8 THEN decided_at END AS closed_at, NULL::BIGINT AS decision_id
FROM c
UNION ALL
SELECT application_id, 'submitted', 'in_review', (h % 400)::BIGINT, reviewed_at,
       CASE WHEN h % 10 < 8 THEN decided_at END, CASE WHEN h % 10 < 8 THEN decided_at END, NULL
FROM c WHERE h % 10 < 9
UNION ALL
SELECT application_id, 'in_review', CASE WHEN h % 10 < 7 THEN 'approved' ELSE 'denied' END,
       ((h >> 12) % 400)::BIGINT, decided_at, NULL, decided_at, d
FROM c WHERE h % 10 < 8;
CREATE OR REPLACE TABLE st_decisions AS
SELECT decision_id, CASE WHEN hash(application_id) % 50 = 0 THEN 1 ELSE 0 END AS override
FROM st_steps WHERE to_status IN ('approved', 'denied');
CREATE OR REPLACE TABLE st_appointments AS
SELECT application_id, office, submitted_at + INTERVAL 10 DAY AS starts_at,
       CASE WHEN hash(application_id) % 11 = 0 THEN 'no_show' ELSE 'attended' END AS status
FROM st_cases WHERE hash(application_id) % 5 = 0;
CREATE OR REPLACE TABLE st_permits AS
SELECT 'p' || s.application_id AS permit_id, s.application_id, c.ref_area, 'valid' AS status,
       CAST(s.step_at AS DATE) AS valid_from, CAST(s.step_at AS DATE) + 730 AS valid_until,
       s.step_at AS issued_at
FROM st_steps s JOIN st_cases c USING (application_id) WHERE s.to_status = 'approved';
CREATE OR REPLACE TABLE st_permit_events AS
SELECT permit_id, issued_at + INTERVAL 60 DAY AS changed_at, 'revoked' AS to_status
FROM st_permits WHERE hash(permit_id) % 500 = 0;
"""


def _generate(con: duckdb.DuckDBPyConnection, n: int) -> dict[str, list[str]]:
    countries = ["COL", "PER", "BRA"]
    pathways = [p.id for c in countries for p in list_pathways(c)]
    offices = ", ".join(
        f"('{c}-{i:02d}', '{c}', 'Office {c} {i}')" for c in countries for i in range(1, 13)
    )
    con.execute(
        GENERATE.format(
            n=n,
            pathways=str(pathways),
            npath=len(pathways),
            citizenships=str(CITIZENSHIPS),
            ncit=len(CITIZENSHIPS),
            offices=offices,
        )
    )
    return {c: [pathway_code(p.id) for p in list_pathways(c)] for c in countries}


def _release(
    con: duckdb.DuckDBPyConnection, pathways: dict[str, list[str]]
) -> tuple[Any, float, float]:
    """The release, its wall-clock seconds and the CPU seconds of every thread."""
    start, cpu = time.perf_counter(), time.process_time()
    build_units(con, PERIOD, AS_OF)
    release = compute_release(con, PERIOD, AS_OF, pathways)
    return release, time.perf_counter() - start, time.process_time() - cpu


# --- the peers: applications and decisions tables with every margin -----------------------

_TABLES = [
    ("PATHWAY", "TIME"),
    ("PATHWAY", "CITIZENSHIP"),
    ("PATHWAY", "SEX", "AGE"),
    ("OFFICE", "TIME"),
]


def _duckdb_peer(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Our SQL: unit tables from the raw tables, then GROUPING SETS per table."""
    build_units(con, PERIOD, AS_OF, only={"applications", "decisions"})
    out: dict[str, int] = {}
    for unit, extra in (("u_applications", ""), ("u_decisions", ", OUTCOME")):
        for dims in _TABLES:
            cols = ", ".join(dims) + extra
            rows = con.execute(
                f"SELECT count(*) FROM (SELECT ref_area, {cols}, count(*) FROM {unit} "
                f"GROUP BY ref_area{extra}, CUBE({', '.join(dims)}))"
            ).fetchall()
            out[f"{unit}:{','.join(dims)}"] = int(rows[0][0])
    return out


def _age_band(years: Any) -> Any:
    return pd.cut(
        years, [-1, 17, 29, 44, 64, 200], labels=["Y_LT18", "Y18T29", "Y30T44", "Y45T64", "Y_GE65"]
    )


def _pandas_peer(cases: pd.DataFrame, steps: pd.DataFrame) -> dict[str, int]:
    start, end = pd.Timestamp(PERIOD.start), pd.Timestamp(AS_OF)
    apps = cases[(cases.submitted_at >= start) & (cases.submitted_at < end)].copy()
    apps["TIME"] = apps.submitted_at.dt.strftime("%Y-%m")
    apps["AGE"] = _age_band((apps.submitted_at - pd.to_datetime(apps.birth_date)).dt.days // 365.25)
    dec = steps[
        steps.to_status.isin(["approved", "denied"])
        & (steps.step_at >= start)
        & (steps.step_at < end)
    ].merge(cases, on="application_id")
    dec["TIME"] = dec.step_at.dt.strftime("%Y-%m")
    dec["OUTCOME"] = dec.to_status.str.upper()
    dec["AGE"] = _age_band((dec.step_at - pd.to_datetime(dec.birth_date)).dt.days // 365.25)
    out: dict[str, int] = {}
    for name, frame, extra in (("u_applications", apps, []), ("u_decisions", dec, ["OUTCOME"])):
        frame = frame.rename(
            columns={
                "pathway_id": "PATHWAY",
                "citizenship": "CITIZENSHIP",
                "sex": "SEX",
                "office": "OFFICE",
            }
        )
        for dims in _TABLES:
            cells = 0
            for mask in range(1 << len(dims)):
                keep = [d for j, d in enumerate(dims) if mask >> j & 1]
                grouped = frame.groupby(["ref_area", *extra, *keep], observed=True).size()
                cells += len(grouped)
            out[f"{name}:{','.join(dims)}"] = cells
    return out


def _polars_peer(cases: pl.DataFrame, steps: pl.DataFrame) -> dict[str, int]:
    start, end = datetime.combine(PERIOD.start, datetime.min.time()), AS_OF

    def age(at: str) -> pl.Expr:
        years = (pl.col(at).cast(pl.Date) - pl.col("birth_date")).dt.total_days() // 365.25
        return (
            pl.when(years <= 17)
            .then(pl.lit("Y_LT18"))
            .when(years <= 29)
            .then(pl.lit("Y18T29"))
            .when(years <= 44)
            .then(pl.lit("Y30T44"))
            .when(years <= 64)
            .then(pl.lit("Y45T64"))
            .otherwise(pl.lit("Y_GE65"))
            .alias("AGE")
        )

    apps = cases.lazy().filter(pl.col("submitted_at").is_between(start, end, closed="left"))
    apps = apps.with_columns(
        pl.col("submitted_at").dt.strftime("%Y-%m").alias("TIME"), age("submitted_at")
    )
    dec = (
        steps.lazy()
        .filter(
            pl.col("to_status").is_in(["approved", "denied"])
            & pl.col("step_at").is_between(start, end, closed="left")
        )
        .join(cases.lazy(), on="application_id")
        .with_columns(
            pl.col("step_at").dt.strftime("%Y-%m").alias("TIME"),
            pl.col("to_status").str.to_uppercase().alias("OUTCOME"),
            age("step_at"),
        )
    )
    renames = {
        "pathway_id": "PATHWAY",
        "citizenship": "CITIZENSHIP",
        "sex": "SEX",
        "office": "OFFICE",
    }
    out: dict[str, int] = {}
    for name, frame, extra in (("u_applications", apps, []), ("u_decisions", dec, ["OUTCOME"])):
        materialised = frame.rename(renames).collect()
        for dims in _TABLES:
            cells = 0
            for mask in range(1 << len(dims)):
                keep = [d for j, d in enumerate(dims) if mask >> j & 1]
                cells += materialised.group_by(["ref_area", *extra, *keep]).len().height
            out[f"{name}:{','.join(dims)}"] = cells
    return out


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    results: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "date": datetime.now().isoformat(timespec="seconds"),
        "cases": CASES,
    }
    con = duckdb.connect()
    t = time.perf_counter()
    pathways = _generate(con, CASES)
    steps = con.execute("SELECT count(*) FROM st_steps").fetchall()[0][0]
    print(
        f"generated {CASES:,} cases, {steps:,} workflow steps in "
        f"{time.perf_counter() - t:.1f} s (load {_load()})",
        flush=True,
    )

    results["load_before"] = _load()
    release, seconds, cpu = _release(con, pathways)
    withheld = sum(1 for o in release.observations if o.status == "C")
    results["release"] = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "observations": len(release.observations),
        "withheld": withheld,
    }
    print(
        f"release (every indicator, 22 tables, disclosure control): {seconds:.2f} s wall, "
        f"{cpu:.2f} s CPU, "
        f"{len(release.observations):,} observations, {withheld} withheld",
        flush=True,
    )
    report = release.audit()
    results["audit_10m"] = {
        "seconds": round(report.seconds, 2),
        "cells": len(report.cells),
        "passed": report.passed,
    }
    print(
        f"audit of that release: {report.seconds:.2f} s, {len(report.cells)} withheld cells, "
        f"passed={report.passed}",
        flush=True,
    )

    t, c = time.perf_counter(), time.process_time()
    duck_cells = _duckdb_peer(con)
    duck_s, duck_cpu = time.perf_counter() - t, time.process_time() - c
    frames = {n: con.sql(f"SELECT * FROM {n}").to_arrow_table() for n in ("st_cases", "st_steps")}
    cases_pd, steps_pd = (frames["st_cases"].to_pandas(), frames["st_steps"].to_pandas())
    t, c = time.perf_counter(), time.process_time()
    pandas_cells = _pandas_peer(cases_pd, steps_pd)
    pandas_s, pandas_cpu = time.perf_counter() - t, time.process_time() - c
    del cases_pd, steps_pd
    cases_pl, steps_pl = pl.from_arrow(frames["st_cases"]), pl.from_arrow(frames["st_steps"])
    t, c = time.perf_counter(), time.process_time()
    polars_cells = _polars_peer(cases_pl, steps_pl)  # type: ignore[arg-type]
    polars_s, polars_cpu = time.perf_counter() - t, time.process_time() - c
    same = duck_cells == pandas_cells == polars_cells
    results["aggregation"] = {
        "duckdb_s": round(duck_s, 2),
        "pandas_s": round(pandas_s, 2),
        "polars_s": round(polars_s, 2),
        "duckdb_cpu_s": round(duck_cpu, 2),
        "pandas_cpu_s": round(pandas_cpu, 2),
        "polars_cpu_s": round(polars_cpu, 2),
        "same_cells": same,
    }
    print(
        f"aggregation (8 tables, every margin): DuckDB {duck_s:.2f} s, pandas {pandas_s:.2f} s "
        f"({pandas_s / duck_s:.1f}x), Polars {polars_s:.2f} s ({polars_s / duck_s:.1f}x); "
        f"same cells: {same}",
        flush=True,
    )

    small = duckdb.connect()
    pathways_small = _generate(small, 20_000)
    release_small, seconds_small, _ = _release(small, pathways_small)
    report_small = release_small.audit()
    results["audit_20k"] = {
        "release_s": round(seconds_small, 2),
        "seconds": round(report_small.seconds, 2),
        "cells": len(report_small.cells),
        "passed": report_small.passed,
    }
    print(
        f"20,000 cases: release {seconds_small:.2f} s; audit {report_small.seconds:.2f} s, "
        f"{len(report_small.cells)} withheld cells, passed={report_small.passed}",
        flush=True,
    )
    results["load_after"] = _load()
    OUT.mkdir(exist_ok=True)
    (OUT / "stats.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
