"""A local SparkSession configured for Splink (similarity UDF jar, checkpoints)."""

from __future__ import annotations

import tempfile
from typing import Any

__all__ = ["spark_session"]


def spark_session(
    master: str = "local[*]", *, shuffle_partitions: int = 8, driver_memory: str = "4g"
) -> Any:
    """Create (or reuse) a SparkSession that Splink's Spark backend can run on.

    Splink's string-similarity functions (Jaro-Winkler, Damerau-Levenshtein) are Scala UDFs
    shipped as a jar, which must be on the classpath when the session starts; Splink also
    checkpoints to break long lineages, which needs a checkpoint directory.

    Args:
        master: Spark master URL (``local[1]`` in tests, a cluster URL in production).
        shuffle_partitions: ``spark.sql.shuffle.partitions`` (low for small data).
        driver_memory: ``spark.driver.memory``.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(master)
        .appName("ruta-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    if session.sparkContext.getCheckpointDir() is None:
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="ruta-spark-"))
    return session
