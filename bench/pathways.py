"""Pathways benchmark: population engine vs per-person engine vs OpenFisca vs hand-written SQL.

One synthetic population with a per-person ``as_of`` (made in DuckDB, written to Parquet)
feeds every contender in the same run:

* the population engine (packs compiled to SQL, DuckDB) on every pathway, with statuses and
  failed condition ids;
* the per-person engine (``judge``) on a sample;
* OpenFisca modelling two rules (``arg.mercosur-temporary``, ``col.ppt``) on flattened
  inputs, one simulation per distinct date (it evaluates one period per call);
* a hand-written DuckDB query of the same two rules (the practical limit);
* the latency of one explained evaluation of every pathway for one person.

Run: ``make bench`` or ``python -m bench pathways`` (``RUTA_BENCH_PEOPLE`` sets the size).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ruta.pathways import evaluate, judge, parse_profile
from ruta.pathways._catalog import default_catalog
from ruta.pathways._population import load_population, population_query, simulate

PEOPLE = int(os.environ.get("RUTA_BENCH_PEOPLE", "1000000"))
TWO = ["arg.mercosur-temporary", "col.ppt"]
ARG_NATIONALITIES = ["BOL", "BRA", "CHL", "COL", "ECU", "PRY", "PER", "URY", "VEN", "GUY", "SUR"]

GENERATE = """
CREATE TABLE pop AS
WITH r AS (SELECT i, random() AS a, random() AS b, random() AS c, random() AS d, random() AS e
           FROM range({n}) t(i))
SELECT 'p' || i AS person_id,
  DATE '2020-01-01' + CAST(floor(a * 2900) AS INTEGER) AS as_of,
  (['ARG','BRA','COL','PER','CHL','URY','ECU','BOL','PRY','MEX'])
    [1 + CAST(floor(b * 10) AS INTEGER)] AS host_country,
  CASE WHEN c < 0.1 THEN NULL ELSE c < 0.8 END AS in_host_country,
  CASE WHEN d < 0.05 THEN NULL ELSE
    [{{'country': (['VEN','BOL','PER','COL','BRA','CHL','ARG','ECU','PRY','URY','GUY','MEX'])
                  [1 + CAST(floor(d * 12) AS INTEGER)],
      'acquired': CASE WHEN e < 0.1 THEN 'naturalization' WHEN e < 0.15 THEN NULL ELSE 'birth' END,
      'since': DATE '2010-01-01' + CAST(floor(e * 5000) AS INTEGER)}}] END AS nationalities,
  DATE '1960-01-01' + CAST(floor(a * b * 20000) AS INTEGER) AS date_of_birth,
  CASE WHEN b < 0.1 THEN NULL ELSE DATE '2017-01-01' + CAST(floor(b * 3000) AS INTEGER) END
    AS entry_date,
  CASE WHEN c < 0.15 THEN NULL ELSE e < 0.7 END AS entry_authorized_crossing,
  (['regular','irregular','asylum_seeker'])[1 + CAST(floor(c * 3) AS INTEGER)] AS current_status,
  CASE WHEN a < 0.1 THEN NULL WHEN a < 0.85 THEN [] ELSE
    [{{'country': 'VEN', 'date': DATE '2015-01-01' + CAST(floor(d * 4000) AS INTEGER)}}] END
    AS criminal_records,
  CASE WHEN e < 0.2 THEN NULL ELSE
    [{{'type': 'passport', 'expires': DATE '2019-01-01' + CAST(floor(a * 4000) AS INTEGER),
       'issued': NULL::DATE}}] END AS documents,
  CASE WHEN d < 0.3 THEN [] WHEN d < 0.4 THEN NULL ELSE
    [{{'country': 'COL', 'type': (['pep','ptp','sc2','arg.mercosur-temporary','ppt'])
                                 [1 + CAST(floor(e * 5) AS INTEGER)],
       'valid_from': DATE '2018-01-01', 'valid_until': DATE '2019-01-01' + CAST(floor(b * 3000)
       AS INTEGER)}}] END AS permits,
  CASE WHEN e < 0.5 THEN [] WHEN e < 0.6 THEN NULL ELSE
    [{{'country': 'COL', 'program': 'RUMV', 'date': DATE '2021-05-05' + CAST(floor(c * 1000)
       AS INTEGER)}}] END AS registrations,
  CASE WHEN b < 0.2 THEN NULL ELSE b < 0.7 END AS means_of_subsistence,
  CASE WHEN c < 0.2 THEN NULL ELSE c < 0.3 END AS asylum_claim_pending,
  CASE WHEN d < 0.2 THEN NULL ELSE d < 0.25 END AS migration_sanctions
