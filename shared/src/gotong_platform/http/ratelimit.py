"""A per-principal rate limit: one token bucket per subject, in this process's memory.

Each principal may make ``burst`` requests at once and ``per_second`` on average after
that; beyond, the answer is 429 with ``Retry-After`` (whole seconds until one request
is allowed again). The buckets live in the API process: with N workers or pods behind
a load balancer a principal gets up to N times the limit. That is the accepted trade
(no shared store on the request path); docs/operations.md says so.

Time comes from ``time.monotonic`` (never the wall clock, which can jump), or from the
``clock`` a test passes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]

# Buckets that have filled up again are forgotten once this many principals are held,
# so a stream of distinct subjects cannot grow the process's memory without bound.
_MAX_TRACKED = 10_000


class RateLimiter:
    """``acquire(key)`` takes one request from ``key``'s bucket."""

    def __init__(self, *, per_second: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")
        self._rate = per_second
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def acquire(self, key: str) -> int | None:
        """None when the request may go ahead; else the seconds to wait (at least 1)."""
        now = self._clock()
        tokens, at = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        if tokens >= 1.0:
            self._remember(key, tokens - 1.0, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self._rate))

    def _remember(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= _MAX_TRACKED:
            self._forget_full(now)
        self._buckets[key] = (tokens, now)

    def _forget_full(self, now: float) -> None:
        full = [key for key, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self._rate >= self._burst]
        for key in full:
            del self._buckets[key]
