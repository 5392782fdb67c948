"""The same compiled SQL on Spark (local mode) gives the same results as on DuckDB."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import as_of_dates, profiles
from test_population import to_row, write_population

from ruta.pathways._population import simulate

# One worker runs every Spark test, in collection order (linkage's first): a stopped
# session leaves its JVM behind, and Splink's similarity functions must be on the JVM's
# class path from its launch, which a session started here first does not do.
pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

if shutil.which("java") is None:  # pragma: no cover - the Makefile installs a JVM
    raise RuntimeError("Spark tests need a JVM: run `make sysdeps`")


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from ruta.pathways._spark import spark_session

    session = spark_session("local[1]")
    yield session
    session.stop()


def test_spark_matches_duckdb(tmp_path: Path, spark) -> None:  # type: ignore[no-untyped-def]
    from ruta.pathways._spark import simulate_spark

    rng = random.Random(7)
    strategy = st.lists(st.tuples(as_of_dates, profiles), min_size=40, max_size=40)
    people: list = []

    @settings(max_examples=1, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(sample: list) -> None:
        people.extend(sample)

    draw()
    rows = [to_row(f"p{i}", as_of, prof) for i, (as_of, prof) in enumerate(people)]
    rng.shuffle(rows)
    source = tmp_path / "pop.parquet"
    write_population(source, rows)
    with_duck, with_spark = tmp_path / "duck.parquet", tmp_path / "spark.parquet"
    simulate(source, with_duck)
    summary = simulate_spark(source, with_spark, session=spark)
    assert summary.people == 40
    query = (
        "SELECT person_id, pathway, status, list_sort(failed) FROM read_parquet('{}') ORDER BY ALL"
    )
    assert (
        duckdb.sql(query.format(with_duck)).fetchall()
        == duckdb.sql(query.format(with_spark)).fetchall()
    )


def test_spark_reads_csv_lists(tmp_path: Path, spark) -> None:  # type: ignore[no-untyped-def]
    from ruta.pathways._spark import simulate_spark

    source = tmp_path / "pop.csv"
    source.write_text(
        "person_id,host_country,in_host_country,nationalities,criminal_records\n"
        'a,ARG,true,"[{""country"": ""BOL"", ""acquired"": ""birth""}]",[]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    simulate_spark(
        source, out, pathways=["arg.mercosur-temporary"], as_of=dt.date(2026, 1, 1), session=spark
    )
    assert duckdb.sql(f"SELECT status FROM read_parquet('{out}')").fetchall() == [("eligible",)]
