"""Pairwise precision, recall and F1 against a ground-truth ``person_id``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PairwiseScores", "cluster_pairs", "pairwise_scores"]


@dataclass(frozen=True)
class PairwiseScores:
    """Pairwise accuracy.

    Attributes:
        true_positives: Predicted pairs that are true pairs.
        predicted: Predicted pairs.
        actual: True pairs.
    """

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are right (1.0 when nothing was predicted)."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs found (1.0 when there were none)."""
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def cluster_pairs(ids: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """All within-group pairs ``(id_l < id_r)`` of a clustering, vectorised per group size.

    Examples:
        >>> cluster_pairs(pd.Series(["a", "b", "c"]), pd.Series([1, 1, 1])).shape
        (3, 2)
    """
    frame = pd.DataFrame({"id": ids.astype(str).to_numpy(), "g": groups.to_numpy()})
    frame = frame.merge(frame, on="g", suffixes=("_l", "_r"))
    frame = frame[frame["id_l"] < frame["id_r"]]
    return frame[["id_l", "id_r"]].reset_index(drop=True)


def pairwise_scores(predicted: pd.DataFrame, truth: pd.DataFrame) -> PairwiseScores:
    """Compare two pair sets given as ``id_l, id_r`` frames (order inside a pair ignored).

    Examples:
        >>> p = pd.DataFrame({"id_l": ["a", "c"], "id_r": ["b", "d"]})
        >>> t = pd.DataFrame({"id_l": ["b"], "id_r": ["a"]})
        >>> s = pairwise_scores(p, t)
        >>> s.precision, s.recall
        (0.5, 1.0)
    """

    def canon(frame: pd.DataFrame) -> pd.Index:
        left = frame.iloc[:, 0].astype(str).to_numpy()
        right = frame.iloc[:, 1].astype(str).to_numpy()
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        return pd.Index(pd.Series(lo) + "\x1f" + pd.Series(hi)).unique()

    p, t = canon(predicted), canon(truth)
    return PairwiseScores(len(p.intersection(t)), len(p), len(t))