FROM r
"""

# The two rules by hand on the same list columns: what an engineer would write for speed.
HAND = """
SELECT person_id,
  host_country = 'ARG'
  AND len(list_filter(nationalities, lambda x: list_contains({arg}, x.country)
      AND (x.acquired = 'birth' OR date_sub('year', x.since, as_of) >= 5))) > 0
  AND len(list_filter(criminal_records, lambda x: x.date >= as_of - INTERVAL 3 YEAR)) = 0
    AS arg_temporary,
  host_country = 'COL' AND as_of BETWEEN DATE '2021-05-05' AND DATE '2023-11-24'
  AND in_host_country
  AND len(list_filter(nationalities, lambda x: x.country = 'VEN')) > 0
  AND (len(list_filter(permits, lambda x: x.type IN ('pip', 'ptp', 'pep', 'sc2'))) > 0
       OR (current_status = 'irregular' AND entry_date <= DATE '2021-01-31')
       OR (entry_authorized_crossing
           AND entry_date BETWEEN DATE '2021-05-29' AND DATE '2023-05-28'))
  AND len(list_filter(registrations, lambda x: x.program = 'RUMV'
      AND x.date <= DATE '2023-11-24')) > 0
  AND len(criminal_records) = 0 AND NOT migration_sanctions AS col_ppt
