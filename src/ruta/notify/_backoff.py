"""When to try a failed delivery again: exponential back-off with jitter."""

from __future__ import annotations

import random

__all__ = ["retry_delay"]


def retry_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    jitter: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1 for the first failure).

    The ceiling doubles with each attempt, from ``base`` up to ``cap``; the wait is half the
    ceiling plus a random share of the other half ("equal jitter"). Why jitter: when the
    mail server comes back after an outage, every message that failed meanwhile would
    otherwise be retried in the same second, and fail again together.

    Args:
        attempt: How many attempts have failed so far (>= 1).
        base: The first ceiling, in seconds.
        cap: The largest ceiling, in seconds.
        jitter: The random share in [0, 1]; drawn from ``rng`` when ``None``.
        rng: The random source (tests pass a seeded one).

    Examples:
        >>> [retry_delay(n, base=30, cap=3600, jitter=0.0) for n in (1, 2, 3, 10)]
        [15.0, 30.0, 60.0, 1800.0]
        >>> retry_delay(1, base=30, cap=3600, jitter=1.0)
        30.0
    """
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    share: float = (rng or random).random() if jitter is None else min(1.0, max(0.0, jitter))
    return ceiling / 2 + ceiling / 2 * share
