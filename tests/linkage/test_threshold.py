"""The automatic threshold for privacy-preserving matching (ruta.linkage._threshold)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage._threshold import estimate_threshold


def _naive(assigned, second_a, second_b, n_a, n_b, floor):  # type: ignore[no-untyped-def]  # a reference, typed by its use
    """The estimate written out cut by cut, as the module's explanation states it."""
    n = min(n_a, n_b)
    q0 = (sum(s >= floor for s in second_a) / n_a + sum(s >= floor for s in second_b) / n_b) / 2
    if q0 >= 1:
        return None, 0.0
    matches = (len(assigned) - n * q0) / (1 - q0)
    if matches < 1:
        return None, matches
    results = []
    for t in sorted(set(assigned)):
        q = (sum(s >= t for s in second_a) / n_a + sum(s >= t for s in second_b) / n_b) / 2
        kept = sum(s >= t for s in assigned)
        true = max(kept - max(n - matches, 0) * q, 0)
        p, r = true / kept, min(true / matches, 1)
        results.append((2 * p * r / (p + r) if p + r else 0.0, t, p, r))
    top = max(f for f, *_ in results)
    best = [x for x in results if x[0] >= top - 1e-9]
    return best[len(best) // 2][1:], matches


scores = st.floats(0.5, 1.0, allow_nan=False)


@settings(deadline=None, max_examples=60)
@given(
    assigned=st.lists(scores, min_size=20, max_size=80),
    second_a=st.lists(scores, max_size=60),
    second_b=st.lists(scores, max_size=60),
    extra=st.integers(0, 100),
)
def test_vectorised_estimate_agrees_with_the_naive_one(
    assigned: list[float], second_a: list[float], second_b: list[float], extra: int
) -> None:
    n_a, n_b = len(assigned) + len(second_a) + extra, len(assigned) + len(second_b) + extra
    auto = estimate_threshold(
        np.array(assigned),
        np.array(second_a),
        np.array(second_b),
        n_a,
        n_b,
        floor=0.5,
        fallback=0.9,
    )
    naive, _matches = _naive(assigned, second_a, second_b, n_a, n_b, 0.5)
    if naive is None:
        assert not auto.fitted and auto.threshold == 0.9
    else:
        t, p, r = naive
        assert auto.fitted
        assert (auto.threshold, round(auto.precision, 9), round(auto.recall, 9)) == (
            t,
            round(p, 9),
            round(r, 9),
        )


def test_the_cut_falls_between_look_alikes_and_matches() -> None:
    # 5,000 records a side, 1,500 people in both; 400 of the 3,500 others are assigned a
    # look-alike above the floor, so about 400 / 3,500 of all records have one.
    rng = np.random.default_rng(7)
    matches = np.clip(1 - rng.exponential(0.02, 1500), 0.8, 1.0)  # a spike at 1, a tail
    lookalikes = rng.normal(0.79, 0.02, 400)
    second = rng.normal(0.79, 0.02, 571)
    auto = estimate_threshold(
        np.r_[matches, lookalikes], second, second, 5000, 5000, floor=0.75, fallback=0.9
    )
    kept = np.r_[matches, lookalikes] >= auto.threshold
    true_kept = kept[:1500].sum()
    assert true_kept / kept.sum() > 0.98 and true_kept / 1500 > 0.97
    assert abs(auto.matches - 1500) < 150


def test_too_few_pairs_fall_back() -> None:
    auto = estimate_threshold(
        np.array([0.95, 0.99]), np.array([]), np.array([]), 10, 10, floor=0.75, fallback=0.9
    )
    assert not auto.fitted and auto.threshold == 0.9