FROM pop
"""


def _openfisca_system() -> Any:
    from openfisca_core import periods
    from openfisca_core.entities import build_entity
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    person = build_entity(key="person", plural="persons", label="Person", is_person=True)
    system = TaxBenefitSystem([person])

    def inputs(name: str, kind: type, default: Any) -> None:
        system.add_variable(
            type(
                name,
                (Variable,),
                {
                    "value_type": kind,
                    "entity": person,
                    "definition_period": periods.ETERNITY,
                    "default_value": default,
                    "label": name,
                },
            )
        )

    for name in ("host_country", "nationality", "acquired", "current_status", "permit_type"):
        inputs(name, str, "")
    for name in ("in_host", "authorized", "sanctions", "has_rumv", "has_record"):
        inputs(name, bool, False)
    for name in ("since", "last_record", "entry_date", "rumv_date"):
        inputs(name, dt.date, dt.date(1900, 1, 1))

    def years(start: Any, as_of: np.datetime64) -> Any:
        start_y = start.astype("datetime64[Y]").astype(int) + 1970
        now = as_of.astype(dt.date)
        before = (start.astype("datetime64[D]") - start.astype("datetime64[Y]")).astype(int) > (
            np.datetime64(now, "D") - np.datetime64(now, "Y")
        ).astype(int)
        return now.year - start_y - before

    class arg_mercosur_temporary(Variable):  # OpenFisca names variables in snake case
        value_type = bool
        entity = person
        definition_period = periods.DAY
        label = "arg.mercosur-temporary"

        def formula(p: Any, period: Any) -> Any:  # type: ignore[misc]
            as_of = np.datetime64(period.start.date)
            national = np.isin(p("nationality", period), ARG_NATIONALITIES) & (
                (p("acquired", period) == "birth") | (years(p("since", period), as_of) >= 5)
            )
            recent = p("last_record", period) >= as_of - np.timedelta64(3 * 365, "D")
            return (p("host_country", period) == "ARG") & national & ~recent

    class col_ppt(Variable):  # OpenFisca names variables in snake case
        value_type = bool
        entity = person
        definition_period = periods.DAY
        label = "col.ppt"

        def formula(p: Any, period: Any) -> Any:  # type: ignore[misc]
            as_of = np.datetime64(period.start.date)
            window = (as_of >= np.datetime64("2021-05-05")) & (as_of <= np.datetime64("2023-11-24"))
            entry = p("entry_date", period)
            group = (
                np.isin(p("permit_type", period), ["pip", "ptp", "pep", "sc2"])
                | (
                    (p("current_status", period) == "irregular")
                    & (entry <= np.datetime64("2021-01-31"))
                )
                | (
                    p("authorized", period)
                    & (entry >= np.datetime64("2021-05-29"))
                    & (entry <= np.datetime64("2023-05-28"))
                )
            )
            rumv = p("has_rumv", period) & (p("rumv_date", period) <= np.datetime64("2023-11-24"))
            return (
                (p("host_country", period) == "COL")
                & window
                & p("in_host", period)
                & (p("nationality", period) == "VEN")
                & group
                & rumv
                & ~p("has_record", period)
                & ~p("sanctions", period)
            )

    system.add_variable(arg_mercosur_temporary)
    system.add_variable(col_ppt)
    return system


def _flat(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    frame = con.execute("""
        SELECT as_of, coalesce(host_country, '') AS host_country,
          coalesce(nationalities[1].country, '') AS nationality,
          coalesce(nationalities[1].acquired, '') AS acquired,
          coalesce(nationalities[1].since, DATE '1900-01-01') AS since,
          coalesce(list_max(list_transform(criminal_records, lambda x: x.date)), DATE '1900-01-01')
            AS last_record,
          coalesce(len(criminal_records) > 0, FALSE) AS has_record,
          coalesce(in_host_country, FALSE) AS in_host,
          coalesce(entry_authorized_crossing, FALSE) AS authorized,
          coalesce(entry_date, DATE '1900-01-01') AS entry_date,
          coalesce(current_status, '') AS current_status,
          coalesce(permits[1].type, '') AS permit_type,
          coalesce(migration_sanctions, FALSE) AS sanctions,
          coalesce(len(registrations) > 0, FALSE) AS has_rumv,
          coalesce(registrations[1].date, DATE '1900-01-01') AS rumv_date
        FROM pop""").fetchnumpy()
    return {k: np.asarray(v) for k, v in frame.items()}


def _openfisca(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    from openfisca_core.simulations import SimulationBuilder

    system = _openfisca_system()
    flat = _flat(con)
    as_of = flat.pop("as_of").astype("datetime64[D]")
    evaluations = 0
    start = time.perf_counter()
    for day in np.unique(as_of):
        mask = as_of == day
        sim = SimulationBuilder().build_default_simulation(system, int(mask.sum()))
        for name, values in flat.items():
            chosen = values[mask]
            if chosen.dtype.kind == "M":
                chosen = chosen.astype("datetime64[D]")
            sim.set_input(name, "eternity", chosen)
        period = str(day)
        for variable in ("arg_mercosur_temporary", "col_ppt"):
            sim.calculate(variable, period)
            evaluations += int(mask.sum())
    return time.perf_counter() - start, evaluations


def _cpu() -> float:
    """CPU seconds of this process, every thread: what the machine's load does not inflate."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, float] = {}  # label -> CPU seconds of the fastest run


def _timed(fn: Any, repeat: int = 3, label: str = "") -> float:
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        fn()
        times.append((time.perf_counter() - start, _cpu() - cpu))
    best = min(times)
    if label:
        CPU[label] = best[1]
    return best[0]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    # The population and results files (hundreds of MB at 1M people) go with the run.
    with tempfile.TemporaryDirectory(prefix="ruta-bench-") as folder:
        _run(Path(folder))


