"""An unsupervised threshold for privacy-preserving matching, read off the score distribution.

After one-to-one assignment, each record keeps its best partner. The scores of the assigned
pairs are a mixture of two groups: the people both states hold (their encodings agree but
for typos) and the others, who are assigned their closest look-alike. The second group's
distribution is measured rather than assumed: for a record whose partner is its true match,
its best *other* candidate is exactly a closest look-alike, so the records' second-best
scores estimate how often a look-alike reaches any score ``t``. With that,

- the number of people in both files is ``M = (A - n q) / (1 - q)`` at the floor (``A``
  assigned pairs, ``n`` records in the smaller file, ``q`` the share of records with a
  look-alike above the floor),
- the expected false pairs at or above ``t`` are ``(n - M) q(t)`` and the true ones the rest,

which gives an estimated precision and recall for every cut; the threshold is the middle of
the cuts with the best estimated F1. A parametric fit (two Gaussians, or an exponential and a
Gaussian) was tried and rejected: the match group's shape changes with the hardening (a
spike at 1.0 for ``balance`` and ``none``, a bell for ``blip``), and on FEBRL-like and
synthetic files the fits put the cut too high (Dice 0.95 instead of 0.86 for ``balance``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["AutoThreshold", "estimate_threshold"]

_MIN_PAIRS = 20


@dataclass(frozen=True)
class AutoThreshold:
    """The estimated threshold and what it is expected to give.

    Attributes:
        threshold: The chosen cut (pairs at or above it are matches).
        precision: Estimated share of true matches among the pairs kept.
        recall: Estimated share of the people in both files that are kept.
        matches: Estimated number of people in both files.
        fitted: False when there were too few pairs, or no group of matches stood out;
            ``threshold`` is then the caller's fallback.
    """

    threshold: float
    precision: float
    recall: float
    matches: float
    fitted: bool = True


def _share_at_or_above(sorted_values: np.ndarray, cuts: np.ndarray, n: int) -> np.ndarray:
    return (len(sorted_values) - np.searchsorted(sorted_values, cuts, "left")) / max(n, 1)


def estimate_threshold(
    assigned: np.ndarray,
    second_a: np.ndarray,
    second_b: np.ndarray,
    n_a: int,
    n_b: int,
    *,
    floor: float,
    fallback: float,
) -> AutoThreshold:
    """Choose the cut with the best estimated F1 (see the module's explanation).

    Args:
        assigned: Scores of the one-to-one pairs at or above ``floor``.
        second_a: Each A record's best score with a B record other than its partner
            (only those at or above ``floor``).
        second_b: The same for the B records.
        n_a: Records in A.
        n_b: Records in B.
        floor: The bound the pairs were scored down to.
        fallback: The threshold when nothing can be estimated.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> # 1,000 records a side, 700 people in both; half the records have a look-alike
        >>> # above the floor, so 150 of the 300 others are assigned one.
        >>> matches, lookalikes = rng.uniform(0.9, 1.0, 700), rng.uniform(0.7, 0.86, 150)
        >>> second = rng.uniform(0.7, 0.86, 500)
        >>> auto = estimate_threshold(np.r_[matches, lookalikes], second, second, 1000, 1000,
        ...                           floor=0.7, fallback=0.9)
        >>> 0.86 < auto.threshold <= 0.91, round(auto.matches), round(auto.precision, 2)
        (True, 700, 1.0)
    """
    scores = np.sort(np.asarray(assigned, dtype=float))
    none = AutoThreshold(fallback, float("nan"), float("nan"), float("nan"), fitted=False)
    if len(scores) < _MIN_PAIRS:
        return none
    sa, sb = np.sort(np.asarray(second_a, float)), np.sort(np.asarray(second_b, float))
    n = min(n_a, n_b)
    cuts = np.unique(scores)
    look = (_share_at_or_above(sa, cuts, n_a) + _share_at_or_above(sb, cuts, n_b)) / 2
    floor_share = float(
        (
            _share_at_or_above(sa, np.array([floor]), n_a)[0]
            + _share_at_or_above(sb, np.array([floor]), n_b)[0]
        )
        / 2
    )
    if floor_share >= 1.0:
        return none
    matches = (len(scores) - n * floor_share) / (1.0 - floor_share)
    if matches < 1.0:
        return none
    kept = len(scores) - np.searchsorted(scores, cuts, "left")
    false = max(n - matches, 0.0) * look
    true = np.clip(kept - false, 0.0, None)
    precision = true / np.maximum(kept, 1)
    recall = np.minimum(true / matches, 1.0)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    # The middle of the best cuts: a plateau of equal estimates has no better end.
    best = np.flatnonzero(f1 >= f1.max() - 1e-9)
    i = int(best[len(best) // 2])
    return AutoThreshold(
        float(cuts[i]), float(precision[i]), float(recall[i]), float(min(matches, n))
    )
