"""The population engine on Spark: the same compiled SQL, in the Spark dialect.

The file is first checked with the embedded engine (so a bad cell gets the same message on
both engines), then Spark reads it, builds the canonical columns and runs the SQL that
``population_sql`` compiles for its dialect.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from ruta.pathways._catalog import Catalog, default_catalog
from ruta.pathways._population import (
    PopulationSummary,
    canonical_columns,
    load_population,
    population_sql,
)
from ruta.pathways._sql import SPARK

__all__ = ["simulate_spark", "spark_session"]


def spark_session(master: str = "local[2]") -> Any:
    """A local Spark session sized for tests and one-machine runs."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("ruta-pathways")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _canonical_select(present: dict[str, str], default_as_of: dt.date | None) -> str:
    selects = [
        "monotonically_increasing_id() AS `_row`",
        "CAST(`person_id` AS STRING) AS `person_id`",
    ]
    if "as_of" in present:
        selects.append("CAST(NULLIF(trim(CAST(`as_of` AS STRING)), '') AS DATE) AS `as_of`")
    else:
        selects.append(f"DATE '{default_as_of}' AS `as_of`")
    for column, sql_type in canonical_columns(SPARK).items():
        if column not in present:
            selects.append(f"CAST(NULL AS {sql_type}) AS `{column}`")
        elif sql_type.startswith("ARRAY") and present[column] == "string":
            selects.append(f"from_json(`{column}`, '{sql_type}') AS `{column}`")
        elif sql_type.startswith("ARRAY"):
            selects.append(f"CAST(`{column}` AS {sql_type}) AS `{column}`")
        elif sql_type == "STRING":
            selects.append(f"NULLIF(trim(CAST(`{column}` AS STRING)), '') AS `{column}`")
        else:
            selects.append(
                f"CAST(NULLIF(trim(CAST(`{column}` AS STRING)), '') AS {sql_type}) AS `{column}`"
            )
    return ", ".join(selects)


def simulate_spark(
    population: Path,
    out: Path,
    catalog: Catalog | None = None,
    pathways: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[float], Any] | None = None,
    session: Any = None,
) -> PopulationSummary:
    """Like ``simulate`` but evaluated by Spark; writes one Parquet file at ``out``."""
    cat = catalog or default_catalog()
    start = time.perf_counter()
    with duckdb.connect() as con:  # the same checks and messages as the embedded engine
        people = load_population(con, population, as_of)
    if progress is not None:
        progress(0.2)
    spark = session or spark_session()
    reader = spark.read
    frame = (
        reader.parquet(str(population))
        if population.suffix.lower() == ".parquet"
        else reader.option("header", True).option("escape", '"').csv(str(population))
    )
    present = {name: kind for name, kind in frame.dtypes}
    frame.createOrReplaceTempView("raw")
    spark.sql(f"SELECT {_canonical_select(present, as_of)} FROM raw").createOrReplaceTempView(
        "people"
    )
    results = spark.sql(population_sql(cat, "people", SPARK, pathways))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        results.coalesce(1).write.mode("overwrite").parquet(os.path.join(staging, "data"))
        if progress is not None:
            progress(0.8)
        (part,) = glob.glob(os.path.join(staging, "data", "part-*.parquet"))
        os.replace(part, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    literal = str(out).replace("'", "''")
    with duckdb.connect() as con:
        counts = [
            (str(p), str(s), int(n))
            for p, s, n in con.execute(
                f"SELECT pathway, status, count(*) FROM read_parquet('{literal}') GROUP BY ALL "
                "ORDER BY 1, 2"
            ).fetchall()
        ]
        blockers = [
            (str(p), str(c), int(n))
            for p, c, n in con.execute(
                f"SELECT pathway, f, count(*) AS n FROM (SELECT pathway, unnest(failed) AS f FROM "
                f"read_parquet('{literal}')) WHERE f <> 'host_country' GROUP BY ALL "
                "ORDER BY n DESC, 1, 2 LIMIT 10"
            ).fetchall()
        ]
    if progress is not None:
        progress(1.0)
    return PopulationSummary(
        people, sum(n for _, _, n in counts), counts, blockers, time.perf_counter() - start
    )
