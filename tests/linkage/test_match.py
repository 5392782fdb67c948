from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruta.linkage import EncodingParams, encode_registry, match_encoded

from .conftest import as_registry

SECRET = b"a-shared-secret-of-two-states"


def _f1(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> float:
    pa_ = dict(zip(a.record_id, a.person_id, strict=True))
    pb = dict(zip(b.record_id, b.person_id, strict=True))
    tp = sum(pa_[x] == pb[y] for x, y in zip(pairs.record_id_a, pairs.record_id_b, strict=True))
    truth = len(set(a.person_id) & set(b.person_id))
    precision, recall = tp / max(len(pairs), 1), tp / truth
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("hardening", ["balance", "blip", "none"])
def test_cross_border_match_is_accurate(split_2000, hardening: str) -> None:  # type: ignore[no-untyped-def]
    a, b = split_2000
    params = EncodingParams(hardening=hardening)  # type: ignore[arg-type]
    ea = encode_registry(as_registry(a), SECRET, params, seed=1)
    eb = encode_registry(as_registry(b), SECRET, params, seed=2)
    pairs = match_encoded(ea, eb, hardening=hardening)
    assert list(pairs.columns) == ["record_id_a", "record_id_b", "score"]
    assert _f1(pairs, a, b) >= 0.95
    # One-to-one: no record on either side appears twice.
    assert pairs.record_id_a.is_unique and pairs.record_id_b.is_unique
    assert pairs.score.is_monotonic_decreasing


def test_wrong_secret_finds_nothing(split_2000) -> None:  # type: ignore[no-untyped-def]
    a, b = split_2000
    ea = encode_registry(as_registry(a.head(500)), SECRET)
    eb = encode_registry(as_registry(b.head(500)), b"some-other-states-secret")
    assert len(match_encoded(ea, eb)) == 0


def _table(words: np.ndarray, blocks: np.ndarray, tokens: list[str | None]) -> pa.Table:
    width = words.shape[1] * 8
    clk = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(words), [None, pa.py_buffer(words.tobytes())]
    )
    return pa.table(
        {
            "record_id": [f"r{i}" for i in range(len(words))],
            "clk": clk,
            "block_1": blocks,
            "block_2": np.full(len(words), -1, dtype=np.int16),
            "block_3": np.full(len(words), -1, dtype=np.int16),
            "document_token": pa.array(tokens, type=pa.string()),
        }
    )


def _reference(
    wa: np.ndarray,
    wb: np.ndarray,
    ba: np.ndarray,
    bb: np.ndarray,
    ta: list[str | None],
    tb: list[str | None],
    cut: float,
) -> list[tuple[int, int, float]]:
    """Naive scalar Dice and greedy one-to-one, for the oracle test."""
    cands = []
    for i in range(len(wa)):
        for j in range(len(wb)):
            same_doc = ta[i] is not None and ta[i] == tb[j]
            if not (ba[i] == bb[j] and ba[i] >= 0) and not same_doc:
                continue
            inter = sum(bin(int(x) & int(y)).count("1") for x, y in zip(wa[i], wb[j], strict=True))
            total = sum(bin(int(x)).count("1") for x in wa[i]) + sum(
                bin(int(y)).count("1") for y in wb[j]
            )
            d = 2 * inter / total if total else 0.0
            score = (1 + d) / 2 if same_doc else d
            if score >= cut:
                cands.append((score, i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for score, i, j in cands:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j, round(score, 4)))
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 25), st.integers(1, 25))
def test_vectorised_match_agrees_with_naive_reference(seed: int, na: int, nb: int) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct bit patterns so that ties and near-duplicates occur.
    base = rng.integers(0, 2**63, size=(6, 2), dtype=np.uint64)
    wa = base[rng.integers(0, 6, na)] ^ (rng.random((na, 2)) < 0.3).astype(np.uint64)
    wb = base[rng.integers(0, 6, nb)] ^ (rng.random((nb, 2)) < 0.3).astype(np.uint64)
    ba = rng.integers(-1, 3, na).astype(np.int16)
    bb = rng.integers(-1, 3, nb).astype(np.int16)
    ta = [None if x == 0 else f"t{x}" for x in rng.integers(0, 4, na)]
    tb = [None if x == 0 else f"t{x}" for x in rng.integers(0, 4, nb)]
    got = match_encoded(_table(wa, ba, ta), _table(wb, bb, tb), threshold=0.5)
    expected = _reference(wa, wb, ba, bb, ta, tb, 0.5)
    assert sorted(got.score.tolist(), reverse=True) == pytest.approx(
        sorted((s for _, _, s in expected), reverse=True), abs=1e-4
    )
    # Same pairs when there are no ties in score.
    if len({s for _, _, s in expected}) == len(expected):
        got_pairs = set(zip(got.record_id_a, got.record_id_b, strict=True))
        assert got_pairs == {(f"r{i}", f"r{j}") for i, j, _ in expected}
