"""Registry deduplication with Splink: plan the model, train (or load) it, predict, cluster.

DuckDB is the default engine; ``engine="spark"`` runs the same model through Splink's Spark
backend on a caller-supplied or local SparkSession.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from splink import Linker

from ruta.i18n import N_
from ruta.linkage._errors import LinkageError
from ruta.linkage._features import FEATURE_COLUMNS, comparison_features
from ruta.linkage._histogram import ScoreHistogram, weight_histogram
from ruta.linkage._model import ModelPlan, plan_from_saved, plan_model
from ruta.linkage._registry import Registry
from ruta.linkage._saved import SavedModel
from ruta.linkage._text import Text
from ruta.linkage._training import train

__all__ = ["DedupeResult", "Engine", "dedupe_registry"]

Engine = Literal["duckdb", "spark"]
Progress = Callable[[str], None]
#: Pairs scored down to this match weight (probability about 0.001) enter the histogram.
HISTOGRAM_FLOOR = -10.0


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
        plan: The comparisons and blocking rules used, and those dropped.
        notes: How the model was trained (or which saved model was used).
        histogram: Match weights of the scored pairs, with the threshold.
        model: The trained Splink settings (what ``--model-out`` saves).
        linker: The Splink linker (for its charts in a report); ``None`` when not kept.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    threshold: float
    plan: ModelPlan | None = None
    notes: list[str] = field(default_factory=list)
    histogram: ScoreHistogram | None = None
    model: dict[str, Any] = field(default_factory=dict)
    linker: Any = None

    @property
    def duplicate_records(self) -> int:
        """Records that share their cluster with at least one other record."""
        return int((self.clusters["cluster_size"] > 1).sum())


def db_api(engine: Engine, spark: Any) -> Any:
    """The Splink database API of ``engine``."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI

        if spark is None:
            from ruta.linkage._spark import spark_session

            spark = spark_session()
        return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]  # splink is untyped
    raise LinkageError(
        Text(N_("got %(value)s; expected duckdb or spark"), value=repr(engine)), field="engine"
    )


def register(api: Any, engine: Engine, features: pd.DataFrame, name: str | None = None) -> Any:
    """Register a features frame with the backend (Spark gets an explicit string schema)."""
    if engine == "spark":
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType(), True) for c in features.columns])
        rows = features.astype(object).where(features.notna(), None).to_numpy().tolist()
        frame = api.spark.createDataFrame(rows, schema=schema)
        return api.register(frame, table_name=name)
    return api.register(features, table_name=name)


