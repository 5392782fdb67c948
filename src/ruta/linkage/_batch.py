"""A new batch linked to an existing registry, without deduplicating the registry again.

Pairs are scored between the batch and the registry (``predict_between``) and within the
batch (``predict_within``), never registry against registry: a ministry that deduplicated its
registry once links each week's applications in seconds. The model is the registry's saved
one (``--model``) or, without it, trained on registry and batch together.

Record ids of the two files may repeat each other (both numbered from 1), so inside the run
they carry a source prefix; the output gives ids as written with a ``source`` column.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from splink import Linker

from ruta.i18n import N_
from ruta.linkage._dedupe import (
    HISTOGRAM_FLOOR,
    DedupeResult,
    Engine,
    Progress,
    build_plan,
    check_threshold,
    db_api,
    model_notes,
    register,
    used_columns,
)
from ruta.linkage._errors import LinkageError
from ruta.linkage._features import FEATURE_COLUMNS, comparison_features
from ruta.linkage._histogram import weight_histogram
from ruta.linkage._registry import Registry
from ruta.linkage._saved import SavedModel
from ruta.linkage._text import Text
from ruta.linkage._training import train

__all__ = ["BATCH", "REGISTRY", "link_batch"]

BATCH, REGISTRY = "new", "registry"
_PREFIX = {BATCH: "n:", REGISTRY: "r:"}


def _features(registry: Registry, source: str) -> pd.DataFrame:
    features = comparison_features(registry.frame)[list(FEATURE_COLUMNS)]
    features["record_id"] = _PREFIX[source] + features["record_id"]
    return features


def _split(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    source = ids.str[:2].map({v: k for k, v in _PREFIX.items()})
    return ids.str[2:], source


def link_batch(
    batch: Registry,
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
    """Link ``batch`` to ``registry`` (and find duplicates inside the batch).

    Args:
        batch: The new records.
        registry: The existing registry.
        threshold: Match probability at or above which two records are linked.
        engine: ``duckdb`` or ``spark``.
        pairs_floor: Keep scored pairs at or above this probability.
        spark: An existing SparkSession for ``engine="spark"``.
        progress: Called with a short message at each stage.
        model: The registry's saved model; without it one is trained on both files.
        keep_linker: Keep Splink's linker in the result (for a report's charts).

    Returns:
        ``clusters``: one row per batch record and per registry record linked to one, with
        ``source`` (``new`` or ``registry``); ``pairs`` with ``source_l`` and ``source_r``.
    """
    check_threshold(threshold)
    if len(batch) < 1 or len(registry) < 1:
        raise LinkageError(
            Text(N_("the batch and the registry need at least one record each")), field="against"
        )
    say = progress or (lambda _msg: None)
    say(
        Text(
            N_("normalising %(new)s new and %(old)s registry records"),
            new=len(batch),
            old=len(registry),
        )
    )
    new, old = _features(batch, BATCH), _features(registry, REGISTRY)
    both = pd.concat([old, new], ignore_index=True)
    plan = build_plan(both, engine, model)
    used = list(used_columns(both, plan.settings).columns)
    both, old, new = both[used], old[used], new[used]
    api = db_api(engine, spark)
    linker = Linker(
        register(api, engine, both, "ruta_both"),
        plan.settings,
        log_level=None,
        validate_settings=False,
    )
    logging.getLogger("splink").setLevel(logging.ERROR)
    if model is None:
        say(Text(N_("training the model on the registry and the batch (no labels)")))
        notes = train(linker, plan, both, say)
    else:
        notes = model_notes(model)
    for comparison in plan.settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column"):
                # Term frequencies from the registry and the batch together, as in training.
                linker.table_management.compute_tf_table(level["tf_adjustment_column"])
    say(Text(N_("scoring the batch against the registry")))
    sdf_old = register(api, engine, old, "ruta_registry")
    sdf_new = register(api, engine, new, "ruta_batch")
    between = linker.inference.predict_between(
        sdf_old, sdf_new, threshold_match_weight=HISTOGRAM_FLOOR, warning_mode="never"
    )
    within = linker.inference.predict_within(
        sdf_new, threshold_match_weight=HISTOGRAM_FLOOR, warning_mode="never"
    )
    columns = "record_id_l, record_id_r, match_weight, match_probability"
    scored = pd.concat(
        [
            linker.misc.query_sql(  # type: ignore[no-untyped-call]  # splink is untyped
                f"select {columns} from {t.physical_name}", output_type="pandas"
            )
            for t in (between, within)
        ],
        ignore_index=True,
    )
    say(Text(N_("clustering")))
    pairs = scored.loc[scored["match_probability"] >= min(pairs_floor, threshold)]
    clusters = _clusters(pairs, threshold, new["record_id"])
    out_pairs = pairs[["record_id_l", "record_id_r", "match_probability"]].copy()
    out_pairs["record_id_l"], out_pairs["source_l"] = _split(out_pairs["record_id_l"])
    out_pairs["record_id_r"], out_pairs["source_r"] = _split(out_pairs["record_id_r"])
    return DedupeResult(
        clusters,
        out_pairs.reset_index(drop=True),
        threshold,
        plan,
        notes,
        weight_histogram(scored["match_weight"].to_numpy(), threshold, floor=HISTOGRAM_FLOOR),
        linker.misc.save_model_to_json(),
        linker if keep_linker else None,
    )


def _clusters(pairs: pd.DataFrame, threshold: float, new_ids: pd.Series) -> pd.DataFrame:
    """Connected components over the accepted links (every new record, and the registry
    records linked to one), each named after its smallest registry id (the person the
    registry already knows), else after its smallest new id."""
    links = pairs.loc[pairs["match_probability"] >= threshold]
    parent: dict[str, str] = {i: i for i in new_ids}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in zip(links["record_id_l"], links["record_id_r"], strict=True):
        a, b = find(left), find(right)
        if a != b:
            parent[b] = a  # the cluster's name is chosen below, not by the root
    weakest: dict[str, float] = {}
    for left, prob in zip(links["record_id_l"], links["match_probability"], strict=True):
        root = find(left)
        weakest[root] = min(weakest.get(root, 1.0), float(prob))
    ids = pd.Series(list(parent), dtype=object)
    roots = ids.map(find)
    members = pd.DataFrame({"key": ids, "root": roots})
    anchor = (
        members.sort_values("key", key=lambda s: s.str[:2].map({"r:": "0", "n:": "1"}) + s.str[2:])
        .groupby("root")["key"]
        .first()
    )
    members["cluster_id"] = members["root"].map(anchor).str[2:]
    members["cluster_size"] = members.groupby("root")["key"].transform("size")
    members["weakest_link_probability"] = members["root"].map(weakest)
    members["record_id"], members["source"] = _split(members["key"])
    out = members[["record_id", "cluster_id", "cluster_size", "weakest_link_probability", "source"]]
    return out.sort_values(["cluster_id", "source", "record_id"]).reset_index(drop=True)
