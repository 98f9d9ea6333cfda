"""What a soak's samples say: pure functions, no I/O (unit-tested with hypothesis).

* ``slope_per_window``: the least-squares slope of a series (RSS over time), in units per
  ten minutes. Least squares rather than end minus start: one sample taken during a
  garbage collection or a burst of requests moves the end points, not the fitted line.
* ``latency_windows``: p50/p99/max of the request latencies per ten minutes, so a
  slow degradation shows as a rising p99 from one window to the next.
* ``drained``: whether a backlog or lag series ends at zero (after the load stopped, the
  soak waits for the pipeline to catch up; a series that never reaches 0 is a leak of
  another kind: events or records that pile up).
* ``judge``: the failures of a run, each a sentence; none means it passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["LIMIT_MB_PER_10_MIN", "WINDOW_S", "LatencyWindow", "Point", "SeriesSummary",
           "drained", "judge", "latency_windows", "percentile", "slope_per_window",
           "summarise_rss", "summarise_series"]

WINDOW_S = 600.0  # ten minutes: the unit of the slope and of the latency windows
# A process whose RSS grows by this much per ten minutes fails the soak (issue 14: "the
# soak's memory is flat (slope under 1 MB per 10 minutes per process)").
LIMIT_MB_PER_10_MIN = 1.0

Point = tuple[float, float]  # (seconds since the load started, value)


def slope_per_window(points: Sequence[Point], window_s: float = WINDOW_S) -> float | None:
    """The least-squares slope of ``points`` in value units per ``window_s`` seconds;
    None with fewer than two distinct times (no line can be fitted)."""
    n = len(points)
    if n < 2:
        return None
    mean_t = math.fsum(t for t, _ in points) / n
    mean_v = math.fsum(v for _, v in points) / n
    sxx = math.fsum((t - mean_t) ** 2 for t, _ in points)
    if sxx <= 0.0:
        return None
    sxy = math.fsum((t - mean_t) * (v - mean_v) for t, v in points)
    return sxy / sxx * window_s


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of a non-empty sequence: always a value
    that was measured, never an interpolation between two."""
    if not values:
        raise ValueError("no values")
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile {q} is not in 0..100")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LatencyWindow:
    start_s: float
    end_s: float
    count: int
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None


def latency_windows(latencies: Iterable[Point], duration_s: float,
                    window_s: float = WINDOW_S) -> list[LatencyWindow]:
    """Latencies (time sent, milliseconds) grouped into windows of ``window_s`` from 0 to
    ``duration_s``; the last window may be shorter. A request counts in the window it was
    sent in; one sent at or after ``duration_s`` is left out (a late straggler)."""
    if duration_s <= 0:
        return []
    count = math.ceil(duration_s / window_s)
    buckets: list[list[float]] = [[] for _ in range(count)]
    for t, ms in latencies:
        if 0.0 <= t < duration_s:
            buckets[min(int(t // window_s), count - 1)].append(ms)
    out = []
    for i, bucket in enumerate(buckets):
        start, end = i * window_s, min((i + 1) * window_s, duration_s)
        if bucket:
            out.append(LatencyWindow(start, end, len(bucket), percentile(bucket, 50),
                                     percentile(bucket, 99), max(bucket)))
        else:
            out.append(LatencyWindow(start, end, 0, None, None, None))
    return out


def drained(points: Sequence[Point]) -> bool:
    """Whether the series ends at 0 (an empty series has nothing left over)."""
    return not points or points[-1][1] == 0


@dataclass(frozen=True)
class SeriesSummary:
    """A process's RSS, or a backlog or lag, over the run."""

    name: str
    start: float | None
    end: float | None
    max: float | None
    slope_per_10_min: float | None  # after the warm-up; None when too few samples


def summarise_rss(name: str, points: Sequence[Point], warmup_s: float) -> SeriesSummary:
    """RSS in MB: its first and last sample, its largest, and its slope after the warm-up
    (the first minutes fill caches, pools and the allocator's arenas: growth that stops)."""
    settled = [p for p in points if p[0] >= warmup_s]
    return SeriesSummary(
        name=name, start=points[0][1] if points else None,
        end=points[-1][1] if points else None,
        max=max((v for _, v in points), default=None),
        slope_per_10_min=slope_per_window(settled))


def summarise_series(name: str, points: Sequence[Point]) -> SeriesSummary:
    """A backlog or lag: no slope (it is judged by whether it drains)."""
    return SeriesSummary(name=name, start=points[0][1] if points else None,
                         end=points[-1][1] if points else None,
                         max=max((v for _, v in points), default=None), slope_per_10_min=None)


def judge(rss: Sequence[SeriesSummary], backlogs: Mapping[str, Sequence[Point]],
          lags: Mapping[str, Sequence[Point]], status_counts: Mapping[str, int],
          limit_mb: float = LIMIT_MB_PER_10_MIN) -> list[str]:
    """The reasons the run failed, one sentence each; empty when it passed.

    Fails on: a process whose RSS slope is ``limit_mb`` or more per ten minutes (or that
    could not be measured), any 5xx answer or connection error, and a backlog or lag that
    does not end at 0.
    """
    failures = []
    for s in rss:
        if s.slope_per_10_min is None:
            failures.append(f"{s.name}: too few RSS samples after the warm-up for a slope")
        elif s.slope_per_10_min >= limit_mb:
            failures.append(f"{s.name}: RSS grows {s.slope_per_10_min:.2f} MB per 10 minutes "
                            f"(limit {limit_mb:g})")
    server_errors = sum(n for status, n in status_counts.items() if status.startswith("5"))
    if server_errors:
        failures.append(f"{server_errors} answers were 5xx")
    unanswered = sum(n for status, n in status_counts.items() if not status[:1].isdigit())
    if unanswered:
        failures.append(f"{unanswered} requests got no answer (connection errors, timeouts)")
    for kind, series in (("outbox backlog", backlogs), ("consumer lag", lags)):
        for name, points in series.items():
            if not drained(points):
                failures.append(f"{kind} of {name} did not drain: {points[-1][1]:g} at the end")
    return failures
