"""The token bucket behind the per-principal rate limit, on a clock the test moves."""

from __future__ import annotations

import pytest

from gotong_platform.http import ratelimit
from gotong_platform.http.ratelimit import RateLimiter

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_sustained_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(per_second=2.0, burst=3, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [None, None, None]
    assert limiter.acquire("a") == 1  # half a second to the next token: 1 whole second
    clock.now += 0.5
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 1
    clock.now += 10  # refills up to the burst, never beyond
    assert [limiter.acquire("a") for _ in range(4)] == [None, None, None, 1]


def test_retry_after_is_the_whole_seconds_until_the_next_request() -> None:
    clock = Clock()
    limiter = RateLimiter(per_second=0.1, burst=1, clock=clock)
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 10
    clock.now += 7.5
    assert limiter.acquire("a") == 3


def test_refused_requests_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(per_second=1.0, burst=1, clock=clock)
    assert limiter.acquire("a") is None
    for _ in range(50):
        assert limiter.acquire("a") == 1
    clock.now += 1.0
    assert limiter.acquire("a") is None


def test_principals_have_separate_buckets() -> None:
    limiter = RateLimiter(per_second=1.0, burst=1, clock=Clock())
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 1
    assert limiter.acquire("b") is None


def test_full_buckets_are_forgotten_when_many_principals_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "_MAX_TRACKED", 10)
    clock = Clock()
    limiter = RateLimiter(per_second=1.0, burst=2, clock=clock)
    for n in range(10):
        limiter.acquire(f"caller-{n}")
    limiter.acquire("busy")
    limiter.acquire("busy")
    clock.now += 5  # every bucket has filled up again; "busy" is refilled too
    limiter.acquire("busy")
    limiter.acquire("newcomer")
    assert set(limiter._buckets) == {"busy", "newcomer"}  # the idle ones were dropped


@pytest.mark.parametrize(("per_second", "burst"), [(0, 1), (-1, 5), (1, 0)])
def test_a_limiter_needs_a_positive_rate_and_burst(per_second: float, burst: int) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        RateLimiter(per_second=per_second, burst=burst)
