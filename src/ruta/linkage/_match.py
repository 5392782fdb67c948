"""``ruta link match``: Dice similarity of two encoded registries, blocked, one-to-one.

Candidate pairs come from equal keyed buckets (three passes) or equal document tokens; DuckDB
computes the Dice coefficient with ``bit_count`` over the 64-bit words of both encodings
(vectorised, multi-threaded, no Python loop over pairs). One-to-one assignment then takes
mutual best pairs in rounds, which yields exactly the greedy highest-score-first matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ruta.i18n import N_
from ruta.linkage._encode import METADATA_KEY
from ruta.linkage._errors import LinkageError
from ruta.linkage._histogram import ScoreHistogram, dice_histogram
from ruta.linkage._text import Text
from ruta.linkage._threshold import AutoThreshold, estimate_threshold

__all__ = [
    "DEFAULT_FLOORS",
    "DEFAULT_THRESHOLDS",
    "ENCODED_COLUMNS",
    "MatchResult",
    "match_encoded",
    "match_registries",
    "read_encoded",
]

# Dice on balanced encodings sits higher for everyone (half the bits are complements that
# agree by chance), so each hardening has its own fixed cut-off, chosen on synthetic data:
# the fallback when the score distribution cannot be fitted.
DEFAULT_THRESHOLDS: dict[str, float] = {"none": 0.8, "balance": 0.9, "blip": 0.7}
# Pairs are scored and assigned down to these bounds: well under any useful threshold, so
# the fitted distribution sees both groups and --pairs-out lets the cut move down.
DEFAULT_FLOORS: dict[str, float] = {"none": 0.6, "balance": 0.75, "blip": 0.5}
ENCODED_COLUMNS = ("record_id", "clk", "block_1", "block_2", "block_3", "document_token")


@dataclass
class MatchResult:
    """The outcome of a privacy-preserving match.

    Attributes:
        pairs: ``record_id_a, record_id_b, score`` at or above the threshold, best first.
        assigned: Every one-to-one pair down to ``floor`` (``--pairs-out``): cutting it at
            any threshold above the floor gives what a run at that threshold gives.
        threshold: The threshold used.
        floor: The lower bound of ``assigned``.
        auto: The threshold estimated from the score distribution, with its expected
            precision and recall (estimated also when the user chose one, for comparison).
        histogram: Scores of the assigned pairs, with the threshold.
    """

    pairs: pd.DataFrame
    assigned: pd.DataFrame
    threshold: float
    floor: float
    auto: AutoThreshold
    histogram: ScoreHistogram


def read_encoded(path: str | Path) -> tuple[pa.Table, dict[str, object]]:
    """Read an encoded file and its encoding parameters."""
    path = Path(path)
    if not path.is_file():
        raise LinkageError(
            Text(
                N_("%(path)s does not exist; expected a file from `ruta link encode`"),
                path=str(path),
            ),
            field="encoded",
        )
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise LinkageError(
            Text(
                N_("%(path)s is not a readable Parquet file (%(detail)s)"),
                path=str(path),
                detail=str(exc),
            ),
            field="encoded",
        ) from exc
    meta = (table.schema.metadata or {}).get(METADATA_KEY)
    if meta is None or "clk" not in table.column_names:
        raise LinkageError(
            Text(
                N_("%(path)s has no encoding metadata; expected output of `ruta link encode`"),
                path=str(path),
            ),
            field="encoded",
        )
    return table, dict(json.loads(meta))


def _words(table: pa.Table) -> np.ndarray:
    clk = table.column("clk").combine_chunks()
    width = clk.type.byte_width
    raw = np.frombuffer(
        clk.buffers()[1], dtype=np.uint64, count=len(clk) * width // 8, offset=clk.offset * width
    )
    return raw.reshape(len(clk), width // 8)


def _side(table: pa.Table) -> pa.Table:
    words = _words(table)
    cols = {"i": pa.array(np.arange(len(words), dtype=np.int64))}
    cols.update({f"w{j}": pa.array(words[:, j]) for j in range(words.shape[1])})
    cols["pc"] = pa.array(np.bitwise_count(words).sum(axis=1).astype(np.int32))
    for name in ("block_1", "block_2", "block_3", "document_token"):
        cols[name] = table.column(name)
    return pa.table(cols)


def _one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    chosen = []
    # A total order (score, then row numbers) makes mutual-best rounds equal to greedy.
    remaining = pairs.sort_values(["score", "ia", "ib"], ascending=[False, True, True])
    while len(remaining):
        best_a = ~remaining.duplicated("ia", keep="first")
        best_b = ~remaining.duplicated("ib", keep="first")
        mutual = remaining[best_a & best_b]
        chosen.append(mutual)
        remaining = remaining[
            ~remaining["ia"].isin(mutual["ia"]) & ~remaining["ib"].isin(mutual["ib"])
        ]
    return pd.concat(chosen) if chosen else pairs.iloc[:0]


def _second_best(pairs: pd.DataFrame, best: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each record's best score with a record other than its assigned partner, per side."""
    out = []
    for side, other in (("ia", "ib"), ("ib", "ia")):
        partner = pd.Series(best[other].to_numpy(), index=best[side].to_numpy())
        mine = pairs[side].map(partner)
        rest = pairs[mine.isna() | (pairs[other] != mine)]
        out.append(rest.groupby(side)["score"].max().to_numpy())
    return out[0], out[1]