def _run(work: Path) -> None:
    catalog = default_catalog()
    ids = sorted(catalog.pathways)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(GENERATE.format(n=PEOPLE))
    source = work / "population.parquet"
    con.execute(f"COPY pop TO '{source}' (FORMAT parquet)")
    print(f"population: {PEOPLE:,} people, {len(ids)} pathways, per-person as_of")

    load_before = _load()
    # 1. Population engine, every pathway, statuses and failed ids (encoded: ENUMs and a
    # bitmask of failed conditions), in memory; then the CLI's path, Parquet in and out.
    load_population(con, source, None)  # the canonical columns, as the CLI builds them
    sql_all = population_query(catalog, "people").sql
    engine_s = _timed(
        lambda: con.execute(f"CREATE OR REPLACE TEMP TABLE r AS {sql_all}"), 2, "engine"
    )
    engine_rate = PEOPLE * len(ids) / engine_s
    con.execute("DROP TABLE r")
    start, cpu = time.perf_counter(), _cpu()
    cli = simulate(source, work / "out.parquet", threads=2)
    CPU["cli"], cli_wall = _cpu() - cpu, time.perf_counter() - start
    cli_rate = cli.evaluations / cli_wall

    # 2. Two rules: our engine vs hand-written SQL vs OpenFisca.
    sql_two = population_query(catalog, "people", pathways=TWO).sql
    two_s = _timed(lambda: con.execute(f"CREATE OR REPLACE TEMP TABLE r2 AS {sql_two}"), 5, "two")
    hand = HAND.format(arg=str(ARG_NATIONALITIES))
    hand_s = _timed(lambda: con.execute(f"CREATE OR REPLACE TEMP TABLE h AS {hand}"), 5, "hand")
    of_s, of_n = _openfisca(con)
    two_rate, hand_rate, of_rate = 2 * PEOPLE / two_s, 2 * PEOPLE / hand_s, of_n / of_s

    # 3. Per-person engine on a sample, and one explained evaluation of every pathway.
    sample = con.execute("SELECT * FROM pop USING SAMPLE 2000 ROWS").fetchall()
    names = [d[0] for d in con.description]
    profiles = []
    for row in sample:
        record = dict(zip(names, row, strict=True))
        profile: dict[str, Any] = {"entry": {}}
        for key, value in record.items():
            if value is None or key in ("person_id", "as_of"):
                continue
            if key.startswith("entry_"):
                profile["entry"][key.removeprefix("entry_")] = value
            elif isinstance(value, list):
                profile[key] = [{k: v for k, v in item.items() if v is not None} for item in value]
            else:
                profile[key] = value
        profiles.append((record["as_of"], parse_profile(profile).facts()))
    start = time.perf_counter()
    for as_of, facts in profiles:
        for pid in ids:
            judge(catalog.pathways[pid], facts, as_of)
    scalar_rate = len(profiles) * len(ids) / (time.perf_counter() - start)
    one = {
        "host_country": "COL",
        "in_host_country": True,
        "nationalities": [{"country": "VEN", "acquired": "birth"}],
        "criminal_records": [],
        "documents": [{"type": "passport", "expires": "2026-01-01"}],
    }
    latencies = []
    for _ in range(200):
        start = time.perf_counter()
        evaluate(one, dt.date(2026, 11, 28), pathways=ids)
        latencies.append((time.perf_counter() - start) * 1000)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, date {dt.date.today()}"
    )
    print(f"load average before: {load_before}, after: {_load()}")
    evals = PEOPLE * len(ids)
    print(
        f"population engine, all {len(ids)} pathways: {engine_rate:,.0f} person-pathway evals/s "
        f"({engine_s:.2f} s for {evals:,}; CPU {CPU['engine']:.2f} s, "
        f"{evals / CPU['engine']:,.0f} per CPU second)"
    )
    print(
        f"  CLI path incl. reading and writing Parquet: {cli_rate:,.0f}/s ({cli_wall:.2f} s; "
        f"CPU {CPU['cli']:.2f} s); CLI / engine: wall {cli_rate / engine_rate:.2f}, "
        f"CPU {CPU['engine'] / CPU['cli']:.2f}"
    )
    print(
        f"per-person engine: {scalar_rate:,.0f} evals/s "
        f"(population engine is {engine_rate / scalar_rate:,.0f}x)"
    )
    print(
        f"two rules - population engine: {two_rate:,.0f}/s; hand-written SQL: {hand_rate:,.0f}/s "
        f"(engine at {hand_rate / two_rate:.2f}x of hand, CPU {CPU['two'] / CPU['hand']:.2f}x); "
        f"OpenFisca: {of_rate:,.0f}/s "
        f"(engine {two_rate / of_rate:,.1f}x OpenFisca)"
    )
    print(
        f"one explained evaluation of all {len(ids)} pathways: median "
        f"{statistics.median(latencies):.2f} ms, p95 {sorted(latencies)[189]:.2f} ms"
    )


if __name__ == "__main__":
    main()