def used_columns(features: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Only the feature columns the model's SQL reads (and the id): the columns of absent
    fields are all null, and Splink would copy them through every table it builds."""
    import json
    import re

    text = json.dumps(settings)
    keep = [
        c
        for c in features.columns
        if c == "record_id" or re.search(rf"\b{re.escape(c)}(_l|_r)?\b", text)
    ]
    return features[keep]


def check_threshold(threshold: float) -> None:
    """Refuse a threshold outside (0, 1) with the expected form."""
    if not 0.0 < threshold < 1.0:
        raise LinkageError(
            Text(N_("got %(value)s; expected a probability between 0 and 1"), value=str(threshold)),
            field="threshold",
        )


def build_plan(features: pd.DataFrame, engine: Engine, model: SavedModel | None) -> ModelPlan:
    """The model plan: fitted to ``features``, or the saved one rebuilt for ``engine``."""
    dialect = "spark" if engine == "spark" else "duckdb"
    if model is None:
        return plan_model(features, dialect=dialect)
    try:
        return plan_from_saved(model.settings, model.filled, dialect=dialect)
    except (LinkageError, KeyError) as exc:
        # A KeyError names the missing key of the file, which reads the same in any language.
        detail = exc.message if isinstance(exc, LinkageError) else str(exc)
        raise LinkageError(
            Text(
                N_(
                    "the model file does not fit this Ruta (%(detail)s); retrain it with ruta "
                    "link dedupe REGISTRY --model-out MODEL.json"
                ),
                detail=detail,
            ),
            field="model",
        ) from exc


def model_notes(model: SavedModel) -> list[str]:
    """What the summary says about a saved model."""
    trained = model.meta.get("trained_on", {})
    return [
        f"saved model: trained on {trained.get('records', '?'):,} records of "
        f"{trained.get('source', '?')} ({model.meta.get('saved_at', '?')}, Splink "
        f"{model.meta.get('splink_version', '?')}); no training on this file"
    ]


def dedupe_registry(
    registry: Registry,
    *,
    threshold: float = 0.9,
    engine: Engine = "duckdb",
    pairs_floor: float = 0.5,
    spark: Any = None,
    progress: Progress | None = None,
    model: SavedModel | None = None,
    keep_linker: bool = False,
) -> DedupeResult:
    """Find the records of one registry that belong to the same person.

    Args:
        registry: The validated registry.
        threshold: Match probability at or above which two records are linked (0 < P < 1).
        engine: ``duckdb`` (embedded) or ``spark``.
        pairs_floor: Keep scored pairs at or above this probability in the result.
        spark: An existing SparkSession for ``engine="spark"``.
        progress: Called with a short message at each stage.
        model: A saved model (:func:`ruta.linkage.load_model`): no training.
        keep_linker: Keep Splink's linker in the result (for a report's charts).

    Returns:
        Clusters, scored pairs, the plan, training notes, the score histogram.

    Raises:
        LinkageError: A threshold outside (0, 1), an unknown engine, or too few records.
    """
    check_threshold(threshold)
    if len(registry) < 2:
        raise LinkageError(
            Text(N_("the registry has %(n)s valid records; need at least 2"), n=str(len(registry))),
            field="registry",
        )
    say = progress or (lambda _msg: None)
    say(Text(N_("normalising %(n)s records"), n=len(registry)))
    features = comparison_features(registry.frame)[list(FEATURE_COLUMNS)]
    plan = build_plan(features, engine, model)
    api = db_api(engine, spark)
    # The settings are built by plan_model (and checked by its tests), not typed by a user:
    # Splink's validation of them costs more than the rest of a small file's run.
    linker = Linker(
        register(api, engine, used_columns(features, plan.settings)),
        plan.settings,
        log_level=None,
        validate_settings=False,
    )
    logging.getLogger("splink").setLevel(logging.ERROR)
    if model is None:
        say(Text(N_("training the model (no labels)")))
        notes = train(linker, plan, features, say)
    else:
        notes = model_notes(model)
    say(Text(N_("scoring candidate pairs")))
    predictions = linker.inference.predict(threshold_match_weight=HISTOGRAM_FLOOR)
    scored = linker.misc.query_sql(  # type: ignore[no-untyped-call]  # splink is untyped
        f"select record_id_l, record_id_r, match_weight, match_probability "
        f"from {predictions.physical_name}",
        output_type="pandas",
    )
    floor = min(pairs_floor, threshold)
    pairs = scored.loc[
        scored["match_probability"] >= floor, ["record_id_l", "record_id_r", "match_probability"]
    ]
    say(Text(N_("clustering")))
    clusters = cluster_ids(api, engine, features["record_id"], predictions, threshold)
    return DedupeResult(
        summarise_clusters(clusters, pairs, threshold),
        pairs.reset_index(drop=True),
        threshold,
        plan,
        notes,
        weight_histogram(scored["match_weight"].to_numpy(), threshold, floor=HISTOGRAM_FLOOR),
        linker.misc.save_model_to_json(),
        linker if keep_linker else None,
    )


def cluster_ids(
    api: Any, engine: Engine, record_ids: pd.Series, predictions: Any, threshold: float
) -> pd.DataFrame:
    """``record_id, cluster_id``: the connected components of the pairs at ``threshold``.

    Splink's clustering on the linker joins every input column back onto the clusters, a
    copy of the whole registry (a million rows, twenty columns) that only two columns were
    read from: the peak of a national registry's run. Its clustering of a node table of
    bare ids gives the same clusters without it.
    """
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    nodes = register(api, engine, record_ids.to_frame())
    clusters = cluster_pairwise_predictions_at_threshold(
        nodes,
        predictions,
        api,
        "record_id",
        "record_id_l",
        "record_id_r",
        threshold_match_probability=threshold,
    )
    out: pd.DataFrame = clusters.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    return out[["record_id", "cluster_id"]]


def summarise_clusters(
    clusters: pd.DataFrame, pairs: pd.DataFrame, threshold: float
) -> pd.DataFrame:
    """Clusters with their size and weakest accepted link."""
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
