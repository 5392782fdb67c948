"""Score distributions: what a user looks at to choose a threshold.

A deduplication's scores are match weights (log2 of the odds that two records are the same
person), shown with the probability each bin stands for; a privacy-preserving match's are
Dice scores in [0, 1]. Either way a good threshold sits in the valley between the large
mass of different people and the mass of duplicates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ScoreHistogram", "dice_histogram", "weight_histogram", "weight_to_probability"]


def weight_to_probability(weight: float) -> float:
    """Match probability of a match weight (log2 odds).

    Examples:
        >>> weight_to_probability(0.0), round(weight_to_probability(3.17), 2)
        (0.5, 0.9)
    """
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def probability_to_weight(probability: float) -> float:
    """Match weight (log2 odds) of a probability in (0, 1)."""
    return math.log2(probability / (1.0 - probability))


@dataclass(frozen=True)
class ScoreHistogram:
    """Counts of scored pairs per bin, and the threshold used.

    Attributes:
        edges: Bin edges, ascending (``len(counts) + 1`` of them).
        counts: Pairs per bin.
        threshold: The threshold, on the same scale as the edges.
        scale: ``match weight`` or ``Dice``.
        below: Scored pairs below the first edge (not binned).
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    threshold: float
    scale: str
    below: int = 0

    @property
    def total(self) -> int:
        """All scored pairs, binned or below."""
        return sum(self.counts) + self.below

    def rows(self) -> list[tuple[float, float, int, bool]]:
        """``(low, high, count, holds_threshold)`` per bin, highest scores first."""
        out = []
        for i, count in enumerate(self.counts):
            low, high = self.edges[i], self.edges[i + 1]
            out.append((low, high, count, low <= self.threshold < high))
        return out[::-1]


def weight_histogram(
    weights: Sequence[float] | np.ndarray,
    threshold_probability: float,
    *,
    floor: float,
    bins: int = 16,
) -> ScoreHistogram:
    """Bin match weights from ``floor`` up, in whole-bit steps merged to at most ``bins``.

    Examples:
        >>> h = weight_histogram([-5.0, 1.0, 10.2, 11.0], 0.9, floor=-10)
        >>> h.total, h.rows()[0][2], h.scale
        (4, 2, 'match weight')
    """
    values = np.asarray(weights, dtype=float)
    top = max(float(np.ceil(values.max())) if len(values) else 1.0, floor + 1)
    step = max(1.0, math.ceil((top - floor) / bins))
    edges = np.arange(floor, top + step, step)
    counts, _ = np.histogram(values[values >= floor], bins=edges)
    return ScoreHistogram(
        tuple(float(e) for e in edges),
        tuple(int(c) for c in counts),
        probability_to_weight(threshold_probability),
        "match weight",
        int((values < floor).sum()),
    )


def dice_histogram(
    scores: Sequence[float] | np.ndarray, threshold: float, *, floor: float, step: float = 0.02
) -> ScoreHistogram:
    """Bin Dice scores from ``floor`` to 1 in steps of ``step``.

    Examples:
        >>> h = dice_histogram([0.6, 0.95, 1.0], 0.9, floor=0.5, step=0.1)
        >>> h.rows()[:2], h.total
        ([(0.9, 1.0, 2, True), (0.8, 0.9, 0, False)], 3)
    """
    values = np.asarray(scores, dtype=float)
    n = max(1, math.ceil((1.0 - floor) / step))
    edges = np.round(np.linspace(floor, 1.0, n + 1), 6)
    counts, _ = np.histogram(values[values >= floor], bins=edges)
    return ScoreHistogram(
        tuple(float(e) for e in edges),
        tuple(int(c) for c in counts),
        threshold,
        "Dice",
        int((values < floor).sum()),
    )
