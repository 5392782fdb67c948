"""Hardening of Bloom-filter encodings against frequency and pattern attacks.

``balance`` appends the complement and permutes the 2048 bits with a keyed permutation: every
encoding then has exactly 1024 ones, so the Hamming weight (which correlates with name length
and frequency) tells an attacker nothing. ``blip`` flips each bit with probability ``f``
(randomised response, epsilon-differential privacy per bit with ``eps = ln((2 - f) / f)``),
which blurs the bit patterns that frequent bigrams leave.
"""

from __future__ import annotations

import secrets
from typing import Literal

import numpy as np

from ruta.linkage._keys import derive_key

__all__ = ["Hardening", "balance", "blip"]

Hardening = Literal["none", "balance", "blip"]
_CHUNK = 20_000


def balance(clks: np.ndarray, secret: bytes) -> np.ndarray:
    """Balance encodings: ``(n, w)`` uint64 -> ``(n, 2w)`` uint64, exactly half the bits set.

    Examples:
        >>> x = np.array([[1, 0]], dtype=np.uint64)
        >>> out = balance(x, b"s" * 16)
        >>> out.shape, int(np.bitwise_count(out).sum())
        ((1, 4), 128)
    """
    n, words = clks.shape
    bits = words * 64
    seed = int.from_bytes(derive_key(secret, "harden:balance-permutation"), "big")
    permutation = np.random.default_rng(seed).permutation(2 * bits)
    out = np.empty((n, 2 * words), dtype=np.uint64)
    for start in range(0, n, _CHUNK):
        block = clks[start : start + _CHUNK]
        unpacked = np.unpackbits(np.concatenate([block, ~block], axis=1).view(np.uint8), axis=1)
        packed = np.packbits(unpacked[:, permutation], axis=1)
        out[start : start + _CHUNK] = np.ascontiguousarray(packed).view(np.uint64)
    return out


def blip(clks: np.ndarray, flip: float, seed: int | None = None) -> np.ndarray:
    """Flip each bit independently with probability ``flip`` (BLIP).

    Args:
        clks: ``(n, w)`` uint64 encodings.
        flip: Probability of flipping a bit, in ``[0, 0.5)``.
        seed: Only for reproducible tests; by default the randomness is fresh each run,
            because a reproducible flip pattern would let runs be averaged to undo it.

    Examples:
        >>> x = np.zeros((2, 16), dtype=np.uint64)
        >>> int(np.bitwise_count(blip(x, 0.0, seed=1)).sum())
        0
    """
    rng = np.random.default_rng(seed if seed is not None else secrets.randbits(128))
    n, words = clks.shape
    out = clks.copy()
    for start in range(0, n, _CHUNK):
        rows = min(_CHUNK, n - start)
        flips = np.packbits(rng.random((rows, words * 64), dtype=np.float32) < flip, axis=1)
        out[start : start + rows] ^= flips.view(np.uint64)
    return out
