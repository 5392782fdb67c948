"""Registry deduplication with Splink: train (EM, unsupervised), predict, cluster.

DuckDB is the default engine; ``engine="spark"`` runs the same model through Splink's Spark
backend on a caller-supplied or local SparkSession.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from ruta.linkage._errors import LinkageError
from ruta.linkage._features import FEATURE_COLUMNS, comparison_features
from ruta.linkage._model import TRAINING_BLOCKING, deterministic_rules, registry_settings
from ruta.linkage._registry import Registry

__all__ = ["DedupeResult", "Engine", "dedupe_registry"]

Engine = Literal["duckdb", "spark"]
Progress = Callable[[str], None]
_EM_MAX_PAIRS = 3e6


@dataclass
class DedupeResult:
    """The outcome of a deduplication run.

    Attributes:
        clusters: ``record_id, cluster_id, cluster_size, weakest_link_probability`` (the
            lowest match probability among the accepted links inside the cluster; empty for
            single-record clusters).
        pairs: Scored candidate pairs ``record_id_l, record_id_r, match_probability`` at or
            above ``pairs_floor`` (the review queue reads these).
        threshold: The match probability at which pairs were linked.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    threshold: float

    @property
    def duplicate_records(self) -> int:
        """Records that share their cluster with at least one other record."""
        return int((self.clusters["cluster_size"] > 1).sum())


def _db_api(engine: Engine, spark: Any) -> Any:
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI

        if spark is None:
            from ruta.linkage._spark import spark_session

            spark = spark_session()
        return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]  # splink is untyped
    raise LinkageError(f"got {engine!r}; expected duckdb or spark", field="engine")


def _register(db_api: Any, engine: Engine, features: pd.DataFrame) -> Any:
    if engine == "spark":
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType(), True) for c in features.columns])
        rows = features.astype(object).where(features.notna(), None).to_numpy().tolist()
        frame = db_api.spark.createDataFrame(rows, schema=schema)
        return db_api.register(frame)
    return db_api.register(features)


def dedupe_registry(
    registry: Registry,
    *,
    threshold: float = 0.9,
    engine: Engine = "duckdb",
    pairs_floor: float = 0.5,
    spark: Any = None,
    progress: Progress | None = None,
) -> DedupeResult:
    """Find the records of one registry that belong to the same person.

    Args:
        registry: The validated registry.
        threshold: Match probability at or above which two records are linked (0 < P < 1).
        engine: ``duckdb`` (embedded) or ``spark``.
        pairs_floor: Keep scored pairs at or above this probability in the result.
        spark: An existing SparkSession for ``engine="spark"``.
        progress: Called with a short message at each stage.

    Returns:
        Clusters and scored pairs.

    Raises:
        LinkageError: A threshold outside (0, 1), an unknown engine, or too few records.
    """
    if not 0.0 < threshold < 1.0:
        raise LinkageError(
            f"got {threshold}; expected a probability between 0 and 1", field="threshold"
        )
    if len(registry) < 2:
        raise LinkageError(
            f"the registry has {len(registry)} valid records; need at least 2", field="registry"
        )
    say = progress or (lambda _msg: None)
    say(f"normalising {len(registry):,} records")
    features = comparison_features(registry.frame)[list(FEATURE_COLUMNS)]
    db_api = _db_api(engine, spark)
    linker = Linker(_register(db_api, engine, features), registry_settings(), log_level=None)
    logging.getLogger("splink").setLevel(logging.ERROR)
    say("training the model (EM, no labels)")
    linker.training.estimate_probability_two_random_records_match(deterministic_rules(), recall=0.8)
    settings = linker._settings_obj  # splink keeps the prior only on this private object
    n = len(registry)
    # A registry with no certain duplicates would give a prior of 0 (log of 0 in EM); assume
    # at least one duplicate per thousand records instead.
    floor = 2e-3 / max(n - 1, 1)
    if settings._probability_two_random_records_match < floor:
        settings._probability_two_random_records_match = floor
    u_pairs = min(1e6, n**2 / 4)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs)
    _bound_unobserved_u(settings, u_pairs)
    for rule in TRAINING_BLOCKING:
        try:
            # A sample of a few million pairs trains m as well as all of them, in a fraction
            # of the time on a national registry.
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=_EM_MAX_PAIRS, estimate_without_term_frequencies=True
            )
        except EMTrainingException:
            # Too few pairs share this key (tiny registry): the other session and Splink's
            # default m-probabilities still give a usable model.
            say("EM skipped one training session: too few candidate pairs")
    say("scoring candidate pairs")
    floor = min(pairs_floor, threshold)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    say("clustering")
    clusters_sdf = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    pairs = predictions.as_pandas_dataframe()[  # type: ignore[no-untyped-call]
        ["record_id_l", "record_id_r", "match_probability"]
    ]
    clusters = clusters_sdf.as_pandas_dataframe()[  # type: ignore[no-untyped-call]
        ["record_id", "cluster_id"]
    ]
    return DedupeResult(
        _summarise(clusters, pairs, threshold), pairs.reset_index(drop=True), threshold
    )


def _bound_unobserved_u(settings: Any, sampled_pairs: float) -> None:
    """Give every level that no sampled pair reached the u its sample allows: 1 / pairs.

    Agreement on a document number, or a one-edit difference in it, is so rare between two
    random people that a sample of 10^6 pairs holds none. Splink then leaves u unset and falls
    back to a generic default (0.2 % for an exact match, 3 % for one edit), which made a
    shared document weaker evidence than a shared birth date. Not seen in N pairs means u is
    at most about 1/N; using that bound keeps the weight finite and on the cautious side.
    """
    for comparison in settings.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            if not level._u_is_trained:
                level.u_probability = 1.0 / sampled_pairs


def _summarise(clusters: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    clusters = clusters.astype({"record_id": str, "cluster_id": str})
    clusters["cluster_size"] = clusters.groupby("cluster_id")["record_id"].transform("size")
    links = pairs.loc[pairs["match_probability"] >= threshold, ["record_id_l", "match_probability"]]
    links = links.astype({"record_id_l": str}).merge(
        clusters[["record_id", "cluster_id"]], left_on="record_id_l", right_on="record_id"
    )
    weakest = (
        links.groupby("cluster_id")["match_probability"].min().rename("weakest_link_probability")
    )
    out = clusters.merge(weakest, left_on="cluster_id", right_index=True, how="left")
    return out.sort_values(["cluster_id", "record_id"]).reset_index(drop=True)