def match_encoded(
    a: pa.Table,
    b: pa.Table,
    *,
    threshold: float | None = None,
    hardening: str = "balance",
    threads: int | None = None,
) -> pd.DataFrame:
    """Match two encoded registries: the pairs of :func:`match_registries`.

    Args:
        a: Encoded registry of the first state.
        b: Encoded registry of the second state.
        threshold: Minimum score; by default estimated from the score distribution.
        hardening: The hardening both files used.
        threads: DuckDB threads (default: all cores).

    Returns:
        ``record_id_a, record_id_b, score`` one-to-one, best first. The score is the Dice
        coefficient, raised halfway towards 1 when the keyed document tokens agree.
    """
    return match_registries(a, b, threshold=threshold, hardening=hardening, threads=threads).pairs


def match_registries(
    a: pa.Table,
    b: pa.Table,
    *,
    threshold: float | None = None,
    hardening: str = "balance",
    floor: float | None = None,
    threads: int | None = None,
) -> MatchResult:
    """Match two encoded registries one-to-one, the threshold given or estimated.

    Args:
        a: Encoded registry of the first state.
        b: Encoded registry of the second state.
        threshold: Minimum score; ``None`` estimates it from the distribution of the
            assigned pairs' scores (:func:`ruta.linkage._threshold.estimate_threshold`),
            falling back to the hardening's value in DEFAULT_THRESHOLDS.
        hardening: The hardening both files used.
        floor: Score and assign pairs down to this bound (default: DEFAULT_FLOORS).
        threads: DuckDB threads (default: all cores).

    Returns:
        The pairs at the threshold, every assigned pair down to the floor, the threshold
        and its estimated precision and recall, the score histogram.
    """
    fallback = DEFAULT_THRESHOLDS.get(hardening, 0.8)
    low = DEFAULT_FLOORS.get(hardening, 0.6) if floor is None else floor
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise LinkageError(
            Text(N_("got %(value)s; expected a score between 0 and 1"), value=str(threshold)),
            field="threshold",
        )
    if not 0.0 < low <= 1.0:
        raise LinkageError(
            Text(N_("got %(value)s; expected a score between 0 and 1"), value=str(low)),
            field="pairs_floor",
        )
    if threshold is not None:
        low = min(low, threshold)
    cut = low
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    side_a, side_b = _side(a), _side(b)
    con.register("a", side_a)
    con.register("b", side_b)
    n_words = sum(1 for c in side_a.column_names if c.startswith("w"))
    inter = " + ".join(f"bit_count(a.w{j} & b.w{j})" for j in range(n_words))
    score = "CASE WHEN a.document_token = b.document_token THEN (1 + d) / 2 ELSE d END"
    joins = [f"a.{k} = b.{k} AND a.{k} >= 0" for k in ("block_1", "block_2", "block_3")]
    joins.append("a.document_token = b.document_token")
    selects = [
        f"SELECT ia, ib, {score.replace('a.', 'ta').replace('b.', 'tb')} AS score FROM ("
        f"SELECT a.i AS ia, b.i AS ib, a.document_token AS tadocument_token, "
        f"b.document_token AS tbdocument_token, 2.0 * ({inter}) / (a.pc + b.pc) AS d "
        f"FROM a JOIN b ON {cond})"
        for cond in joins
    ]
    sql = (
        f"SELECT ia, ib, max(score) AS score FROM ({' UNION ALL '.join(selects)}) "
        f"WHERE score >= {cut} GROUP BY ia, ib"
    )
    pairs = con.execute(sql).df()
    con.close()
    best = _one_to_one(pairs)
    ids_a = np.asarray(a.column("record_id").to_pylist(), dtype=object)
    ids_b = np.asarray(b.column("record_id").to_pylist(), dtype=object)
    assigned = (
        pd.DataFrame(
            {
                "record_id_a": ids_a[best["ia"].to_numpy()],
                "record_id_b": ids_b[best["ib"].to_numpy()],
                "score": best["score"].round(4).to_numpy(),
            }
        )
        .sort_values("score", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    second_a, second_b = _second_best(pairs, best)
    auto = estimate_threshold(
        assigned["score"].to_numpy(),
        second_a,
        second_b,
        len(a),
        len(b),
        floor=low,
        fallback=fallback,
    )
    used = auto.threshold if threshold is None else threshold
    kept = assigned[assigned["score"] >= used].reset_index(drop=True)
    histogram = dice_histogram(assigned["score"].to_numpy(), used, floor=low)
    return MatchResult(kept, assigned, used, low, auto, histogram)
