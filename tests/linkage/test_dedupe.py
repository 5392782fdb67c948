from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from ruta.linkage import (
    DedupeResult,
    LinkageError,
    SynthConfig,
    cluster_pairs,
    dedupe_registry,
    pairwise_scores,
    synth_registry,
)

from .conftest import as_registry


@pytest.fixture(scope="module")
def result_3000(synth_3000: pd.DataFrame) -> DedupeResult:
    return dedupe_registry(as_registry(synth_3000), threshold=0.9)


def _f1(result: DedupeResult, truth: pd.DataFrame) -> float:
    clusters = result.clusters
    predicted = cluster_pairs(clusters["record_id"], clusters["cluster_id"])
    actual = cluster_pairs(truth["record_id"], truth["person_id"])
    return pairwise_scores(predicted, actual).f1


def test_finds_duplicates_despite_corruptions(
    result_3000: DedupeResult, synth_3000: pd.DataFrame
) -> None:
    assert _f1(result_3000, synth_3000) >= 0.97


def test_every_record_gets_one_cluster(result_3000: DedupeResult, synth_3000: pd.DataFrame) -> None:
    clusters = result_3000.clusters
    assert list(clusters.columns) == [
        "record_id",
        "cluster_id",
        "cluster_size",
        "weakest_link_probability",
    ]
    assert sorted(clusters["record_id"]) == sorted(synth_3000["record_id"])
    sizes = clusters.groupby("cluster_id")["record_id"].transform("size")
    assert (sizes == clusters["cluster_size"]).all()


def test_weakest_link_is_the_lowest_accepted_probability(result_3000: DedupeResult) -> None:
    clusters = result_3000.clusters
    multi = clusters[clusters["cluster_size"] > 1]
    single = clusters[clusters["cluster_size"] == 1]
    assert multi["weakest_link_probability"].between(0.9, 1.0).all()
    assert single["weakest_link_probability"].isna().all()
    # Cross-check one cluster against the pairs table.
    cid = multi["cluster_id"].iloc[0]
    members = set(multi.loc[multi["cluster_id"] == cid, "record_id"])
    pairs = result_3000.pairs
    inside = pairs[
        pairs["record_id_l"].isin(members)
        & pairs["record_id_r"].isin(members)
        & (pairs["match_probability"] >= 0.9)
    ]
    assert inside["match_probability"].min() == pytest.approx(
        multi.loc[multi["cluster_id"] == cid, "weakest_link_probability"].iloc[0]
    )


def test_swapped_and_missing_surnames_and_day_month_swap_still_link() -> None:
    base = synth_registry(1500, SynthConfig(seed=21, dup_rate=0.1))
    person = base.iloc[0]
    day, month = "05", "11"
    copy = person.copy()
    base.loc[0, "date_of_birth"] = f"1985-{month}-{day}"
    copy["date_of_birth"] = f"1985-{day}-{month}"
    copy["surname_1"], copy["surname_2"] = person["surname_2"].upper(), ""
    copy["record_id"] = "COPY"
    frame = pd.concat([base, copy.to_frame().T], ignore_index=True)
    result = dedupe_registry(as_registry(frame), threshold=0.5)
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["COPY"] == clusters[person["record_id"]]


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_threshold_must_be_a_probability(synth_3000: pd.DataFrame, threshold: float) -> None:
    with pytest.raises(LinkageError) as err:
        dedupe_registry(as_registry(synth_3000.head(10)), threshold=threshold)
    assert err.value.field == "threshold"


def test_unknown_engine(synth_3000: pd.DataFrame) -> None:
    with pytest.raises(LinkageError, match="duckdb or spark"):
        dedupe_registry(as_registry(synth_3000.head(10)), engine="polars")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from ruta.linkage._spark import spark_session

    session = spark_session("local[1]", shuffle_partitions=2, driver_memory="1g")
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.xdist_group("spark")  # one JVM: see tests/pathways/test_spark.py
def test_spark_engine_agrees_with_duckdb(spark: Any) -> None:
    frame = synth_registry(400, SynthConfig(seed=31, dup_rate=0.2))
    on_spark = dedupe_registry(as_registry(frame), engine="spark", spark=spark)
    on_duckdb = dedupe_registry(as_registry(frame), engine="duckdb")
    assert _f1(on_spark, frame) >= 0.9
    spark_pairs = cluster_pairs(on_spark.clusters["record_id"], on_spark.clusters["cluster_id"])
    duck_pairs = cluster_pairs(on_duckdb.clusters["record_id"], on_duckdb.clusters["cluster_id"])
    assert pairwise_scores(spark_pairs, duck_pairs).f1 >= 0.95
